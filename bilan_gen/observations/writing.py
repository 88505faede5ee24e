"""Rewrite one file of a dossier folder atomically, through the guarded path.

The folder is opened once with ``O_NOFOLLOW`` (:func:`bilan_gen.guard.entries.open_dir`), and
the file read, written and replaced relative to that descriptor: a link swapped in for the
folder or the file is never followed. The new bytes go to a temporary file in the same
folder, are flushed to disk, and replace the file in one ``rename``, once the file is checked
to be unchanged since it was read. Readers see the old file or the new one, never half of it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bilan_gen.guard import Content, EntryRefused, Limits
from bilan_gen.guard.entries import open_dir, read_at
from bilan_gen.guard.snapshot import refusal_message
from bilan_gen.observations.envelope import ObservationError

T = TypeVar("T")
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
CHANGED = (
    "fichier modifié pendant l'import (par un éditeur ?) : enregistrez-le, puis importez de "
    "nouveau ; rien n'a été écrit"
)


def rewrite(
    folder: Path, name: str, limits: Limits, change: Callable[[bytes], tuple[bytes, T]]
) -> T:
    """Replace the file ``name`` of ``folder`` by ``change(its bytes)[0]``; return the rest.

    Raises:
        ObservationError: The file is a link, a special file, missing, too big, unreadable or
            changed meanwhile, or cannot be written; or ``change`` refused it. Nothing is
            written then.
    """
    try:
        dir_fd = open_dir(folder)
    except EntryRefused as refused:
        folder_refused = EntryRefused("", refused.kind, refused.why, detail=refused.detail)
        raise _refusal(folder_refused, limits) from None
    try:
        try:
            mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode & 0o7777
        except FileNotFoundError:
            raise ObservationError("observation-synthese", f"{name} absent du dossier") from None
        before = _read(dir_fd, name, limits)
        data, result = change(before.data or b"")
        temporary = _write_temporary(dir_fd, name, data, mode)
        try:
            if _read(dir_fd, name, limits).digest != before.digest:
                raise ObservationError("observation-synthese", CHANGED)
            os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            _unlink_quietly(temporary, dir_fd)
            raise
        os.fsync(dir_fd)
        return result
    except OSError as exc:
        message = f"écriture impossible ({unwritable(exc)}) ; rien n'a été écrit"
        raise ObservationError("observation-synthese", message) from None
    finally:
        os.close(dir_fd)


_WRITE_REASONS = {
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota dépassé",
    errno.EROFS: "disque en lecture seule",
    errno.EACCES: "droits insuffisants",
    errno.EPERM: "droits insuffisants",
}


def unwritable(exc: OSError) -> str:
    """Why a file cannot be written, in French (the system's words for a rare cause)."""
    return _WRITE_REASONS.get(exc.errno or 0, exc.strerror or "erreur")


def _read(dir_fd: int, name: str, limits: Limits) -> Content:
    try:
        return read_at(dir_fd, name, name, limits.text_bytes, keep=True)
    except EntryRefused as refused:
        raise _refusal(refused, limits) from None


def _refusal(refused: EntryRefused, limits: Limits) -> ObservationError:
    code, message = refusal_message(refused, limits)
    return ObservationError(code, f"{message} ; rien n'a été écrit")


def _write_temporary(dir_fd: int, name: str, data: bytes, mode: int) -> str:
    temporary = f".{name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temporary, _CREATE, 0o600, dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
    except BaseException:
        _unlink_quietly(temporary, dir_fd)
        raise
    return temporary


def _unlink_quietly(name: str, dir_fd: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=dir_fd)
