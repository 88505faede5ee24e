"""Rule 8: no beneficiary name in ids or file names; links and images stay in the dossier."""

from __future__ import annotations

import pytest
from helpers import BASE_ID, Project

SYNTHESE = "dossiers/2026-001/synthese.md"
LINE = 37  # the line appended after the synthèse's last paragraph


def _rename(project: Project, new_id: str) -> None:
    project.folder().rename(project.folder(new_id))
    for name in ("01-preliminaire.md", "02-investigation.md", "03-conclusions.md", "synthese.md"):
        project.replace(name, f'dossier: "{BASE_ID}"', f'dossier: "{new_id}"', ident=new_id)


@pytest.mark.parametrize("new_id", ["2026-quillebeuf", "zephyrine-2026", "bilan-zephyrine-q"])
def test_id_with_the_beneficiary_name(project: Project, new_id: str) -> None:
    _rename(project, new_id)
    assert project.lines() == [
        f"dossiers/{new_id}: avertissement: l'identifiant du dossier contient le nom du "
        "bénéficiaire : utilisez un pseudonyme [nom-dans-id]",
    ]


def test_id_with_a_longer_word_is_fine(project: Project) -> None:
    _rename(project, "2026-quillebeufs")
    assert project.diagnostics() == []


def test_file_names_with_the_beneficiary_name(project: Project) -> None:
    project.write("annexes/cv-quillebeuf.pdf", "%PDF")
    project.write("notes/Zéphyrine.md", "# Notes\n")
    assert project.lines() == [
        "dossiers/2026-001/annexes/cv-quillebeuf.pdf: avertissement: ce nom de fichier contient "
        "le nom du bénéficiaire : utilisez un pseudonyme [nom-dans-id]",
        "dossiers/2026-001/notes/Zéphyrine.md: avertissement: ce nom de fichier contient le nom "
        "du bénéficiaire : utilisez un pseudonyme [nom-dans-id]",
    ]


def test_names_shorter_than_three_letters_are_ignored(project: Project) -> None:
    project.replace("dossier.yml", "nom: Quillebeuf", "nom: Li")
    project.write("annexes/li.txt", "x")
    assert project.diagnostics() == []


def _link(project: Project, markdown: str) -> list[tuple[str, str, int]]:
    project.append("synthese.md", f"\n{markdown}\n")
    return project.triples()


@pytest.mark.parametrize(
    "markdown",
    [
        "[Synthèse voisine](../2026-002/synthese.md)",
        "[Racine](/index.md)",
        "[Caché](annexes/../../secret.md)",
        "[Encodé](%2e%2e/secret.md)",
        "[Windows](..\\secret.md)",
        "[Réf]: ../secret.md",
        '<a href="../secret.md">lien</a>',
        "![Image](../image.png)",
    ],
)
def test_link_leaving_the_dossier(project: Project, markdown: str) -> None:
    assert _link(project, markdown) == [("lien-hors-dossier", SYNTHESE, LINE)]


def test_link_leaving_the_dossier_message(project: Project) -> None:
    project.append("synthese.md", "\nVoir [la synthèse voisine](../2026-002/synthese.md).\n")
    assert project.lines() == [
        f"{SYNTHESE}:{LINE}: erreur: lien « ../2026-002/synthese.md » hors du dossier : seuls "
        "ses propres fichiers sont publiés [lien-hors-dossier]",
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "![Profil](https://example.org/profil.png)",
        "![Profil](//cdn.example.org/profil.png)",
        '<img src="http://example.org/profil.png" alt="Profil">',
        "![Profil](ftp://example.org/profil.png)",
    ],
)
def test_external_image(project: Project, markdown: str) -> None:
    assert _link(project, markdown) == [("image-externe", SYNTHESE, LINE)]


def test_external_image_message(project: Project) -> None:
    project.append("synthese.md", "\n![Profil](https://example.org/profil.png)\n")
    assert project.lines() == [
        f"{SYNTHESE}:{LINE}: erreur: image externe « https://example.org/profil.png » : "
        "copiez-la dans annexes/ (aucun appel à un tiers) [image-externe]",
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "[France Travail](https://www.francetravail.fr)",
        "[Écrire](mailto:contact@example.org)",
        "[Plus haut](#plan-daction)",
        "![Point](data:image/png;base64,iVBORw0KGgo=)",
        "![Profil](annexes/profil.png)",
        "![Profil](annexes/profil%20complet.png)",
        "[Phase préliminaire](01-preliminaire.md#format-retenu)",
        "`[pas un lien](../x.md)`",
        "```\n![pas une image](https://example.org/a.png)\n```",
        "<!-- ![commentaire](https://example.org/a.png) -->",
    ],
)
def test_allowed_links(project: Project, markdown: str) -> None:
    project.write("annexes/profil.png", "png")
    project.write("annexes/profil complet.png", "png")
    assert _link(project, markdown) == []


def test_private_notes_link(project: Project) -> None:
    project.write("notes/entretien.md", "# Notes\n")
    project.append("synthese.md", "\n[Notes](notes/entretien.md)\n")
    assert project.lines() == [
        f"{SYNTHESE}:{LINE}: erreur: lien « notes/entretien.md » vers notes/ : ces notes ne "
        "sont jamais publiées [lien-prive]",
    ]


def test_missing_target(project: Project) -> None:
    project.append("synthese.md", "\n![Profil](annexes/profil.png)\n")
    assert project.lines() == [
        f"{SYNTHESE}:{LINE}: erreur: lien « annexes/profil.png » : fichier introuvable dans le "
        "dossier [lien-introuvable]",
    ]


def test_image_outside_annexes(project: Project) -> None:
    project.write("profil.png", "png")
    triples = _link(project, "![Profil](profil.png)")
    assert ("image-hors-annexes", SYNTHESE, LINE) in triples


@pytest.mark.parametrize(
    "target",
    ["http://[abc", "a" * 300, "annexes/" + "b" * 300 + ".png", "a%00b", "\\\\serveur\\x"],
)
def test_odd_targets_never_raise(project: Project, target: str) -> None:
    triples = _link(project, f"[x]({target}) ![y]({target})")
    assert all(path == SYNTHESE for _, path, _ in triples)
