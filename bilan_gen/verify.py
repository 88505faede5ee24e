"""Fail-closed verification of a built site: no dossier text, name, email or id in clear.

After every build, every file written under the site directory (``.gz`` decompressed) is
checked against every dossier's sensitive strings: identity values from ``dossier.yml``, the
id, headings and runs of words from every published or draft file (notes included), and the
bytes of its annexes. Text is compared as folded word n-grams, after decoding HTML entities,
percent- and JSON-escapes, so an escaped copy is found too.

The work is split so that it stays a small part of the build:

- :func:`index_output` reads the site once, before the dossier pages are written, and
  indexes the n-grams of its distinct texts (files copied verbatim from the theme are
  skipped: they are public by design, and they cannot hold a dossier's words);
- :func:`fingerprint` turns a dossier into digests of its needles (so that a build cache can
  keep them without keeping the text), and :func:`find_leaks` looks them up in the index, in
  the worker that publishes the dossier;
- :func:`check_dossier_page` reads each written dossier page back: once its payload (which
  must be base64 only) is removed, it must be byte-identical to the generic shell.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import os
import re
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from bilan_gen.folding import fold
from bilan_gen.guard import HEAD_BYTES, Content, DossierFiles, Limits, load_folder
from bilan_gen.loading import decode_text, parse_front_matter
from bilan_gen.model import DOSSIER_FILE, Dossier

WINDOW = 8
"""Words per fragment of dossier prose; any leaked run of WINDOW + STRIDE - 1 words is caught."""
STRIDE = WINDOW // 2
TEXT_SUFFIXES = (".html", ".htm", ".xml", ".json", ".js", ".css", ".txt", ".svg", ".map", ".md")
PAYLOAD_OPEN = '<script type="application/octet-stream" id="bilan-payload">'
PAYLOAD_CLOSE = "</script>"
_TOKEN = re.compile(r"[^\W_]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_IDENTITY = "l'identité du bénéficiaire"


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
class OutputIndex:
    """What the built site shows in clear, indexed for look-ups."""

    grams: dict[int, Path] = field(default_factory=dict)
    """Key (:func:`gram_key`) of a folded word n-gram (n ≤ WINDOW) → first file holding it
    (names included)."""
    blobs: dict[str, Path] = field(default_factory=dict)
    """SHA-256 of every file's bytes → that file."""
    texts: list[tuple[Path, str]] = field(default_factory=list)
    """Every distinct text, to look for base64 copies of annexes."""
    digest: str = ""
    """Of every file indexed: its path, the digest of its bytes, whether it was taken for
    the theme's own (all the index depends on)."""


def tokens_of(text: str) -> list[str]:
    """Folded word tokens of ``text``, HTML entities and escapes decoded."""
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if "&" in text:
        text = html.unescape(text)
    if "%" in text:
        text = unquote(text)
    return _TOKEN.findall(fold(text))


def digest(phrase: str) -> bytes:
    """A short, stable digest of a folded phrase (64 bits: collisions are negligible)."""
    return hashlib.blake2b(phrase.encode("utf-8"), digest_size=8).digest()


def gram_key(gram_digest: bytes) -> int:
    """The integer an 8-byte :func:`digest` is indexed by (as ``array("Q")`` reads it)."""
    return int.from_bytes(gram_digest, sys.byteorder)


def keys_of(packed: bytes) -> array:  # type: ignore[type-arg]
    """The :func:`gram_key` of each 8-byte digest of ``packed``, at C speed."""
    keys = array("Q")
    keys.frombytes(packed)
    return keys


def ngrams(tokens: list[str], sizes: Iterable[int]) -> Iterator[str]:
    """Every n-gram of ``tokens`` for each n in ``sizes``."""
    for n in sizes:
        for i in range(len(tokens) - n + 1):
            yield " ".join(tokens[i : i + n])


def baseline_of(texts: Iterable[str], grams: GramCache | None = None) -> set[int]:
    """Keys of the short phrases (n < WINDOW) of the site's generic texts: never distinctive.

    Full windows are left out on purpose: a run of dossier prose that long is distinctive
    wherever it appears.
    """
    baseline: set[int] = set()
    for text in texts:
        baseline.update(_grams(text, _SHORT, grams))
    return baseline


def read_output(path: Path) -> bytes:
    """The bytes of an output file, decompressed when it is gzip."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError):
            return raw
    return raw


def _is_theme_copy(rel: str, data: bytes, theme_dirs: Iterable[Path]) -> bool:
    """Whether ``data`` is the theme's own file at the same path, copied verbatim."""
    for base in theme_dirs:
        source = base / rel
        if source.is_file() and source.stat().st_size == len(data):
            return source.read_bytes() == data
    return False


class GramCache:
    """The n-gram digests of output texts already indexed, by the digest of each text.

    The site's own pages rarely change between builds: their digests are read back instead
    of tokenised again. They are digests of public output only; nothing here is secret.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.used: set[str] = set()

    def grams_of(self, text: str, sizes: range) -> array:  # type: ignore[type-arg]
        """The keys of ``text``'s n-grams for each n in ``sizes``, from the cache or
        computed (then stored)."""
        key = hashlib.sha256(f"{sizes.start}-{sizes.stop}\0{text}".encode()).hexdigest()[:40]
        self.used.add(key)
        path = self.cache_dir / f"{key}.grams"
        try:
            blob = path.read_bytes()
        except OSError:
            blob = b"".join(dict.fromkeys(map(digest, ngrams(tokens_of(text), sizes))))
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(blob)
            os.replace(tmp, path)
        return keys_of(blob)

    def prune(self) -> None:
        """Forget the texts this build did not show."""
        if self.cache_dir.is_dir():
            for path in self.cache_dir.iterdir():
                if path.name.split(".")[0] not in self.used:
                    path.unlink(missing_ok=True)


def index_output(
    site_dir: Path, theme_dirs: Iterable[Path] = (), grams: GramCache | None = None
) -> OutputIndex:
    """Index every file under ``site_dir``; ``theme_dirs`` hold the theme's own files."""
    index = OutputIndex()
    theme = list(theme_dirs)
    seen: set[str] = set()
    found: list[tuple[Path, Iterable[int]]] = []
    summary = hashlib.sha256()
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(site_dir).as_posix()
        found.append((path, _grams(rel, _SIZES, None)))
        data = read_output(path)
        blob = hashlib.sha256(data).hexdigest()
        index.blobs.setdefault(blob, path)
        name = rel[:-3] if rel.endswith(".gz") else rel
        skipped = not name.lower().endswith(TEXT_SUFFIXES) or _is_theme_copy(rel, data, theme)
        summary.update(f"{rel}\0{blob}\0{skipped}\n".encode())
        if skipped:
            continue
        # Payloads are ciphertext: their base64 would only give random "words".
        text = strip_payload(data.decode("utf-8", errors="replace"))[0]
        text_digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if text_digest not in seen:
            seen.add(text_digest)
            index.texts.append((path, text))
            found.append((path, _grams(text, _SIZES, grams)))
    for path, keys in reversed(found):  # the first file that holds a gram is the one named
        index.grams.update(dict.fromkeys(keys, path))
    index.digest = summary.hexdigest()
    return index


_SIZES = range(1, WINDOW + 1)
_SHORT = range(1, WINDOW)


def _grams(text: str, sizes: range, grams: GramCache | None) -> Iterable[int]:
    if grams is None:
        return keys_of(b"".join(map(digest, ngrams(tokens_of(text), sizes))))
    return grams.grams_of(text, sizes)


@dataclass(frozen=True)
class Fingerprint:
    """What must never appear in clear for one dossier, as digests only (no text)."""

    dossier_id: str
    keys: bytes = b""
    """The needles: digests of phrases (8 bytes each), packed (they travel and are cached)."""
    kinds: tuple[tuple[str, bool], ...] = ()
    """Each distinct (what a needle is, whether a generic text of the site may excuse it)."""
    kind_of: bytes = b""
    """For each needle, the index of its kind in ``kinds``."""
    blobs: tuple[str, ...] = ()
    """SHA-256 of each annex."""
    prefixes: tuple[str, ...] = ()
    """Base64 of each annex's first bytes (finds ``data:`` URIs)."""


def dossier_needles(dossier: Dossier, files: DossierFiles) -> Iterator[tuple[str, str, bool]]:
    """(folded phrase, what, excusable) triples that must never appear in clear.

    ``files`` is the dossier's folder as the guarded read gave it.
    """
    ident = dossier.beneficiaire
    yield " ".join(tokens_of(dossier.id)), "l'identifiant", False
    for value in ident.sensitive_strings():
        phrase = " ".join(tokens_of(value))
        # A lone first name is no identifier, and the site's own pages may use it (an example
        # in content/): those may excuse it. A surname, an e-mail, a full name never are.
        yield phrase, _IDENTITY, value == ident.prenom and " " not in phrase
    if ident.prenom and ident.nom:
        for full in (f"{ident.prenom} {ident.nom}", f"{ident.nom} {ident.prenom}"):
            yield " ".join(tokens_of(full)[:WINDOW]), _IDENTITY, False
    bodies = {doc.path.name: doc.body for doc in dossier.documents.values()}
    for rel, content in files.items():
        body = _prose_of(files, rel, content, bodies)
        if body is not None:
            yield from _text_needles(body)


def _prose_of(
    files: DossierFiles, rel: str, content: Content, bodies: dict[str, str]
) -> str | None:
    """The prose of a text file (front matter out), None for any other file.

    The front matter is administration (dates, session types), not prose; identity lives in
    dossier.yml. A text file that is too big or does not decode is looked for as bytes.
    """
    if rel == DOSSIER_FILE or content.data is None or not rel.lower().endswith(_PROSE):
        return None
    if rel in bodies:
        return bodies[rel]
    text, _ = decode_text(files.folder / rel, content.data)
    return None if text is None else parse_front_matter(files.folder / rel, text)[0].body


_PROSE = (".md", ".txt", ".markdown")


def _text_needles(body: str) -> Iterator[tuple[str, str, bool]]:
    """Needles of a prose text.

    Headings are often the standard section titles, which the site's own pages quote: only
    long ones are needles, and a generic text may excuse them.
    """
    prose: list[str] = []
    for line in body.split("\n"):
        if not line.lstrip().startswith("#"):
            prose.append(line)
            continue
        heading = " ".join(tokens_of(line)[:WINDOW])
        if heading.count(" ") >= 2:
            yield heading, "un titre", True
    words = tokens_of("\n".join(prose))
    for start in range(0, max(len(words) - WINDOW, 0) + 1, STRIDE):
        yield " ".join(words[start : start + WINDOW]), "le texte", False


def fingerprint(dossier: Dossier, files: DossierFiles | None = None) -> Fingerprint:
    """The digests of everything of ``dossier`` that must never appear in clear.

    ``files`` is its folder as read for the build (read again when not given).
    """
    if files is None:
        files = load_folder(dossier.path, Limits())
    needles: dict[bytes, tuple[str, bool]] = {}
    bodies = {doc.path.name: doc.body for doc in dossier.documents.values()}
    blobs: list[str] = []
    prefixes: list[str] = []
    for phrase, what, excusable in dossier_needles(dossier, files):
        if phrase:
            needles[digest(phrase)] = (what, excusable)
    for rel, content in files.items():
        if rel == DOSSIER_FILE or _prose_of(files, rel, content, bodies) is not None:
            continue
        blobs.append(content.digest.hex())
        if len(content.head) == HEAD_BYTES:
            prefixes.append(base64.b64encode(content.head).decode("ascii"))
    kinds = sorted(set(needles.values()))
    number = {kind: i for i, kind in enumerate(kinds)}
    return Fingerprint(
        dossier.id,
        b"".join(needles),
        tuple(kinds),
        bytes(number[kind] for kind in needles.values()),
        tuple(blobs),
        tuple(prefixes),
    )


def find_leaks(print_: Fingerprint, index: OutputIndex, baseline: set[int]) -> list[Leak]:
    """Every output file where a needle of ``print_`` appears."""
    leaks: dict[Path, Leak] = {}
    grams = index.grams
    for number, key in enumerate(keys_of(print_.keys)):
        found = grams.get(key)
        if found is None or found in leaks:
            continue
        what, excusable = print_.kinds[print_.kind_of[number]]
        if not (excusable and key in baseline):
            leaks[found] = Leak(found, print_.dossier_id, what)
    for blob in print_.blobs:
        copy = index.blobs.get(blob)
        if copy is not None:
            leaks.setdefault(copy, Leak(copy, print_.dossier_id, "une annexe copiée en clair"))
    for prefix in print_.prefixes:
        for output, text in index.texts:
            if prefix in text:
                leaks.setdefault(output, Leak(output, print_.dossier_id, "une annexe"))
    return list(leaks.values())


def dossier_leaks(
    dossier: Dossier, index: OutputIndex, baseline: set[int], files: DossierFiles | None = None
) -> list[Leak]:
    """Every place where ``dossier``'s sensitive strings appear in the indexed output."""
    return find_leaks(fingerprint(dossier, files), index, baseline)


def strip_payload(page: str) -> tuple[str, bool]:
    """The page without its payload's content; False when that content is not base64 only."""
    start = page.find(PAYLOAD_OPEN)
    if start < 0:
        return page, True
    begin = start + len(PAYLOAD_OPEN)
    end = page.find(PAYLOAD_CLOSE, begin)
    if end < 0 or page.find(PAYLOAD_OPEN, end) >= 0:
        return page, False
    return page[:begin] + page[end:], bool(_BASE64.fullmatch(page[begin:end]))


def check_dossier_page(path: Path, empty_shell: str, dossier_id: str) -> Leak | None:
    """Read a written dossier page back: the generic shell plus base64, nothing else."""
    stripped, clean = strip_payload(read_output(path).decode("utf-8", errors="replace"))
    if clean and stripped == empty_shell:
        return None
    return Leak(path, dossier_id, "une page de dossier qui n'est pas la page générique")
