"""``bilan preview``'s server: one dossier, drafts marked, diagnostics, reload token, loopback.

The real server runs on a free port in a thread; pages are fetched with urllib.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from entrycases import OUTSIDE_MARKER
from helpers import BASE_ID, PRENOM, Project

from bilan_gen.preview import BANNER, LOOPBACK, DossierPreview, PreviewServer, dossier_version

TIMEOUT = 10.0


@pytest.fixture
def served(project: Project, tmp_path: Path) -> Iterator[tuple[Project, PreviewServer]]:
    css = tmp_path / "main.0123.min.css"
    css.write_text(".md-typeset { color: black }\n", encoding="utf-8")
    preview = DossierPreview(project.folder(), project.options, theme_css=[css])
    server = PreviewServer(preview, port=0)
    server.start()
    try:
        yield project, server
    finally:
        server.stop()


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            body = response.read().decode("utf-8")
            return response.status, dict(response.headers), body
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def page(server: PreviewServer) -> str:
    status, _, body = fetch(server.url)
    assert status == 200
    return body


def version(server: PreviewServer) -> str:
    return fetch(server.url + "_bilan/version")[2]


def wait_for_version_change(server: PreviewServer, old: str) -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        current = version(server)
        if current != old:
            return current
        time.sleep(0.01)
    pytest.fail("the version did not change")


def touch_later(path: Path, text: str) -> None:
    """Write ``text``; make sure the modification time moves even on coarse clocks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_the_page_has_the_banner_the_tabs_and_no_problem(
    served: tuple[Project, PreviewServer],
) -> None:
    _, server = served
    status, headers, body = fetch(server.url)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert f"data-bilan-preview-banner>{BANNER}" in body
    assert "Diagnostics : aucun problème" in body
    for route in ("accueil", "preliminaire", "investigation", "conclusions", "synthese"):
        assert f'data-bilan-route="{route}"' in body and f'data-bilan-page="{route}"' in body
    assert f"Bonjour {PRENOM}" in body  # decrypted: the consultant's own machine
    assert "data-bilan-draft" not in body


def test_a_draft_is_shown_and_marked(served: tuple[Project, PreviewServer]) -> None:
    project, server = served
    project.replace("02-investigation.md", "statut: finalise", "statut: brouillon")
    body = page(server)
    tab = body.split('data-bilan-route="investigation"', 1)[1].split("</a>", 1)[0]
    mark = '<span class="bilan-apercu-marque">brouillon</span>'
    assert tab == f" data-bilan-draft>Phase d&#39;investigation {mark}"
    section = body.split('data-bilan-page="investigation"', 1)[1]
    assert section.startswith(" data-bilan-draft>")
    assert '<p class="admonition-title">Brouillon</p>' in section.split("</section>")[0]
    assert "Parcours et expériences" in section.split("</section>")[0]


def test_diagnostics_are_shown(served: tuple[Project, PreviewServer]) -> None:
    project, server = served
    project.replace("02-investigation.md", "    modalite: distanciel", "    modalite: visio")
    project.replace("dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: 20\nlieu: Paris")
    body = page(server)
    line = project.read("02-investigation.md").splitlines().index("    modalite: visio") + 1
    assert "Diagnostics : 1 erreur, 1 avertissement" in body
    assert (
        '<li data-bilan-diagnostic="valeur-invalide" data-bilan-severity="erreur">'
        f"<code>02-investigation.md:{line}</code> erreur : « seances.modalite » (élément 2)"
    ) in body
    assert 'data-bilan-diagnostic="champ-inconnu" data-bilan-severity="avertissement"' in body


def test_the_version_changes_on_save_and_the_page_follows(
    served: tuple[Project, PreviewServer],
) -> None:
    project, server = served
    before = version(server)
    assert before == page(server).split('name="bilan-version" content="')[1][:20]
    assert version(server) == before  # nothing changed: same token
    path = project.path("synthese.md")
    touch_later(
        path,
        project.read("synthese.md").replace(
            "# Document de synthèse", "# Document de synthèse\n\nPhrase ajoutée à l'instant."
        ),
    )
    after = wait_for_version_change(server, before)
    body = page(server)
    assert "Phrase ajoutée à l&#39;instant." in body or "Phrase ajoutée à l'instant." in body
    assert f'name="bilan-version" content="{after}"' in body


def test_rendered_again_only_after_a_change(project: Project) -> None:
    preview = DossierPreview(project.folder(), project.options)
    first = preview.page()
    assert preview.page() is first
    touch_later(project.path("notes/brouillon.txt"), "notes privées")  # never watched
    assert preview.page() is first
    touch_later(project.path("01-preliminaire.md"), project.read("01-preliminaire.md") + "\nFin.\n")
    assert preview.page() is not first


def test_the_version_watches_this_dossier_only(project: Project) -> None:
    folder = project.folder()
    token = dossier_version(folder)
    project.copy_base("2026-002")
    touch_later(project.path("dossier.yml", "2026-002"), "modifié\n")
    touch_later(project.path("notes/idees.md", BASE_ID), "à voir")
    touch_later(project.path(".synthese.md.swp", BASE_ID), "swap")
    touch_later(project.path("synthese.md~", BASE_ID), "backup")
    assert dossier_version(folder) == token
    project.write("annexes/schema.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert dossier_version(folder) != token
    assert dossier_version(project.root / "absent") == "absent"


def test_annexes_are_served_and_nothing_else(served: tuple[Project, PreviewServer]) -> None:
    project, server = served
    project.write("annexes/graphique.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    project.write("notes/prive.md", "notes")
    status, headers, body = fetch(server.url + "annexes/graphique.svg")
    assert (status, headers["Content-Type"]) == (200, "image/svg+xml")
    for path in ("notes/prive.md", "dossier.yml", "annexes/../dossier.yml",
                 "annexes/%2e%2e/dossier.yml", "synthese.md", "_bilan/../dossier.yml"):  # fmt: skip
        assert fetch(server.url + path)[0] == 404, path


def raw_get(server: PreviewServer, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..``)."""
    connection = http.client.HTTPConnection(LOOPBACK, server.port, timeout=TIMEOUT)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", f"{LOOPBACK}:{server.port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_only_regular_files_of_annexes_are_served(
    served: tuple[Project, PreviewServer], tmp_path: Path
) -> None:
    project, server = served
    project.write("annexes/graphique.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_text(OUTSIDE_MARKER, encoding="utf-8")
    annexes = project.folder() / "annexes"
    os.symlink(outside / "secret.png", annexes / "lien.png")
    os.symlink(outside, annexes / "sous")
    os.symlink("../dossier.yml", annexes / "interne.yml")
    os.mkfifo(annexes / "tube")
    assert raw_get(server, "/annexes/graphique.svg")[0] == 200
    hostile = [
        "/annexes/lien.png", "/annexes/sous/secret.png", "/annexes/interne.yml",
        "/annexes/tube", "/annexes/../dossier.yml", "/annexes/%2e%2e/dossier.yml",
        "/annexes/..%2fdossier.yml", "/annexes/%2E%2E%2Fdossier.yml", "/annexes/./graphique.svg",
        "/annexes//graphique.svg", "//etc/passwd", "/annexes/%2fetc%2fpasswd",
        "/annexes/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/annexes/%00",
        "/annexes/", "/annexes", "/" + str(outside / "secret.png"),
        "/annexes/..\\dossier.yml", "/annexes/%252e%252e/dossier.yml",
    ]  # fmt: skip
    for path in hostile:
        status, body = raw_get(server, path)
        assert status == 404 and OUTSIDE_MARKER.encode() not in body, path
    limits = replace(project.options, annexe_max_mo=1)
    big = DossierPreview(project.folder(), limits)
    (annexes / "gros.png").write_bytes(b"x" * (1024 * 1024 + 1))
    assert big.annex("/annexes/gros.png") is None
    assert big.annex("/annexes/graphique.svg") is not None


def test_assets_and_headers(served: tuple[Project, PreviewServer]) -> None:
    _, server = served
    body = page(server)
    for href in ("/_bilan/theme/0-main.0123.min.css", "/_bilan/bilan-site.css",
                 "/_bilan/bilan-preview.css"):  # fmt: skip
        assert f'<link rel="stylesheet" href="{href}">' in body
        status, headers, _ = fetch(server.url + href[1:])
        assert (status, headers["Content-Type"]) == (200, "text/css; charset=utf-8")
        assert headers["Cache-Control"] == "max-age=600"
    assert '<script src="/_bilan/bilan-preview.js" defer></script>' in body
    assert "<script>" not in body  # the CSP allows no inline script
    status, headers, script = fetch(server.url + "_bilan/bilan-preview.js")
    assert status == 200 and "/_bilan/version" in script
    assert fetch(server.url + "_bilan/version")[1]["Cache-Control"] == "no-store"
    status, headers, _ = fetch(server.url)
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "default-src 'none'" in csp
    assert headers["Cache-Control"] == "no-store"  # the page; stylesheets may be kept
    assert headers["Referrer-Policy"] == "no-referrer"


def test_binds_the_loopback_address_only(served: tuple[Project, PreviewServer]) -> None:
    _, server = served
    assert server.server_address[0] == LOOPBACK == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/"
    # Another loopback address of this machine: a server on 0.0.0.0 would answer there.
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(2)
        sock.connect(("127.0.0.2", server.port))


def test_requests_for_another_host_are_refused(served: tuple[Project, PreviewServer]) -> None:
    _, server = served
    for host, expected in ((f"localhost:{server.port}", 200), ("evil.example", 403),
                           (f"evil.example:{server.port}", 403)):  # fmt: skip
        connection = http.client.HTTPConnection(LOOPBACK, server.port, timeout=TIMEOUT)
        connection.request("GET", "/", headers={"Host": host})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == expected, host
        if expected == 403:
            assert PRENOM.encode() not in body


def test_a_deleted_dossier_gives_a_page_that_still_reloads(
    served: tuple[Project, PreviewServer],
) -> None:
    project, server = served
    shutil.rmtree(project.folder())
    body = page(server)
    assert "Aperçu impossible" in body and 'content="absent"' in body
    assert "/_bilan/bilan-preview.js" in body
