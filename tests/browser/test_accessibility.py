"""Accessibility of what a beneficiary uses (RGAA 4.1, level AA), in real Chromium.

Every page and state of a visit (``a11y.walk_states``: the site's own pages, the code form
and its errors, the locked dossier, each tab, the home after « Télécharger mon dossier », the
synthèse's « Mes observations » form, its error and its result, the print view, logout) is
checked by axe-core
(WCAG 2.0, 2.1, 2.2 A and AA rules, best practices), at 1280 px and 320 px, and, for what axe
cannot see: focused and hovered controls keep their contrast; one ``<h1>`` and a distinct,
meaningful title per page; a French ``lang``; errors announced; no sideways scrolling at
320 px nor at 200 % zoom; reduced motion respected; visible labels; link names that make
sense out of context; the current tab exposed; status messages in a polite live region.
The keyboard journey is ``test_keyboard.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from a11y import (
    CONTENT,
    CONTENT_PAGES,
    COPY,
    COPY_READY,
    COPY_STATUS,
    DESKTOP,
    ERROR,
    FOREIGN_CODE,
    FORM,
    INPUT,
    LOCKED,
    LOGOUT,
    MALFORMED_CODE,
    OBS_ARMOUR,
    OBS_DOWNLOAD,
    OBS_MAILTO,
    PHONE_320,
    PRINT,
    PRINT_ROUTE,
    SETTLED_JS,
    SITE_NAME,
    STATUS,
    SUBMIT,
    TAB,
    ZOOM_200,
    Site,
    axe_violations,
    built_site,
    format_violations,
    submit_code,
    tab_routes_after_unlock,
    wait_for_error,
    wait_for_page,
    walk_states,
)

from bilan_gen.loading import load_dossier

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

NewContext = Callable[..., "BrowserContext"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with built_site(tmp_path_factory.mktemp("a11y-site")) as built:
        yield built


def axe_context(new_context: NewContext, **options: Any) -> Page:
    """A page whose CSP lets axe-core be injected (the site's own CSP blocks inline code)."""
    return new_context(bypass_csp=True, **options).new_page()


# ---- axe-core on every page and state ----------------------------------------------

TABBABLE_JS = """() => [...document.querySelectorAll('[data-a11y-probe]')
  .forEach(e => e.removeAttribute('data-a11y-probe')) || [], ...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'
)].filter(e => e.checkVisibility({visibilityProperty: true}) && !e.disabled)
  .map((e, i) => {
    e.setAttribute('data-a11y-probe', i);
    const r = e.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const look = [e.tagName, e.className, e.getAttribute('aria-current'), e.textContent.trim()];
    return {probe: i, look: look.join('|'),
            hoverable: top !== null && (e === top || e.contains(top))};
  })"""


@pytest.mark.parametrize("window", [DESKTOP, PHONE_320], ids=["1280px", "320px"])
def test_axe_finds_nothing_on_any_page_or_state(
    new_context: NewContext, site: Site, axe_path: Path, window: dict[str, Any]
) -> None:
    page = axe_context(new_context, **window)
    found = {}
    for state in walk_states(page, site):
        violations = axe_violations(page, axe_path)
        if violations:
            found[state] = format_violations(violations)
    assert found == {}, "\n".join(f"== {state}\n{text}" for state, text in found.items())


def test_focused_and_hovered_controls_keep_their_contrast(
    new_context: NewContext, site: Site, axe_path: Path
) -> None:
    """axe checks the state a page is in: here each control, hovered then focused (once:
    the header, the tabs and the footer are the same from state to state)."""
    page = axe_context(new_context, **DESKTOP)
    found: dict[str, list[str]] = {}
    checked = 0
    seen: set[str] = set()
    for state in walk_states(page, site):
        controls = [c for c in page.evaluate(TABBABLE_JS) if c["look"] not in seen]
        seen |= {c["look"] for c in controls}
        steps = [("hover", c["probe"]) for c in controls if c["hoverable"]]
        steps += [("focus", c["probe"]) for c in controls]
        for how, probe in steps:
            control = page.locator(f'[data-a11y-probe="{probe}"]')
            if how == "hover":
                control.hover()
            else:
                control.focus()
            page.wait_for_function(SETTLED_JS)
            context = f"document.querySelector('[data-a11y-probe=\"{probe}\"]')"
            violations = axe_violations(page, axe_path, context, ["color-contrast"])
            if violations:
                found.setdefault(state, []).append(f"{how}: {format_violations(violations)}")
            checked += 1
            if how == "focus":
                page.keyboard.press("Escape")  # Material's search opens on focus
        page.mouse.move(0, 0)
    assert found == {}, found
    assert checked > 30


# ---- Headings, titles, language ------------------------------------------------------

RENDERED_H1_JS = """() => [...document.querySelectorAll('h1')]
  .filter(h => h.checkVisibility() && !h.closest('[aria-hidden=true]'))
  .map(h => h.textContent.trim())"""
BASE_STATES = ("accueil", "bilan", "confidentialite", "dossier verrouillé")


def personal_strings(site: Site) -> list[str]:
    """What a title must never show: names, e-mail, id of every sample dossier."""
    found = []
    for folder in sorted((site.project_dir / "dossiers").iterdir()):
        person = load_dossier(folder)[0].beneficiaire
        found += [folder.name, person.prenom or "", person.nom or "", person.email or ""]
    return [s for s in found if s]


def test_one_h1_and_a_meaningful_distinct_title_per_page(
    new_context: NewContext, site: Site
) -> None:
    page = new_context(**DESKTOP).new_page()
    titles: dict[str, str] = {}
    secrets = personal_strings(site)
    for state in walk_states(page, site):
        headings = page.evaluate(RENDERED_H1_JS)
        assert len(headings) == 1, (state, headings)
        title = page.title()
        assert title.endswith(f" - {SITE_NAME}") and len(title) <= 90, (state, title)
        assert [s for s in secrets if s.lower() in title.lower()] == [], (state, title)
        if state in BASE_STATES or state.startswith("dossier, onglet") or PRINT_ROUTE in state:
            titles[state] = title
        elif "déconnecté" in state:
            assert title == titles["dossier verrouillé"]
    assert len(set(titles.values())) == len(titles), titles
    assert titles["dossier, onglet synthese"] == (
        f"Document de synthèse - Votre dossier - {SITE_NAME}"
    )
    assert titles["dossier, onglet accueil"] == f"Votre dossier - {SITE_NAME}"


LANGS_JS = """() => [document.documentElement.lang,
  ...[...document.querySelectorAll('body [lang]')].map(e => e.getAttribute('lang'))]"""


def test_every_page_is_in_french(new_context: NewContext, site: Site) -> None:
    page = new_context(**DESKTOP).new_page()
    for state in chain(walk_states(page, site), ["page introuvable"]):
        if state == "page introuvable":
            page.goto(site.base_url + "404.html")  # what hosts serve for a wrong address
        langs = page.evaluate(LANGS_JS)
        assert langs[0] == "fr", state
        assert [lang for lang in langs if not lang.startswith("fr")] == [], state
        if PRINT_ROUTE in state:
            assert page.locator("[data-bilan-print-document]").get_attribute("lang") == "fr"


# ---- The code form's errors ----------------------------------------------------------


@pytest.mark.parametrize("where", ["accueil", "dossier"])
@pytest.mark.parametrize(
    ("code", "message"),
    [(MALFORMED_CODE, "Ce code n’a pas le bon format"), (FOREIGN_CODE, "Code incorrect")],
    ids=["mal-forme", "inconnu"],
)
def test_code_errors_are_announced_and_tied_to_the_field(
    page: Page, site: Site, where: str, code: str, message: str
) -> None:
    page.goto(site.base_url if where == "accueil" else site.dossier_url())
    page.locator(INPUT).fill(code)
    page.locator(INPUT).press("Enter")

    wait_for_error(page, message)
    error = page.locator(ERROR)
    assert error.is_visible()
    assert error.get_attribute("role") == "alert" or error.get_attribute("aria-live") == "assertive"
    field = page.locator(INPUT)
    assert field.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in (field.get_attribute("aria-describedby") or "").split()
    assert page.evaluate("document.activeElement.id") == field.get_attribute("id")

    if where == "dossier":  # the right code clears the error
        submit_code(page, site.code())
        page.locator(CONTENT).wait_for(state="visible")
        assert field.get_attribute("aria-invalid") == "false"
        assert error.is_hidden()


# ---- Reflow ------------------------------------------------------------------------

OVERFLOW_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return [];
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className);
}"""
ARMOUR_JS = """boxes => boxes.filter(b => b.checkVisibility()).map(b => ({
  wraps: b.scrollWidth <= b.clientWidth + 1,
  lines: b.value.split('\\n').filter(l => l.length >= 64).length}))"""
TABLES_JS = """(content) => [...document.querySelectorAll(content + ' table')].map(t => {
  const box = t.parentElement;
  return {boxed: box.classList.contains('bilan-table-scroll'),
          overflows: box.scrollWidth > box.clientWidth + 1,
          tabindex: box.getAttribute('tabindex'), role: box.getAttribute('role'),
          name: box.getAttribute('aria-label')};
})"""


@pytest.mark.parametrize("window", [PHONE_320, ZOOM_200], ids=["320px", "zoom-200"])
def test_no_page_scrolls_sideways(
    new_context: NewContext, site: Site, window: dict[str, Any]
) -> None:
    page = new_context(**window).new_page()
    overflowing, tables, armours = {}, [], []
    for state in walk_states(page, site):
        culprits = page.evaluate(OVERFLOW_JS)
        if culprits:
            overflowing[state] = culprits
        tables += page.evaluate(TABLES_JS, CONTENT)
        armours += page.locator(OBS_ARMOUR).evaluate_all(ARMOUR_JS)
    assert overflowing == {}
    # The encrypted observations (lines of 64 characters without a space) wrap in their box.
    assert armours and all(a["wraps"] and a["lines"] >= 2 for a in armours), armours
    assert tables and all(t["boxed"] for t in tables), tables
    scrolling = [t for t in tables if t["overflows"]]
    if window is PHONE_320:
        assert scrolling, "no table wider than 320 px: the sample no longer tests this"
    for table in scrolling:  # reachable and named for keyboard and screen-reader users
        assert table["tabindex"] == "0" and table["role"] == "region", table
        assert table["name"] and table["name"].startswith("Tableau"), table


# ---- Motion ------------------------------------------------------------------------

MOTION_JS = """() => {
  const seconds = (v) => Math.max(...v.split(',').map(
    d => d.trim().endsWith('ms') ? parseFloat(d) / 1000 : parseFloat(d)));
  const moving = [];
  for (const e of [document.documentElement, ...document.querySelectorAll('body *')]) {
    for (const pseudo of [null, '::before', '::after']) {
      const s = getComputedStyle(e, pseudo);
      const t = s.transitionProperty !== 'none' ? seconds(s.transitionDuration) : 0;
      const a = s.animationName !== 'none' ? seconds(s.animationDuration) : 0;
      if (Math.max(t, a) > 0.01) moving.push(e.tagName.toLowerCase() + '.' + e.className
        + (pseudo || '') + ' ' + Math.max(t, a) + 's');
    }
  }
  const smooth = [document.documentElement, document.body]
    .filter(e => getComputedStyle(e).scrollBehavior === 'smooth').map(e => e.tagName);
  return {moving: moving.slice(0, 10), count: moving.length, smooth};
}"""


def test_reduced_motion_is_respected(new_context: NewContext, site: Site) -> None:
    page = new_context(reduced_motion="reduce", **DESKTOP).new_page()
    for state in walk_states(page, site):
        motion = page.evaluate(MOTION_JS)
        assert motion["count"] == 0 and motion["smooth"] == [], (state, motion)
        if page.locator(SUBMIT).is_visible():
            page.locator(SUBMIT).hover()
            assert page.evaluate("document.getAnimations().length") == 0, state

    # The probe sees motion where nobody asked for less: Material's buttons ease colours in.
    moving = new_context(reduced_motion="no-preference", **DESKTOP).new_page()
    moving.goto(site.base_url)
    assert moving.evaluate(MOTION_JS)["count"] > 0


# ---- What axe cannot check -------------------------------------------------------------

FIELDS_JS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(f => f.type !== 'hidden' && f.checkVisibility({visibilityProperty: true}))
  .map(f => ({id: f.id, cls: f.className, name: f.getAttribute('aria-label'),
    placeholder: f.getAttribute('placeholder'),
    labels: [...(f.labels || [])].filter(l => l.checkVisibility()).map(l => l.textContent.trim())
  }))"""


def test_form_fields_have_visible_labels(new_context: NewContext, site: Site) -> None:
    """RGAA 11.1, 11.2: the code, the observations and their encrypted text each have a
    visible label (the header's search field shows at 1280 px in every state)."""
    page = new_context(**DESKTOP).new_page()
    labelled: set[str] = set()
    for state in walk_states(page, site):
        for field in page.evaluate(FIELDS_JS):
            if "md-search__input" in field["cls"]:
                # Material's search: an icon, a placeholder and an aria-label that agree (RGAA
                # 11.1 accepts aria-label); left as the theme makes it.
                assert field["name"] == field["placeholder"] == "Rechercher"
                continue
            assert field["labels"] and all(field["labels"]), (state, field)
            labelled.add(field["id"])
    assert labelled >= {"bilan-code", "bilan-observations-texte", "bilan-observations-armure"}


LINKS_JS = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => a.checkVisibility({visibilityProperty: true}))
  .map(a => ({href: a.href, name: (a.getAttribute('aria-label') || a.textContent
    || [...a.querySelectorAll('img[alt]')].map(i => i.alt).join(' ')
    || a.getAttribute('title') || '').replace(/\\s+/g, ' ').trim()}))"""
GENERIC_NAMES = {
    "ici",
    "cliquez ici",
    "cliquer ici",
    "lien",
    "voir",
    "plus",
    "suite",
    "lire la suite",
    "en savoir plus",
    "cette page",
    "page",
    "télécharger",
    "télécharger le fichier",
    "le fichier",
    "fichier",
    "envoyer",
    "envoyer par e-mail",
    "envoyer par courriel",
    "ouvrir",
}
OWN_SUBJECT = {OBS_MAILTO: "observations", OBS_DOWNLOAD: "observations"}
"""Links whose name must say what they carry, not only how: « Envoyer par e-mail à Hélène »
sends what?"""


def test_link_names_make_sense_out_of_context(new_context: NewContext, site: Site) -> None:
    """RGAA 6.1: a link's name alone says where it goes; one name, one target per page."""
    page = new_context(**DESKTOP).new_page()
    bad: dict[str, list[str]] = {}
    checked: set[str] = set()
    for state in walk_states(page, site):
        targets: dict[str, set[str]] = {}
        for link in page.evaluate(LINKS_JS):
            name = link["name"]
            letters = re.sub(r"[^\w]", "", name)
            if len(letters) < 3 or name.lower().rstrip(" .:…") in GENERIC_NAMES:
                bad.setdefault(state, []).append(f"« {name} » → {link['href']}")
            targets.setdefault(name.lower(), set()).add(link["href"].split("#/")[0])
        for name, hrefs in targets.items():
            if len(hrefs) > 1:
                bad.setdefault(state, []).append(f"« {name} » → {sorted(hrefs)}")
        for hook, subject in OWN_SUBJECT.items():
            named = page.locator(hook).all_inner_texts()
            bad.setdefault(state, []).extend(n for n in named if subject not in n.lower())
            if named:
                checked.add(hook)
    assert {state: names for state, names in bad.items() if names} == {}
    assert checked == set(OWN_SUBJECT), "the observations' result was not walked"


def test_the_current_page_is_exposed(new_context: NewContext, site: Site) -> None:
    page = new_context(**DESKTOP).new_page()
    for name in ("bilan", "confidentialite"):
        page.goto(site.base_url + CONTENT_PAGES[name])
        current = page.locator(".md-nav--primary [aria-current=page]")
        assert current.count() == 1
        assert current.get_attribute("href") == "./", name

    page.goto(site.dossier_url())
    submit_code(page, site.code())
    assert page.locator("[data-bilan-nav]").get_attribute("aria-label")
    for route in tab_routes_after_unlock(page):
        page.locator(f'{TAB}[data-bilan-route="{route}"]').click()
        wait_for_page(page, route)
        current = page.locator(f"{TAB}[aria-current=page]")
        assert current.count() == 1 and current.get_attribute("data-bilan-route") == route
    page.locator(PRINT).click()
    wait_for_page(page, PRINT_ROUTE)
    assert page.locator(f"{TAB}[aria-current=page]").count() <= 1


STATUS_WATCH_JS = """
window.bilanStatusLog = [];
new MutationObserver((records) => {
  for (const r of records) {
    const box = (r.target.nodeType === 1 ? r.target : r.target.parentElement)
      ?.closest('[data-bilan-status], [data-bilan-copy-status]');
    if (!box || !box.textContent) continue;
    window.bilanStatusLog.push({text: box.textContent, role: box.getAttribute('role'),
      live: box.getAttribute('aria-live'), rendered: box.checkVisibility()});
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_status_messages_are_polite_live_regions(new_context: NewContext, site: Site) -> None:
    context = new_context(**DESKTOP)
    context.add_init_script(STATUS_WATCH_JS)
    page = context.new_page()
    page.goto(site.dossier_url())
    page.locator(FORM).wait_for()
    box = page.locator(STATUS)
    assert box.get_attribute("role") == "status" or box.get_attribute("aria-live") == "polite"
    assert box.evaluate("b => !b.hidden && getComputedStyle(b).display !== 'none'")

    submit_code(page, site.code())
    page.locator(CONTENT).wait_for(state="visible")
    with page.expect_download():
        page.locator(COPY).click()
    page.locator(COPY_STATUS).filter(has_text=COPY_READY).wait_for()
    page.locator(LOGOUT).click()
    page.locator(LOCKED).wait_for()

    log = page.evaluate("window.bilanStatusLog")
    texts = [entry["text"] for entry in log]
    assert "Ouverture du dossier…" in texts
    assert "Préparation de la copie…" in texts
    assert any(t.startswith(COPY_READY) for t in texts), texts
    assert any(t.startswith("Vous êtes déconnecté") for t in texts), texts
    for entry in log:  # announced: the region was there, polite, when its text changed
        assert entry["rendered"] and (entry["role"] == "status" or entry["live"] == "polite")
