"""The verifier's own parts: output index, needle look-ups, dossier page read-back.

Whole builds are tested in tests/integration; here each mechanism is pinned on small files.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import EMAIL, NOM, PRENOM, Project

from bilan_gen.build.shell import asset_bytes, generic_vocabulary
from bilan_gen.loading import load_dossier
from bilan_gen.verify import (
    OutputIndex,
    baseline_of,
    check_dossier_page,
    digest,
    dossier_leaks,
    gram_key,
    index_output,
    strip_payload,
    tokens_of,
)

SHELL = '<html><head><title>Dossier protégé</title></head><body><script type="application/octet-stream" id="bilan-payload"></script></body></html>'  # noqa: E501
SENTENCE = "Elle a conduit seule la migration du logiciel de paie de quarante salariés"


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return root


def leaks_in(
    project: Project, site: dict[str, str | bytes], tmp_path: Path
) -> set[tuple[str, str]]:
    dossier = load_dossier(project.folder())[0]
    index = index_output(write_site(tmp_path / "site", site))
    found = dossier_leaks(dossier, index, baseline_of([SHELL]))
    return {(leak.output.relative_to(tmp_path / "site").as_posix(), leak.what) for leak in found}


@pytest.fixture
def with_sentence(project: Project) -> Project:
    project.replace("synthese.md", "## Plan d'action\n", f"## Plan d'action\n\n{SENTENCE}.\n")
    return project


def test_tokens_of_decodes_every_escape() -> None:
    expected = tokens_of("Zéphyrine Quillebeuf")
    assert tokens_of(html.escape("Zéphyrine Quillebeuf")) == expected
    assert tokens_of("Z&eacute;phyrine Quillebeuf") == expected
    assert tokens_of(json.dumps("Zéphyrine Quillebeuf")) == expected
    assert tokens_of(quote("Zéphyrine Quillebeuf")) == expected
    assert tokens_of("ZEPHYRINE-QUILLEBEUF") == expected


def test_a_clean_site_has_no_leak(project: Project, tmp_path: Path) -> None:
    assert (
        leaks_in(project, {"index.html": "<p>Bienvenue</p>", "d/acces.html": SHELL}, tmp_path)
        == set()
    )


@pytest.mark.parametrize(
    "text",
    [
        f"<p>{PRENOM} {NOM}</p>",
        f"<p>{html.escape(NOM.upper())}, {PRENOM}</p>",
        f'{{"text": {json.dumps(EMAIL)}}}',
        f"<a href='/{quote(PRENOM + '-' + NOM)}/'>x</a>",
    ],
    ids=["full-name", "escaped-reversed", "json-email", "url"],
)
def test_identity_is_found_in_any_form(project: Project, tmp_path: Path, text: str) -> None:
    found = leaks_in(project, {"page/index.html": text}, tmp_path)
    assert found == {("page/index.html", "l'identité du bénéficiaire")}


def test_the_id_and_prose_are_found_even_gzipped(with_sentence: Project, tmp_path: Path) -> None:
    site = {
        "sitemap.xml.gz": "<loc>https://exemple.fr/dossiers/2026-001/</loc>",
        "search/search_index.json": json.dumps({"text": f"… {SENTENCE.lower()} …"}),
    }
    assert leaks_in(with_sentence, site, tmp_path) == {
        ("sitemap.xml.gz", "l'identifiant"),
        ("search/search_index.json", "le texte"),
    }


def test_a_file_name_is_checked_too(project: Project, tmp_path: Path) -> None:
    found = leaks_in(project, {f"img/{NOM.lower()}.png": b"\x89PNG"}, tmp_path)
    assert found == {(f"img/{NOM.lower()}.png", "l'identité du bénéficiaire")}


def test_a_lone_first_name_that_the_shell_says_is_not_a_needle(
    project: Project, tmp_path: Path
) -> None:
    dossier = load_dossier(project.folder())[0]
    index = index_output(write_site(tmp_path / "site", {"index.html": f"<p>{PRENOM}</p>"}))
    assert dossier_leaks(dossier, index, baseline_of([f"<p>{PRENOM}</p>"])) == []
    assert dossier_leaks(dossier, index, baseline_of([SHELL])) != []


def test_annexes_are_found_as_files_and_as_data_uris(project: Project, tmp_path: Path) -> None:
    image = bytes(range(256)) * 4
    project.path("annexes").mkdir()
    project.write_bytes("annexes/graphique.png", image)
    encoded = base64.b64encode(image).decode("ascii")
    site = {"assets/copie.png": image, "page.html": f'<img src="data:image/png;base64,{encoded}">'}
    assert leaks_in(project, site, tmp_path) == {
        ("assets/copie.png", "une annexe copiée en clair"),
        ("page.html", "une annexe"),
    }


@pytest.mark.parametrize(
    "name",
    ["assets/bilan/bilan-copy.js", "dossier-bilan-2026-12-08.html"],
    ids=["copy-script", "saved-copy"],
)
def test_a_copy_to_keep_that_reached_the_site_is_a_leak(
    with_sentence: Project, tmp_path: Path, name: str
) -> None:
    # The copy is made in the browser only. Were the copy script ever to carry a dossier,
    # or a saved copy be dropped into content/ and published, the scan must see it.
    image = bytes(range(256)) * 4
    with_sentence.path("annexes").mkdir()
    with_sentence.write_bytes("annexes/graphique.png", image)
    script = asset_bytes("bilan-copy.js").decode("utf-8")
    encoded = base64.b64encode(image).decode("ascii")
    pieces = {
        "clean": "",
        "text": f"<p>{html.escape(SENTENCE)}.</p>",
        "annex": f"<img src='data:image/png;base64,{encoded}'>",
    }
    dossier = load_dossier(with_sentence.folder())[0]
    # The build excuses the standard titles (« Document de synthèse ») that the script names.
    baseline = baseline_of([SHELL, *generic_vocabulary(with_sentence.options)])
    found = {}
    for case, piece in pieces.items():
        content = f"{script}\nvar page = {json.dumps(piece)};" if name.endswith(".js") else piece
        index = index_output(write_site(tmp_path / case, {name: content}))
        found[case] = [leak.what for leak in dossier_leaks(dossier, index, baseline)]
    assert found == {"clean": [], "text": ["le texte"], "annex": ["une annexe"]}


def test_notes_are_needles_as_well(project: Project, tmp_path: Path) -> None:
    note = "Rappeler la conseillère de la mission locale au sujet du dossier de financement"
    project.write("notes/appel.md", note + "\n")
    assert leaks_in(project, {"page.html": f"<p>{note}</p>"}, tmp_path) == {
        ("page.html", "le texte")
    }


def test_ciphertext_in_indexed_pages_gives_no_words() -> None:
    page = SHELL.replace('"bilan-payload">', '"bilan-payload">QUJDRA+ZWxvZGll/bGVh==')
    stripped, clean = strip_payload(page)
    assert clean and stripped == SHELL


def test_a_dossier_page_must_be_the_shell_and_base64(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(SHELL.replace("></script>", ">QUJD+/=</script>", 1), encoding="utf-8")
    assert check_dossier_page(good, SHELL, "2026-001") is None
    for name, page in {
        "clear.html": SHELL.replace("></script>", ">Bonjour Zéphyrine</script>", 1),
        "extra.html": SHELL.replace("<body>", "<body><p>en clair</p>", 1),
        "two.html": SHELL.replace("</body>", SHELL, 1),
    }.items():
        path = tmp_path / name
        path.write_text(page, encoding="utf-8")
        leak = check_dossier_page(path, SHELL, "2026-001")
        assert leak is not None and leak.dossier_id == "2026-001", name


def test_the_index_skips_the_theme_own_files(tmp_path: Path) -> None:
    theme = write_site(tmp_path / "theme", {"assets/app.js": "var zephyrine = 1;"})
    site = write_site(tmp_path / "site", {"assets/app.js": "var zephyrine = 1;"})
    assert gram_key(digest("zephyrine")) not in index_output(site, [theme]).grams
    assert gram_key(digest("zephyrine")) in index_output(site).grams
    assert isinstance(index_output(site), OutputIndex)


def test_a_lone_surname_is_never_excused(project: Project, tmp_path: Path) -> None:
    dossier = load_dossier(project.folder())[0]
    page = f"<p>Mme {NOM}</p>"
    index = index_output(write_site(tmp_path / "site", {"index.html": page}))
    leaks = dossier_leaks(dossier, index, baseline_of([page]))
    assert [leak.what for leak in leaks] == ["l'identité du bénéficiaire"]
