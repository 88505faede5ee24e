"""A beneficiary's whole visit by keyboard alone, in real Chromium (RGAA 4.1 criteria 7.3,
10.7, 12.7, 12.8, 12.13; WCAG 2.1.1, 2.4.3, 2.4.7).

One address is typed (the home page); after that only Tab, Shift+Tab, Enter, Space and the
code's characters: reach the code field, type the code, submit, land in the dossier, go
through every tab, open the print view and come back, log out. At every key press the
focused element must look different from its unfocused self (a ring of pixels contrasting by
3:1 all around it, not hidden under the sticky header); after every action focus must be on
something, never left on ``<body>``.

Each step is one method of :class:`Journey` and finds its target by a ``data-bilan-*`` hook:
a step for a new control of the dossier page is one more call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from a11y import (
    BACK,
    CONTENT,
    DESKTOP,
    FORM,
    INPUT,
    LOGOUT,
    PRINT,
    PRINT_ROUTE,
    STATUS,
    SUBMIT,
    TAB,
    ZOOM_200,
    FocusIndicator,
    Site,
    built_site,
    describe_focus,
    measure_focus,
    wait_for_page,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

NewContext = Callable[..., "BrowserContext"]
MAX_PRESSES = 40
PRINT_EVENTS_JS = """
window.bilanPrints = 0;
window.addEventListener('beforeprint', () => { window.bilanPrints += 1; });
"""
FOLLOWS_JS = """(selector) => {
  const target = document.querySelector(selector);
  const from = document.activeElement;
  if (!target) return null;
  if (!from || from === document.body) return true;
  return Boolean(from.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with built_site(tmp_path_factory.mktemp("keyboard-site")) as built:
        yield built


@dataclass
class Journey:
    """Keyboard steps on one page, each checked; ``seen`` records every focus stop."""

    page: Page
    seen: list[FocusIndicator] = field(default_factory=list)

    def press(self, key: str) -> None:
        """Presses ``key``; the element it focuses shows it."""
        self.page.keyboard.press(key)
        indicator = measure_focus(self.page)
        self.seen.append(indicator)
        assert indicator.visible, f"after {key}, no visible focus on {indicator}"

    def tab_to(self, selector: str) -> None:
        """Tab (or Shift+Tab, if it lies before the focus) until ``selector`` has focus."""
        forward = self.page.evaluate(FOLLOWS_JS, selector)
        assert forward is not None, f"nothing matches {selector}"
        key = "Tab" if forward else "Shift+Tab"
        for _ in range(MAX_PRESSES):
            self.press(key)
            if self.page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        stops = "\n".join(str(i) for i in self.seen[-MAX_PRESSES:])
        raise AssertionError(f"{selector} never reached by {key}:\n{stops}")

    def activate(self, key: str, then: Callable[[], None]) -> None:
        """Presses Enter or Space on the focused control, waits with ``then``; focus is kept
        on something visible, never dropped to ``<body>``."""
        assert key in ("Enter", "Space")
        self.page.keyboard.press(key)
        then()
        where = describe_focus(self.page)
        assert where != "body", f"focus lost to <body> after {key}"
        indicator = measure_focus(self.page)
        self.seen.append(indicator)
        assert indicator.visible, f"after {key}, no visible focus on {indicator}"

    def expect_focus(self, selector: str) -> None:
        where = describe_focus(self.page)
        assert self.page.evaluate("(s) => document.activeElement.matches(s)", selector), where

    # ---- The steps of a visit --------------------------------------------------------

    def type_code(self, code: str) -> None:
        self.tab_to(INPUT)
        self.page.keyboard.type(code)

    def submit(self, dossier_url: str) -> None:
        """Space on « Ouvrir mon dossier »: the dossier opens, focus on its heading."""
        self.tab_to(SUBMIT)

        def opened() -> None:
            self.page.wait_for_url(dossier_url)
            self.page.wait_for_function(
                "(s) => document.activeElement.matches(s)", arg=f"{CONTENT} h1"
            )

        self.activate("Space", opened)

    def open_tab(self, route: str) -> None:
        """Enter on a tab: its page is shown, marked current, focus on its heading."""
        self.tab_to(f'{TAB}[data-bilan-route="{route}"]')
        self.activate("Enter", lambda: wait_for_page(self.page, route))
        self.expect_focus(f'{CONTENT}[data-bilan-page="{route}"] h1')
        current = self.page.locator(f"{TAB}[aria-current=page]")
        assert current.get_attribute("data-bilan-route") == route

    def print_synthese(self) -> None:
        """Enter on « Imprimer »: the print view opens and the browser prints."""
        self.tab_to(PRINT)
        self.activate("Enter", lambda: wait_for_page(self.page, PRINT_ROUTE))
        self.expect_focus(f"{CONTENT} [data-bilan-print-document] h1")
        assert self.page.evaluate("window.bilanPrints") == 1

    def back_to_synthese(self) -> None:
        """Enter on « Retour à la synthèse »."""
        self.tab_to(BACK)
        self.activate("Enter", lambda: wait_for_page(self.page, "synthese"))
        self.expect_focus(f'{CONTENT}[data-bilan-page="synthese"] h1')

    def log_out(self) -> None:
        """Space on « Se déconnecter »: the form is back, focus in its field."""
        self.tab_to(LOGOUT)
        self.activate("Space", lambda: self.page.locator(FORM).wait_for())
        self.expect_focus(INPUT)
        assert self.page.locator(STATUS).inner_text().startswith("Vous êtes déconnecté")


@pytest.mark.parametrize("window", [DESKTOP, ZOOM_200], ids=["1280px", "zoom-200"])
def test_the_whole_visit_by_keyboard_alone(
    new_context: NewContext, site: Site, window: dict[str, Any], artifacts_dir: Path
) -> None:
    context = new_context(**window)
    context.add_init_script(PRINT_EVENTS_JS)
    page = context.new_page()
    journey = Journey(page)
    page.goto(site.base_url)  # the only address typed: the rest is keyboard

    journey.type_code(site.code().lower())  # as a beneficiary may type it
    journey.submit(site.dossier_url())
    routes = page.locator(TAB).evaluate_all("ts => ts.map(t => t.dataset.bilanRoute)")
    for route in [*routes[1:], routes[0]]:
        journey.open_tab(route)
    journey.open_tab("synthese")
    journey.print_synthese()
    journey.back_to_synthese()
    journey.log_out()

    page.screenshot(path=artifacts_dir / f"keyboard-end-{window['viewport']['width']}.png")
    assert len(journey.seen) >= 2 * len(routes), journey.seen


def test_the_skip_link_leads_past_the_header(new_context: NewContext, site: Site) -> None:
    page = new_context(**DESKTOP).new_page()
    for url in (site.base_url, site.base_url + "bilan/", site.dossier_url()):
        page.goto(url)
        page.keyboard.press("Tab")
        assert describe_focus(page).startswith("a « Aller au contenu »"), url
        assert measure_focus(page).visible, url
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        inside = page.evaluate("document.activeElement.closest('.md-content') !== null")
        assert inside, f"{url}: {describe_focus(page)}"
