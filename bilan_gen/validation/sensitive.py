"""Words that suggest special-category data (RGPD, art. 9): ask whether they belong here.

Health, disability, religion, union membership… may appear in a bilan only with a direct and
necessary link with it, and with the beneficiary's explicit consent. Each line of a document
body that holds one of the configured words (option ``mots_sensibles``; whole words, case and
accents ignored) gets a warning, unless a comment on that line acknowledges it:
``<!-- bilan: sensible-ok -->``. Code blocks, inline code and comments are not prose.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from bilan_gen.diagnostics import Diagnostic, warning
from bilan_gen.folding import fold, fold_words, words_of_folded
from bilan_gen.model import Document, Dossier
from bilan_gen.validation.markdown import _code_mask, blank_comments

ACKNOWLEDGEMENT = "<!-- bilan: sensible-ok -->"
_ACK_RE = re.compile(r"<!--\s*bilan\s*:\s*sensible-ok\s*-->", re.I)
_CODE_SPAN = re.compile(r"(`+).*?\1")
QUESTION = "lien direct et nécessaire avec le bilan ? consentement explicite ?"


@functools.lru_cache(maxsize=16)
def sensitive_terms(words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``(word as configured, folded key)`` pairs, one per distinct key."""
    terms: dict[str, str] = {}
    for word in words:
        key = fold_words(word)
        if key:
            terms.setdefault(key, word)
    return tuple((word, key) for key, word in terms.items())


def find_sensitive(
    body: str, body_line: int, words: tuple[str, ...]
) -> list[tuple[int, list[str]]]:
    """``(file line, words found)`` for each unacknowledged prose line of ``body``."""
    terms = sensitive_terms(words)
    whole = f" {fold_words(body)} "
    terms = tuple((word, key) for word, key in terms if f" {key} " in whole)
    if not terms:  # most bodies: one fold, no line-by-line scan
        return []
    raw_lines = body.split("\n")
    blanked = blank_comments(body)
    lines = blanked.split("\n")
    folded_lines = fold(blanked).split("\n")  # folded once: folding keeps line breaks
    if len(folded_lines) != len(lines):  # never seen; line by line then
        folded_lines = [fold(line) for line in lines]
    mask = _code_mask(lines)
    found: list[tuple[int, list[str]]] = []
    for index, line in enumerate(folded_lines):
        if mask[index] or _ACK_RE.search(raw_lines[index]):
            continue
        folded = f" {words_of_folded(_CODE_SPAN.sub(' ', line))} "
        hits = [(word, key) for word, key in terms if f" {key} " in folded]
        if hits:
            found.append((body_line + index, _longest(hits)))
    return found


def _longest(hits: list[tuple[str, str]]) -> list[str]:
    """The words found, without those inside a longer one (« maladie » in « arrêt maladie »)."""
    return [
        word
        for word, key in hits
        if not any(key != other and f" {key} " in f" {other} " for _, other in hits)
    ]


def check_sensitive(dossier: Dossier, words: Iterable[str]) -> list[Diagnostic]:
    """A warning per document line that mentions a sensitive word."""
    chosen = tuple(words)
    diags: list[Diagnostic] = []
    for doc in dossier.documents.values():
        diags += check_document(doc, chosen)
    return diags


def check_document(doc: Document, words: tuple[str, ...]) -> list[Diagnostic]:
    """The warnings of one document body."""
    diags: list[Diagnostic] = []
    for line, hits in find_sensitive(doc.body, doc.body_line, words):
        shown = ", ".join(f"« {w} »" for w in hits)
        label = "mot" if len(hits) == 1 else "mots"
        msg = f"{label} {shown} : {QUESTION} (donnée sensible, RGPD art. 9)"
        diags.append(warning(doc.path, line, "donnee-sensible", msg))
    return diags
