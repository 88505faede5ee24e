"""The dossier home says until when it stays online: a real build, dates relative to today.

The sentence travels inside the encrypted payload: the decrypted home says it, and the
build's leak verification still passes (the build succeeds), with no date of it in clear.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sitebuild import accesses, build, copy_project
from siteread import dossier_page, open_payload, read_site, strip_payloads

GRACE = 45
KEEP = "Pensez à l'imprimer ou à en garder une copie."
ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def end_dossier(folder: Path, date_fin: dt.date, kept_days: int) -> None:
    """Move every date of the dossier so that it ends on ``date_fin``, kept ``kept_days``."""
    yml = folder / "dossier.yml"
    old_fin = dt.date.fromisoformat(re.search(r"^date_fin: (\S+)$", yml.read_text(), re.M)[1])
    delta = date_fin - old_fin
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".yml", ".md"):
            text = path.read_text(encoding="utf-8")
            moved = ISO_DATE.sub(lambda m: str(dt.date.fromisoformat(m[1]) + delta), text)
            path.write_text(moved, encoding="utf-8")
    until = date_fin + dt.timedelta(days=kept_days)
    text, count = re.subn(r"(?m)^(  jusqu_au: ).*$", rf"\g<1>{until}", yml.read_text("utf-8"))
    assert count == 1
    yml.write_text(text, encoding="utf-8")


def homes(project: Path) -> dict[str, str]:
    """Each beneficiary's decrypted dossier home, by dossier id."""
    found = {}
    for dossier_id, access in accesses(project).items():
        page = dossier_page(project / "site", access).read_text(encoding="utf-8")
        (home,) = [p for p in open_payload(page, access)["pages"] if p["route"] == "accueil"]
        found[dossier_id] = home["html"]
    return found


def online_until(home_html: str) -> str:
    match = re.search(r"<p data-bilan-online-until>(.*?)</p>", home_html, re.S)
    assert match, home_html
    return match[1].replace("&#39;", "'")


def test_the_home_says_until_when_the_dossier_stays_online(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "  - bilan:\n", f"  - bilan:\n      delai_grace_jours: {GRACE}\n"
        ),
        encoding="utf-8",
    )
    ended = dt.date.today() - dt.timedelta(days=10)
    end_dossier(project / "dossiers" / "2026-014", ended, kept_days=200)  # kept: jusqu_au
    end_dossier(project / "dossiers" / "2026-021", ended, kept_days=5)  # grace lasts longer
    result = build(project)
    assert result.returncode == 0, result.output  # the leak verification passed

    shown = {dossier_id: online_until(html) for dossier_id, html in homes(project).items()}
    kept, grace = ended + dt.timedelta(days=200), ended + dt.timedelta(days=GRACE)
    assert shown == {
        "2026-014": f"Ce dossier reste en ligne jusqu'au {fr(kept)}. {KEEP}",
        "2026-021": f"Ce dossier reste en ligne jusqu'au {fr(grace)}. {KEEP}",
        "2026-037": f"Ce dossier reste en ligne jusqu'à {GRACE} jours après la fin du bilan. "
        + KEEP,
    }
    for uri, data in read_site(project / "site").items():
        text = strip_payloads(data.decode("utf-8", errors="replace"))
        assert fr(kept) not in text and fr(grace) not in text, uri
        assert "reste en ligne jusqu" not in text, uri
