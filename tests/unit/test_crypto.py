"""bilan_gen.crypto: known-answer vectors, tampering, access codes and the site secret."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from bilan_gen.crypto import (
    CODE_LENGTH,
    CROCKFORD,
    CodeError,
    PayloadError,
    SecretError,
    decrypt_payload,
    derive_access_code,
    derive_slug_and_key,
    encrypt_payload,
    format_code,
    hkdf_sha256,
    load_or_create_secret,
    normalize_code,
    parse_secret,
)
from bilan_gen.errors import BilanError

VECTORS_PATH = Path(__file__).resolve().parents[1] / "data" / "crypto_vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
SHORT_SECRET = "secret du site trop court : 32 octets au moins sont requis"
TAMPERED = "données chiffrées altérées ou clé incorrecte"
SECRET = bytes(range(32))
KEY = bytes(range(100, 132))

access_vectors = pytest.mark.parametrize("v", VECTORS["access"], ids=lambda v: v["name"])


def _blob(v: dict[str, Any]) -> bytes:
    return base64.b64decode(v["blob_b64"], validate=True)


# Known answers ------------------------------------------------------------------------


@pytest.mark.parametrize("v", VECTORS["hkdf"], ids=lambda v: v["name"])
def test_hkdf_matches_rfc5869(v: dict[str, Any]) -> None:
    okm = hkdf_sha256(
        bytes.fromhex(v["ikm_hex"]),
        bytes.fromhex(v["salt_hex"]),
        bytes.fromhex(v["info_hex"]),
        v["length"],
    )
    assert okm.hex() == v["okm_hex"]


@access_vectors
def test_access_code_is_frozen(v: dict[str, Any]) -> None:
    secret = bytes.fromhex(v["secret_hex"])
    code = derive_access_code(secret, v["dossier_id"], v["rotation"], v["audience"])
    assert code == v["code"]
    assert format_code(code) == v["code_formatted"]


@access_vectors
def test_access_code_is_the_top_100_bits_of_hkdf(v: dict[str, Any]) -> None:
    # Independent re-derivation: RFC 4648 base32 has the same bit order, other letters.
    info = f"{v['audience']}\n{v['dossier_id']}\n{v['rotation']}".encode()
    okm = hkdf_sha256(bytes.fromhex(v["secret_hex"]), b"bilan-gen/v1/access-code", info, 13)
    rfc4648 = base64.b32encode(okm).decode()[:CODE_LENGTH]
    table = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", CROCKFORD)
    assert rfc4648.translate(table) == v["code"]


@access_vectors
def test_slug_and_key_are_frozen(v: dict[str, Any]) -> None:
    slug, key = derive_slug_and_key(v["code"])
    assert (slug, key.hex()) == (v["slug"], v["key_hex"])


@access_vectors
def test_encryption_with_injected_nonce_is_frozen(v: dict[str, Any]) -> None:
    blob = encrypt_payload(
        bytes.fromhex(v["key_hex"]), v["plaintext"].encode(), bytes.fromhex(v["nonce_hex"])
    )
    assert blob == _blob(v)
    assert len(blob) == 12 + len(v["plaintext"].encode()) + 16


@access_vectors
def test_vector_blob_decrypts_to_plaintext(v: dict[str, Any]) -> None:
    plaintext = decrypt_payload(bytes.fromhex(v["key_hex"]), _blob(v))
    assert plaintext.decode("utf-8") == v["plaintext"]


def test_typed_code_gives_the_same_slug_and_key() -> None:
    v = VECTORS["access"][0]
    typed = "  " + v["code_formatted"].lower().replace("1", "l").replace("0", "o") + "\n"
    assert derive_slug_and_key(typed) == derive_slug_and_key(v["code"])


# Encryption -----------------------------------------------------------------------------


def test_random_nonces_differ_and_both_decrypt() -> None:
    first, second = encrypt_payload(KEY, b"synthese"), encrypt_payload(KEY, b"synthese")
    assert first[:12] != second[:12]
    assert decrypt_payload(KEY, first) == decrypt_payload(KEY, second) == b"synthese"


@pytest.mark.parametrize(("index", "region"), [(0, "nonce"), (12, "ciphertext"), (-1, "tag")])
def test_flipped_bit_is_rejected(index: int, region: str) -> None:
    v = VECTORS["access"][0]
    blob = bytearray(_blob(v))
    blob[index] ^= 0x01
    with pytest.raises(PayloadError, match=f"^{TAMPERED}$"):
        decrypt_payload(bytes.fromhex(v["key_hex"]), bytes(blob))


def test_wrong_key_is_rejected() -> None:
    first, second = VECTORS["access"][0], VECTORS["access"][1]
    with pytest.raises(PayloadError, match=f"^{TAMPERED}$"):
        decrypt_payload(bytes.fromhex(second["key_hex"]), _blob(first))


@pytest.mark.parametrize("length", [0, 11, 27])
def test_truncated_blob_is_rejected(length: int) -> None:
    blob = encrypt_payload(KEY, b"", bytes(12))
    assert len(blob) == 28
    with pytest.raises(PayloadError, match=r"^données chiffrées tronquées$"):
        decrypt_payload(KEY, blob[:length])


def test_payload_is_bound_to_the_bilan_aad() -> None:
    nonce = bytes(12)
    foreign = nonce + AESGCM(KEY).encrypt(nonce, b"synthese", b"other-app/v1")
    with pytest.raises(PayloadError):
        decrypt_payload(KEY, foreign)
    assert encrypt_payload(KEY, b"synthese", nonce) != foreign


def test_payload_error_is_a_bilan_error() -> None:
    assert issubclass(PayloadError, BilanError)
    assert issubclass(SecretError, BilanError)
    assert issubclass(CodeError, BilanError)
    assert issubclass(CodeError, ValueError)


@pytest.mark.parametrize(
    ("key", "nonce", "message"),
    [(KEY[:16], bytes(12), "key must be 32 bytes"), (KEY, bytes(8), "nonce must be 12 bytes")],
)
def test_wrong_key_or_nonce_length_is_refused(key: bytes, nonce: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encrypt_payload(key, b"x", nonce)


# Access codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORS["normalize"], ids=lambda c: c["why"])
def test_normalize_code(case: dict[str, Any]) -> None:
    assert normalize_code(case["input"]) == case["expected"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0123456789abcdefghjk", "0123-4567-89AB-CDEF-GHJK"),
        ("0123-4567-89AB-CDEF-GHJK", "0123-4567-89AB-CDEF-GHJK"),
        ("oooo iiii llll 2222 3333", "0000-1111-1111-2222-3333"),
    ],
)
def test_format_code(text: str, expected: str) -> None:
    assert format_code(text) == expected


@pytest.mark.parametrize("text", ["UUUU-UUUU-UUUU-UUUU-UUUU", "0123", "SECRET-CODE-SHOWN"])
def test_malformed_code_is_refused_without_echoing_it(text: str) -> None:
    for operation in (format_code, derive_slug_and_key):
        with pytest.raises(ValueError, match=r"^code d'accès invalide") as caught:
            operation(text)
        assert text not in str(caught.value)


def test_each_input_changes_the_code() -> None:
    base = derive_access_code(SECRET, "2026-014", 0)
    variants = {
        derive_access_code(SECRET, "2026-014", 0, "beneficiaire"),
        derive_access_code(SECRET, "2026-014", 1),
        derive_access_code(SECRET, "2026-015", 0),
        derive_access_code(SECRET, "2026-014", 0, "employeur"),
        derive_access_code(bytes(32), "2026-014", 0),
    }
    assert len(variants) == 5
    assert base in variants


@pytest.mark.parametrize(
    ("dossier_id", "rotation", "audience", "message"),
    [
        ("2026\n014", 0, "beneficiaire", "must not contain a newline"),
        ("2026-014", 0, "a\nb", "must not contain a newline"),
        ("2026-014", -1, "beneficiaire", "rotation must be 0 or more"),
    ],
)
def test_ambiguous_code_inputs_are_refused(
    dossier_id: str, rotation: int, audience: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        derive_access_code(SECRET, dossier_id, rotation, audience)


def test_code_needs_a_long_enough_secret() -> None:
    with pytest.raises(SecretError, match=f"^{SHORT_SECRET}$"):
        derive_access_code(SECRET[:31], "2026-014", 0)


@given(
    secret=st.binary(min_size=32, max_size=64),
    dossier_id=st.text(max_size=40).filter(lambda s: "\n" not in s),
    rotation=st.integers(min_value=0, max_value=10**6),
    audience=st.sampled_from(["beneficiaire", "employeur", "financeur"]),
)
def test_any_code_is_canonical(
    secret: bytes, dossier_id: str, rotation: int, audience: str
) -> None:
    code = derive_access_code(secret, dossier_id, rotation, audience)
    assert len(code) == CODE_LENGTH
    assert set(code) <= set(CROCKFORD)
    assert normalize_code(code) == code
    assert normalize_code(format_code(code).lower()) == code


@given(st.text())
def test_normalize_never_raises(text: str) -> None:
    code = normalize_code(text)
    assert code is None or (len(code) == CODE_LENGTH and normalize_code(code) == code)


# Site secret ----------------------------------------------------------------------------


def test_hex_secret_is_decoded() -> None:
    assert parse_secret(SECRET.hex() + "\n") == SECRET
    assert parse_secret(SECRET.hex().upper()) == SECRET


def test_passphrase_secret_is_utf8() -> None:
    assert parse_secret("é" * 16) == ("é" * 16).encode()  # 16 characters, 32 bytes


@pytest.mark.parametrize("text", ["", "court", "a" * 31, "é" * 15 + "x", " " * 40])
def test_short_secret_is_refused(text: str) -> None:
    with pytest.raises(SecretError, match=f"^{SHORT_SECRET}$"):
        parse_secret(text)


def test_secret_file_is_created_private_then_reused(tmp_path: Path) -> None:
    secret, created = load_or_create_secret(tmp_path, {})
    secret_path = tmp_path / ".bilan" / "secret"
    assert created
    assert len(secret) == 32
    assert stat.S_IMODE(secret_path.stat().st_mode) == 0o600
    assert secret_path.read_text(encoding="ascii") == secret.hex() + "\n"
    assert (tmp_path / ".bilan" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert load_or_create_secret(tmp_path, {}) == (secret, False)


def test_environment_secret_wins(tmp_path: Path) -> None:
    load_or_create_secret(tmp_path, {})
    assert load_or_create_secret(tmp_path, {"BILAN_SECRET": SECRET.hex()}) == (SECRET, False)


def test_environment_secret_creates_no_file(tmp_path: Path) -> None:
    assert load_or_create_secret(tmp_path, {"BILAN_SECRET": SECRET.hex()}) == (SECRET, False)
    assert not (tmp_path / ".bilan").exists()


def test_empty_environment_secret_is_an_error_not_a_new_secret(tmp_path: Path) -> None:
    with pytest.raises(SecretError, match=f"^{SHORT_SECRET}$"):
        load_or_create_secret(tmp_path, {"BILAN_SECRET": ""})
    assert not (tmp_path / ".bilan").exists()


def test_short_secret_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".bilan").mkdir()
    (tmp_path / ".bilan" / "secret").write_text("abcd\n")
    with pytest.raises(SecretError, match=f"^{SHORT_SECRET}$"):
        load_or_create_secret(tmp_path, {})
    assert (tmp_path / ".bilan" / "secret").read_text() == "abcd\n"


def test_unreadable_secret_file_is_reported_without_content(tmp_path: Path) -> None:
    (tmp_path / ".bilan").mkdir()
    (tmp_path / ".bilan" / "secret").write_bytes(b"\xff" * 40)
    with pytest.raises(SecretError, match=r"^secret du site illisible : \.bilan/secret "):
        load_or_create_secret(tmp_path, {})
