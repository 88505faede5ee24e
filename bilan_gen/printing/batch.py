"""Which dossiers may be printed, and a batch of PDFs on every core.

A dossier is printed only when ``check_dossier`` finds no error in it and its synthèse is
finalised. The batch pays WeasyPrint's start-up once: the engine is imported and warmed in
this process, then the workers fork from it (:mod:`bilan_gen.parallel`).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.config import Options
from bilan_gen.diagnostics import Diagnostic, error
from bilan_gen.loading import load_text
from bilan_gen.model import Dossier, Phase
from bilan_gen.parallel import parallel_map, worker_context
from bilan_gen.printing.document import build_print_document
from bilan_gen.printing.pdf import PdfEngine, write_atomic
from bilan_gen.rendering import DEFAULT_EXTENSIONS, Renderer
from bilan_gen.validation import CheckedDossier
from bilan_gen.yaml_source import YamlSyntaxError, parse_yaml

DEFAULT_OUTPUT_DIR = "impressions"
PRINT_EXTENSIONS = (*DEFAULT_EXTENSIONS, "admonition")
"""Markdown extensions of the PDFs: the site's usual ones."""
MIN_PDFS_PER_WORKER = 2
"""A PDF costs about 0.1 s: two are worth a process."""


@dataclass(frozen=True)
class PrintRequest:
    """What a batch writes, and where."""

    output_dir: Path
    complet: bool = False
    """Add the finalised phases after the synthèse, as annexes."""
    pdfa: bool = False
    """PDF/A, for archiving."""

    def target(self, dossier_id: str) -> Path:
        """The PDF of one dossier: ``<id>-synthese.pdf`` or ``<id>-complet.pdf``."""
        kind = "complet" if self.complet else "synthese"
        return self.output_dir / f"{dossier_id}-{kind}.pdf"


def synthese_pending(checked: CheckedDossier) -> bool:
    """Whether the dossier's synthèse is absent or still a draft (not ready to print)."""
    synthese = checked.dossier.documents.get(Phase.SYNTHESE)
    return synthese is None or not synthese.finalised


def print_problems(checked: CheckedDossier) -> list[Diagnostic]:
    """Why ``checked`` cannot be printed, empty when it can.

    A dossier with an error gets all its diagnostics; one whose synthèse is absent or a
    draft gets them too, and one more that says so.
    """
    dossier = checked.dossier
    synthese = dossier.documents.get(Phase.SYNTHESE)
    pending: list[Diagnostic] = []
    if synthese is None:
        msg = "synthèse absente : il n'y a rien à imprimer"
        pending.append(
            error(dossier.path / Phase.SYNTHESE.filename, 0, "synthese-non-finalisee", msg)
        )
    elif not synthese.finalised:
        msg = "synthèse en brouillon : passez-la en « statut: finalise » pour l'imprimer"
        line = synthese.lines.get("statut", 1)
        pending.append(error(synthese.path, line, "synthese-non-finalisee", msg))
    if not pending and not checked.has_errors:
        return []
    return [*checked.diagnostics, *pending]


def published_dirs(config_path: Path, options: Options) -> list[Path]:
    """Folders whose files end up on the site or in the dossiers: never a place for PDFs."""
    settings: dict[str, object] = {}
    text = load_text(config_path)[0] if config_path.is_file() else None
    try:
        data = parse_yaml(text).data if text else None
    except YamlSyntaxError:
        data = None
    if isinstance(data, dict):
        settings = data
    root = options.project_dir
    docs = settings.get("docs_dir")
    site = settings.get("site_dir")
    return [
        root / (docs if isinstance(docs, str) else "docs"),
        root / (site if isinstance(site, str) else "site"),
        options.dossiers_dir,
    ]


def published_parent(target: Path, config_path: Path, options: Options) -> Path | None:
    """The folder of :func:`published_dirs` that holds ``target``, if any: printed files
    hold personal data and never go there."""
    resolved = target.resolve()
    for folder in published_dirs(config_path, options):
        if resolved.is_relative_to(folder.resolve()):
            return folder
    return None


def committable(path: Path, project_dir: Path) -> bool:
    """Whether Git would add ``path`` to the project's repository (not ignored there).

    False outside a repository, or when Git cannot answer: a warning, never a refusal.
    """
    try:
        result = subprocess.run(
            ["git", "-C", str(project_dir), "check-ignore", "-q", "--", str(path.resolve())],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 1  # 0: ignored; 128: not a repository, outside it


@dataclass(frozen=True)
class _Batch:
    dossiers: tuple[Dossier, ...]
    options: Options
    request: PrintRequest
    engine: PdfEngine
    renderer: Renderer


def _print_one(position: int) -> Path:
    """Render, print and write one dossier's PDF (in a worker)."""
    batch: _Batch = worker_context()
    dossier = batch.dossiers[position]
    document = build_print_document(
        dossier, batch.options, batch.renderer.render_markdown, batch.request.complet
    )
    if document is None:  # print_problems() keeps these out of a batch
        raise ValueError(f"dossier {dossier.id}: synthèse non finalisée")
    target = batch.request.target(dossier.id)
    max_bytes = batch.options.limits.file_bytes
    write_atomic(target, batch.engine.render(document, dossier.path, max_bytes))
    return target


def print_dossiers(
    dossiers: Sequence[Dossier],
    options: Options,
    request: PrintRequest,
    on_done: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write one PDF per dossier, on every core; existing PDFs are replaced atomically.

    Args:
        dossiers: Printable dossiers (see :func:`print_problems`).
        options: The project options (provider identity, sections).
        request: Output folder, annexes, PDF/A.
        on_done: Called with each written path, as it is written (a progress bar).

    Returns:
        The written paths, in the order of ``dossiers``.
    """
    if not dossiers:
        return []
    batch = _Batch(
        tuple(dossiers), options, request, PdfEngine(request.pdfa), Renderer(PRINT_EXTENSIONS)
    )
    return parallel_map(
        _print_one,
        range(len(dossiers)),
        batch,
        min_per_worker=MIN_PDFS_PER_WORKER,
        on_result=on_done,
    )
