"""A beneficiary's whole visit by keyboard alone, in real Chromium (RGAA 4.1 criteria 7.3,
10.7, 12.7, 12.8, 12.13; WCAG 2.1.1, 2.4.3, 2.4.7).

One address is typed (the home page); after that only Tab, Shift+Tab, Enter, Space and the
characters of the code and of the observations: reach the code field, type the code, submit,
land in the dossier, save « Télécharger mon dossier » (Enter), go through every tab, save the
copy again from the synthèse (Space), seal empty observations (the error), write and seal
them, reach the e-mail link, download the file, unfold the encrypted text, open the print
view and come back, log out. At every key press the
focused element must look different from its unfocused self (a ring of pixels contrasting by
3:1 all around it, not hidden under the sticky header); after every action focus must be on
something, never left on ``<body>``.

Each step is one method of :class:`Journey` and finds its target by a ``data-bilan-*`` hook:
a step for a new control of the dossier page is one more call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from a11y import (
    BACK,
    CONTENT,
    COPY,
    COPY_READY,
    COPY_STATUS,
    DESKTOP,
    FORM,
    INPUT,
    LOGOUT,
    OBS_ARMOUR,
    OBS_DOWNLOAD,
    OBS_ERROR,
    OBS_MAILTO,
    OBS_READY,
    OBS_SHOW_ARMOUR,
    OBS_SUBMIT,
    OBS_TEXT,
    OBSERVATIONS_TEXT,
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
    from playwright.sync_api import BrowserContext, Download, Page

NewContext = Callable[..., "BrowserContext"]
MAX_PRESSES = 40
PRINT_EVENTS_JS = """
window.bilanPrints = 0;
window.addEventListener('beforeprint', () => { window.bilanPrints += 1; });
"""
ARMOUR_BEGIN = "-----BEGIN BILAN OBSERVATIONS-----"
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

    def save_copy(self, key: str) -> None:
        """Enter or Space on « Télécharger mon dossier »: the copy is downloaded, its status
        line (role=status, there before it speaks) says so, focus stays on the button."""
        self.tab_to(COPY)
        status = self.page.locator(COPY_STATUS)
        status.evaluate("s => { window.bilanCopyStatus = s; }")
        with self.page.expect_download() as waiting:
            self.activate(key, lambda: status.filter(has_text=COPY_READY).wait_for())
        saved = self.downloaded(waiting.value, r"dossier-bilan-\d{4}-\d{2}-\d{2}\.html")
        assert saved.startswith("<!DOCTYPE html>")
        self.expect_focus(COPY)
        assert status.evaluate("s => s === window.bilanCopyStatus")  # the same live region
        assert status.get_attribute("role") == "status"

    def seal_empty_observations(self) -> None:
        """Space on « Chiffrer mes observations » with nothing written: the error is
        announced (role=alert), tied to the field, and focus is back in the field."""
        self.tab_to(OBS_SUBMIT)
        self.activate("Space", lambda: self.page.locator(OBS_ERROR).wait_for(state="visible"))
        self.expect_focus(OBS_TEXT)
        error, text = self.page.locator(OBS_ERROR), self.page.locator(OBS_TEXT)
        assert error.get_attribute("role") == "alert"
        assert text.get_attribute("aria-invalid") == "true"
        error_id = error.get_attribute("id")
        assert error_id and error_id in (text.get_attribute("aria-describedby") or "").split()

    def write_observations(self, words: str) -> None:
        if not self.page.evaluate("(s) => document.activeElement.matches(s)", OBS_TEXT):
            self.tab_to(OBS_TEXT)
        self.page.keyboard.type(words)
        assert self.page.locator(OBS_TEXT).input_value() == words

    def seal_observations(self) -> None:
        """Space on « Chiffrer mes observations »: focus on the result's heading, the error
        gone."""
        self.tab_to(OBS_SUBMIT)
        self.activate("Space", lambda: self.page.locator(OBS_READY).wait_for())
        self.expect_focus(OBS_READY)
        assert self.page.locator(OBS_TEXT).get_attribute("aria-invalid") == "false"
        assert self.page.locator(OBS_ERROR).is_hidden()

    def use_observations_result(self) -> None:
        """The result by keyboard: the e-mail link is reached (not followed: it leaves the
        browser), Enter on the file downloads it, Enter on the summary unfolds the encrypted
        text, whose box the keyboard reaches."""
        self.tab_to(OBS_MAILTO)
        assert (self.page.locator(OBS_MAILTO).get_attribute("href") or "").startswith("mailto:")
        self.tab_to(OBS_DOWNLOAD)
        with self.page.expect_download() as waiting:
            self.activate("Enter", lambda: None)
        saved = self.downloaded(waiting.value, r"observations-\d{4}-\d{2}-\d{2}\.txt")
        assert ARMOUR_BEGIN in saved and OBSERVATIONS_TEXT[:20] not in saved
        self.expect_focus(OBS_DOWNLOAD)
        self.tab_to(OBS_SHOW_ARMOUR)
        armour = self.page.locator(OBS_ARMOUR)
        self.activate("Enter", lambda: armour.wait_for(state="visible"))
        self.tab_to(OBS_ARMOUR)
        assert armour.input_value() in saved

    def downloaded(self, download: Download, name: str) -> str:
        """The text of a download that really happened, named like ``name`` (a pattern)."""
        assert download.failure() is None
        assert re.fullmatch(name, download.suggested_filename), download.suggested_filename
        return Path(download.path()).read_text(encoding="utf-8")

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
    journey.save_copy("Enter")  # on the dossier's home
    routes = page.locator(TAB).evaluate_all("ts => ts.map(t => t.dataset.bilanRoute)")
    for route in [*routes[1:], routes[0]]:
        journey.open_tab(route)
    journey.open_tab("synthese")
    journey.save_copy("Space")  # beside « Imprimer »
    journey.seal_empty_observations()
    journey.write_observations(OBSERVATIONS_TEXT)
    journey.seal_observations()
    journey.use_observations_result()
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
