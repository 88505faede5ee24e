"""The one guarded path into a dossier folder: file descriptors, never a followed link.

Every directory is opened with ``O_NOFOLLOW | O_DIRECTORY`` relative to its parent's
descriptor, and every file with ``O_NOFOLLOW | O_NONBLOCK`` relative to its directory's: no
path is resolved twice, so a link swapped in between a listing and a read is refused, and a
FIFO swapped in is never waited on. Anything but a regular file or a directory is listed,
never opened.
"""

from __future__ import annotations

import enum
import errno
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.errors import BilanError

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 1 << 20
HEAD_BYTES = 48
"""How many first bytes of a file are kept: the leak verifier looks for them in the site."""
MAX_DEPTH = 16
"""Levels of sub-folders read; a deeper one is not read (and the dossier is refused)."""


class EntryKind(enum.Enum):
    """What an entry of a dossier folder is, named as the messages name it."""

    FILE = "fichier"
    DIR = "dossier"
    LINK = "lien symbolique"
    FIFO = "tube nommé (FIFO)"
    SOCKET = "socket"
    DEVICE = "fichier de périphérique"

    @property
    def readable(self) -> bool:
        """Whether bilan-gen reads entries of this kind (regular files and folders only)."""
        return self in (EntryKind.FILE, EntryKind.DIR)


def kind_of(mode: int) -> EntryKind:
    """The kind of an entry from its ``lstat`` mode."""
    if stat.S_ISREG(mode):
        return EntryKind.FILE
    if stat.S_ISDIR(mode):
        return EntryKind.DIR
    if stat.S_ISLNK(mode):
        return EntryKind.LINK
    if stat.S_ISFIFO(mode):
        return EntryKind.FIFO
    if stat.S_ISSOCK(mode):
        return EntryKind.SOCKET
    return EntryKind.DEVICE


@dataclass(frozen=True)
class Entry:
    """One entry of a dossier folder, as ``lstat`` saw it (a link is not followed)."""

    rel: str
    """Its path inside the dossier folder, ``/``-separated (``annexes/cv.pdf``)."""
    kind: EntryKind
    size: int
    mtime_ns: int
    ctime_ns: int = 0
    """Its last change of content or metadata (no user can set it back)."""
    ino: int = 0


class Why(enum.Enum):
    """Why an entry is not read."""

    KIND = "not a regular file or a folder"
    TOO_BIG = "over its size limit"
    TOO_DEEP = "too many levels of sub-folders"
    UNREADABLE = "the system refused to read it"
    OUTSIDE = "the path leaves the folder"
    CHANGED = "changed since the folder was read"
    ENCRYPTED = "encrypted at rest, and it does not decrypt here"
    NO_KEY = "encrypted at rest, and its dossier's key is not available here"


class EntryRefused(BilanError):
    """An entry of a dossier folder that is not read: a link, a special file, too big…

    ``detail`` says, in French, what the system answered (:attr:`Why.UNREADABLE`).
    """

    def __init__(
        self, rel: str, kind: EntryKind, why: Why = Why.KIND, size: int = 0, detail: str = ""
    ) -> None:
        super().__init__(f"{rel or '.'} : {detail or why.value}")
        self.rel, self.kind, self.why, self.size, self.detail = rel, kind, why, size, detail


@dataclass(frozen=True)
class Content:
    """What one read of a regular file gave."""

    size: int
    digest: bytes
    """SHA-256 of the bytes."""
    head: bytes
    """The first :data:`HEAD_BYTES` bytes."""
    data: bytes | None
    """Every byte, when the reader asked to keep them."""


_REASONS = {
    errno.ENOENT: "fichier absent",
    errno.EACCES: "droits insuffisants",
    errno.EPERM: "droits insuffisants",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EIO: "erreur du disque",
}


def unreadable(exc: OSError) -> str:
    """Why a file cannot be read, in French."""
    return f"lecture impossible ({_REASONS.get(exc.errno or 0, exc.strerror or 'erreur')})"


def _kind_at(name: str, dir_fd: int | None) -> EntryKind:
    try:
        return kind_of(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return EntryKind.FILE


def _refusal(exc: OSError, rel: str, name: str, dir_fd: int | None) -> EntryRefused:
    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
        kind = _kind_at(name, dir_fd)
        return EntryRefused(rel, kind if not kind.readable else EntryKind.LINK)
    return EntryRefused(rel, EntryKind.FILE, Why.UNREADABLE, detail=unreadable(exc))


def open_dir(name: str | Path, dir_fd: int | None = None, rel: str = "") -> int:
    """A descriptor of the directory ``name`` (relative to ``dir_fd``), never through a link.

    Raises:
        EntryRefused: ``name`` is a link, not a directory, or cannot be opened.
    """
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        raise _refusal(exc, rel, str(name), dir_fd) from None


def read_at(dir_fd: int, name: str, rel: str, max_bytes: int, keep: bool) -> Content:
    """Read the regular file ``name`` of the directory ``dir_fd``: at most ``max_bytes``.

    Raises:
        EntryRefused: Not a regular file (now), too big, or unreadable.
    """
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        raise _refusal(exc, rel, name, dir_fd) from None
    try:
        found = os.fstat(fd)
        kind = kind_of(found.st_mode)
        if kind is not EntryKind.FILE:
            raise EntryRefused(rel, kind)
        if found.st_size > max_bytes:
            raise EntryRefused(rel, kind, Why.TOO_BIG, found.st_size)
        return _read_fd(fd, rel, max_bytes, keep)
    except OSError as exc:
        raise EntryRefused(rel, EntryKind.FILE, Why.UNREADABLE, detail=unreadable(exc)) from None
    finally:
        os.close(fd)


def _read_fd(fd: int, rel: str, max_bytes: int, keep: bool) -> Content:
    hasher = hashlib.sha256()
    chunks: list[bytes] = []
    head, size = b"", 0
    while chunk := os.read(fd, min(_CHUNK, max_bytes + 1 - size)):
        size += len(chunk)
        if size > max_bytes:  # it grew after fstat
            raise EntryRefused(rel, EntryKind.FILE, Why.TOO_BIG, size)
        hasher.update(chunk)
        if len(head) < HEAD_BYTES:
            head = (head + chunk)[:HEAD_BYTES]
        if keep:
            chunks.append(chunk)
    return Content(size, hasher.digest(), head, b"".join(chunks) if keep else None)


OnFile = Callable[[int, str, Entry], None]
"""Called with (directory descriptor, name, entry) for each regular file, as it is listed."""
OnProblem = Callable[[EntryRefused], None]


def walk(folder: Path, on_file: OnFile | None, on_problem: OnProblem) -> list[Entry]:
    """Every entry under ``folder``, sorted by path, without following any link.

    ``folder`` itself must be a directory, not a link to one. Entries that are not regular
    files or directories are listed and reported to ``on_problem``, never opened.

    Raises:
        EntryRefused: ``folder`` is a link, not a directory, or cannot be opened (``rel``
            is then empty).
    """
    try:
        kind = kind_of(os.lstat(folder).st_mode)
    except OSError as exc:
        raise EntryRefused("", EntryKind.DIR, Why.UNREADABLE, detail=unreadable(exc)) from None
    if kind is not EntryKind.DIR:
        raise EntryRefused("", kind)
    fd = open_dir(folder)
    entries: list[Entry] = []
    try:
        _walk(fd, "", 0, entries, on_file, on_problem)
    finally:
        os.close(fd)
    return entries


def _walk(
    dir_fd: int,
    prefix: str,
    depth: int,
    out: list[Entry],
    on_file: OnFile | None,
    on_problem: OnProblem,
) -> None:
    with os.scandir(dir_fd) as listing:
        items = sorted(listing, key=lambda item: item.name)
    for item in items:
        rel = prefix + item.name
        try:
            found = item.stat(follow_symlinks=False)
        except OSError:
            continue  # removed since it was listed
        entry = Entry(
            rel,
            kind_of(found.st_mode),
            found.st_size,
            found.st_mtime_ns,
            found.st_ctime_ns,
            found.st_ino,
        )
        out.append(entry)
        if entry.kind is EntryKind.FILE:
            if on_file is not None:
                on_file(dir_fd, item.name, entry)
        elif entry.kind is not EntryKind.DIR:
            on_problem(EntryRefused(rel, entry.kind))
        elif depth + 1 > MAX_DEPTH:
            on_problem(EntryRefused(rel, EntryKind.DIR, Why.TOO_DEEP))
        else:
            _walk_into(dir_fd, item.name, rel, depth + 1, out, on_file, on_problem)


def _walk_into(
    dir_fd: int,
    name: str,
    rel: str,
    depth: int,
    out: list[Entry],
    on_file: OnFile | None,
    on_problem: OnProblem,
) -> None:
    try:
        sub = open_dir(name, dir_fd, rel)
    except EntryRefused as exc:  # swapped for a link since it was listed
        on_problem(exc)
        return
    try:
        _walk(sub, rel + "/", depth, out, on_file, on_problem)
    finally:
        os.close(sub)


def split_rel(rel: str) -> tuple[str, ...] | None:
    """The parts of a path inside a dossier folder; None when it could leave the folder."""
    parts = tuple(rel.split("/"))
    if "\0" in rel or any(part in ("", ".", "..") for part in parts):
        return None  # only the canonical form: no "", ".", "..", "//", trailing "/"
    return parts


def read_file(folder: Path, rel: str, max_bytes: int) -> Content:
    """Read one regular file of ``folder`` at ``rel``, every part opened without following a
    link, and keep its bytes.

    Raises:
        EntryRefused: ``rel`` leaves the folder, or a part of it is a link, a special file,
            missing, or the file is too big.
    """
    parts = split_rel(rel)
    if parts is None:
        raise EntryRefused(rel, EntryKind.FILE, Why.OUTSIDE)
    try:
        fd = open_dir(folder)
    except EntryRefused as exc:
        raise EntryRefused("", exc.kind, exc.why, detail=exc.detail) from None
    try:
        for index, part in enumerate(parts[:-1]):
            sub = open_dir(part, fd, "/".join(parts[: index + 1]))
            os.close(fd)
            fd = sub
        content = read_at(fd, parts[-1], rel, max_bytes, keep=True)
    finally:
        os.close(fd)
    from bilan_gen.guard.plain import plain_content  # it imports this module

    assert content.data is not None
    blob = content.data
    return plain_content(folder, rel, content, lambda: blob)
