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


def internal_build(project: Path, verify: bool) -> None:
    """Build ``project`` in this process; without ``verify``, the checks become no-ops.

    Only the benchmark does this, to measure what verification costs: the plugin has no
    switch to turn it off.
    """
    os.environ.update(BILAN_SECRET=SECRET, NO_MKDOCS_2_WARNING="1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from bilan_gen import pipeline
    from bilan_gen.verify import OutputIndex

    if not verify:
        pipeline.index_output = lambda *args, **kwargs: OutputIndex()  # type: ignore[assignment]
        pipeline.dossier_leaks = lambda *args, **kwargs: []  # type: ignore[assignment]
        pipeline.check_dossier_page = lambda *args, **kwargs: None  # type: ignore[assignment]
    build(load_config(str(project / "mkdocs.yml"), quiet=True))


def time_verification(project: Path, runs: int = 3) -> tuple[float, float]:
    """Best-of-``runs`` build times with and without verification."""
    times = {}
    for verify in (True, False):
        cmd = [sys.executable, __file__, "--internal-build", str(project)]
        cmd += [] if verify else ["--no-verify"]
        times[verify] = min(timed(cmd, project)[0] for _ in range(runs))
    return times[True], times[False]


def row(name: str, seconds: float, peak: float | None, target: str) -> str:
    mem = f"{peak:.0f} MB" if peak else "n/a"
    return f"| {name} | {seconds:.2f} s | {mem} | {target} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of dossiers")
    parser.add_argument("--skip-plain", action="store_true", help="skip the plain build")
    parser.add_argument("--internal-build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-verify", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.internal_build:
        internal_build(args.internal_build, verify=not args.no_verify)
        return
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
        with_s, without_s = time_verification(ours)
        extra = with_s - without_s
        lines.append(
            f"| verification cost (best of 3 builds with and without) | {extra:.2f} s "
            f"({100 * extra / without_s:.0f} % added) | | < 10 % |"
        )
        if not args.skip_plain:
            plain_s, plain_m = timed([py, "-m", "mkdocs", "build", "-q"], plain)
            lines.append(row("plain mkdocs-material build", plain_s, plain_m, "reference"))
            lines.append(f"| ratio ours / plain | {build_s / plain_s:.2f} | | <= 1.0 |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
