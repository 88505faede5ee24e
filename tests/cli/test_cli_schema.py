"""``bilan schema`` writes the editor schemas; ``bilan new`` points its files at them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import run_cli as run

from bilan_gen.json_schema import SCHEMA_DIR, all_schemas, format_schema

REPO = Path(__file__).resolve().parents[2]
NAMES = [
    "dossier.schema.json",
    "preliminaire.schema.json",
    "investigation.schema.json",
    "conclusions.schema.json",
    "suivi.schema.json",
    "synthese.schema.json",
]
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def test_writes_every_schema(here: Path) -> None:
    assert run("schema") == (
        0,
        "6 schémas écrits dans schemas/ :\n" + "".join(f"  {name}\n" for name in NAMES),
    )
    assert sorted(p.name for p in (here / SCHEMA_DIR).iterdir()) == sorted(NAMES)
    for name, schema in all_schemas().items():
        assert json.loads((here / SCHEMA_DIR / name).read_text(encoding="utf-8")) == schema


def test_writes_next_to_mkdocs_yml(here: Path) -> None:
    project = here / "projet"
    project.mkdir()
    (project / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    code, output = run("-f", "projet/mkdocs.yml", "schema")
    assert code == 0 and output.startswith("6 schémas écrits dans projet/schemas/ :\n")


def test_output_option(here: Path) -> None:
    code, output = run("schema", "-o", "editeur/schemas")
    assert code == 0 and output.startswith("6 schémas écrits dans editeur/schemas/ :\n")
    assert len(list((here / "editeur" / "schemas").glob("*.schema.json"))) == 6


def test_new_files_point_at_the_schemas(here: Path) -> None:
    assert run("schema")[0] == 0
    code, output = run("new", "2026-042", "--consultant", "Claire Mercier")
    assert code == 0 and "bilan schema" not in output  # no hint: the schemas are there
    folder = here / "dossiers" / "2026-042"
    expected = {
        "dossier.yml": "dossier",
        "01-preliminaire.md": "preliminaire",
        "02-investigation.md": "investigation",
        "03-conclusions.md": "conclusions",
        "synthese.md": "synthese",
    }
    for name, schema in expected.items():
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        first = lines[1] if name.endswith(".md") else lines[0]
        match = MODELINE.match(first)
        assert match, f"{name}: {first!r}"
        target = (folder / match.group(1)).resolve()
        assert target == (here / SCHEMA_DIR / f"{schema}.schema.json").resolve()
    assert run("check")[0] == 0


def test_new_follows_a_custom_dossiers_dir(here: Path) -> None:
    (here / "mkdocs.yml").write_text("plugins:\n  - bilan:\n      dossiers_dir: bilans/2026\n")
    assert run("new", "2026-042")[0] == 0
    first = (here / "bilans/2026/2026-042/dossier.yml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schemas/dossier.schema.json"


def test_the_repository_schemas_are_up_to_date() -> None:
    """``schemas/`` is committed for editors; run ``bilan schema`` after changing the fields."""
    committed = sorted(p.name for p in (REPO / SCHEMA_DIR).glob("*.schema.json"))
    assert committed == sorted(NAMES)
    for name, schema in all_schemas().items():
        text = (REPO / SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert text == format_schema(schema), f"schemas/{name} is stale: run « bilan schema »"


def test_help_is_french_with_an_example() -> None:
    code, output = run("schema", "--help")
    assert code == 0
    assert output.startswith("Utilisation : bilan schema [OPTIONS]\n")
    assert "Écrit les schémas JSON de dossier.yml" in output
    assert "Exemples :\n    bilan schema\n" in output
