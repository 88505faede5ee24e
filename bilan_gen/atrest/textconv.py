"""Git's diff driver (``diff.bilan.textconv``): a blob's plain text, so that ``git diff``,
``git log -p`` and ``git show`` read as before on a workstation that holds the key.

Git hands it a temporary file, not the file's path: the path comes from the blob's header
(:func:`bilan_gen.atrest.blob.blob_path`), which the decryption authenticates.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bilan_gen.atrest.blob import AtRestError, blob_path, decrypt_file, is_encrypted
from bilan_gen.atrest.keyring import key_of_path


def plain_text(root: Path, data: bytes) -> bytes:
    """The plain text of ``data`` (unchanged when it is not a blob).

    Raises:
        AtRestError: A blob that this workstation cannot decrypt.
    """
    if not is_encrypted(data):
        return data
    path = blob_path(data)
    return decrypt_file(key_of_path(root, path, os.environ), path, data)


def main() -> int:
    if len(sys.argv) != 2:
        sys.stderr.write("usage : python -m bilan_gen.atrest.textconv FICHIER\n")
        return 2
    try:
        data = Path(sys.argv[1]).read_bytes()
        sys.stdout.buffer.write(plain_text(Path.cwd(), data))
    except AtRestError as error:
        sys.stdout.buffer.write(f"[bilan-gen : {error}]\n".encode())
    except OSError as error:
        sys.stderr.write(f"bilan-gen : {sys.argv[1]} illisible ({error.strerror})\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
