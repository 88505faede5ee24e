"""The ready-to-copy CI files and the pre-commit hooks: valid YAML, commands that exist.

Every ``bilan`` and ``mkdocs`` command they run is parsed by the real click command (options
included), so a renamed command or option breaks this test rather than a consultant's CI.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from mkdocs.__main__ import cli as mkdocs_cli

from bilan_gen.cli import main as bilan_cli

REPO = Path(__file__).resolve().parents[2]
GITHUB = REPO / "examples" / "ci" / "github-pages.yml"
GITLAB = REPO / "examples" / "ci" / "gitlab-ci.yml"
OPERATORS = {"&&", "||", ";", "|", "{", "}", "(", ")", "&"}
PROGRAMS: dict[str, click.Group] = {"bilan": bilan_cli, "mkdocs": mkdocs_cli}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def simple_commands(script: str) -> Iterator[list[str]]:
    """The simple commands of a shell script (lists, pipes and groups split apart)."""
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        command: list[str] = []
        for token in lexer:
            if token in OPERATORS:
                if command:
                    yield command
                command = []
            else:
                command.append(token)
        if command:
            yield command


def github_scripts() -> list[tuple[dict[str, Any], str]]:
    """``(step, run)`` of every step that runs a script."""
    jobs = load(GITHUB)["jobs"]
    return [(step, step["run"]) for job in jobs.values() for step in job["steps"] if "run" in step]


def gitlab_scripts() -> list[tuple[str, str]]:
    """``(job, line)`` of every script line of every job."""
    data = load(GITLAB)
    lines = []
    for name, job in data.items():
        if isinstance(job, dict) and "stage" in job:
            for key in ("before_script", "script", "after_script"):
                lines += [(name, line) for line in job.get(key, [])]
    return lines


def tool_commands(scripts: list[str]) -> list[list[str]]:
    return [c for s in scripts for c in simple_commands(s) if c[0] in PROGRAMS]


def parse(argv: list[str]) -> click.Context:
    """Parse ``argv`` (``program command [options]``) with the real click command.

    Raises:
        click.UsageError: An unknown option, or a bad value.
    """
    group = PROGRAMS[argv[0]]
    parent = click.Context(group, info_name=argv[0])
    command = group.get_command(parent, argv[1])
    if command is None:
        raise click.UsageError(f"no command {argv[1]!r} in {argv[0]}")
    return command.make_context(argv[1], argv[2:], parent=parent)


def test_the_shell_splitter() -> None:
    script = 'test -n "$X" || { echo "a > b"; exit 1; }\nbilan check && mkdocs build  # fin'
    assert list(simple_commands(script)) == [
        ["test", "-n", "$X"],
        ["echo", "a > b"],
        ["exit", "1"],
        ["bilan", "check"],
        ["mkdocs", "build"],
    ]


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_ci_files_run_existing_commands(path: Path) -> None:
    scripts = [run for _, run in (github_scripts() if path == GITHUB else gitlab_scripts())]
    commands = tool_commands(scripts)
    for argv in commands:
        parse(argv)
    names = [argv[:2] for argv in commands]
    assert ["bilan", "check"] in names and ["mkdocs", "build"] in names
    builds = [argv for argv in commands if argv[:2] == ["mkdocs", "build"]]
    assert all("--strict" in argv for argv in builds)


def test_a_wrong_option_would_be_caught() -> None:
    with pytest.raises(click.UsageError):
        parse(["mkdocs", "build", "--stritc"])
    with pytest.raises(click.UsageError):
        parse(["bilan", "chek"])


def test_github_takes_the_secret_from_the_secret_store_and_deploys_to_pages() -> None:
    data = load(GITHUB)
    assert True in data or "on" in data  # PyYAML reads the bare key « on » as true
    (build_step,) = [s for s, run in github_scripts() if "mkdocs build" in run]
    assert build_step["env"]["BILAN_SECRET"] == "${{ secrets.BILAN_SECRET }}"
    assert 'test -n "$BILAN_SECRET"' in build_step["run"]
    assert "BILAN_SECRET" not in data.get("env", {})
    uses = [s.get("uses", "") for job in data["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    upload = next(
        s for j in data["jobs"].values() for s in j["steps"] if "upload-pages" in s.get("uses", "")
    )
    assert upload["with"]["path"] == "site"
    assert data["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_gitlab_takes_the_secret_from_ci_variables_and_deploys_to_pages() -> None:
    data = load(GITLAB)
    assert "BILAN_SECRET" not in data.get("variables", {})  # set in Settings > CI/CD, masked
    pages = data["pages"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert 'test -n "$BILAN_SECRET" || { echo' in pages["script"][1]
    (build,) = [c for c in tool_commands(pages["script"]) if c[:2] == ["mkdocs", "build"]]
    assert parse(build).params["site_dir"] == "public"
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]


def test_pre_commit_hook_for_dossier_repositories() -> None:
    (hook,) = load(REPO / ".pre-commit-hooks.yaml")
    assert hook["id"] == "bilan-check"
    assert (hook["language"], hook["pass_filenames"]) == ("python", False)
    parse(shlex.split(hook["entry"]))
    files = re.compile(hook["files"])
    assert files.search("dossiers/2026-014/synthese.md")
    assert files.search("dossiers/2026-014/annexes/schema.png")
    assert not files.search("guide/index.md")


def test_this_repository_uses_the_same_hook_locally() -> None:
    (repo,) = load(REPO / ".pre-commit-config.yaml")["repos"]
    assert repo["repo"] == "local"  # nothing to download
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    (offered,) = load(REPO / ".pre-commit-hooks.yaml")
    local = hooks["bilan-check"]
    for key in ("entry", "pass_filenames", "files"):
        assert local[key] == offered[key], key
    for hook in hooks.values():
        assert hook["language"] == "system", hook["id"]  # the tools already installed
        argv = shlex.split(hook["entry"])
        if argv[0] in PROGRAMS:
            parse(argv)
