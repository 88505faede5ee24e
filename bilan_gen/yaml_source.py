"""Parse YAML while keeping the line of every key, for diagnostics with file:line.

We compose the node tree ourselves and build plain Python values from it, recording a side
table ``key path -> line``; we never inject keys into user data. A scalar that its tag cannot
construct (an impossible date such as ``2026-02-30``, a Python tag in ``mkdocs.yml``) keeps
its source text, so validation reports it instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is ten times faster; PyYAML wheels ship it on every common platform.
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - pure-Python fallback
    _Loader = yaml.SafeLoader

KeyPath = tuple[str | int, ...]
_STR_TAG = "tag:yaml.org,2002:str"

MAX_NODES = 100_000  # guards against alias bombs ("billion laughs")

_TRANSLATIONS = (
    (
        "mapping values are not allowed",
        "« : » inattendu (une valeur contient-elle « : » ? mettez-la entre guillemets)",
    ),
    (
        "found character '\\t' that cannot start any token",
        "tabulation interdite en YAML : indentez avec des espaces",
    ),
    ("found character that cannot start any token", "caractère inattendu en début de valeur"),
    ("could not find expected ':'", "« : » attendu après la clé"),
    ("did not find expected key", "indentation incohérente : clé attendue"),
    ("did not find expected '-' indicator", "indentation incohérente dans une liste"),
    ("did not find expected ',' or ']'", "crochet non fermé : « , » ou « ] » attendu"),
    ("did not find expected ',' or '}'", "accolade non fermée : « , » ou « } » attendu"),
    ("did not find expected node content", "valeur attendue (liste ou crochet non fermé ?)"),
    (
        "found unexpected end of stream",
        "fin de texte inattendue (guillemet ou crochet non fermé ?)",
    ),
    ("found undefined alias", "alias YAML inconnu"),
    ("found duplicate anchor", "ancre YAML en double"),
    ("expected <block end>, but found", "indentation incohérente"),
    ("while scanning a quoted scalar", "guillemet non fermé"),
    ("found unknown escape character", "séquence d'échappement inconnue entre guillemets doubles"),
    ("expected alphabetic or numeric character", "caractère inattendu après « & » ou « * »"),
    ("control characters are not allowed", "caractère de contrôle interdit"),
    ("special characters are not allowed", "caractère de contrôle interdit"),
    ("but found another document", "un seul document YAML attendu : une ligne « --- » en trop"),
    (
        "did not find expected hexdecimal number",
        "séquence d'échappement invalide entre guillemets doubles (écrivez \\\\ pour \\)",
    ),
)


class YamlSyntaxError(Exception):
    """YAML that cannot be parsed; ``line`` is 1-based in the parsed text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class YamlDocument:
    """A parsed YAML document with the line of every key and list item."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: list[tuple[KeyPath, int]] = field(default_factory=list)

    def line_of(self, path: KeyPath, default: int = 1) -> int:
        """Return the line of ``path``, else of its closest recorded ancestor."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), default)


def translate_problem(problem: str) -> str:
    """Turn a PyYAML problem description into French."""
    for english, french in _TRANSLATIONS:
        if english in problem:
            return french
    return f"syntaxe YAML invalide ({problem})"


def _problem_message(text: str, line: int, problem: str) -> str:
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source[: len(source) - len(source.lstrip())]:
        return "tabulation interdite en YAML : indentez avec des espaces"
    return translate_problem(problem)


def _reader_line(text: str, position: int) -> int:
    """The line of a reader error: libyaml counts UTF-8 bytes, pure-Python PyYAML characters."""
    if _Loader is yaml.SafeLoader:
        return text[:position].count("\n") + 1
    return text.encode("utf-8")[:position].count(b"\n") + 1


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise :class:`YamlSyntaxError` with a French message."""
    loader: yaml.SafeLoader | None = None
    try:
        loader = _Loader(text)  # the pure-Python reader checks characters here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(line, _problem_message(text, line, str(exc.problem or exc))) from None
    except yaml.reader.ReaderError as exc:
        raise YamlSyntaxError(
            _reader_line(text, exc.position), translate_problem(str(exc))
        ) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, translate_problem(str(exc))) from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = YamlDocument(data=None)
    if node is None:
        return doc
    doc.lines[()] = node.start_mark.line + 1
    builder = _Builder(loader, doc)
    doc.data = builder.build(node, ())
    return doc


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, doc: YamlDocument) -> None:
        self.loader = loader
        self.doc = doc
        self.count = 0

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(path) > 50:
            raise YamlSyntaxError(
                node.start_mark.line + 1, "document YAML trop gros ou trop imbriqué"
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.doc.lines[(*path, index)] = item.start_mark.line + 1
                items.append(self.build(item, (*path, index)))
            return items
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | float | bool) or isinstance(key, bool):
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            key = str(key)
            if key in result:
                self.doc.duplicates.append(((*path, key), line))
            self.doc.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value  # what SafeConstructor gives, without its bookkeeping
        try:
            return self.loader.construct_object(node, deep=True)
        except Exception:  # noqa: BLE001 - any unconstructible scalar keeps its source text
            return str(node.value)


def load_lenient(text: str) -> Any:
    """Parse YAML that may carry application tags (``!!python/name``, ``!ENV``) into data.

    Used for ``mkdocs.yml``: unknown tags keep their source text instead of failing.
    """
    return parse_yaml(text).data
