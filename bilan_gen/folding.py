"""Loose text comparison: case, accents, ligatures and punctuation folded away."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold_table() -> dict[int, str | None]:
    """Latin letters with diacritics and ligatures → their base letters; marks removed."""
    table: dict[int, str | None] = {}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00), *range(0xFB00, 0xFB07)]:
        char = chr(cp)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if base != char:
            table[cp] = base
    table.update({ord("œ"): "oe", ord("æ"): "ae", ord("ø"): "o", ord("đ"): "d", ord("ł"): "l"})
    table.update(dict.fromkeys(range(0x300, 0x370)))  # combining marks left by decomposed text
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Fold case, accents and ligatures (« Œuvre » → « oeuvre »)."""
    text = text.casefold()
    return text if text.isascii() else text.translate(_FOLD)


def fold_words(text: str) -> str:
    """Fold, keep letters and digits, single-spaced (« Plan d’action » → « plan d action »)."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()
