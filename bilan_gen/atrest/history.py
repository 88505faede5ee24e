"""Rewrite a history that still holds dossiers in clear: every commit gets them encrypted.

``bilan init`` encrypts from the next commit on; the commits before keep the clear text, on
the forge and in every clone. This rewrites every branch and tag with git-filter-repo (its
``--file-info-callback`` sees each file with its path): each dossier file that some commit
holds in clear becomes the blob its dossier's key gives at that path, which is what the
filter writes today, so the rewritten history and the working tree agree. A dossier that
has no key any more (destroyed, or deleted before encryption) has its files removed from
every commit: R6313-7 wants them gone, not kept under a key that still exists.

:func:`plan_rewrite` says what would change and refuses a tree with work in progress;
:func:`rewrite` runs git-filter-repo in a process of its own (:func:`main`), then checks that
no clear text is left. The command that asks first is a thin adapter (``bilan
rewrite-history``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.atrest.blob import AtRestError, encrypt_file, is_encrypted
from bilan_gen.atrest.codec import dossier_of
from bilan_gen.atrest.keyring import Keyring, find_vault
from bilan_gen.atrest.setup import add_attributes, clear_in_history, git

_FILE_MODES = (b"100644", b"100755")


@dataclass(frozen=True)
class RewritePlan:
    """What a rewrite would change, for the question the command asks first."""

    clear_paths: tuple[str, ...]
    """Dossier file paths that some commit holds in clear."""
    encrypted_ids: tuple[str, ...]
    """Dossiers whose clear versions become blobs of their key."""
    dropped_ids: tuple[str, ...]
    """Dossiers with no key: their files leave every commit."""
    commits: int
    refs: tuple[str, ...]
    remote_url: str | None
    """Where ``origin`` pointed (git-filter-repo removes it, against a push by mistake)."""


def plan_rewrite(root: Path, environ: Mapping[str, str]) -> RewritePlan:
    """What :func:`rewrite` would do in the work tree ``root``.

    Raises:
        AtRestError: Not the top of an encrypted work tree set up by ``bilan init``, no key
            here, or work in progress (changes, a stash, a merge or rebase under way).
    """
    keyring = _keyring(root, environ)
    try:
        git(root, "config", "--get", "filter.bilan.process")
    except AtRestError:
        raise AtRestError("Git n'est pas réglé sur ce poste : lancez d'abord bilan init") from None
    if git(root, "status", "--porcelain", "--untracked-files=no").strip():
        raise AtRestError(
            "des modifications ne sont pas committées : committez-les ou annulez-les, puis "
            "relancez (la réécriture refait le dossier de travail)"
        )
    if git(root, "stash", "list").strip():
        raise AtRestError(
            "la remise (git stash) n'est pas vide : appliquez ou supprimez ses entrées, puis "
            "relancez (elle garde des versions en clair)"
        )
    for marker in ("MERGE_HEAD", "REBASE_HEAD", "CHERRY_PICK_HEAD", "rebase-merge", "rebase-apply"):
        where = git(root, "rev-parse", "--git-path", marker).decode().strip()
        if (root / where).exists():
            raise AtRestError("une fusion ou un rebase est en cours : terminez-le, puis relancez")
    clear = tuple(clear_in_history(root))
    ids = sorted({d for d in map(dossier_of, clear) if d is not None})
    refs = git(root, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/tags")
    try:
        url = git(root, "remote", "get-url", "origin").decode().strip() or None
    except AtRestError:
        url = None
    return RewritePlan(
        clear_paths=clear,
        encrypted_ids=tuple(i for i in ids if keyring.has_key(i)),
        dropped_ids=tuple(i for i in ids if not keyring.has_key(i)),
        commits=int(git(root, "rev-list", "--all", "--count").strip() or 0),
        refs=tuple(refs.decode().split()),
        remote_url=url,
    )


def rewrite(root: Path, environ: Mapping[str, str], plan: RewritePlan) -> None:
    """Rewrite every branch and tag of ``root`` as :func:`plan_rewrite` said.

    Raises:
        AtRestError: git-filter-repo is missing or failed, or clear text is still there
            afterwards (then the message says which files).
    """
    _ensure_local_attributes(root)
    env = {**environ, "BILAN_REWRITE_DROP": ",".join(plan.dropped_ids)}
    done = subprocess.run(
        [sys.executable, "-m", "bilan_gen.atrest.history"],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise AtRestError(f"la réécriture a échoué : {said[-1] if said else '?'}")
    left = clear_in_history(root)
    if left:
        raise AtRestError(
            f"{len(left)} fichier(s) encore en clair après la réécriture, dont {left[0]}"
        )


def _keyring(root: Path, environ: Mapping[str, str]) -> Keyring:
    top = Path(git(root, "rev-parse", "--show-toplevel").decode().strip())
    if top.resolve() != root.resolve():
        raise AtRestError(f"lancez la commande à la racine du dépôt ({top})")
    vault = find_vault(root, environ)
    keyring = Keyring(root, vault) if vault is not None else None
    if keyring is None or not keyring.exists():
        raise AtRestError(
            "ce dépôt n'est pas chiffré sur ce poste (ou sa clé manque) : lancez bilan init, "
            "avec le secret de l'office dans .bilan/secret"
        )
    keyring.check()
    return keyring


def _ensure_local_attributes(root: Path) -> None:
    """The rewritten commits before ``bilan init`` have no attributes line of their own."""
    local = os.fsdecode(git(root, "rev-parse", "--git-path", "info/attributes").strip())
    add_attributes(root / local)


def main() -> int:
    """The rewriting process: git-filter-repo in this repository, our callback per file."""
    try:
        import git_filter_repo as filter_repo  # type: ignore[import-untyped]
    except ImportError:
        print("git-filter-repo n'est pas installé (pip install git-filter-repo)", file=sys.stderr)
        return 1
    root = Path.cwd()
    try:
        keyring = _keyring(root, os.environ)
    except AtRestError as error:
        print(str(error), file=sys.stderr)
        return 1
    dropped = set(filter(None, os.environ.get("BILAN_REWRITE_DROP", "").split(",")))
    done: dict[tuple[bytes, bytes], bytes] = {}

    def encrypt(filename: bytes, mode: bytes, blob_id: bytes, value: object) -> tuple:  # type: ignore[type-arg]
        path = os.fsdecode(filename)
        dossier = dossier_of(path)
        if dossier is None or mode not in _FILE_MODES:
            return filename, mode, blob_id
        if dossier in dropped:
            return None, mode, blob_id  # the change leaves the commit
        if (blob_id, filename) not in done:
            data = value.get_contents_by_identifier(blob_id)  # type: ignore[attr-defined]
            if is_encrypted(data):
                done[blob_id, filename] = blob_id
            else:
                blob = encrypt_file(keyring.key_for(dossier), path, data)
                done[blob_id, filename] = value.insert_file_with_contents(blob)  # type: ignore[attr-defined]
        return filename, mode, done[blob_id, filename]

    args = filter_repo.FilteringOptions.parse_args(["--force", "--quiet"])
    filter_repo.RepoFilter(args, file_info_callback=encrypt).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
