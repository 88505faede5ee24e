"""Hostile entries of a dossier folder: one case per kind, shared by every command's tests.

Each case makes one real entry in a dossier folder (a symbolic link, a FIFO, a socket, a
device, a file over a limit…), and cites it from the synthèse where citing could publish it.
Every command that reads a dossier must refuse it with an error naming the entry, and never
read what a link points to: the targets live in an ``outside`` folder and hold
:data:`OUTSIDE_MARKER`, which must never be found in anything a command writes.

The README's threat model says which case covers which threat.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.guard import MIB

OUTSIDE_MARKER = "marqueur-hors-dossier-5b1f0c"
"""The content of every file outside the dossier that a case's link points to."""
ENV_MARKER_NAME = "BILAN_TEST_ENVIRON_MARKER"
ENV_MARKER = "marqueur-environnement-8e2a41"
"""Set in the environment of the builds that link an annex to ``/proc/self/environ``."""


@dataclass(frozen=True)
class EntryCase:
    """One hostile entry and the error it must get."""

    id: str
    rel: str
    """The entry the diagnostic names, inside the dossier folder."""
    code: str
    make: Callable[[Path, Path], None]
    """Makes the entry in (dossier folder, outside folder)."""
    cite: str = ""
    """Markdown appended to the synthèse, so that the entry would be published."""


def outside_file(outside: Path, name: str) -> Path:
    """A file outside the dossier, holding :data:`OUTSIDE_MARKER` (a link's target)."""
    path = outside / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{OUTSIDE_MARKER} {name}\n", encoding="utf-8")
    return path


def _annexes(folder: Path) -> Path:
    (folder / "annexes").mkdir(exist_ok=True)
    return folder / "annexes"


def _link(rel: str, target: Callable[[Path, Path], str | Path]) -> Callable[[Path, Path], None]:
    def make(folder: Path, outside: Path) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        aim = target(folder, outside)
        if path.exists() or path.is_symlink():
            path.unlink()
        os.symlink(aim, path)

    return make


def _fifo(folder: Path, outside: Path) -> None:
    os.mkfifo(_annexes(folder) / "tube")


def _socket(folder: Path, outside: Path) -> None:
    # An AF_UNIX path is limited to about 100 bytes: bind it from inside its folder.
    here = os.getcwd()
    os.chdir(_annexes(folder))
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind("prise")
    finally:
        os.chdir(here)


def _device(folder: Path, outside: Path) -> None:
    # /dev/zero's numbers: reading it would never end.
    os.mknod(_annexes(folder) / "zero", stat.S_IFCHR | 0o600, os.makedev(1, 5))


def _sparse(rel: str, size: int) -> Callable[[Path, Path], None]:
    def make(folder: Path, outside: Path) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.truncate(size)

    return make


def _deep(folder: Path, outside: Path) -> None:
    path = folder / "annexes" / "/".join(["n"] * 16)
    path.mkdir(parents=True)
    (path / "piece.txt").write_text("au fond\n", encoding="utf-8")


def _too_much(folder: Path, outside: Path) -> None:
    for name in ("scan-1.pdf", "scan-2.pdf", "scan-3.pdf"):
        _sparse(f"annexes/{name}", 9 * MIB)(folder, outside)


CASES: tuple[EntryCase, ...] = (
    EntryCase(
        "lien-vers-environ",
        "annexes/piece.png",
        "lien-symbolique",
        _link("annexes/piece.png", lambda f, o: "/proc/self/environ"),
        "![Pièce](annexes/piece.png)",
    ),
    EntryCase(
        "lien-vers-dossier-voisin",
        "annexes/photo.png",
        "lien-symbolique",
        _link("annexes/photo.png", lambda f, o: outside_file(o, "2026-099/annexes/photo.png")),
        "![Photo](annexes/photo.png)",
    ),
    EntryCase(
        "lien-interne",
        "annexes/copie.md",
        "lien-symbolique",
        _link("annexes/copie.md", lambda f, o: "../synthese.md"),
        "[Copie](annexes/copie.md)",
    ),
    EntryCase(
        "lien-casse",
        "annexes/absent.png",
        "lien-symbolique",
        _link("annexes/absent.png", lambda f, o: "nulle-part.png"),
    ),
    EntryCase(
        "lien-vers-repertoire",
        "annexes/pieces",
        "lien-symbolique",
        _link("annexes/pieces", lambda f, o: outside_file(o, "pieces/scan.png").parent),
        "![Scan](annexes/pieces/scan.png)",
    ),
    EntryCase(
        "note-lien",
        "notes/journal.md",
        "lien-symbolique",
        _link("notes/journal.md", lambda f, o: outside_file(o, "journal.md")),
    ),
    EntryCase(
        "document-lien",
        "02-investigation.md",
        "lien-symbolique",
        _link("02-investigation.md", lambda f, o: outside_file(o, "investigation.md")),
    ),
    EntryCase("fifo", "annexes/tube", "fichier-special", _fifo, "[Tube](annexes/tube)"),
    EntryCase("socket", "annexes/prise", "fichier-special", _socket),
    EntryCase("peripherique", "annexes/zero", "fichier-special", _device, "[Z](annexes/zero)"),
    EntryCase(
        "annexe-trop-grosse",
        "annexes/scan.pdf",
        "fichier-trop-gros",
        _sparse("annexes/scan.pdf", 10 * MIB + 1),
        "[Scan](annexes/scan.pdf)",
    ),
    EntryCase(
        "note-trop-grosse",
        "notes/entretien.m4a",
        "fichier-trop-gros",
        _sparse("notes/entretien.m4a", 10 * MIB + 1),
    ),
    EntryCase("trop-profond", "annexes/" + "/".join(["n"] * 16), "dossier-trop-profond", _deep),
    EntryCase(
        "dossier-trop-gros",
        "",
        "dossier-trop-gros",
        _too_much,
        "[1](annexes/scan-1.pdf) [2](annexes/scan-2.pdf) [3](annexes/scan-3.pdf)",
    ),
)
CASE_IDS = [case.id for case in CASES]


def apply_case(case: EntryCase, folder: Path, outside: Path) -> None:
    """Make the case's entry in the dossier ``folder`` and cite it from its synthèse."""
    if case.cite:
        synthese = folder / "synthese.md"
        text = synthese.read_text(encoding="utf-8")
        synthese.write_text(f"{text}\n{case.cite}\n", encoding="utf-8")
    case.make(folder, outside)


def link_dossier(dossiers_dir: Path, name: str, target: Path) -> Path:
    """A "dossier" of ``dossiers_dir`` that is a symbolic link to ``target``."""
    path = dossiers_dir / name
    os.symlink(target, path)
    return path


def expected_line(case: EntryCase, dossier_rel: str) -> tuple[str, str]:
    """How the case's diagnostic line starts and ends (``dossier_rel``: ``dossiers/<id>``)."""
    where = f"{dossier_rel}/{case.rel}" if case.rel else dossier_rel
    return f"{where}: erreur: ", f"[{case.code}]"


def has_line(output: str, case: EntryCase, dossier_rel: str) -> bool:
    """Whether ``output`` holds the case's diagnostic line."""
    start, end = expected_line(case, dossier_rel)
    return any(
        line.strip().startswith(start) or f" {start}" in line
        for line in output.splitlines()
        if line.rstrip().endswith(end)
    )


@contextlib.contextmanager
def fail_if_hung(seconds: int) -> Iterator[None]:
    """Code that opened a FIFO or read /dev/zero would hang: raise in it after ``seconds``."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("a read hung: a special file was opened")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
