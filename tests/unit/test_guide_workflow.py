"""The consultant guide: every page in its nav, every capture present, every command real."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from bilan_gen.cli import main
from bilan_gen.yaml_source import load_lenient

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "guide"
PAGES = sorted(GUIDE.glob("*.md"))
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.M | re.S)
WORKFLOW = ("apercu.md", "tableau-de-bord.md", "code-acces.md", "fin-de-bilan.md", "git.md")


def nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in nav_pages(value)]
    return []


def test_every_guide_page_is_in_the_nav() -> None:
    config = load_lenient((REPO / "guide.yml").read_text(encoding="utf-8"))
    assert sorted(nav_pages(config["nav"])) == sorted(p.name for p in PAGES), "nav of guide.yml"


def test_the_workflow_pages_exist_and_the_guide_links_them() -> None:
    index = (GUIDE / "index.md").read_text(encoding="utf-8")
    for name in WORKFLOW:
        assert (GUIDE / name).read_text(encoding="utf-8").startswith("# ")
        assert f"]({name})" in index, f"link {name} from the guide's index"


def test_captures_are_present_and_used() -> None:
    text = "".join(page.read_text(encoding="utf-8") for page in PAGES)
    referenced = set(re.findall(r"\(captures/([^)]+\.png)\)", text))
    present = {p.name for p in (GUIDE / "captures").glob("*.png")}
    assert referenced == present, "regenerate with pytest tests/browser/test_guide_screenshots.py"
    for name in present:
        assert (GUIDE / "captures" / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def _bilan_commands() -> list[tuple[str, list[str]]]:
    found = []
    for page in PAGES:
        for block in SH_BLOCK.findall(page.read_text(encoding="utf-8")):
            for line in block.splitlines():
                argv = shlex.split(line, comments=True)
                if argv and argv[0] == "bilan":
                    found.append((page.name, argv[1:]))
    return found


@pytest.mark.parametrize(("page", "argv"), _bilan_commands(), ids=lambda v: str(v))
def test_every_command_of_the_guide_exists(page: str, argv: list[str]) -> None:
    parent = click.Context(main, info_name="bilan")
    command = main.get_command(parent, argv[0])
    assert command is not None, f"{page}: no command « bilan {argv[0]} »"
    # Redirections (« > tableau.csv ») are the shell's, not the command's.
    args = [a for a in argv[1:] if a != ">" and not a.endswith(".csv")]
    command.make_context(argv[0], args, parent=parent)


def test_the_guide_shows_every_workflow_command() -> None:
    used = {argv[0] for _, argv in _bilan_commands()}
    assert {"new", "check", "preview", "status", "schema", "access", "pdf", "purge"} <= used
