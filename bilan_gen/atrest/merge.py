"""Git's merge driver (``merge.bilan.driver``): a three-way merge of the plain texts.

Git hands the driver the three versions as the repository stores them (blobs) and keeps
what it writes to ``%A`` as the merged blob. The driver decrypts the three, merges them as
``git merge-file`` would merge plain files (a real conflict leaves ordinary conflict
markers), and encrypts the result again; the checkout that follows shows it in clear.
The plain versions exist only in a private folder of ``.bilan/``, removed at once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bilan_gen.atrest.blob import AtRestError, decrypt_file, encrypt_file, is_encrypted
from bilan_gen.atrest.keyring import key_of_path
from bilan_gen.crypto import make_private_dir


def merge(root: Path, base: Path, ours: Path, theirs: Path, path: str) -> int:
    """Merge into ``ours``; the number of conflicts (0: merged cleanly).

    Raises:
        AtRestError: A version that this workstation cannot decrypt.
    """
    key = key_of_path(root, path, os.environ)

    def plain(version: Path) -> bytes:
        data = version.read_bytes()
        return decrypt_file(key, path, data) if is_encrypted(data) else data

    private = root / ".bilan"
    make_private_dir(private)
    work = Path(tempfile.mkdtemp(prefix="merge-", dir=private))
    try:
        names = []
        for label, version in (("ours", ours), ("base", base), ("theirs", theirs)):
            target = work / label
            target.write_bytes(plain(version))
            names.append(str(target))
        done = subprocess.run(
            ["git", "merge-file", "-p", "-L", path, "-L", "base", "-L", "theirs", *names],
            capture_output=True,
            check=False,
        )
        if done.returncode < 0 or done.returncode > 127:
            raise AtRestError(f"{path} : git merge-file a échoué")
        ours.write_bytes(encrypt_file(key, path, done.stdout))
        return done.returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    if len(sys.argv) != 5:
        sys.stderr.write("usage : python -m bilan_gen.atrest.merge %O %A %B %P\n")
        return 2
    base, ours, theirs, path = sys.argv[1:]
    try:
        conflicts = merge(Path.cwd(), Path(base), Path(ours), Path(theirs), path)
    except AtRestError as error:
        sys.stderr.write(f"bilan-gen : {error}\n")
        return 1
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main())
