"""Content-Security-Policy on every page, and no request to a third party.

Pages are parsed with :mod:`html.parser` (not with the plugin's own regular expressions), and
the CSP hashes recomputed from the scripts as the browser will see them.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
import yaml
from sitebuild import BuildResult
from siteread import public_sources, read_site

_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
_URL_ATTRS = {"src", "href", "srcset", "action", "formaction", "data", "poster"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.I | re.S)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)""", re.I)
_JS_URL = re.compile(
    r"""(?:https?:|(?<=["'`]))//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}[^\s"'`)<>\\]*"""
)


@dataclass
class Script:
    attrs: dict[str, str]
    line: int
    body: str = ""


class Page(HTMLParser):
    """What the CSP test needs to know about one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.csp: list[tuple[str, int, bool]] = []
        """(content, line, inside <head>) of each CSP meta element."""
        self.scripts: list[Script] = []
        self.urls: list[tuple[str, str, str]] = []
        """(tag, attribute, value) of every URL attribute."""
        self.in_head = False
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        line = self.getpos()[0]
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append((values.get("content", ""), line, self.in_head))
        elif tag == "script":
            self.scripts.append(Script(values, line))
            self.in_script = True
        self.urls += [(tag, k, v) for k, v in values.items() if k in _URL_ATTRS]

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        elif tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:  # script content arrives raw, as the browser hashes it
            self.scripts[-1].body += data


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


@pytest.fixture(scope="module")
def files(sample: BuildResult) -> dict[str, str]:
    return {rel: raw.decode("utf-8", "replace") for rel, raw in read_site(sample.site_dir).items()}


@pytest.fixture(scope="module")
def pages(files: dict[str, str]) -> dict[str, Page]:
    found = {rel: parse(text) for rel, text in files.items() if rel.endswith(".html")}
    assert len(found) >= 6
    return found


def is_inline_js(script: Script) -> bool:
    kind = script.attrs.get("type", "").strip().lower()
    return "src" not in script.attrs and kind in _JS_TYPES


def test_every_page_has_a_strict_policy_first_in_head(pages: dict[str, Page]) -> None:
    for rel, page in pages.items():
        assert len(page.csp) == 1, rel
        policy, line, in_head = page.csp[0]
        assert in_head, rel
        assert directive(policy, "default-src") == ["'self'"], rel
        assert directive(policy, "object-src") == ["'none'"], rel
        assert "'unsafe-inline'" not in directive(policy, "script-src"), rel
        assert all(script.line >= line for script in page.scripts), rel


def test_charset_is_declared_within_the_first_kilobyte(sample: BuildResult) -> None:
    # HTML: the encoding declaration must sit in the first 1024 bytes; the CSP meta, inserted
    # before it, must not push it out (French text would then be decoded as windows-1252).
    for path in sample.site_dir.rglob("*.html"):
        assert b'<meta charset="utf-8">' in path.read_bytes()[:1024], path


def test_every_inline_script_is_allowed_by_its_hash(pages: dict[str, Page]) -> None:
    inline = 0
    for rel, page in pages.items():
        allowed = set(directive(page.csp[0][0], "script-src"))
        for script in filter(is_inline_js, page.scripts):
            digest = hashlib.sha256(script.body.encode("utf-8")).digest()
            token = f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
            assert token in allowed, f"{rel}:{script.line}"
            inline += 1
    assert inline >= len(pages)


def test_payload_is_not_an_executable_script(pages: dict[str, Page]) -> None:
    for rel, page in pages.items():
        for script in page.scripts:
            if script.attrs.get("id") == "bilan-payload":
                assert not is_inline_js(script), rel


def external(url: str, site_url: str) -> bool:
    url = url.strip()
    if not re.match(r"(?i)(https?:)?//", url):
        return False
    return not url.startswith(site_url)


def test_html_loads_and_links_nothing_outside_the_site(
    sample: BuildResult, pages: dict[str, Page]
) -> None:
    config = yaml.safe_load((sample.project_dir / "mkdocs.yml").read_text(encoding="utf-8"))
    site_url = config["site_url"]
    written = set(re.findall(r"https?://[^\s)>\"']+", public_sources(sample.project_dir)))
    found = [
        f"{rel}: <{tag} {attr}={value!r}>"
        for rel, page in pages.items()
        for tag, attr, value in page.urls
        for url in candidates(attr, value)
        if external(url, site_url) and not (tag == "a" and attr == "href" and url in written)
    ]
    assert found == []


def candidates(attr: str, value: str) -> list[str]:
    """The URLs of one attribute (``srcset`` lists several, each with a size)."""
    if attr == "srcset":
        return [part.split()[0] for part in value.split(",") if part.strip()]
    return [value]


def test_css_imports_nothing_from_outside(files: dict[str, str]) -> None:
    found = []
    for rel, text in files.items():
        if not rel.endswith(".css"):
            continue
        found += [f"{rel}: url({u})" for _, u in _CSS_URL.findall(text) if external(u, "")]
        found += [f"{rel}: @import {u}" for u in _CSS_IMPORT.findall(text) if external(u, "")]
    assert found == []


def js_urls(files: dict[str, str]) -> dict[str, list[str]]:
    return {
        rel: sorted(set(_JS_URL.findall(text)))
        for rel, text in files.items()
        if rel.endswith(".js") and _JS_URL.search(text)
    }


def test_own_scripts_name_no_external_url(files: dict[str, str]) -> None:
    own = [rel for rel in files if rel.startswith("assets/bilan/") and rel.endswith(".js")]
    # The copy to keep and the observations form are scanned like the others.
    assert {
        "assets/bilan/bilan-site.js",
        "assets/bilan/bilan-copy.js",
        "assets/bilan/bilan-observations.js",
    } <= set(own)
    assert {rel: urls for rel, urls in js_urls(files).items() if rel in own} == {}


def test_theme_scripts_external_urls_are_listed(
    files: dict[str, str], record_property: Callable[[str, object], None]
) -> None:
    # Material's scripts mention URLs (licences, comments); none is a resource the pages
    # load, which the CSP's connect-src 'self' and script-src would block anyway.
    urls = js_urls(files)
    for rel, found in sorted(urls.items()):
        record_property(rel, " ".join(found))
    hosts = {re.sub(r"^(https?:)?//", "", u).split("/")[0] for v in urls.values() for u in v}
    assert "fonts.googleapis.com" not in hosts and "fonts.gstatic.com" not in hosts
    record_property("hosts", " ".join(sorted(hosts)))
