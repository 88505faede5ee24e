"""The generic pages around encrypted dossiers: the shell, the access form, the CSP.

Every dossier page is the same shell: a title that names nothing, the access form, an empty
content area, and one encrypted payload. The site generator renders it once, with its theme.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources

from bilan_gen.config import Options
from bilan_gen.model import PHASE_LABELS

ACCESS_FORM_MARKER = "<!-- bilan:acces -->"
"""Written in a page of ``content/``, it becomes the access form."""
ASSET_NAMES = (
    "bilan-crypto.js",
    "bilan-site.js",
    "bilan-site.css",
    "bilan-print.css",
    "bilan-copy.js",  # « Télécharger mon dossier »: the copy to keep, made in the browser
    "bilan-observations.js",
    "bilan-observations.css",
)

_SCRIPT = re.compile(r"<script(\s[^>]*)?>(.*?)</script>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)
_HEAD = re.compile(r"<head[^>]*>", re.I)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
_JS_TYPES = ("", "text/javascript", "module", "application/javascript")


def _template(name: str) -> str:
    return (resources.files("bilan_gen") / "templates" / name).read_text(encoding="utf-8")


def access_form_html() -> str:
    """The access form (code field, submit button, error area), with ``data-bilan-*`` hooks."""
    return _template("access_form.html").strip()


def shell_markdown() -> str:
    """The Markdown source of the generic shell page."""
    return _template("shell.md").replace("{{ form }}", access_form_html())


def insert_access_form(markdown: str) -> str:
    """Replace the access-form marker of a content page by the form."""
    if ACCESS_FORM_MARKER not in markdown:
        return markdown
    return markdown.replace(ACCESS_FORM_MARKER, access_form_html())


def asset_bytes(name: str) -> bytes:
    """The bytes of one of the browser assets shipped with the package."""
    return (resources.files("bilan_gen") / "assets" / name).read_bytes()


def security_policy(html: str) -> str:
    """A Content-Security-Policy forbidding every third-party load.

    Inline scripts that the theme writes are allowed by their SHA-256, no others; images may
    be ``data:`` or ``blob:`` (annexes decrypted in the browser).
    """
    hashes = []
    for match in _SCRIPT.finditer(html):
        attrs, body = match.group(1) or "", match.group(2)
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind and kind.group(1).lower() not in _JS_TYPES):
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    scripts = " ".join(["'self'", *sorted(set(hashes))])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; "
        "font-src 'self' data:; "
        "connect-src 'self'; "
        "object-src 'none'; "
        "base-uri 'self'; "
        "form-action 'self'"
    )


def add_security_policy(html: str) -> str:
    """Insert the CSP meta tag in ``<head>``, right after the charset, before any script.

    A second line of defence: even a bug that let a third-party URL into a page could not
    make the browser load it.
    """
    head = _HEAD.search(html)
    if head is None or 'http-equiv="Content-Security-Policy"' in html:
        return html
    charset = _CHARSET.search(html, head.end())
    at = charset.end() if charset else head.end()
    meta = f'<meta http-equiv="Content-Security-Policy" content="{security_policy(html)}">'
    return html[:at] + meta + html[at:]


def generic_vocabulary(options: Options) -> list[str]:
    """Standard titles that every dossier uses: section titles and aliases, phase labels."""
    titles = [label for label in PHASE_LABELS.values()]
    for specs in options.sections.values():
        for spec in specs:
            titles += [spec.title, *spec.aliases]
    return titles
