"""Loose text comparison: case, accents, ligatures and punctuation folded away."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_MARKS = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Fold case, accents and ligatures (« Œuvre » → « oeuvre »); other scripts are kept.

    NFKD also turns compatibility characters (no-break spaces, ``ﬁ``) into plain ones.
    """
    text = text.casefold()
    if text.isascii():
        return text
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return text.replace("œ", "oe").replace("æ", "ae")


def fold_words(text: str) -> str:
    """Fold, keep letters and digits, single-spaced (« Plan d’action » → « plan d action »)."""
    return words_of_folded(fold(text))


def words_of_folded(folded: str) -> str:
    """:func:`fold_words` of text already folded: letters and digits, single-spaced.

    Folding keeps line breaks, so a long text can be folded once and then split into lines.
    """
    return _NON_ALNUM.sub(" ", folded).strip()
