"""Real access letters (``bilan access --lettre``): WeasyPrint PDFs read back with pypdf, their
QR codes rendered with ``pdftoppm`` and decoded with ``zbarimg``; and the table's « Publié »
column against what a real build publishes.

The sample project is copied with an https ``site_url`` (a letter refuses any other) and
``bilan`` runs in a subprocess, as an office would run it, with the tests' fixed secret.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from qrread import decode_qr
from sitebuild import REPO, TEST_SECRET, build, tree_digest
from siteread import dossier_slugs, identities

from bilan_gen.access.publication import Withheld, project_publications
from bilan_gen.config import load_options
from bilan_gen.printing.batch import committable

SITE = "https://bilans.cap-parcours.example.org/"
BENEFICIARY = "2026-014.lettre-beneficiaire.pdf"
CEP = "2026-014.lettre-tiers-1-operateur_cep.pdf"
NBSP = "\u00a0"


@dataclass
class Office:
    """A copy of the sample project, where ``bilan access`` runs."""

    root: Path

    def bilan(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"}
        return subprocess.run(
            [sys.executable, "-m", "bilan_gen.cli", *args],
            cwd=self.root,
            env=env | {"BILAN_SECRET": TEST_SECRET},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def links(self) -> dict[tuple[str, str], dict[str, str]]:
        """``bilan access --format csv``, by (dossier, pour)."""
        result = self.bilan("access", "--format", "csv")
        assert result.returncode == 0, result.stderr
        rows = csv.DictReader(io.StringIO(result.stdout))
        return {(row["dossier"], row["pour"].split(" (")[0]): row for row in rows}

    def letter(self, name: str) -> bytes:
        return (self.root / "impressions" / name).read_bytes()


def make_office(root: Path) -> Office:
    root.mkdir(parents=True, exist_ok=True)
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text, count = re.subn(r"^site_url: .*$", f"site_url: {SITE}", text, flags=re.M)
    assert count == 1
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "dossiers", root / "dossiers")
    return Office(root)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Office:
    """The sample's letters for 2026-014 (beneficiary, CEP operator) and 2026-037."""
    office = make_office(tmp_path_factory.mktemp("letters") / "office")
    result = office.bilan("access", "--lettre", "2026-014", "2026-037")
    assert result.returncode == 0, result.stdout + result.stderr
    return office


def texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


def test_one_letter_per_recipient_and_a_reminder_to_destroy_them(printed: Office) -> None:
    names = sorted(p.name for p in (printed.root / "impressions").iterdir())
    assert names == [BENEFICIARY, CEP, "2026-037.lettre-beneficiaire.pdf"]
    result = printed.bilan("access", "--lettre", "2026-037")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "1 lettre écrite dans impressions/ :",
        "  impressions/2026-037.lettre-beneficiaire.pdf",
        "Ces lettres contiennent des noms et des codes d'accès : remettez chacune à son "
        "destinataire",
        "en main propre ou sous pli fermé, puis détruisez-les (fichiers et exemplaires en trop) ;",
        "« bilan purge ID » les supprime aussi avec le dossier.",
    ]


@pytest.mark.parametrize(
    ("name", "who"),
    [
        (BENEFICIARY, ("2026-014", "bénéficiaire")),
        (CEP, ("2026-014", "Conseil en évolution professionnelle, opérateur régional")),
        ("2026-037.lettre-beneficiaire.pdf", ("2026-037", "bénéficiaire")),
    ],
)
def test_the_qr_code_decodes_to_the_exact_link(
    printed: Office, tmp_path: Path, name: str, who: tuple[str, str]
) -> None:
    row = printed.links()[who]
    assert row["lien"].startswith(f"{SITE}d/") and row["lien"].endswith(f"#code={row['code']}")
    assert decode_qr(printed.letter(name), tmp_path) == row["lien"]


def test_the_beneficiary_letter_reads_back(printed: Office) -> None:
    (page,) = texts(printed.letter(BENEFICIARY))
    row = printed.links()[("2026-014", "bénéficiaire")]
    text = flat(page)
    ident = identities(printed.root)["2026-014"]
    until = dt.date.fromisoformat(row["en_ligne_jusqu_au"]).strftime("%d/%m/%Y")
    for needle in (
        "Cap Parcours Conseil",
        "SIRET 732 829 320 00074",
        f"À l’attention de {ident.full_name}",
        "Votre dossier de bilan de compétences en ligne",
        row["code"],
        SITE,
        f"Ce dossier reste en ligne jusqu’au {until}.",
        "Ce qui suit le signe # n’est jamais envoyé au site",
        "Code perdu, ou vu par quelqu’un d’autre ?",
        "Hélène Castagné (Cap Parcours Conseil)",
        "l’ancien code n’ouvrira plus rien",
    ):
        assert needle in text, needle


def test_the_third_party_letter_says_what_they_may_read_and_nothing_more(
    printed: Office,
) -> None:
    (page,) = texts(printed.letter(CEP))
    text = flat(page)
    rows = printed.links()
    own = rows[("2026-014", "Conseil en évolution professionnelle, opérateur régional")]
    beneficiary = rows[("2026-014", "bénéficiaire")]
    ident = identities(printed.root)["2026-014"]
    assert own["code"] in text and SITE in text
    assert "Vous pouvez lire le document de synthèse de ce bilan, et lui seul" in text
    assert f"À la demande de {ident.full_name}" in text
    slug = beneficiary["lien"].split("/d/")[1].split(".html")[0]
    for secret in (beneficiary["code"], beneficiary["code"].replace("-", ""), slug, ident.email):
        assert secret not in text.replace(" ", "") and secret not in page


def test_one_a4_page_every_font_embedded_no_date(printed: Office) -> None:
    for name in (BENEFICIARY, CEP):
        reader = PdfReader(io.BytesIO(printed.letter(name)))
        (page,) = reader.pages
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert tuple(round(v * 25.4 / 72) for v in size) == (210, 297)
        assert reader.metadata is not None and reader.metadata.author == "Cap Parcours Conseil"
        assert "/CreationDate" not in reader.metadata  # a reprint is the same file
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        assert any("DejaVu-Sans-Mono" in str(f.get_object()["/BaseFont"]) for f in fonts.values())


def test_the_same_inputs_give_the_same_bytes(printed: Office, tmp_path: Path) -> None:
    before = {name: printed.letter(name) for name in (BENEFICIARY, CEP)}
    again = make_office(tmp_path / "again")
    result = again.bilan("access", "--lettre", "2026-014", "-o", "autres")
    assert result.returncode == 0, result.stdout + result.stderr
    for name, data in before.items():
        assert (again.root / "autres" / name).read_bytes() == data


def test_unpublished_and_unknown_dossiers_get_no_letter(tmp_path: Path) -> None:
    office = make_office(tmp_path / "office")
    yml = office.root / "dossiers" / "2026-021" / "dossier.yml"
    text = yml.read_text(encoding="utf-8")
    # Without a reason to keep it, 2026-021 (ended on 2026-10-20) is past its grace period.
    yml.write_text(re.sub(r"^conservation:\n(  .*\n)+", "", text, flags=re.M), encoding="utf-8")
    bad = office.root / "dossiers" / "2026-037" / "dossier.yml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("duree_prevue_h: 20", "duree_prevue_h: 30")
    )
    result = office.bilan("access", "--lettre", "2026-021", "2026-037", "2026-099", "2026-014")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(
        r"dossiers/2026-037/dossier\.yml:\d+: erreur: .* \[duree-depassee\]", lines[0]
    )
    assert lines[1:4] == [
        "2026-099 : aucune lettre : dossier introuvable dans dossiers/",
        "2026-021 : aucune lettre : bilan terminé le 20/10/2026, délai de grâce échu le "
        "19/11/2026, rien à conserver (R6313-7) : le dossier n'est plus publié",
        "2026-037 : aucune lettre : le dossier a des erreurs (bilan check) : il n'est pas publié",
    ]
    assert lines[4] == "2 lettres écrites dans impressions/ :"
    assert sorted(p.name for p in (office.root / "impressions").iterdir()) == [BENEFICIARY, CEP]


@pytest.mark.parametrize(
    ("site_url", "message"),
    [
        (None, "Erreur : site_url absent de mkdocs.yml : une lettre doit donner l'adresse"),
        ("http://127.0.0.1:8000/", "Erreur : site_url de mkdocs.yml (http://127.0.0.1:8000/) "),
    ],
)
def test_no_letter_without_a_usable_site_address(
    tmp_path: Path, site_url: str | None, message: str
) -> None:
    office = make_office(tmp_path / "office")
    config = office.root / "mkdocs.yml"
    line = f"site_url: {site_url}\n" if site_url else ""
    config.write_text(config.read_text(encoding="utf-8").replace(f"site_url: {SITE}\n", line))
    result = office.bilan("access", "--lettre", "2026-014")
    assert result.returncode == 1
    assert result.stderr.startswith(message) and result.stderr.endswith(". Aucune lettre écrite.\n")
    assert not (office.root / "impressions").exists()


@pytest.mark.parametrize("inside", ["content", "site", "dossiers/2026-014"])
def test_letters_are_never_written_where_they_would_be_published(
    tmp_path: Path, inside: str
) -> None:
    office = make_office(tmp_path / "office")
    result = office.bilan("access", "--lettre", "2026-014", "-o", f"{inside}/lettres")
    assert result.returncode == 2
    assert "contiennent des noms et des codes d'accès et ne doivent jamais être publiées" in (
        result.stderr
    )
    assert not (office.root / inside / "lettres").exists()


def test_git_ignores_the_letters_and_warns_about_another_folder(
    printed: Office, tmp_path: Path
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    repo = make_office(tmp_path / "repo")
    shutil.copy2(REPO / ".gitignore", repo.root / ".gitignore")
    subprocess.run(["git", "init", "-q", str(repo.root)], check=True)
    assert not committable(repo.root / "impressions" / BENEFICIARY, repo.root)
    assert committable(repo.root / "lettres" / BENEFICIARY, repo.root)
    result = repo.bilan("access", "--lettre", "2026-037", "-o", "lettres")
    assert result.returncode == 0
    assert result.stderr.splitlines()[-1] == (
        "avertissement : lettres/ n'est pas ignoré par Git : ajoutez-le à .gitignore avant tout "
        "commit"
    )
    quiet = repo.bilan("access", "--lettre", "2026-037")
    assert "avertissement" not in quiet.stderr


def test_a_letter_copied_into_the_site_sources_fails_the_build(
    printed: Office, built_copy: Path
) -> None:
    before = tree_digest(built_copy / "site")
    shutil.copy2(printed.root / "impressions" / BENEFICIARY, built_copy / "content" / BENEFICIARY)
    result = build(built_copy)
    assert result.returncode != 0, result.output
    assert f"fuite détectée dans {BENEFICIARY} : l'identifiant du dossier 2026-014" in (
        result.output
    )
    assert tree_digest(built_copy / "site") == before


def test_the_publie_column_agrees_with_a_real_build(built_copy: Path) -> None:
    """Past the grace period, past the retention, a third party waiting for a draft, another
    given the whole dossier: the build publishes exactly the pages said to be published."""
    dossiers = built_copy / "dossiers"
    shutil.copytree(dossiers / "2026-021", dossiers / "2026-022")
    for path in (dossiers / "2026-022").glob("*.md"):
        path.write_text(path.read_text("utf-8").replace('"2026-021"', '"2026-022"'), "utf-8")
    _edit(dossiers / "2026-022" / "dossier.yml", "jusqu_au: 2029-10-20", "jusqu_au: 2026-11-01")
    text = (dossiers / "2026-021" / "dossier.yml").read_text("utf-8")
    text = re.sub(r"^conservation:\n(  .*\n)+", "", text, flags=re.M)
    (dossiers / "2026-021" / "dossier.yml").write_text(text, "utf-8")
    with (dossiers / "2026-037" / "dossier.yml").open("a", encoding="utf-8") as handle:
        handle.write(THIRD_PARTIES)
    result = build(built_copy)
    assert result.returncode == 0, result.output
    options, _ = load_options(built_copy / "mkdocs.yml")
    options = dataclasses.replace(options, site_url=SITE)
    _, rows = project_publications(options, bytes.fromhex(TEST_SECRET), dt.date.today())
    published = {row.audience.access.slug for row in rows if row.published}
    assert dossier_slugs(result.site_dir) == published
    assert {row.withheld for row in rows} == {
        None,
        Withheld.BROUILLON,
        Withheld.DELAI_DE_GRACE_DEPASSE,
        Withheld.CONSERVATION_ECHUE,
    }


THIRD_PARTIES = """\
diffusion:
  - destinataire: Employeur exemple
    type: employeur
    accord_le: 2026-11-20
    perimetre: synthese
  - destinataire: Financeur exemple
    type: financeur
    accord_le: 2026-11-20
    perimetre: complet
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")
