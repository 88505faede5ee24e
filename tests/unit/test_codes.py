"""Every diagnostic code the core emits is registered in CODES and documented in the guide."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import bilan_gen
from bilan_gen.diagnostics import CODES

PACKAGE_DIR = Path(bilan_gen.__file__).resolve().parent
GUIDE = PACKAGE_DIR.parent / "guide" / "diagnostics.md"
CODE_RE = re.compile(r"^[a-z]+(-[a-z0-9]+)+$")
# Diagnostic builders and the position of their ``code`` argument (``bilan observations``
# raises ObservationError, which its adapter turns into a diagnostic).
BUILDERS = {"error": 2, "warning": 2, "make": 2, "Diagnostic": 3, "ObservationError": 0}


def _code(node: ast.AST | None) -> str | None:
    is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
    return node.value if is_text and CODE_RE.match(node.value) else None  # type: ignore[union-attr]


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def codes_in_source(source: str) -> set[str]:
    """Codes passed to a diagnostic builder, or returned first in a ``(code, message)`` tuple."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        candidates: list[ast.AST | None] = []
        if isinstance(node, ast.Call):
            index = BUILDERS.get(_called_name(node))
            if index is not None and len(node.args) > index:
                candidates.append(node.args[index])
            candidates += [kw.value for kw in node.keywords if kw.arg == "code"]
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            candidates += node.value.elts[:1]
        found.update(code for code in map(_code, candidates) if code)
    return found


def emitted_codes() -> dict[str, list[str]]:
    """Code → the modules of bilan_gen that emit it."""
    emitted: dict[str, list[str]] = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for code in codes_in_source(path.read_text(encoding="utf-8")):
            emitted.setdefault(code, []).append(path.relative_to(PACKAGE_DIR).as_posix())
    return emitted


def test_collector_finds_the_three_shapes() -> None:
    source = (
        "def f(p):\n"
        "    error(p, 1, 'un-code', 'm')\n"
        "    d.warning(p, 0, code='deux-codes', message='m')\n"
        "    Diagnostic(p, 1, s, 'trois-codes', 'm')\n"
        "    x.decode('utf-8-sig')\n"
        "    return 'quatre-codes', 'message'\n"
    )
    assert codes_in_source(source) == {"un-code", "deux-codes", "trois-codes", "quatre-codes"}


def test_every_emitted_code_is_registered() -> None:
    emitted = emitted_codes()
    assert len(emitted) >= 40, "the collector lost track of the core's diagnostics"
    missing = {code: where for code, where in emitted.items() if code not in CODES}
    assert missing == {}, "add these codes to bilan_gen.diagnostics.CODES"


def test_every_registered_code_is_emitted() -> None:
    assert sorted(set(CODES) - set(emitted_codes())) == []


def test_codes_are_stable_ascii_with_french_descriptions() -> None:
    for code, description in CODES.items():
        assert CODE_RE.match(code) and code.isascii(), code
        assert description and "\n" not in description and description[0].islower(), code


def test_every_code_is_documented_in_the_guide() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `?([a-z0-9-]+)`?\s*$", text, re.M))
    assert sorted(set(CODES) - headings) == [], f"document these codes in {GUIDE.name}"
    assert sorted(headings - set(CODES)) == [], "the guide documents codes that do not exist"
