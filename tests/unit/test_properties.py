"""Any bytes or text in place of any file of a valid dossier: diagnostics, never an exception."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EMAIL, NOM, Project, copy_base
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilan_gen.diagnostics import CODES, Diagnostic
from bilan_gen.validation import check_dossier

FILES = ["dossier.yml", "01-preliminaire.md", "02-investigation.md", "03-conclusions.md"]
FILES += ["synthese.md", "04-suivi.md"]
SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One project for all examples: each example restores the file it replaced."""
    yield copy_base(tmp_path_factory.mktemp("prop"))


def _check_with(project: Project, name: str, data: bytes) -> list[Diagnostic]:
    path = project.path(name)
    original = path.read_bytes() if path.exists() else None
    path.write_bytes(data)
    try:
        return list(check_dossier(project.folder(), project.options).diagnostics)
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


def _assert_sound(diags: list[Diagnostic], project: Project) -> None:
    for d in diags:
        assert d.code in CODES
        assert d.line >= 0
        assert d.message and "\n" not in d.message
        assert NOM.casefold() not in d.message.casefold()
        assert EMAIL not in d.message
        assert Path(d.path).is_relative_to(project.dossiers_dir)


@SETTINGS
@given(name=st.sampled_from(FILES), data=st.binary(max_size=3000))
def test_any_bytes_in_any_file(shared: Project, name: str, data: bytes) -> None:
    _assert_sound(_check_with(shared, name, data), shared)


@SETTINGS
@given(name=st.sampled_from(FILES), text=st.text(max_size=2000))
def test_any_text_in_any_file(shared: Project, name: str, text: str) -> None:
    _assert_sound(_check_with(shared, name, text.encode("utf-8", "surrogatepass")), shared)


@SETTINGS
@given(
    name=st.sampled_from(FILES[:5]),
    position=st.floats(min_value=0, max_value=1),
    cut=st.integers(min_value=0, max_value=40),
    text=st.text(max_size=60),
)
def test_any_edit_of_a_valid_file(
    shared: Project, name: str, position: float, cut: int, text: str
) -> None:
    original = shared.path(name).read_text(encoding="utf-8")
    at = int(position * len(original))
    edited = original[:at] + text + original[at + cut :]
    _assert_sound(_check_with(shared, name, edited.encode("utf-8", "surrogatepass")), shared)


YAML_VALUES = [".inf", "-.nan", "~", "null", "[]", "{}", "yes", "no", "2026-02-30", "0x1f"]
YAML_VALUES += ["2026-03-02 10:00", "!!binary aGk=", "!!python/name:os.system", "&a x", "*a"]
YAML_VALUES += ["'x'", "|\n  x", "-1", "1e3", "9" * 30, "é" * 300, "[a, [b, {c: d}]]", ""]


@SETTINGS
@given(
    name=st.sampled_from(FILES[:5]),
    which=st.integers(min_value=0, max_value=200),
    value=st.one_of(st.sampled_from(YAML_VALUES), st.text(max_size=30)),
)
def test_any_value_for_any_field(shared: Project, name: str, which: int, value: str) -> None:
    lines = shared.path(name).read_text(encoding="utf-8").split("\n")
    fields = [i for i, line in enumerate(lines) if ": " in line or line.endswith(":")]
    index = fields[which % len(fields)]
    lines[index] = lines[index].split(":", 1)[0] + ": " + value
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    _assert_sound(_check_with(shared, name, data), shared)


def test_the_shared_project_is_left_clean(shared: Project) -> None:
    assert shared.diagnostics() == []
