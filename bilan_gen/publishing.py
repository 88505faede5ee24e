"""Turn checked dossiers into encrypted pages: access codes, slugs, payloads, shells.

Every dossier page is the same generic shell (rendered once by the site generator) with one
ciphertext inside; its URL ``d/<slug>.html`` derives from the access code alone, so the site
names no dossier and holds nothing readable without a code. Pages are files side by side in
``d/``, not one folder each: a build of thousands of dossiers creates half as many entries.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bilan_gen.crypto import derive_access_code, derive_slug_and_key, encrypt_payload, format_code
from bilan_gen.folding import fold_words
from bilan_gen.model import Diffusion, Dossier
from bilan_gen.rendering import SYNTHESE_ROUTE, RenderedDossier

T = TypeVar("T")

BENEFICIAIRE = "beneficiaire"
DOSSIER_URI_PREFIX = "d"
SHELL_URI = f"{DOSSIER_URI_PREFIX}/acces.html"
"""The generic shell page, at the same depth as every ``d/<slug>.html``."""
PAYLOAD_PLACEHOLDER = "@@BILAN_PAYLOAD@@"
PAD_BYTES = 4096
"""Payloads are padded to a multiple of this, so sizes say little about contents."""
RECIPIENT_TYPES = {
    "operateur_cep": "opérateur CEP",
    "employeur": "employeur",
    "financeur": "financeur",
    "autre": "autre",
}
"""``type`` of a ``diffusion`` entry, in French."""
PERIMETRES = {"synthese": "synthèse", "complet": "dossier complet"}
"""``perimetre`` of a ``diffusion`` entry, in French."""


@dataclass(frozen=True)
class Access:
    """How one audience opens one dossier. Never written to the site or to logs."""

    dossier_id: str
    audience: str
    rotation: int
    code: str
    slug: str
    key: bytes

    @property
    def formatted_code(self) -> str:
        """The code in groups of four, as given to the beneficiary."""
        return format_code(self.code)

    @property
    def uri(self) -> str:
        """Site-relative URL of the dossier page (``d/<slug>.html``)."""
        return page_uri(self.slug)

    def link(self, site_url: str) -> str:
        """Full link that opens the dossier directly (the fragment never reaches a server)."""
        base = site_url if site_url.endswith("/") else site_url + "/"
        return f"{base}{self.uri}#code={self.formatted_code}"


def page_uri(slug: str) -> str:
    """Site-relative path of the page of ``slug``."""
    return f"{DOSSIER_URI_PREFIX}/{slug}.html"


def access_for(dossier: Dossier, secret: bytes, audience: str = BENEFICIAIRE) -> Access:
    """Derive the access code, slug and key of ``dossier`` for ``audience``."""
    return access_from(dossier.id, int(dossier.get("acces.rotation") or 0), secret, audience)


def access_from(
    dossier_id: str, rotation: int, secret: bytes, audience: str = BENEFICIAIRE
) -> Access:
    """Derive an access from the id and the rotation counter alone."""
    code = derive_access_code(secret, dossier_id, rotation, audience)
    slug, key = derive_slug_and_key(code)
    return Access(dossier_id, audience, rotation, code, slug, key)


def recipient_audience(entry: Diffusion) -> str:
    """The audience of a third party's code (L6313-4): its type and folded name.

    The name only enters the key derivation; it is never written anywhere.
    """
    return f"diffusion:{entry.type}:{fold_words(entry.destinataire or '')}"


@dataclass(frozen=True)
class Audience:
    """Who opens a published view of a dossier: the beneficiary, or one third party."""

    access: Access
    recipient: Diffusion | None = None
    """None for the beneficiary."""

    @property
    def label(self) -> str:
        """For the consultant's eyes only (``bilan access``): who gets this code."""
        entry = self.recipient
        if entry is None:
            return "bénéficiaire"
        kind = RECIPIENT_TYPES.get(entry.type or "", entry.type)
        scope = PERIMETRES.get(entry.perimetre or "", entry.perimetre)
        return f"{entry.destinataire} ({kind}, {scope})"


def audiences_of(dossier: Dossier, secret: bytes) -> list[Audience]:
    """The beneficiary's access, then one per third party of ``diffusion``."""
    found = [Audience(access_for(dossier, secret))]
    for entry in dossier.diffusion:
        audience = recipient_audience(entry)
        found.append(Audience(access_from(dossier.id, entry.rotation, secret, audience), entry))
    return found


def view_routes(recipient: Diffusion | None, routes: Sequence[str]) -> tuple[str, ...]:
    """The routes of a dossier's pages (``routes``, all of them) that one audience reads.

    The beneficiary, and a third party whose ``perimetre`` is ``complet``, read them all;
    any other third party reads what the beneficiary agreed to share (L6313-4): the synthèse
    alone. Empty when there is nothing to share yet (no finalised synthèse): that audience's
    page is not published, and its code opens nothing.
    """
    if recipient is None or recipient.perimetre == "complet":
        return tuple(routes)
    return tuple(route for route in routes if route == SYNTHESE_ROUTE)


def encode_payload(rendered: RenderedDossier) -> bytes:
    """Serialise a rendered dossier to padded UTF-8 JSON."""
    data = json.dumps(rendered.to_payload(), ensure_ascii=False, separators=(",", ":"))
    raw = data.encode("utf-8")
    padding = -len(raw) % PAD_BYTES
    return raw + b" " * padding


def encrypt_dossier(rendered: RenderedDossier, access: Access, nonce: bytes | None = None) -> str:
    """Encrypt a rendered dossier for one audience; base64 text for the shell page."""
    blob = encrypt_payload(access.key, encode_payload(rendered), nonce)
    return base64.b64encode(blob).decode("ascii")


def fill_shell(shell_html: str, payload_b64: str) -> str:
    """Put one payload into the generic shell page."""
    if shell_html.count(PAYLOAD_PLACEHOLDER) != 1:
        raise ValueError("shell page must hold the payload placeholder exactly once")
    # Base64 needs no escaping in HTML; check_dossier_page() proves the page holds no more.
    return shell_html.replace(PAYLOAD_PLACEHOLDER, payload_b64)


def write_dossier_page(
    site_dir: Path, access: Access, page_html: str, previous_site: Path | None = None
) -> Path:
    """Write ``d/<slug>.html`` under ``site_dir``, a build's staging directory.

    When ``previous_site`` (the published site) holds a page of the very same bytes, the new
    page is a hard link to it: a rebuild writes only the pages that changed. A page is never
    written into an existing file, which may be linked to the published site; readers never
    see a half-written page, since the staging directory is published whole or not at all.
    """
    uri = page_uri(access.slug)
    target = site_dir / uri
    data = page_html.encode("utf-8")
    if previous_site is not None and _holds(previous_site / uri, data):
        try:
            _new_entry(target, lambda: os.link(previous_site / uri, target))
            return target
        except OSError:  # another file system, no hard links: write it
            pass
    with _new_entry(target, lambda: target.open("xb")) as out:
        out.write(data)
    return target


def _new_entry(target: Path, create: Callable[[], T]) -> T:
    """Create ``target`` anew: its folder made if needed, an existing file replaced."""
    try:
        return create()
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        return create()
    except FileExistsError:  # a --dirty build's copy, maybe linked: never written into
        target.unlink()
        return create()


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
