"""Test helpers: a valid base dossier to copy into a temporary project and patch.

The base dossier lives in ``tests/data/base/dossiers/2026-001``: every document finalised,
no diagnostic at all, even with ``--strict``. A test copies it with the ``project`` fixture
(``tests/conftest.py``), patches one file and asserts the exact diagnostics that follow.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from bilan_gen.config import Options
from bilan_gen.diagnostics import Diagnostic, format_diagnostic, sort_diagnostics
from bilan_gen.guard import DossierFiles, Limits, load_folder
from bilan_gen.validation import CheckedDossier, check_dossier, check_project

DATA_DIR = Path(__file__).resolve().parent / "data"
BASE_DIR = DATA_DIR / "base"
BASE_ID = "2026-001"
PRENOM, NOM, EMAIL = "Zéphyrine", "Quillebeuf", "zephyrine.quillebeuf@example.org"
"""The base dossier's beneficiary: never to be seen in a diagnostic."""


class Project:
    """A project folder with a copy of the base dossier, to patch and check."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dossiers_dir = root / "dossiers"
        self.options = Options(project_dir=root, dossiers_dir=self.dossiers_dir)

    def folder(self, ident: str = BASE_ID) -> Path:
        """The folder of dossier ``ident``."""
        return self.dossiers_dir / ident

    def path(self, name: str, ident: str = BASE_ID) -> Path:
        """A file of dossier ``ident``."""
        return self.folder(ident) / name

    def rel(self, name: str, ident: str = BASE_ID) -> str:
        """The project-relative path of a file, as diagnostics print it."""
        return f"dossiers/{ident}/{name}"

    def read(self, name: str, ident: str = BASE_ID) -> str:
        """The text of a file, line ends and BOM as they are on disk."""
        return self.path(name, ident).read_bytes().decode("utf-8")

    def write(self, name: str, text: str, ident: str = BASE_ID) -> Path:
        path = self.path(name, ident)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return path

    def write_bytes(self, name: str, data: bytes, ident: str = BASE_ID) -> Path:
        path = self.path(name, ident)
        path.write_bytes(data)
        return path

    def replace(self, name: str, old: str, new: str, ident: str = BASE_ID) -> None:
        """Replace the single occurrence of ``old`` in a file (fails loudly if absent)."""
        text = self.read(name, ident)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        self.write(name, text.replace(old, new), ident)

    def append(self, name: str, text: str, ident: str = BASE_ID) -> None:
        self.write(name, self.read(name, ident) + text, ident)

    def delete(self, name: str, ident: str = BASE_ID) -> None:
        self.path(name, ident).unlink()

    def copy_base(self, ident: str) -> Path:
        """Another copy of the base dossier under the id ``ident`` (front matter unchanged)."""
        target = self.folder(ident)
        shutil.copytree(self.folder(BASE_ID), target)
        return target

    def check(self, ident: str = BASE_ID) -> CheckedDossier:
        return check_dossier(self.folder(ident), self.options)

    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic of the project: the tree's and each dossier's."""
        checked, diags = check_project(self.options)
        for item in checked:
            diags += item.diagnostics
        return sort_diagnostics(diags)

    def triples(self) -> list[tuple[str, str, int]]:
        """``(code, project-relative path, line)`` of every diagnostic."""
        return [
            (d.code, d.path.relative_to(self.root).as_posix(), d.line) for d in self.diagnostics()
        ]

    def lines(self) -> list[str]:
        """Every diagnostic formatted as ``bilan check`` prints it."""
        return [format_diagnostic(d, self.root) for d in self.diagnostics()]

    def messages(self) -> list[str]:
        return [d.message for d in self.diagnostics()]


def copy_base(root: Path) -> Project:
    """Copy the base project (``dossiers/2026-001``) into ``root``."""
    shutil.copytree(BASE_DIR, root, dirs_exist_ok=True)
    return Project(root)


def read_folder(folder: Path) -> DossierFiles:
    """A dossier folder read through the guarded path, as a build reads it."""
    return load_folder(folder, Limits())


def suivi_text(date: str = "2026-10-20", statut: str = "finalise") -> str:
    """A valid ``04-suivi.md`` for the base dossier: one session on ``date``."""
    return f"""\
---
dossier: "{BASE_ID}"
phase: suivi
consultant: Claire Mercier
statut: {statut}
seances:
  - date: {date}
    duree_h: 1
    type: entretien_individuel
    modalite: telephone
    emargement: attestation_beneficiaire
---

# Entretien de suivi

Le projet avance comme prévu.
"""


def run_cli(*args: str) -> tuple[int, str]:
    """Run ``bilan *args`` in-process: its exit code and output."""
    result = invoke_cli(list(args))
    return result.exit_code, result.output


def invoke_cli(args: list[str], answer: str | None = None) -> Result:
    """Run ``bilan`` in-process; a traceback (any exception but SystemExit) fails the test."""
    from bilan_gen.cli import main

    result = CliRunner().invoke(main, args, input=answer, prog_name="bilan")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result
