"""Loose text comparison: case, accents, ligatures and punctuation folded away."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Fold case, accents and ligatures (« Œuvre » → « oeuvre »)."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_words(text: str) -> str:
    """Fold, keep letters and digits, single-spaced (« Plan d’action » → « plan d action »)."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()
