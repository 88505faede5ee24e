"""bilan-crypto.js in real Chromium gives the same answers as bilan_gen/crypto.py.

The script is served over http://127.0.0.1, which is a secure context: ``about:blank`` and
``page.set_content`` are not, and there ``crypto.subtle`` is undefined (checked with
Chromium 156). The page is served under a strict Content Security Policy, as the published
site will be, so the script must not need eval or inline code.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sitebuild import http_server

from bilan_gen.crypto import CROCKFORD, SEPARATORS, normalize_code

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
SCRIPT_PATH = ROOT / "bilan_gen" / "assets" / "bilan-crypto.js"
VECTORS = json.loads((ROOT / "tests" / "data" / "crypto_vectors.json").read_text("utf-8"))
HTML = (
    b'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title>'
    b'<script src="/bilan-crypto.js"></script></head><body></body></html>'
)
CSP = "default-src 'none'; script-src 'self'"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/":
            body, kind = HTML, "text/html; charset=utf-8"
        elif self.path == "/bilan-crypto.js":
            body, kind = SCRIPT_PATH.read_bytes(), "text/javascript; charset=utf-8"
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
    """A throwaway HTTP server on 127.0.0.1, on a free port."""
    with http_server(_Handler) as url:
        yield url


@pytest.fixture
def crypto_page(page: Page, base_url: str) -> Page:
    """A page with window.BilanCrypto loaded, and no page errors allowed."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url)
    assert page.evaluate("window.isSecureContext && typeof window.BilanCrypto") == "object"
    assert errors == []
    return page


def test_page_is_a_secure_context_with_webcrypto(crypto_page: Page) -> None:
    assert crypto_page.evaluate("[isSecureContext, typeof crypto.subtle.deriveBits]") == [
        True,
        "function",
    ]


@pytest.mark.parametrize("vector", VECTORS["hkdf"], ids=lambda v: v["name"])
def test_hkdf_matches_rfc5869(crypto_page: Page, vector: dict[str, Any]) -> None:
    okm = crypto_page.evaluate(
        """async (v) => {
            const hex = (h) => new Uint8Array((h.match(/../g) || []).map((b) => parseInt(b, 16)));
            const out = await BilanCrypto.hkdf(hex(v.ikm_hex), hex(v.salt_hex),
                                               hex(v.info_hex), v.length);
            return Array.from(out, (b) => b.toString(16).padStart(2, '0')).join('');
        }""",
        vector,
    )
    assert okm == vector["okm_hex"]


DERIVE_AND_DECRYPT = """async (v) => {
    const raw = await BilanCrypto.deriveSlugAndRawKey(v.code);
    const { slug, key } = await BilanCrypto.deriveSlugAndKey(v.code);
    const plain = await BilanCrypto.decryptPayload(key, BilanCrypto.base64ToBytes(v.blob_b64));
    return {
        rawSlug: raw.slug,
        keyHex: Array.from(raw.keyBytes, (b) => b.toString(16).padStart(2, '0')).join(''),
        slug: slug,
        extractable: key.extractable,
        usages: key.usages,
        plaintext: new TextDecoder('utf-8', { fatal: true }).decode(plain),
    };
}"""


@pytest.mark.parametrize("vector", VECTORS["access"], ids=lambda v: v["name"])
def test_code_gives_slug_key_and_plaintext(crypto_page: Page, vector: dict[str, Any]) -> None:
    got = crypto_page.evaluate(DERIVE_AND_DECRYPT, vector)
    assert got == {
        "rawSlug": vector["slug"],
        "keyHex": vector["key_hex"],
        "slug": vector["slug"],
        "extractable": False,
        "usages": ["decrypt"],
        "plaintext": vector["plaintext"],
    }


@pytest.mark.parametrize("vector", VECTORS["access"][:1], ids=lambda v: v["name"])
def test_typed_code_gives_the_same_slug(crypto_page: Page, vector: dict[str, Any]) -> None:
    typed = " " + vector["code_formatted"].lower().replace("1", "l").replace("0", "o") + " "
    slug = crypto_page.evaluate("async (c) => (await BilanCrypto.deriveSlugAndKey(c)).slug", typed)
    assert slug == vector["slug"]


TAMPER = """async ([v, index]) => {
    const blob = BilanCrypto.base64ToBytes(v.blob_b64);
    blob[index < 0 ? blob.length + index : index] ^= 0x01;
    const { key } = await BilanCrypto.deriveSlugAndKey(v.code);
    try {
        await BilanCrypto.decryptPayload(key, blob);
        return 'decrypted';
    } catch (e) {
        return e.name + ': ' + e.message;
    }
}"""


@pytest.mark.parametrize(("index", "region"), [(0, "nonce"), (12, "ciphertext"), (-1, "tag")])
def test_tampered_blob_is_rejected(crypto_page: Page, index: int, region: str) -> None:
    vector = VECTORS["access"][0]
    outcome = crypto_page.evaluate(TAMPER, [vector, index])
    assert outcome == "PayloadError: données chiffrées altérées ou clé incorrecte", region


def test_wrong_key_and_truncated_blob_are_rejected(crypto_page: Page) -> None:
    first, second = VECTORS["access"][0], VECTORS["access"][1]
    outcomes = crypto_page.evaluate(
        """async ([a, b]) => {
            const attempt = async (code, bytes) => {
                const { key } = await BilanCrypto.deriveSlugAndKey(code);
                try { await BilanCrypto.decryptPayload(key, bytes); return 'decrypted'; }
                catch (e) { return e.name + ': ' + e.message; }
            };
            const blob = BilanCrypto.base64ToBytes(a.blob_b64);
            return [await attempt(b.code, blob), await attempt(a.code, blob.subarray(0, 27))];
        }""",
        [first, second],
    )
    assert outcomes == [
        "PayloadError: données chiffrées altérées ou clé incorrecte",
        "PayloadError: données chiffrées tronquées",
    ]


def test_normalize_cases_agree_with_python(crypto_page: Page) -> None:
    inputs = [case["input"] for case in VECTORS["normalize"]]
    got = crypto_page.evaluate("(xs) => xs.map(BilanCrypto.normalizeCode)", inputs)
    assert got == [case["expected"] for case in VECTORS["normalize"]]


def test_normalize_agrees_with_python_on_random_text(crypto_page: Page) -> None:
    rng = random.Random(20261126)
    valid = CROCKFORD + CROCKFORD.lower() + "IiLlOo"
    spaced = valid + "".join(SEPARATORS)
    noisy = spaced + "Uu*=/\u0131\u017f\u00e9\uff10\U0001f3af"
    inputs = [_random_text(rng, valid, 20, 20) for _ in range(300)]
    inputs += [_random_text(rng, spaced, 18, 32) for _ in range(1000)]
    inputs += [_random_text(rng, noisy, 18, 32) for _ in range(1000)]
    got = crypto_page.evaluate("(xs) => xs.map(BilanCrypto.normalizeCode)", inputs)
    expected = [normalize_code(text) for text in inputs]
    assert got == expected
    # Both outcomes are well represented, so agreement means something.
    assert 300 < sum(code is not None for code in expected) < len(inputs) - 1000


def _random_text(rng: random.Random, pool: str, shortest: int, longest: int) -> str:
    return "".join(rng.choices(pool, k=rng.randint(shortest, longest)))


def test_format_code_agrees_with_python(crypto_page: Page) -> None:
    got = crypto_page.evaluate(
        """(codes) => codes.map((c) => {
            try { return BilanCrypto.formatCode(c); } catch (e) { return e.name; }
        })""",
        [v["code"] for v in VECTORS["access"]] + ["UUUU"],
    )
    assert got == [v["code_formatted"] for v in VECTORS["access"]] + ["CodeError"]


def test_base64_matches_python(crypto_page: Page) -> None:
    data = bytes(range(256))
    got = crypto_page.evaluate(
        "(s) => Array.from(BilanCrypto.base64ToBytes(s))", base64.b64encode(data).decode()
    )
    assert bytes(got) == data
