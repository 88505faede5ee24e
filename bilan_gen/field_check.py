"""Walk a field table over parsed YAML: presence, types, enumerations, unknown keys."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilan_gen.diagnostics import Diagnostic, error, warning
from bilan_gen.schema import Field, Kind
from bilan_gen.siret import SIRET_LENGTH, normalize_siret, siret_ok
from bilan_gen.yaml_source import KeyPath, YamlDocument

_NAMELESS = re.compile(r"[\d\s.,:;/+()h-]{1,40}")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


@dataclass
class FieldContext:
    """Where the YAML lives: the file, and the file line of the YAML's first line."""

    path: Path
    doc: YamlDocument
    line_offset: int = 0
    """Added to YAML lines (front matter starts on the file's second line)."""
    echo: bool = True
    """Whether messages may quote received values. Not for dossier.yml: a broken structure
    there can put a name into any value, and the identity is then unknown to mask it."""

    def show(self, value: Any) -> str:
        """A received value as messages may show it.

        Without ``echo``, only values that cannot be a name (digits and punctuation, such as
        a mistyped date) are quoted; others are described by their kind.
        """
        if self.echo or (isinstance(value, str) and _NAMELESS.fullmatch(value)):
            return show_value(value)
        if isinstance(value, int | float | dt.date) and not isinstance(value, bool):
            return show_value(value)
        return describe_value(value)

    def line(self, key_path: KeyPath) -> int:
        """The file line of ``key_path`` (or of its closest ancestor)."""
        return self.doc.line_of(key_path) + self.line_offset


def show_value(value: Any) -> str:
    """Show a received value briefly, in French quotes, never as a Python repr.

    Values without text of their own are described, unquoted (« reçu une liste »).
    """
    if value is None:
        return "une valeur vide"
    if isinstance(value, dict):
        return "un groupe de champs"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value).replace("\n", " ")
    return f"« {text[:40]}{'…' if len(text) > 40 else ''} »"


def describe_value(value: Any) -> str:
    """What kind of value was received, without quoting it."""
    kinds: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (bool, "un booléen"),
        ((int, float), "un nombre"),
        (dt.date, "une date"),
        (str, "un texte"),
        (dict, "un groupe de champs"),
        (list, "une liste"),
    )
    for kind, text in kinds:
        if isinstance(value, kind):
            return text
    return "une valeur vide" if value is None else "une valeur"


def describe_key(key_path: KeyPath) -> str:
    """Human description of a key path: ``« duree_h » de la séance 2``."""
    names = [str(k) for k in key_path if not isinstance(k, int)]
    indexes = [k for k in key_path if isinstance(k, int)]
    text = f"« {'.'.join(names)} »"
    if indexes:
        text += f" (élément {indexes[-1] + 1})"
    return text


def suggest(word: str, candidates: tuple[str, ...] | list[str]) -> str:
    """A "vouliez-vous dire" suffix, or an empty string."""
    close = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def check_mapping(
    data: Any,
    fields: tuple[Field, ...],
    ctx: FieldContext,
    key_path: KeyPath = (),
    passthrough: tuple[str, ...] = (),
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Check a mapping against ``fields``; return the valid values and the diagnostics."""
    diags: list[Diagnostic] = []
    values: dict[str, Any] = {}
    if not isinstance(data, dict):
        what = "le fichier" if not key_path else describe_key(key_path)
        msg = f"{what} doit être un groupe de champs « clé: valeur », reçu {ctx.show(data)}"
        return values, [error(ctx.path, ctx.line(key_path), "type-invalide", msg)]
    known = {f.key: f for f in fields}
    for key in data:
        if key not in known and key not in passthrough:
            hint = suggest(key, [*known, *passthrough])
            msg = f"champ inconnu {describe_key((*key_path, key))}{hint}"
            diags.append(warning(ctx.path, ctx.line((*key_path, key)), "champ-inconnu", msg))
    for f in fields:
        sub_path = (*key_path, f.key)
        if f.key not in data or data[f.key] is None:
            if f.required:
                msg = f"champ obligatoire absent : {describe_key(sub_path)} ({f.label})"
                diags.append(error(ctx.path, ctx.line(key_path), "champ-manquant", msg))
            continue
        value, found = check_value(data[f.key], f, ctx, sub_path)
        diags.extend(found)
        if value is not None:
            values[f.key] = value
    return values, diags


def check_value(
    value: Any, f: Field, ctx: FieldContext, key_path: KeyPath
) -> tuple[Any, list[Diagnostic]]:
    """Check one value; return it converted (or None when invalid) with diagnostics."""
    if f.kind is Kind.MAPPING:
        return check_mapping(value, f.children, ctx, key_path)
    if f.kind in (Kind.MAPPING_LIST, Kind.TEXT_LIST):
        return _check_list(value, f, ctx, key_path)
    problem = _scalar_problem(value, f)
    if problem is None:
        return _convert(value, f), []
    code, expected = problem
    line = ctx.line(key_path)
    shown = "" if f.identity else f", reçu {ctx.show(value)}"
    msg = f"{describe_key(key_path)} ({f.label}) : {expected}{shown}"
    return None, [error(ctx.path, line, code, msg)]


def _check_list(
    value: Any, f: Field, ctx: FieldContext, key_path: KeyPath
) -> tuple[Any, list[Diagnostic]]:
    line = ctx.line(key_path)
    if not isinstance(value, list):
        msg = f"{describe_key(key_path)} ({f.label}) : liste attendue, reçu {ctx.show(value)}"
        return None, [error(ctx.path, line, "type-invalide", msg)]
    if not value and f.required and f.kind is Kind.TEXT_LIST:
        msg = f"{describe_key(key_path)} ({f.label}) : la liste ne doit pas être vide"
        return None, [error(ctx.path, line, "champ-manquant", msg)]
    items: list[Any] = []
    diags: list[Diagnostic] = []
    item_field = Field(f.key, Kind.TEXT, f.label, required=True)
    for index, item in enumerate(value):
        item_path = (*key_path, index)
        if f.kind is Kind.MAPPING_LIST:
            checked, found = check_mapping(item, f.children, ctx, item_path)
            checked["_line"] = ctx.line(item_path)
        else:
            checked, found = check_value(item, item_field, ctx, item_path)
        diags.extend(found)
        items.append(checked)
    return items, diags


def _scalar_problem(value: Any, f: Field) -> tuple[str, str] | None:
    """Return ``(code, expected)`` when ``value`` does not fit ``f``, else None."""
    kind = f.kind
    if kind in (Kind.TEXT, Kind.EMAIL):
        if not isinstance(value, str) or not value.strip():
            return "type-invalide", "texte non vide attendu"
        if kind is Kind.EMAIL and not EMAIL_RE.match(value.strip()):
            return "email-invalide", "adresse e-mail invalide (attendu : nom@domaine.fr)"
        return None
    if kind is Kind.DATE:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            return "date-invalide", "date attendue au format AAAA-MM-JJ (ex. 2026-03-14)"
        return None
    if kind is Kind.BOOL:
        return None if isinstance(value, bool) else ("type-invalide", "true ou false attendu")
    if kind is Kind.INT:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else ("type-invalide", "nombre entier positif ou nul attendu")
    if kind is Kind.HOURS:
        return _hours_problem(value, f)
    if kind is Kind.AMOUNT:
        return _amount_problem(value)
    if kind is Kind.SIRET:
        return _siret_problem(value)
    if kind is Kind.CHOICE:
        if isinstance(value, str) and value in f.choices:
            return None
        hint = suggest(value, f.choices) if isinstance(value, str) else ""
        return "valeur-invalide", f"valeur attendue parmi {', '.join(f.choices)}{hint}"
    return None  # pragma: no cover - every kind is handled above


def _hours_problem(value: Any, f: Field) -> tuple[str, str] | None:
    # YAML reads ".inf" and ".nan" as numbers: not a duration.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "type-invalide", "nombre d'heures attendu (ex. 1.5 pour 1 h 30)"
    if value <= 0:
        return "duree-invalide", "la durée doit être supérieure à 0"
    if f.maximum is not None and value > f.maximum:
        return "duree-invalide", f"{_fmt(f.maximum)} heures au plus"
    if abs(value * 4 - round(value * 4)) > 1e-9:
        return "duree-invalide", "durée par quarts d'heure attendue (0.25, 0.5, 0.75…)"
    return None


def _amount_problem(value: Any) -> tuple[str, str] | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "type-invalide", "montant en euros attendu, avec un point (ex. 1600 ou 103.20)"
    if value < 0:
        return "montant-invalide", "le montant ne peut pas être négatif"
    if abs(value * 100 - round(value * 100)) > 1e-6:
        return "montant-invalide", "deux décimales au plus (les centimes)"
    return None


def _siret_problem(value: Any) -> tuple[str, str] | None:
    digits = normalize_siret(value)
    if digits is None or len(digits) != SIRET_LENGTH:
        return "siret-invalide", '14 chiffres attendus, entre guillemets (ex. "73282932000074")'
    if not siret_ok(digits):
        return "siret-invalide", "clé de contrôle invalide : un chiffre est erroné"
    return None


def _fmt(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def _convert(value: Any, f: Field) -> Any:
    if f.kind in (Kind.TEXT, Kind.EMAIL):
        return str(value).strip()
    if f.kind in (Kind.HOURS, Kind.AMOUNT):
        return float(value)
    if f.kind is Kind.SIRET:
        return normalize_siret(value)
    return value


def check_duplicates(ctx: FieldContext) -> list[Diagnostic]:
    """Report keys written twice in one mapping: YAML would silently keep the last."""
    return [
        error(
            ctx.path,
            line + ctx.line_offset,
            "cle-dupliquee",
            f"clé {describe_key(key_path)} écrite deux fois : une seule valeur compterait",
        )
        for key_path, line in ctx.doc.duplicates
    ]
