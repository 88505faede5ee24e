"""Accessibility probes for the browser tests (RGAA 4.1, level AA, on WCAG 2.1 AA).

What a beneficiary uses, walked state by state (:func:`walk_states`), and what the tests
measure of each state: axe-core's rules, the focused element's indicator (pixels that change
with focus), reflow, motion, headings, titles, link names and labels. Selectors of ours are
``data-bilan-*`` hooks only: a new piece of the dossier page (an observations form, a
download button) joins by adding a state here or a step to the keyboard journey.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image
from sitebuild import accesses, build, copy_project, serve

from bilan_gen.crypto import derive_access_code, format_code
from bilan_gen.publishing import Access

if TYPE_CHECKING:
    from playwright.sync_api import Page

FORM = "[data-bilan-form]"
INPUT = "[data-bilan-form] input"
SUBMIT = "[data-bilan-form] button[type=submit]"
ERROR = "[data-bilan-error]"
STATUS = "[data-bilan-status]"
LOCKED = "[data-bilan-locked]"
CONTENT = "[data-bilan-content]"
TAB = "[data-bilan-nav] [data-bilan-route]"
LOGOUT = "[data-bilan-logout]"
PRINT = "[data-bilan-print]"
BACK = "[data-bilan-back]"
COPY = "[data-bilan-copy]"
"""« Télécharger mon dossier » (bilan-copy.js): on the dossier's home and beside « Imprimer »."""
COPY_STATUS = "[data-bilan-copy-status]"
OBSERVATIONS = "[data-bilan-observations]"
"""« Mes observations » (bilan-observations.js), under the synthèse."""
OBS_TEXT = "[data-bilan-observations-text]"
OBS_SUBMIT = "[data-bilan-observations-submit]"
OBS_ERROR = "[data-bilan-observations-error]"
OBS_RESULT = "[data-bilan-observations-result]"
OBS_READY = "[data-bilan-observations-ready]"
OBS_MAILTO = "[data-bilan-observations-mailto]"
OBS_DOWNLOAD = "[data-bilan-observations-download]"
OBS_SHOW_ARMOUR = "[data-bilan-observations-show]"
OBS_ARMOUR = "[data-bilan-observations-armour]"
OBSERVATIONS_TEXT = (
    "Je suis d’accord avec la synthèse. Je souhaite ajouter que la formation de "
    "technicienne de laboratoire m’intéresse aussi, à plus long terme."
)
COPY_READY = "Copie prête"
PRINT_ROUTE = "impression"
DOSSIER = "2026-014"
"""The sample dossier walked through: finalised synthèse, tables, an annex image."""
SITE_NAME = "Bilans de compétences"
CONTENT_PAGES = {"accueil": "", "bilan": "bilan/", "confidentialite": "confidentialite/"}
"""The site's own pages (``content/``): their address under the site root."""
FOREIGN_CODE = format_code(derive_access_code(b"x" * 32, DOSSIER, 0))
"""Well-formed, but derived from another site's secret: it opens nothing here."""
MALFORMED_CODE = "ABC"

SETTLED_JS = "() => document.getAnimations().every(a => a.playState !== 'running')"
TICK_JS = """() => new Promise(done => setTimeout(
  () => requestAnimationFrame(() => requestAnimationFrame(done)), 20))"""

DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PHONE_320: dict[str, Any] = {"viewport": {"width": 320, "height": 640}}
ZOOM_200: dict[str, Any] = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}
"""A 1280 x 800 window at 200 % zoom: 640 CSS px, two device pixels each."""

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
KNOWN_THEME_VIOLATIONS: set[tuple[str, str]] = set()
"""(rule, element) pairs tolerated because they come from the theme; none today (the
search dialog's missing name is fixed by bilan-site.js)."""


@dataclass(frozen=True)
class Site:
    """The sample site, built and served."""

    base_url: str
    site_dir: Path
    project_dir: Path
    accesses: dict[str, Access]

    def dossier_url(self, dossier_id: str = DOSSIER) -> str:
        return f"{self.base_url}{self.accesses[dossier_id].uri}"

    def code(self, dossier_id: str = DOSSIER) -> str:
        return self.accesses[dossier_id].formatted_code


@contextmanager
def built_site(target: Path) -> Iterator[Site]:
    """The repository's sample site, built into ``target`` and served on 127.0.0.1."""
    project_dir = copy_project(target)
    result = build(project_dir)
    assert result.returncode == 0, result.output
    with serve(result.site_dir) as base_url:
        yield Site(base_url, result.site_dir, project_dir, accesses(project_dir))


# ---- Driving the site (with the mouse: the keyboard journey has its own steps) -------


def submit_code(page: Page, code: str) -> None:
    """Types ``code`` into the access form and submits it."""
    page.locator(INPUT).fill(code)
    page.locator(SUBMIT).click()


def wait_for_error(page: Page, starts_with: str) -> None:
    page.wait_for_function(
        "([sel, text]) => { const e = document.querySelector(sel);"
        " return e && !e.hidden && e.textContent.startsWith(text); }",
        arg=[ERROR, starts_with],
    )


def wait_for_page(page: Page, route: str) -> None:
    """Waits until the dossier shows ``route`` (a tab, or the print view)."""
    page.locator(f'{CONTENT}[data-bilan-page="{route}"]').wait_for()


def tab_routes(page: Page) -> list[str]:
    routes: list[str] = page.locator(TAB).evaluate_all("ts => ts.map(t => t.dataset.bilanRoute)")
    return routes


def walk_states(page: Page, site: Site) -> Iterator[str]:
    """Drives ``page`` through every page and state a beneficiary meets; yields each name.

    The site's own pages; the home page after a malformed and after an unknown code; the
    locked dossier, after a wrong code; each tab of the unlocked dossier, the home once more
    after « Télécharger mon dossier » (its status line), the synthèse with its « Mes
    observations » form, that form's error (empty text) and its result (links and the
    encrypted text shown); the print view; the dossier after logout.
    """
    for name, uri in CONTENT_PAGES.items():
        page.goto(site.base_url + uri)
        yield settled(page, name)
    page.goto(site.base_url)
    submit_code(page, MALFORMED_CODE)
    wait_for_error(page, "Ce code n’a pas le bon format")
    yield settled(page, "accueil, code mal formé")
    submit_code(page, FOREIGN_CODE)
    wait_for_error(page, "Code incorrect")
    yield settled(page, "accueil, code inconnu")
    page.goto(site.dossier_url())
    page.locator(FORM).wait_for()
    yield settled(page, "dossier verrouillé")
    submit_code(page, FOREIGN_CODE)
    wait_for_error(page, "Code incorrect")
    yield settled(page, "dossier verrouillé, code inconnu")
    submit_code(page, site.code())
    for route in tab_routes_after_unlock(page):
        page.locator(f'{TAB}[data-bilan-route="{route}"]').click()
        wait_for_page(page, route)
        if route == "synthese":
            page.locator(OBS_TEXT).wait_for()
        yield settled(page, f"dossier, onglet {route}")
        if route == "accueil":
            yield from _copy_states(page)
        elif route == "synthese":
            yield from _observations_states(page)
    page.locator(PRINT).click()
    wait_for_page(page, PRINT_ROUTE)
    yield settled(page, "dossier, vue d'impression")
    page.locator(LOGOUT).click()
    page.locator(FORM).wait_for()
    yield settled(page, "dossier, déconnecté")


def _copy_states(page: Page) -> Iterator[str]:
    """« Télécharger mon dossier » clicked on the dossier's home: the copy is made and saved."""
    page.locator(COPY).click()
    page.locator(COPY_STATUS).filter(has_text=COPY_READY).wait_for()
    yield settled(page, "dossier, accueil après téléchargement de la copie")


def _observations_states(page: Page) -> Iterator[str]:
    """« Mes observations »: sealed empty (the error), then with text (the result, its
    encrypted text unfolded)."""
    page.locator(OBS_SUBMIT).click()
    page.locator(OBS_ERROR).wait_for(state="visible")
    yield settled(page, "dossier, observations, texte vide")
    page.locator(OBS_TEXT).fill(OBSERVATIONS_TEXT)
    page.locator(OBS_SUBMIT).click()
    page.locator(OBS_READY).wait_for()
    page.locator(OBS_SHOW_ARMOUR).click()
    page.locator(OBS_ARMOUR).wait_for(state="visible")
    yield settled(page, "dossier, observations chiffrées")


def settled(page: Page, state: str) -> str:
    """``state``, once colours eased in by a hover or a focus have stopped moving."""
    page.wait_for_function(SETTLED_JS)
    return state


def tab_routes_after_unlock(page: Page) -> list[str]:
    page.locator(CONTENT).wait_for(state="visible")
    routes = tab_routes(page)
    assert "synthese" in routes, routes
    return routes


# ---- axe-core --------------------------------------------------------------------


def axe_violations(
    page: Page, axe_path: Path, context: str = "document", rules: list[str] | None = None
) -> list[dict[str, Any]]:
    """Runs axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules, and best practices, or only
    ``rules``) on ``context``; returns every violation, whatever its impact.

    Nodes listed in ``KNOWN_THEME_VIOLATIONS`` are dropped; a violation left with no node
    is dropped too.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=axe_path)
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    result = page.evaluate(
        f"async (options) => (await axe.run({context}, options)).violations",
        {"runOnly": run_only, "resultTypes": ["violations"]},
    )
    found = []
    for violation in result:
        nodes = [
            node
            for node in violation["nodes"]
            if (violation["id"], " ".join(map(str, node["target"]))) not in KNOWN_THEME_VIOLATIONS
        ]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        lines.extend(
            f"    {node['target']}: {node['failureSummary']}" for node in violation["nodes"]
        )
    return "\n".join(lines)


# ---- Focus ---------------------------------------------------------------------------

DESCRIBE_FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return 'body';
  const hooks = [...e.attributes].filter(a => a.name.startsWith('data-bilan')).map(a => a.name);
  const name = (e.getAttribute('aria-label') || e.textContent || e.value || '').trim();
  return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`
    + `${hooks.length ? '[' + hooks.join('][') + ']' : ''} « ${name.slice(0, 40)} »`;
}"""
FOCUS_BOX_JS = """() => {
  const e = document.activeElement;
  const r = e.getBoundingClientRect();
  const pad = 8, w = innerWidth, h = innerHeight;
  const x = Math.max(0, r.left - pad), y = Math.max(0, r.top - pad);
  const clip = {x, y, width: Math.min(w, r.right + pad) - x,
                height: Math.min(h, r.bottom + pad) - y};
  const cx = Math.min(Math.max(r.left + r.width / 2, 0), w - 1);
  const cy = Math.min(Math.max(r.top + Math.min(r.height / 2, 10), 0), h - 1);
  const top = document.elementFromPoint(cx, cy);
  const labels = e.labels ? [...e.labels] : [];
  const shown = top !== null && (e.contains(top) || top.contains(e) || labels.includes(top));
  return {clip, perimeter: Math.round(2 * (Math.min(r.width, w) + Math.min(r.height, h))),
          shown, rendered: r.width > 0 && r.height > 0 && clip.width > 0 && clip.height > 0,
          visible: e.matches(':focus-visible')};
}"""


@dataclass(frozen=True)
class FocusIndicator:
    """What the focused element looks like against its unfocused self."""

    element: str
    changed: int
    """CSS pixels whose colours, focused and unfocused, contrast by 3:1 or more."""
    needed: int
    """The element's perimeter in CSS pixels: a one-pixel ring all around it."""
    shown: bool
    """Whether the element's middle is on top (not under the sticky header, say)."""

    @property
    def visible(self) -> bool:
        return self.shown and self.changed >= self.needed


def describe_focus(page: Page) -> str:
    """The focused element, in a few words, or ``body`` when focus is nowhere."""
    described: str = page.evaluate(DESCRIBE_FOCUS_JS)
    return described


def measure_focus(page: Page) -> FocusIndicator:
    """Compares the focused element with itself unfocused, pixel by pixel.

    The element is blurred for one screenshot, then focused again by script (Chromium keeps
    ``:focus-visible`` after a keyboard move): the journey goes on from the same place.
    """
    _settle(page)
    element = describe_focus(page)
    box = page.evaluate(FOCUS_BOX_JS)
    if element == "body" or not box["rendered"]:
        return FocusIndicator(element, 0, 1, False)
    focused = _shot(page, box["clip"])
    page.evaluate("() => { window.bilanFocused = document.activeElement; bilanFocused.blur(); }")
    _settle(page)
    unfocused = _shot(page, box["clip"])
    page.evaluate("() => bilanFocused.focus({preventScroll: true})")
    _settle(page)
    again = page.evaluate(FOCUS_BOX_JS)
    assert describe_focus(page) == element and again["visible"] == box["visible"], element
    changed = contrasting_pixels(focused, unfocused)
    return FocusIndicator(element, changed, box["perimeter"], box["shown"])


def _settle(page: Page) -> None:
    """Waits until what a change of focus set off has ended: first a few milliseconds and two
    frames (Material reacts to focus after a 1 ms debounce, then its transitions start), then
    every animation and transition."""
    page.evaluate(TICK_JS)
    page.wait_for_function(SETTLED_JS)


def _shot(page: Page, clip: dict[str, float]) -> bytes:
    return page.screenshot(clip=clip, animations="disabled", caret="hide", scale="css")


def _luminance(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


_LINEAR = [_luminance(c) for c in range(256)]


def contrasting_pixels(first: bytes, second: bytes) -> int:
    """How many pixels of two same-sized PNGs contrast by 3:1 or more (WCAG's formula)."""
    a = Image.open(io.BytesIO(first)).convert("RGB")
    b = Image.open(io.BytesIO(second)).convert("RGB")
    assert a.size == b.size
    one, two = a.tobytes(), b.tobytes()
    count = 0
    for i in range(0, len(one), 3):
        if one[i : i + 3] == two[i : i + 3]:
            continue
        l1 = _relative_luminance(one[i], one[i + 1], one[i + 2])
        l2 = _relative_luminance(two[i], two[i + 1], two[i + 2])
        if (max(l1, l2) + 0.05) / (min(l1, l2) + 0.05) >= 3:
            count += 1
    return count


def _relative_luminance(r: int, g: int, b: int) -> float:
    return 0.2126 * _LINEAR[r] + 0.7152 * _LINEAR[g] + 0.0722 * _LINEAR[b]
