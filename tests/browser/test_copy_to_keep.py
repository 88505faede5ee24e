"""« Télécharger mon dossier » in real Chromium: the copy to keep, opened from disk, offline.

A copy of the sample site is built once for the module, with a PDF annex added to 2026-014's
conclusions and, in 2026-021's conclusions, raw HTML that passes the check but must neither
run nor load anything in a copy. A beneficiary opens the dossier with the code and clicks the
button; Playwright takes the download. The saved file is then opened from disk in a fresh
context that is offline, has JavaScript disabled, and records and aborts every request but
the file's own: the copy must need no script and attempt no request, and still show every
page, the synthèse's print view and the annexes.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from a11y import DESKTOP, axe_violations, describe_focus, format_violations, measure_focus
from pypdf import PdfReader, PdfWriter
from sitebuild import TEST_SECRET, build, copy_project, serve

from bilan_gen.loading import load_dossier
from bilan_gen.publishing import Access, audiences_of

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

NewContext = Callable[..., "BrowserContext"]

CONTENT = "[data-bilan-content]"
COPY_BUTTON = "[data-bilan-copy]"
COPY_STATUS = "[data-bilan-copy-status]"
SECTION = "[data-bilan-copie-page]"
PDF_NAME = "compte-rendu-enquete.pdf"
PDF_LINK = f"Compte rendu de l'enquête métier : [{PDF_NAME}](annexes/{PDF_NAME})."
IMAGE_NAME = "profil-interets.png"
PRINT_TITLE = "Document de synthèse — Bilan de compétences"
FILE_NAME = re.compile(r"dossier-bilan-(\d{4}-\d{2}-\d{2})\.html")
NO_OVERFLOW_JS = "document.documentElement.scrollWidth <= window.innerWidth + 1"
HOSTILE = """
<p onclick="document.title = 'x'" data-test-hostile>Un paragraphe qui voudrait agir.</p>
<script>document.title = 'script';</script>
<a href="javascript:document.title = 'x'" data-test-hostile>un lien qui voudrait agir</a>
<svg width="10" height="10"><image href="https://example.org/x.png" width="10" height="10"/></svg>
<div style="background: url(https://example.org/fond.png)" data-test-hostile>fond</div>
"""
"""Raw HTML that ``bilan check`` lets through: the site's CSP keeps it inert; the copy drops it."""


def one_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Served:
    """The site, served, and what the tests look for in the copies."""

    base_url: str
    project_dir: Path
    beneficiary: Access
    recipient: Access
    other: Access
    """2026-021's beneficiary, whose conclusions hold the raw HTML of ``HOSTILE``."""
    pdf: bytes

    def text(self, name: str, dossier_id: str = "2026-014") -> str:
        return (self.project_dir / "dossiers" / dossier_id / name).read_text("utf-8")

    def sentence(self, name: str) -> str:
        """The start of the first long line of prose of a document of 2026-014."""
        prose = [
            line
            for line in self.text(name).split("\n")
            if len(line) > 80 and not line.startswith(("|", "-", ">", "#"))
        ]
        return prose[0][:60]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    project = copy_project(tmp_path_factory.mktemp("copy-site"))
    folder = project / "dossiers" / "2026-014"
    pdf = one_page_pdf()
    (folder / "annexes" / PDF_NAME).write_bytes(pdf)
    with (folder / "03-conclusions.md").open("a", encoding="utf-8") as out:
        out.write(f"\n{PDF_LINK}\n")
    with (project / "dossiers" / "2026-021" / "03-conclusions.md").open(
        "a", encoding="utf-8"
    ) as out:
        out.write(HOSTILE)
    result = build(project)
    assert result.returncode == 0, result.output
    key = bytes.fromhex(TEST_SECRET)
    beneficiary, recipient = audiences_of(load_dossier(folder)[0], key)
    (other, *_) = audiences_of(load_dossier(project / "dossiers" / "2026-021")[0], key)
    with serve(result.site_dir) as base_url:
        yield Served(base_url, project, beneficiary.access, recipient.access, other.access, pdf)


@dataclass
class Journal:
    """What a context asked of the network, and what its pages complained about."""

    requests: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def watch(context: BrowserContext) -> Journal:
    journal = Journal()
    context.on("request", lambda request: journal.requests.append(request.url))

    def on_page(page: Page) -> None:
        page.on(
            "console",
            lambda msg: journal.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda error: journal.page_errors.append(str(error)))

    context.on("page", on_page)
    return journal


def open_dossier(page: Page, served: Served, access: Access) -> None:
    page.goto(f"{served.base_url}{access.uri}#code={access.formatted_code}")
    page.locator(CONTENT).wait_for(state="visible")


def take_copy(page: Page, target_dir: Path) -> Path:
    """Clicks the first copy button of the page; saves the download in ``target_dir``."""
    with page.expect_download() as download_info:
        page.locator(COPY_BUTTON).first.click()
    download = download_info.value
    assert download.failure() is None
    path = target_dir / download.suggested_filename
    download.save_as(path)
    page.locator(COPY_STATUS).filter(has_text="Copie prête").wait_for()
    return path


@dataclass(frozen=True)
class Copy:
    """A downloaded copy, and how the site behaved while making it."""

    path: Path
    html: str
    site: Journal
    day_range: tuple[str, str]
    """The browser's local date just before and just after the download (ISO)."""


def download(browser: Browser, served: Served, access: Access, target_dir: Path) -> Copy:
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    try:
        journal = watch(context)
        page = context.new_page()
        open_dossier(page, served, access)
        today = "new Date().toLocaleDateString('sv-SE')"  # YYYY-MM-DD, local
        before = page.evaluate(today)
        path = take_copy(page, target_dir)
        after = page.evaluate(today)
    finally:
        context.close()
    return Copy(path, path.read_text("utf-8"), journal, (before, after))


@pytest.fixture(scope="module")
def copy(browser: Browser, served: Served, tmp_path_factory: pytest.TempPathFactory) -> Copy:
    """The beneficiary's copy of 2026-014, downloaded once for the module."""
    return download(browser, served, served.beneficiary, tmp_path_factory.mktemp("download"))


def open_offline(
    new_context: NewContext, path: Path, javascript: bool = False, **options: Any
) -> tuple[Page, Journal]:
    """Opens ``path`` from disk: offline, no JavaScript, every other request aborted."""
    context = new_context(offline=True, java_script_enabled=javascript, **options)
    journal = watch(context)
    own = path.as_uri()

    def only_the_file(route: Any) -> None:
        if route.request.url == own:
            route.continue_()
        else:
            journal.aborted.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.goto(own)
    page.wait_for_load_state("load")
    return page, journal


def assert_no_request_but_its_own(journal: Journal, path: Path) -> None:
    assert journal.requests == [path.as_uri()]
    assert journal.aborted == []
    assert journal.console_errors == []  # a CSP violation would be reported here
    assert journal.page_errors == []


def sections(page: Page) -> list[str]:
    found: list[str] = page.eval_on_selector_all(
        SECTION, "nodes => nodes.map(n => n.dataset.bilanCopiePage)"
    )
    return found


def test_the_copy_is_saved_under_a_dated_name_and_built_in_the_browser(
    copy: Copy, served: Served
) -> None:
    match = FILE_NAME.fullmatch(copy.path.name)
    assert match, copy.path.name
    assert match[1] in copy.day_range
    # Making it asked the site for its stylesheets at most: no annex, nothing outside.
    after_opening = [url for url in copy.site.requests if url.endswith(".css")]
    foreign = [url for url in copy.site.requests if not url.startswith(served.base_url)]
    assert foreign == [] and after_opening
    assert [url for url in copy.site.requests if "/annexes/" in url] == []
    assert copy.site.console_errors == [] and copy.site.page_errors == []


def test_the_copy_holds_no_script_no_code_and_no_key(copy: Copy, served: Served) -> None:
    html = copy.html
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    access = served.beneficiary
    for secret in (access.code, access.formatted_code, access.slug, access.key.hex()):
        assert secret.lower() not in html.lower()
    assert base64.b64encode(access.key).decode("ascii") not in html
    assert "#code=" not in html
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert policy, "no CSP"
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy[1].split(";") if part.strip()
    )
    assert directives["default-src"] == ["'none'"]
    assert directives["img-src"] == ["data:"]
    assert directives["style-src"] == ["'unsafe-inline'"]
    assert html.index("Content-Security-Policy") < html.index("<style")


def test_the_copy_opens_offline_with_every_page_the_print_view_and_the_annexes(
    copy: Copy, served: Served, new_context: NewContext
) -> None:
    page, journal = open_offline(new_context, copy.path)

    assert sections(page) == [
        "accueil",
        "preliminaire",
        "investigation",
        "conclusions",
        "synthese",
        "impression",
    ]
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert re.fullmatch(r"Votre bilan de compétences – copie du \d{1,2} \w+ \d{4}", page.title())
    synthese = page.locator(f'{SECTION}[data-bilan-copie-page="synthese"]')
    assert served.sentence("synthese.md") in synthese.inner_text()
    preliminaire = page.locator(f'{SECTION}[data-bilan-copie-page="preliminaire"]')
    assert served.sentence("01-preliminaire.md") in preliminaire.inner_text()
    home = page.locator(f'{SECTION}[data-bilan-copie-page="accueil"]').inner_text()
    assert "Ce dossier reste en ligne jusqu'au" in home

    view = page.locator(f'{SECTION}[data-bilan-copie-page="impression"]')
    assert view.locator("[data-bilan-print-document] h1").inner_text() == PRINT_TITLE
    assert "Cap Parcours Conseil" in view.inner_text()

    image = page.locator(f'{SECTION}[data-bilan-copie-page="investigation"] img')
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    link = page.locator(f'a[download="{PDF_NAME}"]')
    href = link.get_attribute("href")
    assert href.startswith("data:application/pdf;base64,")
    assert base64.b64decode(href.split(",", 1)[1]) == served.pdf
    assert_no_request_but_its_own(journal, copy.path)


def test_the_copy_has_one_h1_per_page_and_working_anchors(
    copy: Copy, new_context: NewContext
) -> None:
    page, _ = open_offline(new_context, copy.path)
    shape = page.evaluate(
        """() => [...document.querySelectorAll('[data-bilan-copie-page]')].map(s => {
            const h1 = s.querySelectorAll('h1');
            return [h1.length, h1.length === 1 && s.getAttribute('aria-labelledby') === h1[0].id];
        })"""
    )
    assert shape == [[1, True]] * len(sections(page))
    assert page.locator("body > * h1").count() == len(sections(page))  # none outside a page
    ids = page.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)")
    assert len(ids) == len(set(ids)), "duplicate ids"
    targets = page.eval_on_selector_all(
        "a[href^='#']", "links => links.map(a => a.getAttribute('href').slice(1))"
    )
    assert targets and set(targets) <= set(ids)
    # The home's links to its phases lead to their sections in the copy.
    assert "bilan-synthese" in targets and "bilan-impression" in targets


def test_the_annex_pdf_downloads_from_the_copy(
    copy: Copy, served: Served, new_context: NewContext
) -> None:
    page, journal = open_offline(new_context, copy.path, accept_downloads=True)
    with page.expect_download() as download_info:
        page.locator(f'a[download="{PDF_NAME}"]').click()
    download = download_info.value
    assert download.suggested_filename == PDF_NAME
    assert Path(download.path()).read_bytes() == served.pdf
    assert journal.aborted == []


def test_the_copy_is_styled_and_prints_like_the_print_view(
    copy: Copy, new_context: NewContext
) -> None:
    page, _ = open_offline(new_context, copy.path)
    primary = "getComputedStyle(document.body).getPropertyValue('--md-primary-fg-color')"
    assert page.evaluate(primary).strip(), "Material's palette is not inlined"
    document = page.locator("[data-bilan-print-document]")
    assert "DejaVu Serif" in document.evaluate("el => getComputedStyle(el).fontFamily")

    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all(
        SECTION, "nodes => nodes.map(n => getComputedStyle(n).breakBefore)"
    )
    assert set(breaks) == {"page"}
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    texts = [p.extract_text() for p in reader.pages]
    assert len(texts) > len(breaks)
    first_of_view = next(i for i, t in enumerate(texts) if PRINT_TITLE in t)
    assert "Cap Parcours Conseil" in texts[first_of_view]
    assert not any("Télécharger" in t or "Se déconnecter" in t for t in texts)


def test_the_copy_reads_on_a_narrow_phone(copy: Copy, new_context: NewContext) -> None:
    page, _ = open_offline(
        new_context, copy.path, viewport={"width": 320, "height": 640}, is_mobile=True
    )
    assert page.evaluate(NO_OVERFLOW_JS), "the copy scrolls sideways at 320 px"


def test_a_third_party_copy_holds_only_what_they_may_read(
    browser: Browser, served: Served, new_context: NewContext, tmp_path: Path
) -> None:
    context = new_context()
    page = context.new_page()
    open_dossier(page, served, served.recipient)
    button = page.locator(COPY_BUTTON)
    assert button.inner_text() == "Télécharger une copie"
    path = take_copy(page, tmp_path)

    copy_page, journal = open_offline(new_context, path)
    assert sections(copy_page) == ["synthese", "impression"]
    text = copy_page.locator("body").inner_text()
    assert served.sentence("synthese.md") in text
    assert served.sentence("01-preliminaire.md") not in text
    assert "reste en ligne" not in text  # the home is the beneficiary's alone
    assert "accord du bénéficiaire" in text
    assert_no_request_but_its_own(journal, path)


def test_raw_html_of_a_dossier_neither_runs_nor_loads_in_the_copy(
    browser: Browser, served: Served, new_context: NewContext, tmp_path: Path
) -> None:
    made = download(browser, served, served.other, tmp_path)
    assert "<script" not in made.html.lower() and "javascript:" not in made.html
    assert "example.org" not in made.html
    # Opened with JavaScript on, this time: nothing runs, nothing loads.
    page, journal = open_offline(new_context, made.path, javascript=True)
    title = page.title()
    assert title.startswith("Votre bilan de compétences – copie du")  # no script renamed it
    hostile = page.locator("[data-test-hostile]")
    assert hostile.count() == 3
    handlers = "nodes => nodes.filter(n => [...n.attributes].some(a => /^on/i.test(a.name)))"
    assert page.eval_on_selector_all("*", handlers + ".length") == 0
    hostile.first.click()
    assert page.title() == title
    assert_no_request_but_its_own(journal, made.path)


def test_the_button_follows_the_online_date_and_works_by_keyboard(
    new_context: NewContext, served: Served, tmp_path: Path
) -> None:
    context = new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    open_dossier(page, served, served.beneficiary)
    follows = page.evaluate(
        """() => {
            const until = document.querySelector('[data-bilan-online-until]');
            return until.nextElementSibling.contains(document.querySelector('[data-bilan-copy]'));
        }"""
    )
    assert follows
    button = page.locator(COPY_BUTTON)
    assert button.inner_text() == "Télécharger mon dossier"
    assert button.get_attribute("aria-describedby") == "bilan-copie-aide"
    button.scroll_into_view_if_needed()
    assert button.is_visible() and page.evaluate(NO_OVERFLOW_JS)
    until = page.locator("[data-bilan-online-until]").bounding_box()
    assert until and until["width"] <= 360

    button.focus()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    assert FILE_NAME.fullmatch(download_info.value.suggested_filename)


def test_the_synthese_offers_the_copy_beside_imprimer_and_logout_forgets_it(
    new_context: NewContext, served: Served
) -> None:
    page = new_context().new_page()
    open_dossier(page, served, served.beneficiary)
    page.locator('[data-bilan-nav] [data-bilan-route="synthese"]').click()
    page.locator(f'{CONTENT}[data-bilan-page="synthese"]').wait_for()
    actions = page.locator(".bilan-print-actions")
    assert [b.strip() for b in actions.locator("button").all_inner_texts()] == [
        "Imprimer",
        "Télécharger mon dossier",
    ]
    page.locator("[data-bilan-logout]").click()
    page.locator("[data-bilan-locked]").wait_for()
    assert page.locator(COPY_BUTTON).count() == 0
    assert page.locator(CONTENT).inner_html() == ""


@pytest.mark.parametrize("width", [1280, 320])
def test_the_copy_is_accessible(
    copy: Copy, new_context: NewContext, axe_path: Path, width: int
) -> None:
    """axe-core's WCAG 2.0-2.2 A and AA rules and best practices, every impact (the same as
    for the site, ``a11y.axe_violations``)."""
    # axe-core is injected as a script: this context lifts the copy's CSP for the test only.
    context = new_context(offline=True, bypass_csp=True, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(copy.path.as_uri())
    violations = axe_violations(page, axe_path)
    assert violations == [], format_violations(violations)


CONTENTS_LINK = ".bilan-copie-sommaire a[href='#{}']"
SECTION_SEEN_JS = """(id) => {
  const section = document.getElementById(id);
  const next = document.activeElement;
  return {focused: next === section, top: Math.round(section.getBoundingClientRect().top),
          ring: next === section && section.matches(':focus-visible')
                && getComputedStyle(section).outlineStyle !== 'none'};
}"""
TAB_GOES_ON_JS = """(id) => {
  const section = document.getElementById(id);
  const now = document.activeElement;
  return section.contains(now)
    || Boolean(section.compareDocumentPosition(now) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


def test_the_copy_contents_take_the_keyboard_to_each_page(
    copy: Copy, new_context: NewContext
) -> None:
    """RGAA 12.2, 12.8 (WCAG 2.4.3): in « Sommaire », Tab reaches each entry with a visible
    focus; Enter scrolls its section to the top and moves focus there (visibly), so that Tab
    goes on inside it, not back at the top. No script of the copy's: it has none (JavaScript
    stays on for the probes, which wait on timers and frames)."""
    page, journal = open_offline(new_context, copy.path, javascript=True, **DESKTOP)
    for route in sections(page):
        target = f"bilan-{route}"
        page.goto(copy.path.as_uri())  # from the top each time
        for _ in range(len(sections(page)) + 5):
            page.keyboard.press("Tab")
            if page.evaluate(
                "(s) => document.activeElement.matches(s)", CONTENTS_LINK.format(target)
            ):
                break
        else:
            raise AssertionError(f"{target} never reached: {describe_focus(page)}")
        assert measure_focus(page).visible, route
        page.keyboard.press("Enter")
        seen = page.evaluate(SECTION_SEEN_JS, target)
        assert seen == {"focused": True, "top": seen["top"], "ring": True}, (route, seen)
        assert 0 <= seen["top"] <= 40 or route == sections(page)[-1], (route, seen)
        page.keyboard.press("Tab")
        assert page.evaluate(TAB_GOES_ON_JS, target), (route, describe_focus(page))
    assert journal.aborted == []


AX_OUTLINE_JS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter(h => h.checkVisibility()).map(h => Number(h.tagName[1]))"""


def test_the_copy_is_one_region_per_page_named_by_its_h1_and_skips_no_level(
    copy: Copy, new_context: NewContext
) -> None:
    """RGAA 9.1, 12.6 (WCAG 1.3.1): what Chromium gives screen readers, read from its
    accessibility tree: one region per page of the dossier, named by that page's ``<h1>``
    (and one per table, named after it: its scrolling box); headings that start at level 1
    and never skip a level going down."""
    page, _ = open_offline(new_context, copy.path, **DESKTOP)
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]

    def role(node: dict[str, Any]) -> str:
        return str(node.get("role", {}).get("value", ""))

    def name(node: dict[str, Any]) -> str:
        return str(node.get("name", {}).get("value", ""))

    regions = [name(n) for n in nodes if role(n) == "region" and not n.get("ignored")]
    tables = page.eval_on_selector_all(
        ".bilan-table-scroll", "bs => bs.map(b => b.getAttribute('aria-label'))"
    )
    assert tables and all(t.startswith("Tableau") for t in tables), tables
    assert [r for r in regions if r.startswith("Tableau")] == tables  # boxes that scroll
    regions = [r for r in regions if not r.startswith("Tableau")]
    h1_texts = page.eval_on_selector_all(
        SECTION,
        """ss => ss.map(s => document.getElementById(s.getAttribute('aria-labelledby')))
          .map(h => h.tagName + ' ' + h.textContent.replace(/\\s+/g, ' ').trim())""",
    )
    regions = [f"H1 {name}" for name in regions]
    assert regions == h1_texts and len(regions) == len(sections(page)), (regions, h1_texts)
    levels = [
        next(int(p["value"]["value"]) for p in n.get("properties", []) if p["name"] == "level")
        for n in nodes
        if role(n) == "heading" and not n.get("ignored")
    ]
    assert levels == page.evaluate(AX_OUTLINE_JS), "the tree and the markup disagree"
    assert levels[0] == 1 and levels.count(1) == len(regions), levels
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert skips == [], levels
