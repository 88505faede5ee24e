"""What Git's clean and smudge filters do to a dossier file, without any Git I/O.

- **clean** (working tree → Git): a plain file becomes its blob, under its dossier's key
  (made on the dossier's first file). A file that already is a blob goes in unchanged: a
  clone without the key holds blobs, and ``git status`` must stay clean there. Without the
  key, a plain file is refused: nothing reaches Git in clear.
- **smudge** (Git → working tree): a blob becomes its plain file. When it cannot (no key on
  this workstation, a destroyed dossier, an altered blob) the blob is written as it is,
  with a warning: the checkout of every other file goes on, and nothing is lost.

Paths outside dossier folders (``dossiers/<id>/…``) pass through untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bilan_gen.atrest.blob import AtRestError, decrypt_file, encrypt_file, is_encrypted
from bilan_gen.atrest.keyring import Keyring, VaultKey

DOSSIERS_DIR = "dossiers"


def dossier_of(path: str, dossiers_dir: str = DOSSIERS_DIR) -> str | None:
    """The dossier id of a repository path ``dossiers/<id>/…``, else None."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == dossiers_dir and parts[1] and parts[-1]:
        return parts[1]
    return None


@dataclass
class Codec:
    """Clean and smudge for one repository (``root``), with its vault key if any."""

    root: Path
    vault: VaultKey | None
    dossiers_dir: str = DOSSIERS_DIR
    created: list[str] = field(default_factory=list)
    """Dossiers whose key this codec made (to be committed with ``.bilan-keys/``)."""
    _keyring: Keyring | None = None

    def keyring(self) -> Keyring:
        if self.vault is None:
            raise AtRestError(
                "les dossiers sont chiffrés et la clé manque sur ce poste : placez le secret "
                "de l'office dans .bilan/secret (ou BILAN_SECRET), puis relancez"
            )
        if self._keyring is None:
            keyring = Keyring(self.root, self.vault)
            keyring.check()
            self._keyring = keyring
        return self._keyring

    def clean(self, path: str, data: bytes) -> bytes:
        """The bytes Git stores for the working-tree file ``path``.

        Raises:
            AtRestError: A plain dossier file with no key to encrypt it.
        """
        dossier = dossier_of(path, self.dossiers_dir)
        if dossier is None or is_encrypted(data):
            return data
        keyring = self.keyring()
        made = not keyring.has_key(dossier)
        key = keyring.key_for(dossier, create=True)
        if made:
            self.created.append(dossier)
        return encrypt_file(key, path, data)

    def smudge(self, path: str, data: bytes) -> tuple[bytes, str | None]:
        """The working-tree bytes of ``path`` and, when it stays encrypted, why."""
        dossier = dossier_of(path, self.dossiers_dir)
        if dossier is None or not is_encrypted(data):
            return data, None
        try:
            return decrypt_file(self.keyring().key_for(dossier), path, data), None
        except AtRestError as error:
            return data, f"{path} reste chiffré : {error}"
