"""parse_yaml: values, key lines, French syntax errors; never another exception."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bilan_gen import yaml_source
from bilan_gen.yaml_source import YamlSyntaxError, load_lenient, parse_yaml, translate_problem


def test_values_and_lines() -> None:
    doc = parse_yaml("a: 1\nb:\n  c: 2026-03-02\n  d:\n    - x\n    - y: 2\n")
    assert doc.data == {"a": 1, "b": {"c": dt.date(2026, 3, 2), "d": ["x", {"y": 2}]}}
    assert doc.lines == {
        (): 1,
        ("a",): 1,
        ("b",): 2,
        ("b", "c"): 3,
        ("b", "d"): 4,
        ("b", "d", 0): 5,
        ("b", "d", 1): 6,
        ("b", "d", 1, "y"): 6,
    }
    assert doc.line_of(("b", "d", 1, "z")) == 6
    assert doc.line_of(("absent",)) == 1


def test_impossible_date_keeps_its_text() -> None:
    assert parse_yaml("d: 2026-02-30\n").data == {"d": "2026-02-30"}


def test_duplicates_are_recorded() -> None:
    assert parse_yaml("a: 1\nb: 2\na: 3\n").duplicates == [(("a",), 3)]


def test_empty_document() -> None:
    assert parse_yaml("# rien\n").data is None


def test_non_string_keys_become_text() -> None:
    assert parse_yaml("1: a\ntrue: b\n[x]: c\n").data == {"1": "a", "true": "b", "?": "c"}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "a: 1\nb: c: d\n",
            2,
            "« : » inattendu (une valeur contient-elle « : » ? mettez-la entre guillemets)",
        ),
        ("a:\n\tb: 1\n", 2, "tabulation interdite en YAML : indentez avec des espaces"),
        ("a: 1\nb: 2\nc: \x07\n", 3, "caractère de contrôle interdit"),
        ("a: é\nb: é\nc: \x07\n", 3, "caractère de contrôle interdit"),
        ("a: 1\n---\nb: 2\n", 2, "un seul document YAML attendu : une ligne « --- » en trop"),
        ("a: [1, 2\n", 2, "crochet non fermé : « , » ou « ] » attendu"),
        ("a: {b: 1\n", 2, "accolade non fermée : « , » ou « } » attendu"),
        ("a: *b\n", 1, "alias YAML inconnu"),
        ("a: &x [*x]\n", 1, "document YAML trop gros ou trop imbriqué"),
    ],
)
def test_syntax_errors_in_french(text: str, line: int, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml(text)
    assert (info.value.line, info.value.message) == (line, message)


def test_reader_error_line_with_the_pure_python_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "_Loader", yaml.SafeLoader)
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml("a: é\nb: é\nc: \x07\n")
    assert (info.value.line, info.value.message) == (3, "caractère de contrôle interdit")


def test_unknown_problem_keeps_a_french_prefix() -> None:
    assert translate_problem("something new") == "syntaxe YAML invalide (something new)"


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml("\n".join(lines) + "\n")
    assert info.value.message == "document YAML trop gros ou trop imbriqué"


def test_lenient_loading_of_application_tags() -> None:
    data = load_lenient("a: !ENV SECRET\nb: !!python/name:os.system\n")
    assert data == {"a": "SECRET", "b": ""}


YAMLISH = st.text(alphabet=st.sampled_from(list("ab: -\n\t'\"[]{},&*!|>#%@`?~.0129\\é\x07\x85")))


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(YAMLISH, st.text(max_size=200)))
def test_parse_yaml_never_raises_anything_else(text: str) -> None:
    try:
        doc = parse_yaml(text)
    except YamlSyntaxError as exc:
        assert exc.line >= 1
        assert exc.message
        return
    assert all(line >= 1 for line in doc.lines.values())
