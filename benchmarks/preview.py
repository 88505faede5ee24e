"""Benchmark: from a save to the new page in ``bilan preview``, with 1,000 dossiers around.

Usage: ``python benchmarks/preview.py [--n 1000] [--edits 20] [--no-browser]``. Writes the
synthetic corpus (benchmarks/corpus.py) in a temporary directory, starts the preview server
of one dossier, then edits that dossier's synthèse ``--edits`` times and measures:

- *detected*: save → the version endpoint returns a new token (what the page polls);
- *served*: save → the re-rendered page, holding the new text, is fetched;
- *browser*: save → the new text is on screen in headless Chromium, which reloaded by itself
  (the page polls every 200 ms: this is the figure a consultant sees). Needs Playwright and
  Debian's ``chromium``; skipped otherwise.

Target: under 1 s. Prints one table (median, 95th percentile, maximum).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

from bilan_gen.config import Options  # noqa: E402
from bilan_gen.preview import DossierPreview, PreviewServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TARGET_S = 1.0


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode("utf-8")
        return text


def edit(path: Path, marker: str) -> None:
    """Save the synthèse with a new sentence, as an editor would."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    kept = "\n".join(line for line in body.splitlines() if not line.startswith("Mesure "))
    path.write_text(f"{head}\n---\n{kept}\n\nMesure {marker}.\n", encoding="utf-8")


def poll_until(check: Callable[[], bool], timeout: float = 10.0) -> float:
    """Seconds until ``check()`` holds (polled every millisecond)."""
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("no change seen")
        time.sleep(0.001)
    return time.perf_counter() - start


def measure_server(server: PreviewServer, path: Path, edits: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"detected": [], "served": []}
    version_url = server.url + "_bilan/version"
    fetch(server.url)  # warm: first render
    for index in range(edits):
        before = fetch(version_url)
        marker = f"serveur-{index}"
        time.sleep(0.02)  # distinct modification times between edits
        start = time.perf_counter()
        edit(path, marker)
        poll_until(lambda: fetch(version_url) != before)  # noqa: B023 - same iteration
        times["detected"].append(time.perf_counter() - start)
        poll_until(lambda: marker in fetch(server.url))  # noqa: B023 - same iteration
        times["served"].append(time.perf_counter() - start)
    return times


def measure_browser(server: PreviewServer, path: Path, edits: int) -> list[float] | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(server.url + "#/synthese")
        for index in range(edits):
            marker = f"navigateur-{index}"
            time.sleep(0.05)
            start = time.perf_counter()
            edit(path, marker)
            page.get_by_text(f"Mesure {marker}.").wait_for(timeout=10_000)
            times.append(time.perf_counter() - start)
        browser.close()
    return times


def row(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    verdict = "ok" if ordered[-1] < TARGET_S else "TROP LENT"
    cells = (f"{median * 1000:.0f}", f"{p95 * 1000:.0f}", f"{ordered[-1] * 1000:.0f}")
    return f"| {name:<42} | {cells[0]:>7} | {cells[1]:>6} | {cells[2]:>6} | {verdict:<9} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="dossiers in the corpus")
    parser.add_argument("--edits", type=int, default=20, help="saves to measure")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bilan-preview-bench-"))
    try:
        dossiers = write_corpus(root / "dossiers", args.n)
        folder = dossiers / f"2026-{args.n // 2:05d}"  # one in the middle
        options = Options(project_dir=root, dossiers_dir=dossiers)
        server = PreviewServer(DossierPreview(folder, options))
        server.start()
        try:
            server_times = measure_server(server, folder / "synthese.md", args.edits)
            browser = (
                None
                if args.no_browser
                else measure_browser(server, folder / "synthese.md", args.edits)
            )
        finally:
            server.stop()
    finally:
        shutil.rmtree(root)
    print(f"bilan preview, {args.n} dossiers, {args.edits} enregistrements (ms)\n")
    print(f"| {'mesure':<42} | médiane |    p95 |    max | < 1 s     |")
    print(f"| {'-' * 42} | ------: | -----: | -----: | --------- |")
    print(row("enregistrement → nouvelle version", server_times["detected"]))
    print(row("enregistrement → page re-rendue servie", server_times["served"]))
    if browser:
        print(row("enregistrement → texte affiché (Chromium)", browser))
    else:
        print(
            "| enregistrement → texte affiché        |      — |      — |      — | sans Chromium |"
        )


if __name__ == "__main__":
    main()
