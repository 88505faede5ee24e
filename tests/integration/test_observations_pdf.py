"""Imported observations in the printed synthèse: ``bilan observations``, then ``bilan pdf``,
both in subprocesses as an office runs them, and the PDF read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader
from sitebuild import TEST_SECRET

from bilan_gen.observations import Observation, provider_key
from bilan_gen.observations.envelope import format_armour, message_json, seal
from bilan_gen.publishing import access_from

REPO = Path(__file__).resolve().parents[2]
WRITTEN = dt.datetime(2026, 12, 11, 18, 42, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
TEXT = "Je souhaite préciser que la formation visée est à distance.\nMerci pour tout."


def bilan(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"}
    env["BILAN_SECRET"] = TEST_SECRET
    return subprocess.run(
        [sys.executable, "-m", "bilan_gen.cli", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_printed_synthese_ends_with_the_observations(tmp_path: Path) -> None:
    shutil.copy2(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "dossiers", tmp_path / "dossiers")
    secret = bytes.fromhex(TEST_SECRET)
    observation = Observation("2026-014", "5a" * 16, WRITTEN, TEXT)
    key = access_from("2026-014", 0, secret).key
    blob = seal(provider_key(secret).point, key, message_json(observation))
    (tmp_path / "message.txt").write_text(format_armour(blob), encoding="utf-8")

    imported = bilan(tmp_path, "observations", "2026-014", "message.txt")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    printed = bilan(tmp_path, "pdf", "2026-014")
    assert printed.returncode == 0, printed.stdout + printed.stderr

    data = (tmp_path / "impressions" / "2026-014-synthese.pdf").read_bytes()
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    )
    today = dt.date.today().strftime("%d/%m/%Y")
    order = [
        text.find("Entretien de suivi Un entretien de suivi"),
        text.find("Observations du bénéficiaire"),
        text.find("« Je suis venue avec deux envies"),  # what the sample already had
        text.find(f"Observations écrites le 11/12/2026 à 18 h 42, ajoutées le {today}."),
        text.find("Je souhaite préciser que la formation visée est à distance."),
        text.find("Merci pour tout."),
        text.find("Suivi et remise du document"),
    ]
    assert -1 not in order and order == sorted(order), order
    assert "bilan-observation" not in text  # the comment is not printed
