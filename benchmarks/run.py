"""Benchmarks: `bilan check` and the full build against a plain mkdocs-material build.

Usage: ``python benchmarks/run.py [--n 1000] [--skip-plain]``. Builds the deterministic
synthetic corpus (benchmarks/corpus.py) in a temporary directory, then measures, in one run,
side by side:

- ``bilan check`` on N dossiers (target: under 3 s at N = 1,000);
- our full build (validation, rendering, encryption, verification) with the ``bilan`` plugin;
- a plain mkdocs-material build of the same Markdown files as ordinary pages left out of the
  nav (target: ratio ours / plain <= 1.0, peak memory under 1 GB).

Prints one table. Wall-clock times of subprocesses; peak RSS from /usr/bin/time when present.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SECRET = "5e" * 32
PLAIN_CONFIG = """\
site_name: Plain
docs_dir: docs
theme:
  name: material
  language: fr
  font: false
nav:
  - index.md
not_in_nav: |
  /dossiers/
plugins:
  - search
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
"""


def timed(cmd: list[str], cwd: Path) -> tuple[float, float | None]:
    """Run ``cmd``; return (seconds, peak RSS in MB or None)."""
    env = {**os.environ, "BILAN_SECRET": SECRET, "NO_MKDOCS_2_WARNING": "1"}
    use_time = Path("/usr/bin/time").exists()
    full = ["/usr/bin/time", "-f", "%M", *cmd] if use_time else cmd
    start = time.perf_counter()
    proc = subprocess.run(full, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    peak = None
    if use_time:
        last = proc.stderr.strip().splitlines()[-1]
        peak = int(last) / 1024 if last.isdigit() else None
    return elapsed, peak


def make_projects(root: Path, n: int) -> tuple[Path, Path]:
    """Our project (repo site + corpus) and the plain one (same Markdown as pages)."""
    ours = root / "ours"
    ours.mkdir()
    for part in ("mkdocs.yml", "content", "theme"):
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, ours / part)
    write_corpus(ours / "dossiers", n)
    plain = root / "plain"
    (plain / "docs").mkdir(parents=True)
    (plain / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    (plain / "docs" / "index.md").write_text("# Plain\n", encoding="utf-8")
    shutil.copytree(
        ours / "dossiers", plain / "docs" / "dossiers", ignore=shutil.ignore_patterns("*.yml")
    )
    return ours, plain


def row(name: str, seconds: float, peak: float | None, target: str) -> str:
    mem = f"{peak:.0f} MB" if peak else "n/a"
    return f"| {name} | {seconds:.2f} s | {mem} | {target} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of dossiers")
    parser.add_argument("--skip-plain", action="store_true", help="skip the plain build")
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bilan-bench-") as tmp:
        ours, plain = make_projects(Path(tmp), args.n)
        check_s, check_m = timed([py, "-m", "bilan_gen.cli", "check"], ours)
        build_s, build_m = timed([py, "-m", "mkdocs", "build", "-q"], ours)
        lines = [
            f"N = {args.n} dossiers; {os.cpu_count()} cores; Python {platform.python_version()};"
            f" {time.strftime('%Y-%m-%d')}",
            "",
            "| measure | time | peak memory | target |",
            "| --- | --- | --- | --- |",
            row("bilan check", check_s, check_m, "< 3 s at N = 1,000"),
            row("our build (bilan plugin)", build_s, build_m, "<= plain build, < 1 GB"),
        ]
        if not args.skip_plain:
            plain_s, plain_m = timed([py, "-m", "mkdocs", "build", "-q"], plain)
            lines.append(row("plain mkdocs-material build", plain_s, plain_m, "reference"))
            lines.append(f"| ratio ours / plain | {build_s / plain_s:.2f} | | <= 1.0 |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
