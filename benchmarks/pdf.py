"""Benchmark: ``bilan pdf --all`` on N synthèses (WeasyPrint), start-up included.

Usage: ``python benchmarks/pdf.py [--n 100] [--runs 3]``. Writes the deterministic synthetic
corpus (benchmarks/corpus.py) next to this repository's ``mkdocs.yml`` in a temporary
directory, then times the real command in a subprocess, as an office runs it: checking,
WeasyPrint's import (once per batch), rendering on every core, atomic writes.

Target: under 10 s for 100 dossiers on 2 cores, i.e. under 0.2 s per PDF per core.
Prints one Markdown table (best of ``--runs``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGET_TOTAL_S = 10.0
TARGET_PER_PDF_CORE_S = 0.2


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def run_batch(project: Path, output: str) -> float:
    """Wall-clock seconds of ``bilan pdf --all -o output`` in ``project``."""
    cmd = [sys.executable, "-m", "bilan_gen.cli", "pdf", "--all", "-o", output]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def page_count(folder: Path) -> int | None:
    """Pages of every PDF in ``folder`` (None without pypdf, a test dependency)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return sum(len(PdfReader(path).pages) for path in folder.glob("*.pdf"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="number of dossiers")
    parser.add_argument("--runs", type=int, default=3, help="runs (the best one counts)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bilan-pdf-bench-") as tmp:
        project = Path(tmp)
        shutil.copy2(REPO / "mkdocs.yml", project / "mkdocs.yml")
        write_corpus(project / "dossiers", args.n)
        best = min(run_batch(project, f"out{run}") for run in range(args.runs))
        written = len(list((project / "out0").glob("*.pdf")))
        pages = page_count(project / "out0")
    if written != args.n:
        sys.exit(f"expected {args.n} PDFs, got {written}")
    used = cores()
    per_pdf = best / args.n
    print(f"bilan pdf --all: {args.n} dossiers, {used} core(s), best of {args.runs} runs")
    if pages is not None:
        print(f"{pages} pages in all ({pages / args.n:.1f} per PDF)")
    print()
    print("| measure | time | target |")
    print("| --- | --- | --- |")
    print(f"| `bilan pdf --all` on {args.n} | {best:.2f} s | < {TARGET_TOTAL_S:.0f} s on 2 cores |")
    print(f"| per PDF (wall clock) | {per_pdf:.3f} s | |")
    print(
        f"| per PDF per core, start-up included | {per_pdf * used:.3f} s "
        f"| < {TARGET_PER_PDF_CORE_S} s |"
    )


if __name__ == "__main__":
    main()
