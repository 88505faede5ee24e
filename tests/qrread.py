"""Read a printed QR code back: render a PDF page to PNG (``pdftoppm``, Debian's
poppler-utils) and decode it (``zbarimg``, Debian's zbar-tools), as a phone camera would.

Without those tools the test is skipped on a developer's machine, and fails in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def decode_qr(pdf: bytes, work_dir: Path, dpi: int = 100) -> str:
    """The text of the single QR code on the first page of ``pdf``."""
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            if os.environ.get("CI"):
                pytest.fail(f"{tool} missing in CI (apt-get install poppler-utils zbar-tools)")
            pytest.skip(f"{tool} not installed")
    source = work_dir / "letter.pdf"
    source.write_bytes(pdf)
    prefix = work_dir / "letter"
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", source, prefix],
        check=True,
        timeout=60,
    )
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{prefix}.png"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = result.stdout.rstrip("\n").split("\n")
    assert len(found) == 1, found
    return found[0]
