"""Validation: every rule of the dossier format, all problems reported at once.

``check_dossier`` loads and checks one folder; ``check_project`` a whole ``dossiers/`` tree
(or some of its folders). Both return diagnostics and never raise on bad input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.cache import BuildCache as CheckMemo
from bilan_gen.cache import diagnostics_entry
from bilan_gen.config import Options
from bilan_gen.diagnostics import Diagnostic, error, redact, sort_diagnostics
from bilan_gen.guard import DossierFiles, load_folder
from bilan_gen.loading import discover, parse_dossier
from bilan_gen.model import Dossier
from bilan_gen.parallel import parallel_map, worker_context
from bilan_gen.validation import rules
from bilan_gen.validation.accessibility import check_accessibility
from bilan_gen.validation.conservation import check_conservation
from bilan_gen.validation.evidence import check_evidence
from bilan_gen.validation.files import check_links, check_names
from bilan_gen.validation.funding import check_funding
from bilan_gen.validation.sections import check_sections
from bilan_gen.validation.sensitive import check_sensitive
from bilan_gen.validation.sharing import check_diffusion


@dataclass(frozen=True)
class CheckedDossier:
    """A dossier with its diagnostics."""

    dossier: Dossier
    diagnostics: tuple[Diagnostic, ...]

    @property
    def has_errors(self) -> bool:
        """Whether any diagnostic is an error (and so the dossier cannot be published)."""
        return any(d.is_error for d in self.diagnostics)


def validate(dossier: Dossier, options: Options) -> list[Diagnostic]:
    """Every rule across the fields and files of a loaded dossier."""
    diags: list[Diagnostic] = []
    for doc in dossier.documents.values():
        specs = options.sections.get(doc.phase, ())
        sections = check_sections(doc, specs, options.mots_min_section)
        diags += sections + check_accessibility(doc, sections)
    diags += rules.check_identity(dossier)
    diags += rules.check_finalised_synthese(dossier)
    diags += rules.check_suivi(dossier)
    diags += rules.check_hours(dossier, options)
    diags += rules.check_dates(dossier)
    diags += rules.check_conclusions_individual(dossier)
    diags += check_names(dossier)
    diags += check_links(dossier, options.limits)
    diags += check_funding(dossier, options)
    diags += check_diffusion(dossier)
    diags += check_conservation(dossier)
    diags += check_sensitive(dossier, options.mots_sensibles)
    diags += check_evidence(dossier)
    return diags


def check_dossier(folder: Path, options: Options) -> CheckedDossier:
    """Read one dossier folder through the guarded path, and validate it."""
    return check_files(load_folder(folder, options.limits), options)


def check_files(files: DossierFiles, options: Options) -> CheckedDossier:
    """Parse and validate a dossier folder already read."""
    dossier, diags = parse_dossier(files)
    diags += validate(dossier, options)
    # Build logs may be public: never echo the beneficiary's identity (rule 10).
    safe = redact(diags, dossier.beneficiaire.sensitive_strings())
    return CheckedDossier(dossier, tuple(sort_diagnostics(safe)))


def check_duplicate_ids(folders: Iterable[Path]) -> list[Diagnostic]:
    """Ids are unique ignoring case (case-insensitive file systems would merge them)."""
    seen: dict[str, Path] = {}
    diags: list[Diagnostic] = []
    for folder in folders:
        key = folder.name.casefold()
        if key in seen:
            msg = (
                f"identifiant « {folder.name} » déjà pris par « {seen[key].name} » (casse ignorée)"
            )
            diags.append(error(folder, 0, "id-duplique", msg))
        else:
            seen[key] = folder
    return diags


def check_project(
    options: Options, folders: Iterable[Path] | None = None
) -> tuple[list[CheckedDossier], list[Diagnostic]]:
    """Check every dossier (or the given folders); return them and the tree's own diagnostics."""
    all_folders, tree_diags = discover(options.dossiers_dir)
    tree_diags += check_duplicate_ids(all_folders)
    chosen = list(all_folders if folders is None else folders)
    return parallel_map(_check_task, chosen, options), sort_diagnostics(tree_diags)


def _check_task(folder: Path) -> CheckedDossier:
    options: Options = worker_context()
    return check_dossier(folder, options)


def check_diagnostics(
    options: Options, folders: Iterable[Path] | None = None, memo: CheckMemo | None = None
) -> tuple[int, list[Diagnostic]]:
    """Like :func:`check_project`, for diagnostics only: how many dossiers, and every problem.

    Workers send back diagnostics alone, not the dossiers' text: ``bilan check`` on thousands
    of dossiers stays fast and small. With ``memo``, a folder whose files are byte for byte
    those of an earlier check (same code, libraries and options) gets that check's
    diagnostics; what was checked anew is remembered, in one transaction.
    """
    all_folders, tree_diags = discover(options.dossiers_dir)
    if folders is None:
        tree_diags += check_duplicate_ids(all_folders)
        folders = all_folders
    else:
        tree_diags = []
    chosen = list(folders)
    found = parallel_map(_diagnostics_task, chosen, (options, memo))
    if memo is not None:
        fresh = [
            (k, diagnostics_entry(f.name, d), f)
            for f, (k, d, new) in zip(chosen, found, strict=True)
            if k and new
        ]
        memo.store_all(fresh)
        if len(chosen) == len(all_folders):
            memo.prune(key for key, _, _ in found if key)
    return len(chosen), sort_diagnostics(
        [*tree_diags, *(d for _, group, _ in found for d in group)]
    )


def _diagnostics_task(folder: Path) -> tuple[str | None, tuple[Diagnostic, ...], bool]:
    """(memo key or None, diagnostics, whether they were found anew) of one folder.

    A folder the guarded read refused something of is never remembered: those messages
    depend on more than its bytes (permissions, the keys of files encrypted in Git).
    """
    options, memo = worker_context()
    files = load_folder(folder, options.limits)
    key = memo.key_for(files) if memo is not None and not files.problems else None
    if memo is not None and key is not None:
        remembered = memo.load(key, folder)
        if remembered is not None:
            return key, remembered.diagnostics, False
    return key, check_files(files, options).diagnostics, True
