"""The encrypted file format of a dossier file in Git, version 1.

A blob is ``MAGIC || path || "\n" || AES-SIV(dossier key, plaintext, ad=[FORMAT_AD, path])``
where ``path`` is the file's POSIX path in the repository (``dossiers/2026-014/synthese.md``).
AES-SIV (RFC 5297, from ``cryptography``) is a deterministic AEAD: the same content at the
same path gives the same bytes, so Git sees an unchanged file as unchanged, and the
associated data bind it to its path. The path is also written in clear (file names are not
secret in Git anyway): a diff driver, which Git hands a bare temporary file, finds the
dossier and the associated data there, and a blob found at another path is refused before
any decryption. The leading NUL byte makes Git, and forges, treat blobs as binary.

The version is the byte after ``bilan-gen:``: a later algorithm gets a new one, and old
blobs keep reading through the branch of :func:`decrypt_file` that knows theirs.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from bilan_gen.errors import BilanError

MAGIC = b"\x00bilan-gen:1\n"
"""How every blob of format 1 starts."""
_PREFIX = b"\x00bilan-gen:"
FORMAT_AD = b"bilan-gen/at-rest/1"
KEY_BYTES = 64
"""AES-SIV with two AES-256 keys."""
_SIV_BYTES = 16


class AtRestError(BilanError):
    """A dossier file or key cannot be decrypted or encrypted; the message is French."""


def is_encrypted(data: bytes) -> bool:
    """Whether ``data`` is a blob of any version of this format (not a plain file)."""
    return data.startswith(_PREFIX)


def encrypt_file(key: bytes, path: str, plaintext: bytes) -> bytes:
    """The blob of ``plaintext`` at ``path``, under the dossier ``key``."""
    if "\n" in path or "\r" in path:
        raise AtRestError(f"{path!r} : un nom de fichier chiffré ne contient pas de saut de ligne")
    name = path.encode("utf-8")
    return MAGIC + name + b"\n" + AESSIV(key).encrypt(plaintext, [FORMAT_AD, name])


def blob_path(blob: bytes) -> str:
    """The path a blob was encrypted for (a diff driver's only way to know it).

    Raises:
        AtRestError: Not a blob of format 1.
    """
    _check_version(blob, "fichier")
    name, newline, _ = blob[len(MAGIC) :].partition(b"\n")
    if not newline:
        raise AtRestError("fichier chiffré tronqué")
    return name.decode("utf-8", "replace")


def decrypt_file(key: bytes, path: str, blob: bytes) -> bytes:
    """The plaintext of a blob found at ``path``.

    Raises:
        AtRestError: Not a blob of a known version, altered, moved from another path, or
            encrypted under another key.
    """
    _check_version(blob, path)
    name, newline, body = blob[len(MAGIC) :].partition(b"\n")
    if not newline or len(body) < _SIV_BYTES:
        raise AtRestError(f"{path} : fichier chiffré tronqué")
    if name != path.encode("utf-8"):
        raise AtRestError(
            f"{path} : ce contenu chiffré a été écrit pour un autre fichier "
            f"({name.decode('utf-8', 'replace')}) ; il ne se déchiffre qu'à sa place"
        )
    try:
        return AESSIV(key).decrypt(body, [FORMAT_AD, name])
    except InvalidTag:
        raise AtRestError(
            f"{path} : fichier chiffré altéré, ou chiffré avec une autre clé que celle de ce "
            "dossier"
        ) from None


def _check_version(blob: bytes, path: str) -> None:
    if not blob.startswith(MAGIC):
        version = blob[len(_PREFIX) :].split(b"\n", 1)[0][:8] if is_encrypted(blob) else b""
        if version:
            raise AtRestError(
                f"{path} : format chiffré inconnu (version {version.decode('ascii', 'replace')})"
                " ; mettez bilan-gen à jour"
            )
        raise AtRestError(f"{path} : ce fichier n'est pas chiffré par bilan-gen")
