"""Benchmark: ``bilan access`` (the table, every dossier checked) and ``--lettre``.

Usage: ``python benchmarks/access.py [--n 1000] [--letters 20] [--runs 3]``. Writes the
deterministic synthetic corpus (benchmarks/corpus.py) next to this repository's
``mkdocs.yml`` (with an https ``site_url``) in a temporary directory, then times the real
commands in a subprocess, as an office runs them:

- ``bilan access`` lists every dossier; since it says whether each page is published, it
  checks every dossier as the build does (on every core), like ``bilan check``, which is
  timed too for comparison;
- ``bilan access --lettre`` on ``--letters`` dossiers: WeasyPrint's start-up, then one page
  and one QR code per letter.

Prints one Markdown table (best of ``--runs``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SECRET = "5e" * 32


def timed(project: Path, *args: str, ok: tuple[int, ...] = (0,)) -> float:
    """Wall-clock seconds of ``bilan *args`` in ``project``."""
    cmd = [sys.executable, "-m", "bilan_gen.cli", *args]
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BILAN_SECRET": SECRET},
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of dossiers")
    parser.add_argument("--letters", type=int, default=20, help="dossiers to print letters of")
    parser.add_argument("--runs", type=int, default=3, help="runs (the best one counts)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bilan-access-bench-") as tmp:
        project = Path(tmp)
        config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
        site = "site_url: https://bilans.example.org/"
        config = re.sub(r"^site_url: .*$", site, config, count=1, flags=re.M)
        (project / "mkdocs.yml").write_text(config, encoding="utf-8")
        write_corpus(project / "dossiers", args.n)
        ids = sorted(p.name for p in (project / "dossiers").iterdir())[: args.letters]
        runs = range(args.runs)
        check = min(timed(project, "check", ok=(0, 1)) for _ in runs)
        table = min(timed(project, "access") for _ in runs)
        letters = min(timed(project, "access", "--lettre", *ids, "-o", f"l{r}") for r in runs)
        written = len(list((project / "l0").glob("*.pdf")))
    print(f"bilan access: {args.n} dossiers; letters of {len(ids)} ({written} PDFs)")
    print()
    print("| measure | time |")
    print("| --- | --- |")
    print(f"| `bilan check`, N = {args.n} (reference) | {check:.2f} s |")
    print(f"| `bilan access` (table), N = {args.n} | {table:.2f} s |")
    print(f"| `bilan access --lettre`, {written} letters | {letters:.2f} s |")
    print(f"| per letter, start-up included | {letters / max(written, 1):.3f} s |")


if __name__ == "__main__":
    main()
