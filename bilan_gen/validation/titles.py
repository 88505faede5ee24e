"""Headings as providers write them, matched to the sections they stand for.

A heading and each title or alias of a section are reduced to a *key*, the same way:

1. numbering (« 1. », « II – », « A) ») and whatever follows a colon are dropped;
2. case, accents and punctuation are folded (« Plan d’action » → « plan d action »), so an
   elision is two words and « & » is nothing;
3. articles, « de », « à » and « et » are dropped (:data:`STOPWORDS`);
4. each word is reduced to its stem by the Snowball French stemmer, so that plural and
   singular, masculine and feminine meet (« actions » → « action »; « professionnelles »,
   « professionnels » → « professionnel »).

A heading then stands for a section when, in this order of preference:

- it declares it (``## Les grandes étapes { data-section="plan_action" }``);
- its key is the key of the section's title or of one of its aliases;
- it has the same words in another order (« Compétences personnelles et professionnelles »);
- it holds all the words of a title or alias of two words or more, in order, plus at most
  :data:`MAX_EXTRA_WORDS` others (« Le projet professionnel retenu »).

A ``##`` heading that stands for no section but is close to a missing one is pointed at:
« vouliez-vous dire … ? ». Close means a Dice coefficient of their words of at least
:data:`NEAR_MISS`, two words counting as one when they differ by a typo.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from difflib import SequenceMatcher

import snowballstemmer

from bilan_gen.config import SectionSpec
from bilan_gen.folding import fold_words

# "1.", "1)", "1.2", "I –", "II.", "A)" before a title.
_NUMBERING = re.compile(
    r"^\s*(?:\d+(?:\.\d+)+\.?\s+"
    r"|(?:\d+|[IVXLCDMivxlcdm]+|[A-Za-z])(?:\s*[.)]|\s+[-–—])\s*)+"
)
STOPWORDS = frozenset(
    {"le", "la", "les", "l", "un", "une", "du", "de", "des", "d", "a", "au", "aux", "et"}
)
"""Words that say nothing of a section (articles, « de », « à », « et »), folded."""
MAX_EXTRA_WORDS = 2
"""Words a heading may add to a title or alias it holds (« Le projet professionnel retenu »)."""
NEAR_MISS = 0.6
"""Similarity (0 to 1) from which a heading is taken for a misspelt or shortened section
title: a single word of a two-word title (0.67) is close; one word of two shared with a
two-word title (0.5) is not."""
SAME_WORD = 0.8
"""Character similarity (difflib's ratio) from which two stems are taken for one word."""
_STEMMER = snowballstemmer.stemmer("french")

Key = tuple[str, ...]


@functools.lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


@functools.lru_cache(maxsize=4096)
def title_key(title: str) -> Key:
    """The key of a heading or title: its meaningful words, folded and stemmed."""
    title = _NUMBERING.sub("", title)
    title = re.split(r"\s*:", title, maxsplit=1)[0]
    return tuple(_stem(w) for w in fold_words(title).split() if w not in STOPWORDS)


@functools.lru_cache(maxsize=256)
def section_id(spec: SectionSpec) -> str:
    """What ``data-section`` names a section by: its title's words, ASCII, snake_case
    (« Plan d'action » → ``plan_action``)."""
    return "_".join(w for w in fold_words(spec.title).split() if w not in STOPWORDS)


@functools.lru_cache(maxsize=256)
def spec_keys(spec: SectionSpec) -> tuple[Key, ...]:
    """The keys of a section's title and aliases, the title first."""
    return tuple(dict.fromkeys(title_key(t) for t in (spec.title, *spec.aliases)))


def _holds(heading: Key, key: Key) -> bool:
    """Whether ``heading`` holds every word of ``key``, in order."""
    words = iter(heading)
    return all(word in words for word in key)


def match_score(heading: Key, spec: SectionSpec) -> float | None:
    """How well a heading's key stands for ``spec``: lower is better, None for not at all."""
    best: float | None = None
    for key in spec_keys(spec):
        if heading == key:
            return 0.0
        if sorted(heading) == sorted(key):
            score = 1.0
        elif len(key) >= 2 and _holds(heading, key) and len(heading) - len(key) <= MAX_EXTRA_WORDS:
            score = 2.0 + (len(heading) - len(key)) / 10
        else:
            continue
        best = score if best is None else min(best, score)
    return best


def declared_spec(declared: str, specs: Iterable[SectionSpec]) -> SectionSpec | None:
    """The section a ``data-section`` value names (its id, or its title), if any."""
    for spec in specs:
        if declared == section_id(spec) or title_key(declared) == title_key(spec.title):
            return spec
    return None


def best_spec(title: str, specs: Iterable[SectionSpec]) -> SectionSpec | None:
    """The section a heading stands for, by its words; None when it stands for none."""
    return _best_spec(title, tuple(specs))


@functools.lru_cache(maxsize=4096)
def _best_spec(title: str, specs: tuple[SectionSpec, ...]) -> SectionSpec | None:
    # Cached: an office's headings are mostly the same few titles, dossier after dossier.
    heading = title_key(title)
    if not heading:
        return None
    found = [
        (score, index, spec)
        for index, spec in enumerate(specs)
        if (score := match_score(heading, spec)) is not None
    ]
    return min(found, key=lambda item: (item[0], item[1]))[2] if found else None


def _same_word(a: str, b: str) -> bool:
    """Whether two stems are one word, a typo forgiven (« acton », « action »)."""
    if a == b:
        return True
    return min(len(a), len(b)) >= 4 and SequenceMatcher(None, a, b).ratio() >= SAME_WORD


def _dice(heading: Key, key: Key) -> float:
    """Sørensen–Dice coefficient of two keys' words: 2 × shared / (words of both)."""
    unused = list(heading)
    shared = 0
    for word in key:
        found = next((w for w in unused if _same_word(w, word)), None)
        if found is not None:
            unused.remove(found)
            shared += 1
    return 2 * shared / (len(heading) + len(key)) if heading or key else 0.0


def similarity(title: str, spec: SectionSpec) -> float:
    """How close a heading is to a section's title or aliases, 0 to 1: the best Dice
    coefficient of their words, where two words are one when they differ by a typo."""
    heading = title_key(title)
    return max((_dice(heading, key) for key in spec_keys(spec)), default=0.0)
