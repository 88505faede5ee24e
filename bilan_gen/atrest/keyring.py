"""Dossier keys, wrapped under the vault key, one committed file per dossier.

``.bilan-keys/vault`` says which generation of the vault key the keyring is wrapped under,
with a check value that tells a stale or wrong secret from a damaged key file. Each
``.bilan-keys/<id>.key`` holds one dossier key, wrapped with AES-SIV under the vault key and
bound to the dossier id and the generation. Nothing here is secret without the vault key:
the folder is committed, so that every clone and CI find the keys of every dossier.

The secret an office hands over carries both keys: ``bilan2.<site>.<generation>.<vault>``
(:func:`format_secret`). Its site part is the site secret of the access codes, unchanged by
any rotation; its vault part changes each time a dossier is destroyed.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from bilan_gen.atrest.blob import KEY_BYTES, AtRestError

KEYRING_DIR = ".bilan-keys"
"""The committed folder of wrapped keys, at the repository's root."""
VAULT_FILE = "vault"
MIRROR_DIR = Path(".bilan", "keyring")
SECRET_FILE = Path(".bilan", "secret")
JOURNAL_FILE = Path(".bilan", "secret.next")
"""A destruction under way (:mod:`bilan_gen.atrest.shred`): the new secret, the doomed ids."""
"""Where a workstation keeps its copy of the current keyring (git-ignored)."""
KEY_SUFFIX = ".key"
SECRET_PREFIX = "bilan2"
"""The first field of a secret that carries a vault key."""
VAULT_BYTES = 64
_VAULT_HEADER = "bilan-gen vault 1"
_KEY_HEADER = "bilan-gen dossier key 1"
_CHECK_AD = b"bilan-gen/vault-check/1"
_WRAP_AD = b"bilan-gen/dossier-key/1"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class VaultKey:
    """The key that wraps every dossier key, and its generation (1, then +1 per rotation)."""

    generation: int
    key: bytes

    @classmethod
    def new(cls, generation: int = 1) -> VaultKey:
        return cls(generation, secrets.token_bytes(VAULT_BYTES))

    def check_value(self) -> bytes:
        return AESSIV(self.key).encrypt(b"", [_CHECK_AD, str(self.generation).encode()])


def format_secret(site: bytes, vault: VaultKey) -> str:
    """The one secret to hand over: site secret and vault key, on one line."""
    return f"{SECRET_PREFIX}.{site.hex()}.{vault.generation}.{vault.key.hex()}"


def split_secret(text: str) -> tuple[bytes | None, VaultKey | None]:
    """``(site secret, vault key)`` of a ``bilan2.`` secret; ``(None, None)`` for another.

    Raises:
        AtRestError: The secret starts with ``bilan2.`` but is not well formed.
    """
    text = text.strip()
    if not text.startswith(SECRET_PREFIX + "."):
        return None, None
    fields = text.split(".")
    bad = AtRestError(
        "secret mal formé : attendu bilan2.<secret du site>.<génération>.<clé du coffre>, "
        "tel que bilan-gen l'écrit dans .bilan/secret ; recopiez-le en entier"
    )
    if len(fields) != 4 or not fields[2].isdigit() or int(fields[2]) < 1:
        raise bad
    site, vault = fields[1], fields[3]
    if not _is_hex(site) or len(site) < 64 or not _is_hex(vault) or len(vault) != 2 * VAULT_BYTES:
        raise bad
    return bytes.fromhex(site), VaultKey(int(fields[2]), bytes.fromhex(vault))


def _is_hex(text: str) -> bool:
    return len(text) % 2 == 0 and all(c in string.hexdigits for c in text)


class Keyring:
    """The wrapped keys under ``root/.bilan-keys``, opened with one vault key."""

    def __init__(self, root: Path, vault: VaultKey) -> None:
        self.root, self.vault = root, vault
        self.folder = root / KEYRING_DIR
        self.mirror = root / MIRROR_DIR
        """This workstation's copy of the current keyring: the checkout of an older commit
        brings back an older ``.bilan-keys/``, and the current keys must still be found."""
        self._keys: dict[str, bytes] = {}

    @classmethod
    def create(cls, root: Path, vault: VaultKey) -> Keyring:
        """A new, empty keyring (refused when one is there: its keys would be lost)."""
        keyring = cls(root, vault)
        if (keyring.folder / VAULT_FILE).exists():
            raise AtRestError(f"{KEYRING_DIR}/{VAULT_FILE} existe déjà : trousseau déjà créé")
        keyring.folder.mkdir(exist_ok=True)
        keyring.write_vault()
        return keyring

    def exists(self) -> bool:
        return (self.folder / VAULT_FILE).is_file()

    def check(self) -> None:
        """Raise unless the vault key opens this keyring (same generation, same key)."""
        fields = self._read(VAULT_FILE, _VAULT_HEADER)
        generation = int(fields.get("generation", "0") or 0)
        if generation != self.vault.generation:
            raise AtRestError(_stale(generation, self.vault.generation))
        if _b64(fields.get("check", ""), VAULT_FILE) != self.vault.check_value():
            raise AtRestError(
                f"{KEYRING_DIR}/{VAULT_FILE} : la clé du coffre du secret n'ouvre pas ce "
                "trousseau (secret d'un autre dépôt ?) ; reprenez le secret de ce dépôt"
            )

    def ids(self) -> list[str]:
        """The dossiers that have a key, sorted."""
        names = {
            p.name[: -len(KEY_SUFFIX)]
            for folder in (self.folder, self.mirror)
            if folder.is_dir()
            for p in folder.iterdir()
            if p.name.endswith(KEY_SUFFIX)
        }
        return sorted(names)

    def has_key(self, dossier_id: str) -> bool:
        name = _safe_id(dossier_id) + KEY_SUFFIX
        return any((folder / name).is_file() for folder in (self.folder, self.mirror))

    def key_for(self, dossier_id: str, create: bool = False) -> bytes:
        """The key of ``dossier_id`` (made and written first with ``create``).

        Raises:
            AtRestError: No key (destroyed, or never made), or it does not unwrap.
        """
        if dossier_id in self._keys:
            return self._keys[dossier_id]
        name = _safe_id(dossier_id) + KEY_SUFFIX
        if not self.has_key(dossier_id):
            if not create:
                raise AtRestError(
                    f"dossier {dossier_id} : aucune clé dans {KEYRING_DIR}/ (détruite par "
                    "bilan purge, ou jamais créée) ; ce dossier ne peut pas être déchiffré"
                )
            self.check()
            key = secrets.token_bytes(KEY_BYTES)
            self._write_key(dossier_id, key, exclusive=True)
        else:
            key = self._unwrap(dossier_id, self._read(name, _KEY_HEADER))
        self._keys[dossier_id] = key
        return key

    def store(self, dossier_id: str, key: bytes) -> None:
        """Write ``dossier_id``'s key wrapped under this keyring's vault key."""
        self._write_key(dossier_id, key)
        self._keys[dossier_id] = key

    def forget(self, dossier_id: str) -> None:
        """Delete ``dossier_id``'s wrapped key (destruction by key: see ``shred``)."""
        for folder in (self.folder, self.mirror):
            (folder / (_safe_id(dossier_id) + KEY_SUFFIX)).unlink(missing_ok=True)
        self._keys.pop(dossier_id, None)

    def _unwrap(self, dossier_id: str, fields: dict[str, str]) -> bytes:
        name = f"{KEYRING_DIR}/{dossier_id}{KEY_SUFFIX}"
        generation = int(fields.get("generation", "0") or 0)
        if generation != self.vault.generation:
            raise AtRestError(f"{name} : " + _stale(generation, self.vault.generation))
        wrapped = _b64(fields.get("key", ""), name)
        try:
            return AESSIV(self.vault.key).decrypt(wrapped, self._ad(dossier_id))
        except InvalidTag:
            raise AtRestError(
                f"{name} : clé altérée, copiée d'un autre dossier, ou secret d'un autre dépôt"
            ) from None

    def _ad(self, dossier_id: str) -> list[bytes]:
        return [_WRAP_AD, dossier_id.encode("utf-8"), str(self.vault.generation).encode()]

    def _write_key(self, dossier_id: str, key: bytes, exclusive: bool = False) -> None:
        wrapped = AESSIV(self.vault.key).encrypt(key, self._ad(dossier_id))
        text = (
            f"{_KEY_HEADER}\ngeneration: {self.vault.generation}\n"
            f"key: {base64.b64encode(wrapped).decode('ascii')}\n"
        )
        self._write(_safe_id(dossier_id) + KEY_SUFFIX, text, exclusive)

    def write_vault(self) -> None:
        """Write the vault file of this keyring's generation."""
        check = base64.b64encode(self.vault.check_value()).decode("ascii")
        text = f"{_VAULT_HEADER}\ngeneration: {self.vault.generation}\ncheck: {check}\n"
        self._write(VAULT_FILE, text)

    def _write(self, name: str, text: str, exclusive: bool = False) -> None:
        """Write ``name`` whole or not at all, in the keyring and its mirror."""
        if exclusive and (self.folder / name).exists():
            raise AtRestError(f"{KEYRING_DIR}/{name} existe déjà : clé déjà créée")
        _write_whole(self.folder, name, text)
        self._mirror(name, text)

    def _mirror(self, name: str, text: str) -> None:
        """Keep this workstation's copy (only where ``.bilan/`` exists: not on a CI runner)."""
        if not self.mirror.parent.is_dir():
            return
        target = self.mirror / name
        if not target.is_file() or target.read_text(encoding="ascii") != text:
            self.mirror.mkdir(mode=0o700, exist_ok=True)
            _write_whole(self.mirror, name, text)

    def _read(self, name: str, header: str) -> dict[str, str]:
        """The fields of ``name`` at this vault key's generation, from the keyring, else from
        the mirror (an older commit is checked out); else the keyring's, for the message."""
        found = []
        for folder in (self.folder, self.mirror):
            if (folder / name).is_file():
                fields = self._parse(folder / name, name, header)
                if int(fields["generation"]) == self.vault.generation:
                    if folder == self.folder:
                        self._mirror(name, (folder / name).read_text(encoding="ascii"))
                    return fields
                found.append(fields)
        if found:
            return found[0]
        return self._parse(self.folder / name, name, header)  # raises: absent

    def _parse(self, path: Path, name: str, header: str) -> dict[str, str]:
        try:
            if path.is_symlink() or not path.is_file():
                raise AtRestError(f"{KEYRING_DIR}/{name} : absent ou pas un fichier ordinaire")
            if path.stat().st_size > 4096:
                raise AtRestError(f"{KEYRING_DIR}/{name} : trop gros pour un fichier de clé")
            lines = path.read_text(encoding="ascii").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise AtRestError(
                f"{KEYRING_DIR}/{name} : illisible ({exc.__class__.__name__})"
            ) from None
        if not lines or lines[0] != header:
            raise AtRestError(f"{KEYRING_DIR}/{name} : pas un fichier de clé de bilan-gen")
        fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        if not fields.get("generation", "").isdigit():
            raise AtRestError(f"{KEYRING_DIR}/{name} : génération illisible")
        return fields


def _write_whole(folder: Path, name: str, text: str) -> None:
    """Write ``folder/name`` whole or not at all (a temporary file renamed over it)."""
    folder.mkdir(exist_ok=True)
    temporary = folder / f".{name}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="ascii") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, folder / name)


def _stale(found: int, held: int) -> str:
    if found > held:
        return (
            f"le trousseau est à la génération {found}, le secret à la génération {held} : "
            "ce secret est périmé (un dossier a été détruit depuis) ; reprenez le secret "
            "actuel (.bilan/secret du poste qui a lancé bilan purge, ou BILAN_SECRET du CI)"
        )
    return (
        f"le trousseau est à la génération {found}, le secret à la génération {held} : "
        "ce trousseau est plus ancien que le secret ; récupérez la dernière version du dépôt"
    )


def _b64(text: str, name: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError:
        raise AtRestError(f"{name} : valeur base64 illisible") from None


def _safe_id(dossier_id: str) -> str:
    if not _SAFE_ID.fullmatch(dossier_id):
        raise AtRestError(f"identifiant de dossier invalide pour une clé : {dossier_id!r}")
    return dossier_id


def find_vault(root: Path, environ: Mapping[str, str]) -> VaultKey | None:
    """The vault key of the secret in ``BILAN_SECRET``, else in ``root/.bilan/secret``; None
    when neither holds one (no key here: a clone without the secret, or a demo project).

    Raises:
        AtRestError: The secret is malformed or its file unreadable.
    """
    if (root / JOURNAL_FILE).exists():
        raise AtRestError(
            f"une destruction de clés a été interrompue ({JOURNAL_FILE} existe) : lancez "
            "« bilan init » pour la terminer, puis relancez la commande"
        )
    text = environ.get("BILAN_SECRET")
    if text is None:
        path = root / SECRET_FILE
        try:
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise AtRestError(f".bilan/secret : illisible ({exc.__class__.__name__})") from None
    return split_secret(text)[1]


def key_of_path(root: Path, path: str, environ: Mapping[str, str]) -> bytes:
    """The key of the dossier that the repository path ``path`` belongs to, with the secret
    found here (the diff and merge drivers' way in).

    Raises:
        AtRestError: Not a dossier file, no secret with a vault key, or no key for it.
    """
    parts = path.split("/")
    vault = find_vault(root, environ)
    if len(parts) < 3 or not parts[1] or vault is None:
        raise AtRestError(f"{path} : chiffré, et la clé manque sur ce poste")
    keyring = Keyring(root, vault)
    keyring.check()
    return keyring.key_for(parts[1])
