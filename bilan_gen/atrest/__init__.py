"""Dossiers encrypted at rest in Git: one key per dossier, destruction by key (R6313-7).

The key hierarchy, from the top:

- the **vault key** (32 random bytes, with a generation number) wraps every dossier key. It
  travels in the one secret an office hands over (``.bilan/secret``, ``BILAN_SECRET`` in
  CI), beside the site secret, which it never changes: access codes stay as they are.
- each **dossier key** (64 random bytes, an AES-SIV key) encrypts every file of one dossier.
  It is committed wrapped under the vault key (:mod:`bilan_gen.atrest.keyring`), one file
  per dossier, so that colleagues adding dossiers never conflict.
- each **file** is AES-SIV ciphertext bound to its path (:mod:`bilan_gen.atrest.blob`):
  deterministic, so an unchanged file never shows as modified, and a blob moved to another
  file or dossier does not decrypt.

Destroying a dossier deletes its wrapped key and rotates the vault key: every other dossier
key is wrapped again under the new one, and the old wrapped copies that history keeps are
locked under a vault key that no longer exists anywhere.

This package is core: no MkDocs, no click. The Git filter process is a thin adapter
(:mod:`bilan_gen.atrest.filter_process`).
"""

from __future__ import annotations

from bilan_gen.atrest.blob import (
    MAGIC,
    AtRestError,
    blob_path,
    decrypt_file,
    encrypt_file,
    is_encrypted,
)
from bilan_gen.atrest.keyring import (
    KEYRING_DIR,
    Keyring,
    VaultKey,
    format_secret,
    split_secret,
)

__all__ = [
    "KEYRING_DIR",
    "MAGIC",
    "AtRestError",
    "blob_path",
    "Keyring",
    "VaultKey",
    "decrypt_file",
    "encrypt_file",
    "format_secret",
    "is_encrypted",
    "split_secret",
]
