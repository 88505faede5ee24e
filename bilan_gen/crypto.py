"""Access codes, key derivation and payload encryption for published dossiers.

Glossary:

- **site secret**: 32 random bytes or more, kept by the consultant (``.bilan/secret`` or the
  ``BILAN_SECRET`` environment variable), never published. Every access code derives from it.
- **access code** (code d'accès): 20 Crockford base32 characters (100 bits) given to one
  audience (the ``beneficiaire``, later third parties) for one dossier and one rotation.
  Changing the rotation revokes the old code.
- **slug**: 32 hex characters naming the encrypted page on the site; derived from the code,
  so the browser finds the page from the code alone and the site lists no dossier ids.
- **payload**: the dossier content encrypted with AES-256-GCM: ``nonce || ciphertext || tag``.

The browser twin is ``assets/bilan-crypto.js``; ``tests/data/crypto_vectors.json`` freezes
the outputs of both, so that any change of algorithm is caught.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bilan_gen.atrest.blob import AtRestError
from bilan_gen.atrest.keyring import split_secret
from bilan_gen.errors import BilanError

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32 alphabet: no I, L, O (mistaken for 1 and 0) nor U."""
CODE_LENGTH = 20
"""Characters in an access code: 20 x 5 bits = 100 bits of entropy."""
CODE_BITS = CODE_LENGTH * 5
NONCE_BYTES = 12
"""NIST SP 800-38D: 96-bit nonces, drawn at random, never reused with one key."""
TAG_BYTES = 16
KEY_BYTES = 32
SECRET_MIN_BYTES = 32
SECRET_ENV = "BILAN_SECRET"
"""Environment variable holding the site secret (CI), which wins over the file."""
SECRET_PATH = Path(".bilan", "secret")
"""Where the site secret lives, relative to the project directory."""

AAD = b"bilan-gen/v1"
CODE_SALT = b"bilan-gen/v1/access-code"
SITE_SALT = b"bilan-gen/v1"
SLUG_INFO = b"slug"
KEY_INFO = b"aes-256-gcm key"

# Pasted codes come from e-mails, PDFs and word processors: besides ASCII spaces, dashes,
# underscores and dots, accept the (narrow) no-break spaces of French typography and the
# typographic dashes that editors substitute for "-". Keep in sync with bilan-crypto.js.
SEPARATORS = frozenset(" \t\r\n\u00a0\u202f-\u2010\u2011\u2012\u2013\u2014\u2212_.")

# Crockford decoding: any case; I and L read as 1, O as 0. ASCII only, on purpose:
# str.upper() maps the dotless i (U+0131) to I and the long s (U+017F) to S, so that text
# which is not a code would pass; and JavaScript's toUpperCase() might not agree.
_DECODE: dict[str, str] = {
    **{c: c for c in CROCKFORD},
    **{c.lower(): c for c in CROCKFORD if c.isalpha()},
    **dict.fromkeys("IiLl", "1"),
    **dict.fromkeys("Oo", "0"),
}

_INVALID_CODE = "code d'accès invalide : 20 caractères attendus parmi 0-9 et A-Z, sauf U"
_SHORT_SECRET = f"secret du site trop court : {SECRET_MIN_BYTES} octets au moins sont requis"


class SecretError(BilanError):
    """The site secret is too short or cannot be read. Messages never show the secret."""


class PayloadError(BilanError):
    """An encrypted payload was tampered with, truncated, or decrypted with the wrong key."""


class CodeError(BilanError, ValueError):
    """An access code is malformed. Messages never show the code: it is a credential."""


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """Derives key material with HKDF-SHA256 (RFC 5869).

    Args:
        ikm: Input keying material.
        salt: Salt; empty means a string of zeros, as in the RFC.
        info: Context binding the output to one use.
        length: Bytes of output, at most 255 x 32.

    Returns:
        ``length`` bytes of output keying material.
    """
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def derive_access_code(
    secret: bytes, dossier_id: str, rotation: int, audience: str = "beneficiaire"
) -> str:
    """Derives the canonical access code of one dossier for one audience and rotation.

    Args:
        secret: The site secret, at least ``SECRET_MIN_BYTES`` bytes.
        dossier_id: The dossier's identifier, e.g. ``"2026-014"``.
        rotation: Incremented to revoke a leaked code; 0 at first.
        audience: Who receives the code; each audience gets its own.

    Returns:
        A 20-character uppercase Crockford base32 code.

    Raises:
        SecretError: The secret is too short.
        ValueError: A field holds a newline (it would make ``info`` ambiguous) or the
            rotation is negative.
    """
    if len(secret) < SECRET_MIN_BYTES:
        raise SecretError(_SHORT_SECRET)
    if "\n" in dossier_id or "\n" in audience:
        raise ValueError("dossier_id and audience must not contain a newline")
    if rotation < 0:
        raise ValueError("rotation must be 0 or more")
    info = f"{audience}\n{dossier_id}\n{rotation:d}".encode()
    okm = hkdf_sha256(secret, CODE_SALT, info, (CODE_BITS + 7) // 8)
    value = int.from_bytes(okm, "big") >> (len(okm) * 8 - CODE_BITS)
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))


def normalize_code(text: str) -> str | None:
    """Turns an access code as typed or pasted into its canonical form.

    Case is ignored, as are spaces, dashes, underscores and dots; I and L read as 1 and O
    as 0 (Crockford decoding).

    Args:
        text: The code as the user entered it.

    Returns:
        The 20-character uppercase code, or None when a character is not in the alphabet
        (U, punctuation, non-ASCII letters) or the length is not 20.
    """
    chars = [_DECODE.get(c) for c in text if c not in SEPARATORS]
    if len(chars) != CODE_LENGTH or None in chars:
        return None
    return "".join(c for c in chars if c is not None)


def _require_code(code: str) -> str:
    canonical = normalize_code(code)
    if canonical is None:
        raise CodeError(_INVALID_CODE)
    return canonical


def format_code(code: str) -> str:
    """Formats an access code for people: ``ABCD-EFGH-JKMN-PQRS-TVWX``.

    Args:
        code: The code, in any form that ``normalize_code`` accepts.

    Returns:
        The canonical code in groups of four joined by dashes.

    Raises:
        CodeError: The code is malformed (a ValueError).
    """
    canonical = _require_code(code)
    return "-".join(canonical[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def derive_slug_and_key(code: str) -> tuple[str, bytes]:
    """Derives a dossier page's slug and AES-256 key from its access code.

    Args:
        code: The access code, in any form that ``normalize_code`` accepts.

    Returns:
        ``(slug, key)``: 32 hex characters and 32 bytes.

    Raises:
        CodeError: The code is malformed (a ValueError).
    """
    # No slow KDF (PBKDF2, Argon2): the code is machine-generated with 100 bits of entropy,
    # so trying codes is infeasible however fast each try is. A slow KDF only protects
    # low-entropy, human-chosen passwords, and would cost the browser and each build dearly.
    ikm = _require_code(code).encode("ascii")
    slug = hkdf_sha256(ikm, SITE_SALT, SLUG_INFO, 16).hex()
    return slug, hkdf_sha256(ikm, SITE_SALT, KEY_INFO, KEY_BYTES)


def encrypt_payload(key: bytes, plaintext: bytes, nonce: bytes | None = None) -> bytes:
    """Encrypts a payload with AES-256-GCM.

    Args:
        key: 32-byte key from ``derive_slug_and_key``.
        plaintext: The bytes to protect.
        nonce: 12 bytes; None draws them at random, which production must do. Tests pass
            one to reproduce known-answer vectors.

    Returns:
        ``nonce || ciphertext || tag``.

    Raises:
        ValueError: The key or the nonce has the wrong length.
    """
    if len(key) != KEY_BYTES:
        raise ValueError(f"key must be {KEY_BYTES} bytes")
    if nonce is None:
        nonce = os.urandom(NONCE_BYTES)
    if len(nonce) != NONCE_BYTES:
        raise ValueError(f"nonce must be {NONCE_BYTES} bytes")
    return nonce + AESGCM(key).encrypt(nonce, plaintext, AAD)


def decrypt_payload(key: bytes, blob: bytes) -> bytes:
    """Decrypts and authenticates a payload made by ``encrypt_payload``.

    Args:
        key: 32-byte key.
        blob: ``nonce || ciphertext || tag``.

    Returns:
        The plaintext.

    Raises:
        PayloadError: The blob is truncated, was altered, or the key is wrong.
        ValueError: The key has the wrong length.
    """
    if len(key) != KEY_BYTES:
        raise ValueError(f"key must be {KEY_BYTES} bytes")
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise PayloadError("données chiffrées tronquées")
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], AAD)
    except InvalidTag:
        raise PayloadError("données chiffrées altérées ou clé incorrecte") from None


def parse_secret(text: str) -> bytes:
    """Turns the site secret's text into bytes.

    Args:
        text: 64 hex characters (32 bytes, the form ``load_or_create_secret`` writes), any
            passphrase of ``SECRET_MIN_BYTES`` UTF-8 bytes or more, or a secret that also
            carries the vault key of dossiers at rest (``bilan2.…``, its site part in hex).
            Surrounding whitespace, such as a file's final newline, is ignored.

    Returns:
        The secret's bytes.

    Raises:
        SecretError: The secret is shorter than ``SECRET_MIN_BYTES`` bytes.
    """
    text = text.strip()
    try:
        site, _ = split_secret(text)  # bilan2.<site>.<generation>.<vault>: dossiers at rest
    except AtRestError as error:
        raise SecretError(str(error)) from None
    if site is not None:
        return site
    if len(text) == 2 * SECRET_MIN_BYTES and all(c in string.hexdigits for c in text):
        return bytes.fromhex(text)
    secret = text.encode("utf-8")
    if len(secret) < SECRET_MIN_BYTES:
        raise SecretError(_SHORT_SECRET)
    return secret


def load_or_create_secret(
    project_dir: Path,
    env: Mapping[str, str],
    *,
    env_name: str = SECRET_ENV,
    relative_path: Path = SECRET_PATH,
) -> tuple[bytes, bool]:
    """Finds the site secret, creating a random one on a project's first build.

    ``BILAN_SECRET`` in ``env`` wins, even when empty (an empty secret in CI is an error,
    not a reason to invent a new one); else ``project_dir/.bilan/secret`` is read; else that
    file is created with 32 random bytes, hex-encoded, readable by its owner only.

    Args:
        project_dir: The project's root directory.
        env: The environment, usually ``os.environ``.
        env_name: The environment variable to read (option ``secret_env``).
        relative_path: The secret file, relative to ``project_dir`` (option ``secret_file``).

    Returns:
        ``(secret, created)``; ``created`` is True when the file was just written.

    Raises:
        SecretError: The secret found is too short, or its file cannot be read.
    """
    if env_name in env:
        return parse_secret(env[env_name]), False
    secret_path = project_dir / relative_path
    if not secret_path.exists():
        secret = os.urandom(SECRET_MIN_BYTES)
        if _write_new_secret(secret_path, secret):
            return secret, True
    try:
        return parse_secret(secret_path.read_text(encoding="utf-8")), False
    except (OSError, UnicodeDecodeError) as error:
        reason = error.__class__.__name__
        raise SecretError(f"secret du site illisible : {relative_path} ({reason})") from error


def make_private_dir(path: Path) -> None:
    """Create ``path`` readable by its owner only, with a ``.gitignore`` that ignores it all.

    Like .pytest_cache: even if the project's .gitignore forgets it, git skips it. Missing
    parents are made owner-only too (``mkdir(parents=True)`` would give them the umask's).
    """
    for level in [*reversed(path.parents), path]:
        if not level.exists():
            level.mkdir(mode=0o700, exist_ok=True)
    ignore_path = path / ".gitignore"
    if not ignore_path.exists():
        ignore_path.write_text("# Created by bilan-gen: secrets and caches, never commit.\n*\n")


def _write_new_secret(secret_path: Path, secret: bytes) -> bool:
    """Writes a new secret file, mode 0600; returns False when another process won the race."""
    make_private_dir(secret_path.parent)
    try:
        # O_EXCL: never overwrite a secret, which would silently change every access code.
        fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as secret_file:
        secret_file.write(secret.hex() + "\n")
        secret_file.flush()
        os.fsync(secret_file.fileno())
    return True
