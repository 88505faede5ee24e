"""Real PDFs from ``bilan pdf`` (WeasyPrint), read back with pypdf.

The repository's sample project (``mkdocs.yml`` with its provider, ``dossiers/``) is copied
into a temporary folder and printed by ``python -m bilan_gen.cli pdf`` in a subprocess, as an
office would run it. The first page of the sample synthèse is rendered to
``tests/artifacts/pdf-synthese-page1.png`` (pdftoppm) for a look.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from bilan_gen.config import DEFAULT_SECTIONS
from bilan_gen.model import Phase
from bilan_gen.printing.pdf import pdf_identifier

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
PROVIDER = "Cap Parcours Conseil"
SIRET = "732\u00a0829\u00a0320\u00a000074"
FOOTER = f"{PROVIDER} — Document de synthèse — Élodie Garnier — confidentiel"
TITLE = "Document de synthèse — Bilan de compétences"
NOTICE = "Il ne peut être communiqué à un tiers qu’avec son accord (article L6313-4"
SECTIONS = [spec.title for spec in DEFAULT_SECTIONS[Phase.SYNTHESE]]
NBSP, NNBSP = "\u00a0", "\u202f"


@dataclass
class Office:
    """A copy of the sample project, where ``bilan pdf`` runs."""

    root: Path

    def pdf(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bilan_gen.cli", "pdf", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def printed(self, dossier_id: str, *args: str, folder: str = "impressions") -> bytes:
        result = self.pdf(dossier_id, "-o", folder, *args)
        assert result.returncode == 0, result.stdout + result.stderr
        kind = "complet" if "--complet" in args else "synthese"
        return (self.root / folder / f"{dossier_id}-{kind}.pdf").read_bytes()

    def synthese(self, dossier_id: str = "2026-014") -> Path:
        return self.root / "dossiers" / dossier_id / "synthese.md"


@pytest.fixture
def office(tmp_path: Path) -> Office:
    shutil.copy2(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "dossiers", tmp_path / "dossiers")
    return Office(tmp_path)


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """2026-014's synthèse, printed once for the module."""
    root = tmp_path_factory.mktemp("office")
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "dossiers", root / "dossiers")
    return Office(root).printed("2026-014")


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces as one space (NBSPs kept)."""
    return re.sub(r"[ \n]+", " ", text)


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, [n for n, at in zip(needles, found, strict=True) if at < 0]
    return found


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def unembedded_fonts(data: bytes) -> list[str]:
    """Base names of fonts used on any page whose program is not in the file."""
    missing = []
    for page in reader(data).pages:
        fonts = _resolve(_resolve(page["/Resources"]).get("/Font", {}))
        for ref in fonts.values():
            font = _resolve(ref)
            if font.get("/Subtype") == "/Type0":
                font = _resolve(font["/DescendantFonts"][0])
            descriptor = _resolve(font.get("/FontDescriptor", {}))
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return missing


# ---- The sample synthèse ----------------------------------------------------------------


def test_first_page_has_the_provider_the_identification_and_the_notice(sample_pdf: bytes) -> None:
    first = flat(page_texts(sample_pdf)[0])
    positions(
        first,
        [
            f"Organisme {PROVIDER}",
            f"SIRET {SIRET}",
            "Déclaration d’activité (NDA) 11755555575",
            TITLE,
            "Bénéficiaire Élodie Garnier",
            "Consultant Hélène Castagné",
            f"Période du bilan du 2{NBSP}juin{NBSP}2026 au 16{NBSP}juillet{NBSP}2026",
            "Mode de financement Compte personnel de formation (CPF)",
            f"Durée de l’accompagnement 18{NBSP}h",
            NOTICE,
        ],
    )


def test_sections_suivi_remise_and_signatures_in_order(sample_pdf: bytes) -> None:
    text = flat(" ".join(page_texts(sample_pdf)))
    at = positions(
        text,
        [
            *SECTIONS,
            "Suivi et remise du document",
            f"il est prévu le 14{NBSP}janvier{NBSP}2027",
            f"Document remis le 16{NBSP}juillet{NBSP}2026 dans l’espace privé",
            "Le consultant",
            "Le bénéficiaire",
        ],
    )
    assert at == sorted(at)
    assert text.count("Date et signature") == 2


def test_every_page_has_the_footer_and_its_number(sample_pdf: bytes) -> None:
    texts = page_texts(sample_pdf)
    assert 2 <= len(texts) <= 5
    for number, text in enumerate(texts, start=1):
        assert f"page {number} / {len(texts)}" in text, number
        assert FOOTER in flat(text), number


def test_a4_metadata_and_every_font_embedded(sample_pdf: bytes) -> None:
    pdf = reader(sample_pdf)
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)
    assert pdf.metadata is not None
    assert pdf.metadata.title == TITLE
    assert pdf.metadata.author == PROVIDER
    assert pdf.metadata["/CreationDate"] == pdf.metadata["/ModDate"] == "D:20260716"
    assert unembedded_fonts(sample_pdf) == []
    assert "DejaVu" in " ".join(str(f) for f in pdf_fonts(pdf))


def pdf_fonts(pdf: PdfReader) -> set[str]:
    names = set()
    for page in pdf.pages:
        fonts = _resolve(_resolve(page["/Resources"]).get("/Font", {}))
        names |= {str(_resolve(ref).get("/BaseFont")) for ref in fonts.values()}
    return names


def test_first_page_renders_to_png(sample_pdf: bytes, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm missing in CI (apt-get install poppler-utils)")
        pytest.skip("pdftoppm not installed (poppler-utils)")
    source = tmp_path / "synthese.pdf"
    source.write_bytes(sample_pdf)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / "pdf-synthese-page1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", source, prefix],
        check=True,
        timeout=60,
    )
    png = prefix.with_suffix(".png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


# ---- Order, length, typography ----------------------------------------------------------


def _reordered(text: str) -> str:
    head, _, body = text.partition("\n## ")
    sections = ["## " + part.strip() + "\n" for part in body.split("\n## ")]
    return head + "\n\n" + "\n".join(reversed(sections))


def test_sections_in_canonical_order_whatever_the_writing_order(office: Office) -> None:
    path = office.synthese()
    path.write_text(_reordered(path.read_text("utf-8")), encoding="utf-8")
    source = path.read_text("utf-8")
    assert source.index("## Observations") < source.index("## Circonstances")

    text = flat(" ".join(page_texts(office.printed("2026-014"))))

    at = positions(text, SECTIONS)
    assert at == sorted(at)


ROWS = 90


def _long_synthese(front_matter: str) -> str:
    filler = (
        "Le projet s’appuie sur une expérience solide, confrontée au terrain par des "
        "enquêtes métiers, des immersions et l’étude attentive des offres d’emploi de la région. "
    )
    parts = [front_matter, "# Document de synthèse\n"]
    for number, title in enumerate(SECTIONS):
        parts.append(f"## {title}\n")
        parts += [f"Début de section {number}. " + filler * 6 + "\n" for _ in range(4)]
        if number == 1:
            parts.append("| Élément | Appréciation détaillée |\n| --- | --- |")
            parts += [
                f"| DEB{row:03d} | {filler} Fin de ligne FIN{row:03d} |" for row in range(ROWS)
            ]
            parts.append("")
    return "\n".join(parts)


def test_a_long_synthese_paginates_cleanly(office: Office) -> None:
    path = office.synthese()
    front = "---" + path.read_text("utf-8").split("---")[1] + "---\n"
    path.write_text(_long_synthese(front), encoding="utf-8")

    texts = [flat(t) for t in page_texts(office.printed("2026-014"))]

    assert 8 <= len(texts) <= 40, len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"page {number} / {len(texts)}" in text and FOOTER in text
    for row in range(ROWS):  # table rows are never split between two pages
        pages = {i for i, t in enumerate(texts) if f"DEB{row:03d}" in t or f"FIN{row:03d}" in t}
        assert len(pages) == 1, (row, pages)
    table_pages = [t for t in texts if re.search(r"DEB\d{3}", t)]
    assert len(table_pages) >= 3
    assert all("Élément Appréciation détaillée" in t for t in table_pages)  # header repeated
    for number, title in enumerate(SECTIONS):  # a heading is never last on its page
        page = next(t for t in texts if title in t)
        assert f"Début de section {number}." in page, title


def test_french_typography_survives(office: Office) -> None:
    sentence = (
        f"«{NBSP}Je voulais être efficace, réfléchie et fière{NBSP}» — l’affluence de "
        f"l’œuvre, ex æquo, 12{NNBSP}000{NBSP}€ ; vraiment{NNBSP}! Ça m’a coûté ﬁnalement"
    )
    path = office.synthese()
    text = path.read_text("utf-8")
    path.write_text(
        text.replace("## Circonstances du bilan\n", f"## Circonstances du bilan\n\n{sentence}\n"),
        encoding="utf-8",
    )

    data = office.printed("2026-014")

    extracted = flat(" ".join(page_texts(data)))
    assert sentence.replace("ﬁ", "fi") in extracted.replace("ﬁ", "fi")
    for word in ("efficace", "réfléchie", "fière", "affluence", "l’œuvre", "æquo", "Ça"):
        assert word in extracted, word
    assert "\ufffd" not in extracted
    assert unembedded_fonts(data) == []


# ---- Reproducible, atomic ---------------------------------------------------------------


def test_the_same_dossier_gives_the_same_bytes(office: Office) -> None:
    first = office.printed("2026-014", folder="a")
    os.utime(office.synthese(), (0, 0))  # file dates play no part
    second = office.printed("2026-014", folder="b")
    assert first == second
    identifiers = reader(first).trailer["/ID"]
    assert bytes(identifiers[0].original_bytes) == pdf_identifier("2026-014")

    office.synthese().write_text(
        office.synthese().read_text("utf-8").replace("PME de négoce", "PME de commerce"),
        encoding="utf-8",
    )
    changed = reader(office.printed("2026-014", folder="c")).trailer["/ID"]
    assert changed[0] == identifiers[0] and changed[1] != identifiers[1]


def test_an_existing_pdf_is_replaced_atomically(office: Office) -> None:
    target = office.root / "impressions" / "2026-014-synthese.pdf"
    old = office.printed("2026-014")
    office.synthese().write_text(
        office.synthese().read_text("utf-8").replace("PME de négoce", "PME de commerce"),
        encoding="utf-8",
    )
    with target.open("rb") as held:
        inode = os.fstat(held.fileno()).st_ino
        new = office.printed("2026-014")
        assert held.read() == old  # the old file, whole, for whoever still reads it
    assert new != old and target.read_bytes() == new
    assert os.stat(target).st_ino != inode
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


# ---- Annexes, PDF/A, batches ------------------------------------------------------------


def test_complet_adds_the_finalised_phases_after_the_synthese(office: Office) -> None:
    data = office.printed("2026-014", "--complet")
    texts = [flat(t) for t in page_texts(data)]
    titles = [
        "Annexe 1 — Phase préliminaire",
        "Annexe 2 — Phase d'investigation",
        "Annexe 3 — Phase de conclusions",
    ]
    starts = [next(i for i, t in enumerate(texts) if t.lstrip().startswith(a)) for a in titles]
    signatures = next(i for i, t in enumerate(texts) if "Date et signature" in t)
    assert signatures < starts[0] < starts[1] < starts[2]  # each annex opens a page
    images = [
        name
        for page in reader(data).pages
        for name, obj in _resolve(_resolve(page["/Resources"]).get("/XObject", {})).items()
        if _resolve(obj).get("/Subtype") == "/Image"
    ]
    assert images, "the investigation's annex image is missing"
    assert unembedded_fonts(data) == []


def test_pdfa_for_archiving(office: Office) -> None:
    data = office.printed("2026-014", "--pdfa")
    pdf = reader(data)
    xmp = _resolve(pdf.trailer["/Root"]["/Metadata"]).get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="?3', xmp) and re.search(r'pdfaid:conformance="?B', xmp)
    assert "/OutputIntents" in pdf.trailer["/Root"]
    assert unembedded_fonts(data) == []
    assert office.printed("2026-014", "--pdfa", folder="again") == data


@pytest.fixture
def many(office: Office) -> Iterator[list[str]]:
    """Six valid dossiers: copies of 2026-021 under new ids."""
    ids = [f"2026-9{n:02d}" for n in range(6)]
    source = office.root / "dossiers" / "2026-021"
    for ident in ids:
        target = office.root / "dossiers" / ident
        shutil.copytree(source, target)
        for path in target.glob("*.md"):
            text = path.read_text("utf-8").replace('dossier: "2026-021"', f'dossier: "{ident}"')
            path.write_text(text, encoding="utf-8")
    yield ids


def test_a_batch_on_every_core_writes_the_same_files_as_one_by_one(
    office: Office, many: list[str]
) -> None:
    result = office.pdf("--all", "-o", "batch")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        "8 PDF écrits dans batch/ ; 1 dossier ignoré (synthèse non finalisée).\n"
    )  # 2026-037 has no synthèse yet
    for ident in many[:2]:
        assert (office.root / "batch" / f"{ident}-synthese.pdf").read_bytes() == office.printed(
            ident, folder=f"one-{ident}"
        )


def test_weasyprint_fetches_nothing(tmp_path: Path) -> None:
    """Defence in depth behind validation: no network, no local file, only data: URIs."""
    import functools
    import http.server
    import threading

    from bilan_gen.printing.pdf import PdfEngine

    requests: list[str] = []

    class Recorder(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's API
            requests.append(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    shutil.copy2(REPO / "dossiers" / "2026-014" / "annexes" / "profil-interets.png", tmp_path)
    handler = functools.partial(Recorder, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/profil-interets.png"
        local = (tmp_path / "profil-interets.png").as_uri()
        page = f'<html><body><img src="{url}"><img src="{local}"><p>x</p></body></html>'
        data = PdfEngine().render_page(page, b"0" * 32)
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []
    xobjects = _resolve(_resolve(reader(data).pages[0]["/Resources"]).get("/XObject", {}))
    assert len(xobjects) == 0
