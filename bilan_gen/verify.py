"""Fail-closed verification of a built site: no dossier text, name, email or id in clear.

After every build, every file written under the site directory (``.gz`` decompressed) is
scanned for every dossier's sensitive strings: identity values from ``dossier.yml``, the id,
headings and runs of words from every published or draft file (notes included), and the
bytes of its annexes. Text is compared after folding case, accents, HTML entities, percent-
and JSON-escapes, so an escaped copy is found too. The encrypted payload element of a
dossier page is checked to hold base64 only, then left out of the text scan.

Matching works on word n-grams, so its cost grows with the output, not with the number of
needles; identical files (every dossier page shares one shell) are scanned once.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from bilan_gen.folding import fold
from bilan_gen.loading import decode_text, parse_front_matter
from bilan_gen.model import DOSSIER_FILE, Dossier

WINDOW = 8
"""Words per fragment of dossier text; any leaked run of 2 × WINDOW words is caught."""
STRIDE = WINDOW // 2
TEXT_SUFFIXES = (".html", ".htm", ".xml", ".json", ".js", ".css", ".txt", ".svg", ".map", ".md")
_TOKEN = re.compile(r"[^\W_]+")
_PAYLOAD = re.compile(
    r'(<script type="application/octet-stream" id="bilan-payload"[^>]*>)(.*?)(</script>)', re.S
)
_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass(frozen=True)
class Leak:
    """A dossier's sensitive content found in an output file (never the content itself)."""

    output: Path
    dossier_id: str
    what: str

    def message(self, site_dir: Path) -> str:
        """French message naming the output file and the dossier id, not the text."""
        where = self.output.relative_to(site_dir).as_posix()
        return f"fuite détectée dans {where} : {self.what} du dossier {self.dossier_id}"


@dataclass
class Needles:
    """What must never appear in clear, for all dossiers of a site."""

    phrases: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)
    """n → folded phrase → (dossier id, what)."""
    blobs: dict[str, str] = field(default_factory=dict)
    """SHA-256 of annex bytes → dossier id."""
    prefixes: dict[str, str] = field(default_factory=dict)
    """Base64 of an annex's first bytes → dossier id (catches data: URIs)."""

    def merge(self, other: Needles) -> None:
        """Add every needle of ``other`` (first owner wins)."""
        for n, phrases in other.phrases.items():
            mine = self.phrases.setdefault(n, {})
            for phrase, owner in phrases.items():
                mine.setdefault(phrase, owner)
        for table, theirs in ((self.blobs, other.blobs), (self.prefixes, other.prefixes)):
            for key, owner_id in theirs.items():
                table.setdefault(key, owner_id)

    def add(
        self,
        tokens: list[str],
        dossier_id: str,
        what: str,
        baseline: set[str],
        always: bool = False,
    ) -> None:
        """Add a phrase, unless the site's own public pages say it too (and not ``always``)."""
        if not tokens or len(tokens) > WINDOW:
            return
        phrase = " ".join(tokens)
        if phrase in baseline and not always:
            return
        self.phrases.setdefault(len(tokens), {}).setdefault(phrase, (dossier_id, what))


def tokens_of(text: str) -> list[str]:
    """Folded word tokens of ``text``, HTML entities and escapes decoded."""
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = unquote(html.unescape(text))
    return _TOKEN.findall(fold(text))


def ngrams(tokens: list[str], sizes: Iterable[int]) -> Iterator[tuple[int, str]]:
    """Every n-gram of ``tokens`` for each n in ``sizes``."""
    for n in sizes:
        for i in range(len(tokens) - n + 1):
            yield n, " ".join(tokens[i : i + n])


def baseline_of(texts: Iterable[str]) -> set[str]:
    """Every n-gram (n < WINDOW) of the site's public sources: never distinctive.

    Full windows of WINDOW words are left out on purpose: a run of dossier prose that long
    is distinctive even when a page of ``content/`` repeats it (text pasted from a dossier
    must fail the build, not whitelist itself). Short phrases such as headings stay excused.
    """
    grams: set[str] = set()
    for text in texts:
        grams.update(g for _, g in ngrams(tokens_of(text), range(1, WINDOW)))
    return grams


def add_dossier(needles: Needles, dossier: Dossier, baseline: set[str]) -> None:
    """Collect the sensitive strings of one dossier (published or not)."""
    ident = dossier.beneficiaire
    did = dossier.id
    who = "l'identité du bénéficiaire"
    needles.add(tokens_of(did), did, "l'identifiant", baseline, always=True)
    for value in ident.sensitive_strings():
        # A lone first name may be a common word of the site's own pages; longer values
        # (an e-mail, a compound name) are always distinctive.
        tokens = tokens_of(value)
        needles.add(tokens, did, who, baseline, always=len(tokens) > 1)
    if ident.prenom and ident.nom:
        for full in (f"{ident.prenom} {ident.nom}", f"{ident.nom} {ident.prenom}"):
            needles.add(tokens_of(full), did, who, baseline, always=True)
    for path in sorted(dossier.path.rglob("*")):
        if not path.is_file() or path.name == DOSSIER_FILE:
            continue
        raw = path.read_bytes()
        if path.suffix.lower() in (".md", ".txt", ".markdown"):
            _add_text(needles, raw, path, did, baseline)
        else:
            needles.blobs[hashlib.sha256(raw).hexdigest()] = did
            if len(raw) >= 48:
                needles.prefixes[base64.b64encode(raw[:48]).decode("ascii")] = did


def _add_text(needles: Needles, raw: bytes, path: Path, did: str, baseline: set[str]) -> None:
    text, _ = decode_text(path, raw)
    if text is None:
        return
    # The front matter is administration (dates, session types), not prose: the body is
    # what must never appear in clear. Identity lives in dossier.yml, handled above.
    text = parse_front_matter(path, text)[0].body
    prose: list[str] = []
    for line in text.split("\n"):
        if line.lstrip().startswith("#"):
            heading = tokens_of(line)
            if len(heading) >= 3:
                needles.add(heading[:WINDOW], did, "un titre", baseline)
        else:
            prose.append(line)
    # Runs of words from the prose only: headings are often the standard section titles,
    # which the site's own pages may quote.
    words = tokens_of("\n".join(prose))
    for start in range(0, max(len(words) - WINDOW, 0) + 1, STRIDE):
        needles.add(words[start : start + WINDOW], did, "le texte", baseline)


def _strip_payload(text: str) -> tuple[str, bool]:
    """Remove the encrypted payload element; False when it holds anything but base64."""
    clean = True

    def repl(match: re.Match[str]) -> str:
        nonlocal clean
        if not _BASE64.fullmatch(match.group(2)):
            clean = False
        return match.group(1) + match.group(3)

    return _PAYLOAD.sub(repl, text), clean


def scan_text(text: str, needles: Needles) -> tuple[str, str] | None:
    """The first (dossier id, what) whose phrase appears in ``text``, or None."""
    sizes = sorted(needles.phrases)
    for n, gram in ngrams(tokens_of(text), sizes):
        hit = needles.phrases[n].get(gram)
        if hit:
            return hit
    for prefix, did in needles.prefixes.items():
        if prefix in text:
            return did, "une annexe"
    return None


def read_output(path: Path) -> bytes:
    """The bytes of an output file, decompressed when it is gzip."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError):
            return raw
    return raw


def scan_site(
    site_dir: Path, needles: Needles, trusted: frozenset[str] = frozenset()
) -> list[Leak]:
    """Scan every file under ``site_dir``; return the leaks (empty when the site is clean).

    ``trusted`` holds the SHA-256 of files copied verbatim from the theme (its scripts and
    styles): their names are still scanned, their text is not.
    """
    leaks: list[Leak] = []
    seen: dict[str, tuple[str, str] | None] = dict.fromkeys(trusted)
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(site_dir).as_posix()
        hit = scan_text(rel, needles)
        if hit:
            leaks.append(Leak(path, hit[0], f"{hit[1]} (dans le nom du fichier)"))
            continue
        data = read_output(path)
        raw_digest = hashlib.sha256(data).hexdigest()
        if raw_digest in trusted:
            continue
        blob_owner = needles.blobs.get(raw_digest)
        if blob_owner:
            leaks.append(Leak(path, blob_owner, "une annexe copiée en clair"))
            continue
        name = path.name[:-3] if path.suffix == ".gz" else path.name
        if not name.lower().endswith(TEXT_SUFFIXES):
            continue
        text = data.decode("utf-8", errors="replace")
        text, clean = _strip_payload(text)
        if not clean:
            leaks.append(Leak(path, "?", "un contenu non chiffré"))
            continue
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest not in seen:
            seen[digest] = scan_text(text, needles)
        if seen[digest]:
            did, what = seen[digest]  # type: ignore[misc]
            leaks.append(Leak(path, did, what))
    return leaks
