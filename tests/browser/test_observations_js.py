"""bilan-observations.js in real Chromium seals exactly what bilan_gen/observations reads.

Known-answer vectors (``tests/data/observations_vectors.json``) with the ephemeral key and
the nonce injected, then messages sealed with fresh randomness in the browser and opened in
Python: the two sides agree byte for byte. The scripts are served over http://127.0.0.1 (a
secure context, where WebCrypto exists) under a strict Content Security Policy.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sitebuild import http_server

from bilan_gen.observations.envelope import (
    open_sealed,
    parse_armour,
    parse_message,
    signed_by,
)
from bilan_gen.observations.keys import provider_key
from bilan_gen.publishing import access_from

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "bilan_gen" / "assets"
VECTORS = json.loads((ROOT / "tests" / "data" / "observations_vectors.json").read_text("utf-8"))
SCRIPTS = {"/bilan-crypto.js": "bilan-crypto.js", "/bilan-observations.js": "bilan-observations.js"}
HTML = (
    b'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title>'
    b'<script src="/bilan-crypto.js"></script><script src="/bilan-observations.js"></script>'
    b"</head><body></body></html>"
)
CSP = "default-src 'none'; script-src 'self'"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/":
            body, kind = HTML, "text/html; charset=utf-8"
        elif self.path in SCRIPTS:
            body, kind = (ASSETS / SCRIPTS[self.path]).read_bytes(), "text/javascript"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keeps the test output quiet."""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with http_server(_Handler) as url:
        yield url


@pytest.fixture
def js(page: Page, base_url: str) -> Page:
    """A page with BilanCrypto and BilanObservations loaded, and no page errors."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url)
    assert page.evaluate("typeof window.BilanObservations.seal") == "function"
    assert errors == []
    return page


SEAL = """async ([v, inject]) => {
    const hex = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));
    const O = window.BilanObservations;
    const message = O.messageJson({
        dossier: v.dossier_id, id: v.message.id, creeLe: v.message.cree_le,
        texte: v.message.texte,
    });
    const sealed = inject
        ? await O.seal(v.provider, hex(v.dossier_key_hex), message, v.ephemeral, hex(v.nonce_hex))
        : await O.seal(v.provider, hex(v.dossier_key_hex), message);
    return { json: new TextDecoder().decode(message), armour: O.armour(sealed) };
}"""


@pytest.mark.parametrize("vector", VECTORS["seal"], ids=lambda v: v["name"])
def test_injected_randomness_gives_the_frozen_message(js: Page, vector: dict[str, Any]) -> None:
    got = js.evaluate(SEAL, [vector, True])
    assert got == {"json": vector["message_json"], "armour": vector["armour"]}


@pytest.mark.parametrize("vector", VECTORS["seal"], ids=lambda v: v["name"])
def test_a_message_sealed_in_the_browser_opens_in_python(js: Page, vector: dict[str, Any]) -> None:
    secret = bytes.fromhex(vector["secret_hex"])
    armours = {js.evaluate(SEAL, [vector, False])["armour"] for _ in range(3)}
    assert len(armours) == 3  # a fresh ephemeral key and nonce each time
    for armour in armours:
        blob, line = parse_armour(armour)
        mac, message = open_sealed(blob, provider_key(secret), line)
        key = access_from(vector["dossier_id"], vector["rotation"], secret).key
        assert signed_by(mac, message, key)
        observation = parse_message(message)
        assert observation.texte == vector["message"]["texte"]
        assert observation.cree_le.isoformat() == vector["message"]["cree_le"]


def test_a_mismatched_key_id_is_refused_before_sealing(js: Page) -> None:
    vector = VECTORS["seal"][0]
    wrong = {**vector["provider"], "kid": "00" * 8}
    outcome = js.evaluate(
        """async ([v, cle]) => {
            const key = new Uint8Array(32);
            try { await BilanObservations.seal(cle, key, new Uint8Array(1)); return 'sealed'; }
            catch (e) { return e.message; }
        }""",
        [vector, wrong],
    )
    assert outcome == "provider key and key id disagree"


def test_local_time_carries_its_offset(js: Page) -> None:
    # The page runs in Europe/Paris (tests/browser/conftest.py): +01:00 in winter.
    got = js.evaluate("BilanObservations.localIsoTime(new Date(Date.UTC(2026, 11, 11, 17, 42, 5)))")
    assert got == "2026-12-11T18:42:05+01:00"
    assert dt.datetime.fromisoformat(got).utcoffset() == dt.timedelta(hours=1)


def test_base64_of_large_messages_matches_python(js: Page) -> None:
    data = bytes(range(256)) * 300  # more than one chunk of String.fromCharCode
    armour = js.evaluate(
        "(b64) => BilanObservations.armour(BilanCrypto.base64ToBytes(b64))",
        base64.b64encode(data).decode(),
    )
    assert parse_armour(armour)[0] == data
