"""The consultant guide cannot drift from the schema, the sections and the diagnostics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import bilan_gen
from bilan_gen import schema
from bilan_gen.config import CONFIG_FIELDS, DEFAULT_SECTIONS
from bilan_gen.model import Phase

GUIDE_DIR = Path(bilan_gen.__file__).resolve().parents[1] / "guide"
FORMAT = (GUIDE_DIR / "format.md").read_text(encoding="utf-8")
TABLES = (
    "DOSSIER_FIELDS",
    "FRONT_MATTER_FIELDS",
    "PHASE_FIELDS",
    "PRELIMINAIRE_FIELDS",
    "SYNTHESE_FIELDS",
)
SCHEMA_FIELDS = [pair for table in TABLES for pair in schema.iter_fields(getattr(schema, table))]


def _rows(cells: int) -> dict[str, list[str]]:
    """Table rows of format.md that start with a `key` and have ``cells`` more cells."""
    rows: dict[str, list[str]] = {}
    for line in FORMAT.splitlines():
        match = re.match(r"^\| `([a-z_.\[\]]+)` \|(.*)\|$", line)
        if match and match.group(2).count("|") == cells - 1:
            assert match.group(1) not in rows, f"{match.group(1)} is documented twice"
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def _field_rows() -> dict[str, list[str]]:
    """``| `key` | type | obligatoire | description |`` rows of format.md, by key."""
    return _rows(3)


def test_every_option_is_documented() -> None:
    """``| `option` | réglage | par défaut |``: the options of mkdocs.yml, all and only."""
    assert sorted(_rows(2)) == sorted(f.key for f in CONFIG_FIELDS)


def test_guide_pages_exist() -> None:
    for name in ("index.md", "format.md", "diagnostics.md"):
        text = (GUIDE_DIR / name).read_text(encoding="utf-8")
        assert text.startswith("# ")


@pytest.mark.parametrize(("dotted", "field"), SCHEMA_FIELDS, ids=[d for d, _ in SCHEMA_FIELDS])
def test_every_schema_field_is_documented(dotted: str, field: schema.Field) -> None:
    rows = _field_rows()
    assert dotted in rows, f"add `{dotted}` to the field tables of format.md"
    kind, required, description = rows[dotted]
    assert kind == field.kind.value
    assert required.startswith("oui") == field.required, f"`{dotted}`: obligatoire ?"
    for choice in field.choices:
        assert f"`{choice}`" in description, f"`{dotted}`: value {choice} not listed"


def test_no_documented_field_is_unknown() -> None:
    known = {dotted for dotted, _ in SCHEMA_FIELDS}
    assert sorted(set(_field_rows()) - known) == []


def _phase_block(phase: Phase) -> str:
    match = re.search(
        rf"^### [^\n]*\(`{re.escape(phase.filename)}`\)\n(.*?)(?=^### |^!!! |\Z)",
        FORMAT,
        re.M | re.S,
    )
    assert match, f"format.md has no ### heading for {phase.filename}"
    return match.group(1)


@pytest.mark.parametrize("phase", list(Phase), ids=[p.value for p in Phase])
def test_sections_match_the_defaults(phase: Phase) -> None:
    block = _phase_block(phase)
    rows = re.findall(r"^\| (?!section |---)([^|]+?) \| ([^|]*?) \|$", block, re.M)
    documented = {title: aliases.split(" ; ") if aliases else [] for title, aliases in rows}
    specs = DEFAULT_SECTIONS[phase]
    assert documented == {s.title: list(s.aliases) for s in specs if s.required}
    for spec in specs:
        if not spec.required:
            assert spec.title in block
    if not specs:
        assert "Aucune section obligatoire" in block
