"""Dossier pages that a rebuild links from the published site without reading them again.

A dossier page is the shell page with one payload in it, and the payload is fixed by the
dossier's build-cache entry. So when the shell is the same, the entry is the same, and the
published file is still the one this tool verified (same inode, size and modification time
as recorded when it was verified), the page would be written and read back identically: it
is linked as it is. Anything else (a new shell, another entry, a file touched since, no
record) takes the full way: written, or linked after a byte comparison, then read back.

The record (``pages.json`` in the build cache) holds page addresses, entry keys and file
metadata: nothing of any dossier's content.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from bilan_gen.publishing import page_uri

RECORD_FILE = "pages.json"
_VERSION = 1


def shell_mark(shell_html: str) -> str:
    """What identifies the shell page a dossier page is made of."""
    return hashlib.sha256(shell_html.encode("utf-8")).hexdigest()


@dataclass
class VerifiedPages:
    """The dossier pages verified by the last build, and those this build verifies."""

    cache_dir: Path
    shell: str
    """:func:`shell_mark` of this build's shell."""
    previous: dict[str, list[object]] = field(default_factory=dict)
    """Address → [mark, inode, size, mtime_ns] of the last build (its shell was this one)."""
    verified: dict[str, str] = field(default_factory=dict)
    """Address → mark, for this build."""

    @classmethod
    def load(cls, cache_dir: Path, shell_html: str) -> VerifiedPages:
        """The record of the last build, if it was made with the same shell."""
        shell = shell_mark(shell_html)
        try:
            data = json.loads((cache_dir / RECORD_FILE).read_text(encoding="utf-8"))
            same = data.get("version") == _VERSION and data.get("shell") == shell
            previous = data["pages"] if same and isinstance(data.get("pages"), dict) else {}
        except (OSError, ValueError, KeyError, AttributeError):
            previous = {}
        return cls(cache_dir, shell, previous)

    def link_unchanged(self, site_dir: Path, previous_site: Path, slug: str, mark: str) -> bool:
        """Link ``previous_site``'s page of ``slug`` into ``site_dir`` when it is the very
        page that ``mark`` (entry key, audience) gives and was verified; whether it was."""
        uri = page_uri(slug)
        known = self.previous.get(uri)
        if known is None:
            return False
        source = os.path.join(previous_site, uri)
        try:
            found = os.stat(source)
        except OSError:
            return False
        if known != [mark, found.st_ino, found.st_size, found.st_mtime_ns]:
            return False
        target = os.path.join(site_dir, uri)
        try:
            try:
                os.link(source, target)
            except FileNotFoundError:  # the first page: its folder is made
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.link(source, target)
        except OSError:
            return False
        self.verified[uri] = mark
        return True

    def record(self, slug: str, mark: str) -> None:
        """``slug``'s page was written (or linked) and read back: verified."""
        self.verified[page_uri(slug)] = mark

    def save(self, site_dir: Path) -> None:
        """Record this build's verified pages as they are in ``site_dir`` (published whole,
        by renaming it: inodes and times stay)."""
        pages: dict[str, list[object]] = {}
        for uri, mark in self.verified.items():
            try:
                found = (site_dir / uri).stat()
            except OSError:
                continue
            pages[uri] = [mark, found.st_ino, found.st_size, found.st_mtime_ns]
        text = json.dumps({"version": _VERSION, "shell": self.shell, "pages": pages})
        path = self.cache_dir / RECORD_FILE
        temporary = path.with_name(f".{RECORD_FILE}.{os.getpid()}.tmp")
        try:
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)  # no record: the next build reads every page
