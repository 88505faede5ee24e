"""``bilan init``'s core: a repository whose dossiers are encrypted in Git, transparently.

Once per repository and once per clone: the committed ``.gitattributes`` line, the local
Git configuration (filter process, diff and merge drivers), the secret (the site secret kept as it
is, a vault key added), the keyring, then a checkout of the dossier files that are still
encrypted in the working tree. Running it again changes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bilan_gen.atrest.blob import MAGIC, AtRestError, is_encrypted
from bilan_gen.atrest.codec import DOSSIERS_DIR
from bilan_gen.atrest.keyring import (
    KEYRING_DIR,
    SECRET_FILE,
    VAULT_FILE,
    Keyring,
    VaultKey,
    find_vault,
    format_secret,
    split_secret,
)
from bilan_gen.atrest.shred import Rotation, finish_interrupted

ATTRIBUTES_LINE = f"{DOSSIERS_DIR}/*/** filter=bilan diff=bilan merge=bilan"


@dataclass
class InitReport:
    """What ``bilan init`` did, for its French summary."""

    secret_written: bool = False
    keyring_created: bool = False
    keys_created: list[str] = field(default_factory=list)
    attributes_added: bool = False
    decrypted: list[str] = field(default_factory=list)
    still_encrypted: list[str] = field(default_factory=list)
    clear_in_history: list[str] = field(default_factory=list)
    """Paths of dossier files that some commit holds in clear."""
    finished: Rotation | None = None
    """A destruction of keys that a crash had interrupted, finished first."""


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run ``git args`` in ``root``; its standard output.

    Raises:
        AtRestError: Git failed (its message is included).
    """
    proc = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        verb = args[2] if args[0] == "-c" else args[0]
        raise AtRestError(f"git {verb} a échoué : {message[-1] if message else '?'}")
    return proc.stdout


def init_repository(root: Path, environ: Mapping[str, str]) -> InitReport:
    """Set up encryption at rest in the Git work tree ``root`` (idempotent).

    Raises:
        AtRestError: Not a Git work tree, a keyring that this secret does not open, or no
            secret for a repository that is already encrypted.
    """
    top = Path(git(root, "rev-parse", "--show-toplevel").decode().strip())
    if top.resolve() != root.resolve():
        raise AtRestError(f"lancez bilan init à la racine du dépôt ({top})")
    report = InitReport()
    report.finished = finish_interrupted(root)
    vault = _vault(root, environ, report)
    keyring = Keyring(root, vault)
    if keyring.exists():
        keyring.check()
    else:
        Keyring.create(root, vault)
        report.keyring_created = True
    report.keys_created = _keys_for_every_dossier(root, keyring)
    report.attributes_added = add_attributes(root / ".gitattributes")
    # Also for this clone alone, whatever the commit checked out says: a commit from before
    # bilan init (its history rewritten) has no such line, yet its files are blobs.
    local = os.fsdecode(git(root, "rev-parse", "--git-path", "info/attributes").strip())
    add_attributes(root / local)
    command = f"{_quoted(sys.executable)} -m bilan_gen.atrest"
    for key, value in (
        ("filter.bilan.process", f"{command}.filter_process"),
        ("filter.bilan.required", "true"),
        ("diff.bilan.textconv", f"{command}.textconv"),
        ("merge.bilan.name", "bilan-gen: three-way merge of the plain texts"),
        ("merge.bilan.driver", f"{command}.merge %O %A %B %P"),
    ):
        git(root, "config", "--local", key, value)
    _checkout_encrypted(root, report)
    report.clear_in_history = clear_in_history(root)
    return report


def _vault(root: Path, environ: Mapping[str, str], report: InitReport) -> VaultKey:
    """The vault key of this repository's secret; one added to the secret file if none."""
    encrypted_repo = (root / KEYRING_DIR / VAULT_FILE).is_file()
    if "BILAN_SECRET" in environ:
        _, vault = split_secret(environ["BILAN_SECRET"])
        if vault is None:
            raise AtRestError(
                "BILAN_SECRET ne porte pas de clé de coffre : donnez-lui le contenu de "
                ".bilan/secret écrit par bilan init (bilan2.…)"
            )
        return vault
    path = root / SECRET_FILE
    text = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    if text:
        _, vault = split_secret(text)
        if vault is not None:
            return vault
    if encrypted_repo:
        raise AtRestError(
            "ce dépôt est déjà chiffré et sa clé manque sur ce poste : copiez le secret de "
            "l'office (bilan2.…) dans .bilan/secret, puis relancez bilan init"
        )
    from bilan_gen.crypto import make_private_dir, parse_secret

    site = parse_secret(text) if text else os.urandom(32)
    vault = VaultKey.new()
    make_private_dir(path.parent)
    temporary = path.with_name(f".secret.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(format_secret(site, vault) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)  # the site part is unchanged: access codes stay valid
    report.secret_written = True
    return vault


def _keys_for_every_dossier(root: Path, keyring: Keyring) -> list[str]:
    """Make the key of each dossier folder that has none yet, so that it is committed with
    the folder's first encrypted files (rather than made, uncommitted, by ``git add``)."""
    folder = root / DOSSIERS_DIR
    if not folder.is_dir():
        return []
    made = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.is_symlink() or not entry.is_dir() or entry.name.startswith("."):
            continue
        if not keyring.has_key(entry.name) and not _destroyed(root, entry):
            keyring.key_for(entry.name, create=True)
            made.append(entry.name)
    return made


def _destroyed(root: Path, folder: Path) -> bool:
    """Whether ``folder`` holds encrypted files only: a dossier whose key is gone (a new key
    would not open them, and would hide that it was destroyed)."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    if not files:
        return False
    for path in files:
        with open(path, "rb") as handle:
            if not is_encrypted(handle.read(len(MAGIC))):
                return False
    return True


def add_attributes(path: Path) -> bool:
    """Add the attributes line to ``path`` unless it is there; whether it was added."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if ATTRIBUTES_LINE in text.splitlines():
        return False
    prefix = "" if not text or text.endswith("\n") else "\n"
    path.write_text(
        text
        + prefix
        + "# bilan-gen: dossiers encrypted in Git (bilan init)\n"
        + ATTRIBUTES_LINE
        + "\n",
        encoding="utf-8",
    )
    return True


def _quoted(path: str) -> str:
    return "'" + path.replace("'", "'\\''") + "'"


def _checkout_encrypted(root: Path, report: InitReport) -> None:
    """Check out again the dossier files that the working tree holds encrypted."""
    listed = git(root, "ls-files", "-z", "--", DOSSIERS_DIR).split(b"\0")
    encrypted: list[str] = []
    for raw in filter(None, listed):
        path = root / os.fsdecode(raw)
        if path.is_symlink() or not path.is_file():
            continue
        with open(path, "rb") as handle:
            if is_encrypted(handle.read(len(MAGIC))):
                encrypted.append(os.fsdecode(raw))
    if not encrypted:
        return
    for name in encrypted:
        (root / name).unlink()  # identical to the blob Git holds: nothing is lost
    pathspecs = b"\0".join(os.fsencode(name) for name in encrypted)
    git(root, "checkout", "--pathspec-from-file=-", "--pathspec-file-nul", stdin=pathspecs)
    for name in encrypted:
        with open(root / name, "rb") as handle:
            still = is_encrypted(handle.read(len(MAGIC)))
        (report.still_encrypted if still else report.decrypted).append(name)


def clear_in_history(root: Path) -> list[str]:
    """Dossier file paths that some commit of any branch holds in clear."""
    try:  # every change of every commit (merges against each parent): each blob at each path
        listing = git(
            root, "-c", "core.quotePath=false", "log", "--all", "--format=", "--raw",
            "--no-abbrev", "-m", "--no-renames", "--", DOSSIERS_DIR,
        )  # fmt: skip
    except AtRestError:
        return []  # no commit yet
    paths: dict[str, set[str]] = {}  # one blob may sit at several paths
    for line in listing.decode("utf-8", "replace").splitlines():
        fields, _, path = line.partition("\t")
        parts = fields.split()
        if len(parts) < 5 or set(parts[3]) == {"0"}:
            continue  # not a change line, or a deletion
        if path.count("/") >= 2 and path.startswith(DOSSIERS_DIR + "/"):
            paths.setdefault(parts[3], set()).add(path)
    if not paths:
        return []
    batch = git(root, "cat-file", "--batch", stdin="\n".join(paths).encode() + b"\n")
    clear: set[str] = set()
    position = 0
    while position < len(batch):
        end = batch.index(b"\n", position)
        sha, kind, size = batch[position:end].decode().split()
        content = batch[end + 1 : end + 1 + int(size)]
        position = end + 1 + int(size) + 1
        if kind == "blob" and not is_encrypted(content):
            clear.update(paths[sha])
    return sorted(clear)


def ensure_key(root: Path, dossier_id: str, environ: Mapping[str, str]) -> bool:
    """Make ``dossier_id``'s key in an encrypted repository (``bilan new``); whether one was
    made. Nothing happens in a repository whose dossiers are not encrypted.

    Raises:
        AtRestError: The repository is encrypted and the key cannot be made here.
    """
    if not (root / KEYRING_DIR / VAULT_FILE).is_file():
        return False
    vault = find_vault(root, environ)
    if vault is None:
        raise AtRestError(
            "les dossiers de ce dépôt sont chiffrés et la clé manque sur ce poste : la clé du "
            "nouveau dossier n'a pas été créée ; placez le secret de l'office dans "
            ".bilan/secret, puis lancez bilan init"
        )
    keyring = Keyring(root, vault)
    keyring.check()
    if keyring.has_key(dossier_id):
        return False
    keyring.key_for(dossier_id, create=True)
    return True
