"""The JSON Schemas agree with the validator, file by file, on every dossier we have.

Each YAML part (``dossier.yml``, each front matter) of the base dossier, of every invalid case
of ``tests/data/cases``, of the repository's samples and of a scaffolded dossier is read the
way an editor reads it (YAML 1.2: dates are strings) and validated against its schema. The
schema must reject a file exactly when the validator reports a field problem in it (a schema
matter), and accept it otherwise. Rules across fields and files are not schema matters.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from helpers import BASE_DIR, copy_base
from test_cases import CASE_IDS, CASES_DIR, build_case

from bilan_gen import json_schema
from bilan_gen.config import Options
from bilan_gen.loading import load_dossier, parse_front_matter
from bilan_gen.model import DOSSIER_FILE, Phase
from bilan_gen.scaffold import create_dossier
from bilan_gen.schema import Kind

REPO = Path(__file__).resolve().parents[2]
SCHEMA_MATTERS = {
    "champ-manquant",
    "champ-inconnu",
    "type-invalide",
    "valeur-invalide",
    "date-invalide",
    "email-invalide",
    "duree-invalide",
    "front-matter-vide",
    "fichier-vide",
}
"""Field problems the schemas catch whenever the validator does (at load time)."""
PARTLY_SCHEMA_MATTERS = {"montant-invalide", "siret-invalide"}
"""Caught in part: cents and SIRET check digits are left to the validator."""
UNREADABLE = {
    "yaml-invalide",
    "front-matter-absent",
    "front-matter-non-ferme",
    "fichier-binaire",
    "encodage-invalide",
    "fichier-trop-gros",
}


class EditorLoader(yaml.SafeLoader):
    """YAML as yaml-language-server reads it: no timestamp type (YAML 1.2 core schema)."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def editor_view(path: Path) -> Any:
    """The YAML data of ``path`` (its front matter for a Markdown file), as an editor sees it."""
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    if path.suffix == ".md":
        text = parse_front_matter(path, text)[0].yaml_text or ""
    return _jsonable(yaml.load(text, Loader=EditorLoader))  # noqa: S506 - a SafeLoader


def schema_for(path: Path) -> dict[str, Any]:
    if path.name == DOSSIER_FILE:
        return json_schema.dossier_schema()
    phase = next(p for p in Phase if p.filename == path.name)
    return json_schema.front_matter_schema(phase)


def schema_errors(path: Path) -> list[str]:
    """Where the schema rejects the file (JSON paths), empty when it accepts it."""
    validator = jsonschema.Draft7Validator(
        schema_for(path), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = validator.iter_errors(editor_view(path))
    return sorted(e.json_path for e in errors)


def yaml_files(folder: Path) -> Iterator[Path]:
    names = [DOSSIER_FILE, *(p.filename for p in Phase)]
    yield from (folder / name for name in names if (folder / name).is_file())


def field_codes(folder: Path) -> dict[Path, set[str]]:
    """Per file, the codes of the load-time diagnostics (plus ``phase-incoherente``)."""
    from bilan_gen.validation import validate

    dossier, diags = load_dossier(folder)
    diags += [
        d
        for d in validate(dossier, Options(folder.parent.parent, folder.parent))
        if d.code == "phase-incoherente"
    ]
    codes: dict[Path, set[str]] = {}
    for d in diags:
        codes.setdefault(d.path, set()).add(d.code)
    return codes


def assert_agreement(folder: Path) -> tuple[int, int]:
    """Check every readable YAML part of ``folder``; return how many were compared, rejected."""
    codes = field_codes(folder)
    compared = rejected = 0
    for path in yaml_files(folder):
        found = codes.get(path, set())
        if found & UNREADABLE:
            continue
        errors = schema_errors(path)
        name = path.relative_to(folder.parent.parent)
        if found & (SCHEMA_MATTERS | {"phase-incoherente"}):
            assert errors, f"{name}: the validator reports {sorted(found)}, the schema accepts it"
        elif not found & PARTLY_SCHEMA_MATTERS:
            assert errors == [], f"{name}: the schema rejects {errors}, the validator does not"
        compared += 1
        rejected += bool(errors)
    return compared, rejected


def test_the_base_dossier_validates(tmp_path: Path) -> None:
    project = copy_base(tmp_path)
    for path in yaml_files(project.folder()):
        assert schema_errors(path) == [], path.name
    assert assert_agreement(project.folder()) == (5, 0)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_schemas_agree_with_the_validator_on_each_case(case_id: str, tmp_path: Path) -> None:
    project = build_case(CASES_DIR / case_id, tmp_path)
    for folder in sorted(p for p in project.dossiers_dir.iterdir() if p.is_dir()):
        assert_agreement(folder)


def test_the_cases_exercise_the_schemas(tmp_path: Path) -> None:
    rejected = 0
    for case_id in CASE_IDS:
        project = build_case(CASES_DIR / case_id, tmp_path / case_id)
        for folder in (p for p in project.dossiers_dir.iterdir() if p.is_dir()):
            rejected += assert_agreement(folder)[1]
    assert rejected >= 10, "the invalid cases should give the schemas files to reject"


@pytest.mark.parametrize(
    "sample", sorted(p.name for p in (REPO / "dossiers").iterdir() if p.is_dir())
)
def test_the_sample_dossiers_validate(sample: str) -> None:
    folder = REPO / "dossiers" / sample
    for path in yaml_files(folder):
        assert schema_errors(path) == [], path.name


def test_a_scaffolded_dossier_validates(tmp_path: Path) -> None:
    options = Options(project_dir=tmp_path, dossiers_dir=tmp_path / "dossiers")
    folder = create_dossier("2026-042", "Claire Mercier", options)
    for path in yaml_files(folder):
        assert schema_errors(path) == [], path.name
    assert assert_agreement(folder) == (5, 0)


# Invalid parts, one family each ---------------------------------------------------------


def _errors(schema: dict[str, Any], instance: Any) -> list[tuple[str, str]]:
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return sorted((e.json_path, str(e.validator)) for e in validator.iter_errors(instance))


@pytest.fixture
def base_dossier() -> dict[str, Any]:
    data: dict[str, Any] = editor_view(BASE_DIR / "dossiers" / "2026-001" / DOSSIER_FILE)
    return data


@pytest.fixture
def base_synthese() -> dict[str, Any]:
    data: dict[str, Any] = editor_view(BASE_DIR / "dossiers" / "2026-001" / "synthese.md")
    return data


def test_a_wrong_choice_is_rejected(base_dossier: dict[str, Any]) -> None:
    base_dossier["financement"]["mode"] = "CPF"
    assert _errors(json_schema.dossier_schema(), base_dossier) == [("$.financement.mode", "enum")]


def test_a_missing_required_field_is_rejected(base_synthese: dict[str, Any]) -> None:
    del base_synthese["redigee_par"]
    schema = json_schema.front_matter_schema(Phase.SYNTHESE)
    assert _errors(schema, base_synthese) == [("$", "required")]


def test_an_empty_required_field_is_rejected(base_dossier: dict[str, Any]) -> None:
    base_dossier["date_debut"] = None
    assert _errors(json_schema.dossier_schema(), base_dossier) == [("$.date_debut", "type")]


def test_an_empty_optional_field_is_accepted(base_dossier: dict[str, Any]) -> None:
    base_dossier["date_fin"] = None
    assert _errors(json_schema.dossier_schema(), base_dossier) == []


def test_a_wrong_type_is_rejected(base_dossier: dict[str, Any]) -> None:
    base_dossier["duree_prevue_h"] = "20 h"
    base_dossier["suivi"]["propose"] = "oui"
    assert _errors(json_schema.dossier_schema(), base_dossier) == [
        ("$.duree_prevue_h", "type"),
        ("$.suivi.propose", "type"),
    ]


def test_an_impossible_date_is_rejected(base_dossier: dict[str, Any]) -> None:
    base_dossier["date_fin"] = "2026-04-31"
    assert _errors(json_schema.dossier_schema(), base_dossier) == [("$.date_fin", "format")]


def test_an_unknown_key_is_rejected(
    base_dossier: dict[str, Any], base_synthese: dict[str, Any]
) -> None:
    base_dossier["duree_prevue"] = 20
    assert _errors(json_schema.dossier_schema(), base_dossier) == [("$", "additionalProperties")]
    base_synthese["remis_le"] = "2026-04-20"
    base_synthese["title"] = "Synthèse"  # a key MkDocs reads: accepted
    schema = json_schema.front_matter_schema(Phase.SYNTHESE)
    assert _errors(schema, base_synthese) == [("$", "additionalProperties")]


def test_a_session_out_of_bounds_is_rejected() -> None:
    front = editor_view(BASE_DIR / "dossiers" / "2026-001" / "02-investigation.md")
    front["seances"][0]["duree_h"] = 8.25
    front["seances"][1]["duree_h"] = 0.3
    front["seances"][2]["duree_h"] = 0
    schema = json_schema.front_matter_schema(Phase.INVESTIGATION)
    assert _errors(schema, front) == [
        ("$.seances[0].duree_h", "maximum"),
        ("$.seances[1].duree_h", "multipleOf"),
        ("$.seances[2].duree_h", "exclusiveMinimum"),
    ]


def test_the_phase_of_the_file_is_fixed() -> None:
    front = editor_view(BASE_DIR / "dossiers" / "2026-001" / "02-investigation.md")
    schema = json_schema.front_matter_schema(Phase.CONCLUSIONS)
    assert _errors(schema, front) == [("$.phase", "enum")]


def test_every_kind_has_a_json_type() -> None:
    for kind in Kind:
        if kind not in (Kind.CHOICE, Kind.MAPPING, Kind.MAPPING_LIST, Kind.TEXT_LIST):
            assert kind in json_schema._SCALARS, f"map {kind} in json_schema._SCALARS"


def test_schemas_are_draft_7_with_french_descriptions() -> None:
    for name, schema in json_schema.all_schemas().items():
        jsonschema.Draft7Validator.check_schema(schema)
        assert schema["$schema"] == json_schema.DRAFT, name
        for key, prop in schema["properties"].items():
            assert prop.get("description"), f"{name}: {key} has no description"
