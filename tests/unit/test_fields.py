"""Rule 1: front matter and YAML, types, enumerations, required and unknown fields."""

from __future__ import annotations

import pytest
from helpers import Project

from bilan_gen.model import Phase

DOSSIER_YML = "dossiers/2026-001/dossier.yml"
PRELIM = "dossiers/2026-001/01-preliminaire.md"
SYNTHESE = "dossiers/2026-001/synthese.md"


# --- YAML syntax: French message, line of the problem ---------------------------------


def test_yaml_error_in_dossier_yml(project: Project) -> None:
    project.replace("dossier.yml", "  preuve: contrat", "  preuve: contrat: signé")
    assert project.lines() == [
        f"{DOSSIER_YML}:9: erreur: « : » inattendu (une valeur contient-elle « : » ? "
        "mettez-la entre guillemets) [yaml-invalide]",
    ]


def test_yaml_error_in_front_matter_counts_file_lines(project: Project) -> None:
    project.replace("synthese.md", "consultant: Claire Mercier", "consultant: Mme: Mercier")
    assert project.lines() == [
        f"{SYNTHESE}:4: erreur: « : » inattendu (une valeur contient-elle « : » ? "
        "mettez-la entre guillemets) [yaml-invalide]",
    ]


def test_yaml_tab_indentation(project: Project) -> None:
    project.replace("dossier.yml", "  mode: cpf", "\tmode: cpf")
    assert project.lines() == [
        f"{DOSSIER_YML}:12: erreur: tabulation interdite en YAML : indentez avec des espaces "
        "[yaml-invalide]",
    ]


def test_yaml_unclosed_quote(project: Project) -> None:
    project.replace("synthese.md", 'dossier: "2026-001"', 'dossier: "2026-001')
    # The problem mark: the end of the front matter, where the quote is still open.
    assert project.triples() == [("yaml-invalide", SYNTHESE, 9)]
    assert project.messages() == ["fin de texte inattendue (guillemet ou crochet non fermé ?)"]


def test_yaml_duplicate_key(project: Project) -> None:
    project.replace("synthese.md", "phase: synthese\n", "phase: synthese\nphase: synthese\n")
    assert project.lines() == [
        f"{SYNTHESE}:4: erreur: clé « phase » écrite deux fois : une seule valeur compterait "
        "[cle-dupliquee]",
    ]


# --- Front matter presence --------------------------------------------------------------


def test_front_matter_absent(project: Project) -> None:
    project.write("synthese.md", "# Document de synthèse\n\nTexte.\n")
    assert project.lines() == [
        f"{SYNTHESE}:1: erreur: front matter absent : le fichier doit commencer par une ligne "
        "« --- » [front-matter-absent]",
    ]


def test_front_matter_not_closed(project: Project) -> None:
    project.write("synthese.md", project.read("synthese.md").replace("---\n\n#", "\n#"))
    assert project.triples() == [("front-matter-non-ferme", SYNTHESE, 1)]


def test_front_matter_empty(project: Project) -> None:
    body = project.read("synthese.md").split("---\n", 2)[2]
    project.write("synthese.md", "---\n---\n" + body)
    assert project.lines() == [
        f"{SYNTHESE}:1: erreur: front matter vide : champs attendus [front-matter-vide]",
    ]


def test_front_matter_must_be_a_mapping(project: Project) -> None:
    body = project.read("synthese.md").split("---\n", 2)[2]
    project.write("synthese.md", "---\n- a\n- b\n---\n" + body)
    assert project.lines() == [
        f"{SYNTHESE}:2: erreur: le fichier doit être un groupe de champs « clé: valeur », "
        "reçu une liste [type-invalide]",
    ]


def test_dossier_yml_must_be_a_mapping(project: Project) -> None:
    project.write("dossier.yml", "bonjour\n")
    triples = project.triples()
    assert triples == [("type-invalide", DOSSIER_YML, 1)]


# --- Required fields: the line of the mapping that lacks them ---------------------------


def test_missing_nested_field(project: Project) -> None:
    project.replace("dossier.yml", "  preuve: contrat\n", "")
    assert project.lines() == [
        f"{DOSSIER_YML}:7: erreur: champ obligatoire absent : « consentement.preuve » "
        "(preuve du consentement) [champ-manquant]",
    ]


def test_missing_front_matter_field(project: Project) -> None:
    project.replace("01-preliminaire.md", "statut: finalise\n", "")
    # A phase without statut is not finalised: the finalised synthèse is premature.
    assert project.triples() == [
        ("champ-manquant", PRELIM, 2),
        ("synthese-prematuree", SYNTHESE, 5),
    ]
    assert project.messages()[0] == "champ obligatoire absent : « statut » (statut)"


def test_empty_value_counts_as_missing(project: Project) -> None:
    project.replace("dossier.yml", "date_debut: 2026-03-02", "date_debut:")
    assert project.triples() == [("champ-manquant", DOSSIER_YML, 1)]


def test_missing_session_field(project: Project) -> None:
    project.replace("01-preliminaire.md", "    modalite: presentiel\n", "")
    assert project.lines() == [
        f"{PRELIM}:7: erreur: champ obligatoire absent : « seances.modalite » (élément 1) "
        "(modalité de la séance) [champ-manquant]",
    ]


def test_consultants_list_must_not_be_empty(project: Project) -> None:
    project.replace("dossier.yml", "consultants:\n  - Claire Mercier", "consultants: []")
    assert project.lines() == [
        f"{DOSSIER_YML}:5: erreur: « consultants » (consultants) : la liste ne doit pas être vide "
        "[champ-manquant]",
    ]


# --- Types and enumerations: the line of the offending key -----------------------------


def test_type_error_message(project: Project) -> None:
    project.replace("dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: vingt")
    assert project.lines() == [
        f"{DOSSIER_YML}:21: erreur: « duree_prevue_h » (durée prévue (heures)) : nombre "
        "d'heures attendu (ex. 1.5 pour 1 h 30), reçu un texte [type-invalide]",
    ]


@pytest.mark.parametrize("value", [".inf", ".nan", "-.inf", "true", "[2]"])
def test_odd_numbers_are_not_durations(project: Project, value: str) -> None:
    project.replace("dossier.yml", "duree_prevue_h: 20", f"duree_prevue_h: {value}")
    project.replace("01-preliminaire.md", "duree_h: 2", f"duree_h: {value}")
    assert project.triples() == [
        ("type-invalide", "dossiers/2026-001/01-preliminaire.md", 8),
        ("type-invalide", DOSSIER_YML, 21),
    ]


def test_french_decimal_comma_is_not_a_number(project: Project) -> None:
    project.replace("01-preliminaire.md", "duree_h: 2", "duree_h: 1,5")
    assert project.triples() == [("type-invalide", PRELIM, 8)]


def test_enum_error_with_suggestion(project: Project) -> None:
    project.replace(
        "01-preliminaire.md", "type: entretien_individuel", "type: entretien-individuel"
    )
    assert project.lines() == [
        f"{PRELIM}:9: erreur: « seances.type » (élément 1) (type de séance) : valeur attendue "
        "parmi entretien_individuel, atelier_collectif, passation_test, "
        "travail_personnel_encadre (vouliez-vous dire « entretien_individuel » ?), "
        "reçu « entretien-individuel » [valeur-invalide]",
    ]


def test_statut_enum(project: Project) -> None:
    project.replace("synthese.md", "statut: finalise", "statut: finalisé")
    triples = project.triples()
    assert ("valeur-invalide", SYNTHESE, 5) in triples
    assert "(vouliez-vous dire « finalise » ?)" in project.messages()[-1]


def test_impossible_date(project: Project) -> None:
    project.replace("dossier.yml", "date_debut: 2026-03-02", "date_debut: 2026-02-30")
    assert project.lines() == [
        f"{DOSSIER_YML}:19: erreur: « date_debut » (date de début du bilan) : date attendue au "
        "format AAAA-MM-JJ (ex. 2026-03-14), reçu « 2026-02-30 » [date-invalide]",
    ]


@pytest.mark.parametrize("value", ["02/03/2026", "2026-03-02 10:00", "demain", "20260302"])
def test_dates_must_be_iso(project: Project, value: str) -> None:
    project.replace("dossier.yml", "  date: 2026-03-02", f"  date: {value}")
    assert project.triples() == [("date-invalide", DOSSIER_YML, 8)]


def test_invalid_email_is_not_echoed(project: Project) -> None:
    project.replace("dossier.yml", "email: zephyrine.quillebeuf@example.org", "email: zq-at-mail")
    assert project.lines() == [
        f"{DOSSIER_YML}:4: erreur: « beneficiaire.email » (e-mail du bénéficiaire) : adresse "
        "e-mail invalide (attendu : nom@domaine.fr) [email-invalide]",
    ]


def test_bool_and_int_types(project: Project) -> None:
    project.replace("dossier.yml", "propose: true", "propose: oui")
    project.replace("dossier.yml", "rotation: 0", "rotation: -1")
    assert project.triples() == [
        ("type-invalide", DOSSIER_YML, 23),
        ("type-invalide", DOSSIER_YML, 26),
    ]
    assert project.messages() == [
        # dossier.yml never quotes a value that could be a name (rule 10)
        "« suivi.propose » (suivi proposé) : true ou false attendu, reçu un texte",
        "« acces.rotation » (compteur de rotation du code d'accès) : nombre entier positif ou "
        "nul attendu, reçu « -1 »",
    ]


def test_list_expected(project: Project) -> None:
    project.replace(
        "dossier.yml", "consultants:\n  - Claire Mercier", "consultants: Claire Mercier"
    )
    triples = project.triples()
    assert ("type-invalide", DOSSIER_YML, 5) in triples
    assert project.messages()[-1] == (
        "« consultants » (consultants) : liste attendue, reçu un texte"
    )


def test_group_expected(project: Project) -> None:
    block = project.read("dossier.yml").split("financement:\n")[1].split("date_debut")[0]
    project.replace("dossier.yml", "financement:\n" + block, "financement: cpf\n")
    assert project.lines() == [
        f"{DOSSIER_YML}:11: erreur: « financement » doit être un groupe de champs « clé: valeur », "
        "reçu un texte [type-invalide]",
    ]


# --- Unknown and pass-through keys -----------------------------------------------------


def test_unknown_key_warns_with_suggestion(project: Project) -> None:
    project.replace(
        "synthese.md", "mode_remise: espace_prive", "mode_remise: espace_prive\nremise: x"
    )
    assert project.lines() == [
        f"{SYNTHESE}:9: avertissement: champ inconnu « remise » (vouliez-vous dire "
        "« remise_le » ?) [champ-inconnu]",
    ]


def test_unknown_nested_key(project: Project) -> None:
    project.replace("dossier.yml", "  preuve: contrat", "  preuve: contrat\n  preuves: contrat")
    assert project.triples() == [("champ-inconnu", DOSSIER_YML, 10)]
    assert project.messages() == [
        "champ inconnu « consentement.preuves » (vouliez-vous dire « preuve » ?)"
    ]


def test_unknown_key_without_close_match(project: Project) -> None:
    project.replace("synthese.md", "statut: finalise", "statut: finalise\nzzz: 1")
    assert project.messages() == ["champ inconnu « zzz »"]


def test_mkdocs_keys_pass_through(project: Project) -> None:
    extra = (
        "title: Synthèse\ndescription: Le document remis\ntemplate: page.html\n"
        "hide:\n  - toc\ntags:\n  - cpf\nicon: material/file\nstatus: new\n"
        "search:\n  exclude: true\n"
    )
    project.replace("synthese.md", "statut: finalise\n", "statut: finalise\n" + extra)
    assert project.diagnostics() == []
    synthese = project.check().dossier.documents[Phase.SYNTHESE]
    assert synthese.meta["title"] == "Synthèse"
    assert synthese.meta["hide"] == ["toc"]
    assert synthese.meta["search"] == {"exclude": True}
