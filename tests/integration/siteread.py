"""Read a built site the way an outsider would, without bilan_gen's own verification.

These helpers deliberately do not reuse :mod:`bilan_gen.verify`: the leak tests must be an
independent second opinion. Only :mod:`bilan_gen.crypto` is used, to open payloads with the
access keys that ``sitebuild.accesses`` derives.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import yaml

from bilan_gen.crypto import decrypt_payload
from bilan_gen.publishing import Access

PAYLOAD = re.compile(r'(<script\b[^>]*\bid="bilan-payload"[^>]*>)(.*?)(</script>)', re.S)
BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_LINE_MARKERS = re.compile(r"^\s*(?:[#>|*+-]+\s*|\d+\.\s+)+")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_INLINE_MARKERS = re.compile(r"\*\*|__|`")
MIN_PROSE = 40
"""Characters from which a line of dossier prose counts as distinctive."""


def read_site(site_dir: Path) -> dict[str, bytes]:
    """Every file under ``site_dir`` (relative POSIX path → bytes, ``.gz`` decompressed)."""
    files: dict[str, bytes] = {}
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        files[path.relative_to(site_dir).as_posix()] = raw
    return files


def strip_payloads(text: str) -> str:
    """``text`` with the content of every payload element removed."""
    return PAYLOAD.sub(lambda m: m.group(1) + m.group(3), text)


def payloads(text: str) -> list[str]:
    """The content of every payload element of ``text``."""
    return [m.group(2) for m in PAYLOAD.finditer(text)]


def visible_text(text: str) -> str:
    """Text with tags removed, entities decoded and whitespace collapsed."""
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", text)))


def unescape_json(text: str) -> str:
    """Text with JSON string escapes (``\\uXXXX``, ``\\"``, ``\\/``) decoded."""
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text.replace('\\"', '"').replace("\\/", "/").replace("\\n", " ")


def variants(value: str) -> set[str]:
    """``value`` raw, HTML-escaped, JSON-escaped (both forms) and URL-quoted."""
    return {
        value,
        html.escape(value),
        html.escape(value, quote=False),
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(value)[1:-1],
        quote(value),
        quote(value, safe=""),
        quote_plus(value),
    }


def fold(value: str) -> str:
    """Lower case, accents removed: how names turn into file names and URLs."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Identity:
    """A beneficiary as written in ``dossier.yml``."""

    dossier_id: str
    prenom: str
    nom: str
    email: str

    @property
    def full_name(self) -> str:
        """First name and surname."""
        return f"{self.prenom} {self.nom}"

    def needles(self) -> dict[str, str]:
        """What must never appear in clear: label → value."""
        found = {"prénom et nom": self.full_name, "e-mail": self.email, "id": self.dossier_id}
        if len(self.nom) >= 4:
            found["nom"] = self.nom
        return found

    def url_forms(self) -> set[str]:
        """How the identity could show up in a file name or URL (folded, slugified)."""
        forms = {self.dossier_id, self.dossier_id.replace("-", "")}
        for value in (self.prenom, self.nom, self.full_name, self.email):
            folded = fold(value)
            forms |= {folded, folded.replace(" ", "-"), folded.replace(" ", "")}
        return forms


def identities(project_dir: Path) -> dict[str, Identity]:
    """Each dossier's beneficiary, read with plain YAML."""
    found: dict[str, Identity] = {}
    for path in sorted((project_dir / "dossiers").glob("*/dossier.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))["beneficiaire"]
        did = path.parent.name
        found[did] = Identity(did, data["prenom"], data["nom"], data["email"])
    return found


def public_sources(project_dir: Path) -> str:
    """Every source file of ``content/``, concatenated: text the site publishes on purpose."""
    parts = [p.read_text(encoding="utf-8") for p in sorted((project_dir / "content").rglob("*.md"))]
    return "\n".join(parts)


def prose_pieces(line: str) -> list[str]:
    """The prose of one Markdown line: markers stripped, table rows split into cells."""
    cells = line.strip().strip("|").split("|") if line.lstrip().startswith("|") else [line]
    pieces = []
    for cell in cells:
        text = _LINE_MARKERS.sub("", cell)
        text = _INLINE_MARKERS.sub("", _IMAGE_OR_LINK.sub(r"\1", text))
        pieces.append(_SPACES.sub(" ", text).strip())
    return pieces


def prose_lines(path: Path, public: str) -> list[str]:
    """Distinctive prose of a Markdown file: pieces of MIN_PROSE characters or more."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() in public:
            continue
        found += [p for p in prose_pieces(line) if len(p) >= MIN_PROSE and p not in public]
    return found


@dataclass(frozen=True)
class Needle:
    """One sensitive string of one dossier."""

    dossier_id: str
    what: str
    value: str


def dossier_needles(project_dir: Path) -> list[Needle]:
    """Identity values, ids and prose of every ``.md`` file of every dossier."""
    public = public_sources(project_dir)
    needles = []
    for did, ident in identities(project_dir).items():
        needles += [Needle(did, what, value) for what, value in ident.needles().items()]
        for path in sorted((project_dir / "dossiers" / did).rglob("*.md")):
            rel = path.relative_to(project_dir).as_posix()
            needles += [Needle(did, f"prose de {rel}", line) for line in prose_lines(path, public)]
    return needles


def find_needles(text: str, needles: list[Needle]) -> Iterator[Needle]:
    """Needles found in ``text`` in any escaped form, or in its visible text."""
    lowered = text.lower()
    shown = visible_text(text) + "\n" + visible_text(unescape_json(text))
    for needle in needles:
        if needle.what.startswith("prose"):
            hit = any(v in text for v in variants(needle.value)) or needle.value in shown
        else:  # names and e-mails: any case
            hit = any(v.lower() in lowered for v in variants(needle.value))
            hit = hit or needle.value.lower() in shown.lower()
        if hit:
            yield needle


def open_payload(page_html: str, access: Access) -> dict[str, Any]:
    """Decrypt the single payload of a dossier page with ``access.key``."""
    (content,) = payloads(page_html)
    blob = base64.b64decode(html.unescape(content), validate=True)
    data: dict[str, Any] = json.loads(decrypt_payload(access.key, blob).decode("utf-8"))
    return data


def dossier_page(site_dir: Path, access: Access) -> Path:
    """The page of one dossier: ``d/<slug>.html``."""
    return site_dir / "d" / f"{access.slug}.html"


def dossier_slugs(site_dir: Path) -> set[str]:
    """The slug of every ``d/<slug>.html`` page of the site, the generic ``acces`` page left out.

    Anything else in ``d/`` (a folder, another file) fails: the site holds pages only.
    """
    entries = sorted((site_dir / "d").iterdir())
    assert all(p.is_file() and p.suffix == ".html" for p in entries), entries
    return {p.stem for p in entries if p.name != "acces.html"}


def bump_rotation(project: Path, dossier_id: str) -> None:
    """Increment ``acces.rotation`` in a dossier's ``dossier.yml``."""
    path = project / "dossiers" / dossier_id / "dossier.yml"
    text = path.read_text(encoding="utf-8")

    def plus_one(match: re.Match[str]) -> str:
        return match.group(1) + str(int(match.group(2)) + 1)

    bumped, count = re.subn(r"^(\s+rotation:\s*)(\d+)", plus_one, text, flags=re.M)
    assert count == 1, text
    path.write_text(bumped, encoding="utf-8")
