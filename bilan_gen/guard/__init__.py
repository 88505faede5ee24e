"""Guarded reads of a dossier folder: regular files inside the folder, within limits.

Every file of a dossier is hostile input (anyone who can push can add a symbolic link to
``/proc/self/environ``): every command and the build read a dossier through this package
only. :func:`load_folder` reads a whole folder once; :func:`read_file` reads one file of it
(the preview's annexes, the PDFs' images). Neither follows a link, opens a special file, or
reads past a size limit, and each refusal is a diagnostic or an :class:`EntryRefused` that
names the entry.
"""

from __future__ import annotations

from bilan_gen.guard.entries import (
    HEAD_BYTES,
    Content,
    Entry,
    EntryKind,
    EntryRefused,
    Why,
    read_file,
    split_rel,
    walk,
)
from bilan_gen.guard.snapshot import (
    MIB,
    DossierFiles,
    FolderChangedError,
    Limits,
    format_limit,
    load_folder,
    megabytes,
    refusal_diagnostic,
)

__all__ = [
    "HEAD_BYTES",
    "MIB",
    "Content",
    "DossierFiles",
    "Entry",
    "EntryKind",
    "EntryRefused",
    "FolderChangedError",
    "Why",
    "Limits",
    "format_limit",
    "load_folder",
    "megabytes",
    "read_file",
    "refusal_diagnostic",
    "split_rel",
    "walk",
]
