"""The dossier home says until when the dossier stays online (R6313-7); "today" is fixed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from helpers import Project

from bilan_gen.loading import load_dossier
from bilan_gen.rendering import online_until, render_home

KEEP = "Pensez à l'imprimer ou à en garder une copie."
CONSERVATION = "conservation:\n  motif: accord_suivi\n  accord_ecrit_le: 2026-04-20\n"


def text_on(project: Project, today: str, grace: int = 30) -> str:
    dossier = load_dossier(project.folder())[0]
    options = replace(project.options, delai_grace_jours=grace)
    return online_until(dossier, options, dt.date.fromisoformat(today))


@pytest.mark.parametrize("today", ["2026-03-10", "2026-05-01", "2028-12-31"])
def test_a_kept_dossier_stays_until_jusqu_au_whatever_the_day(project: Project, today: str) -> None:
    # The cached page is reused on later days: the sentence must not depend on today.
    assert text_on(project, today) == f"Ce dossier reste en ligne jusqu'au 20/04/2029. {KEEP}"


def test_an_ended_dossier_stays_until_the_end_of_its_grace_period(project: Project) -> None:
    project.replace("dossier.yml", CONSERVATION + "  jusqu_au: 2029-04-20\n", "")
    assert (
        text_on(project, "2026-04-25") == f"Ce dossier reste en ligne jusqu'au 20/05/2026. {KEEP}"
    )
    assert text_on(project, "2026-04-25", grace=45).startswith(
        "Ce dossier reste en ligne jusqu'au 04/06/2026."
    )


def test_a_short_retention_still_gives_the_grace_period(project: Project) -> None:
    project.replace("dossier.yml", "jusqu_au: 2029-04-20", "jusqu_au: 2026-05-01")
    assert text_on(project, "2026-04-25").startswith(
        "Ce dossier reste en ligne jusqu'au 20/05/2026."
    )


@pytest.mark.parametrize(
    ("grace", "until"),
    [
        (30, "jusqu'à 30 jours après la fin du bilan"),
        (1, "jusqu'à 1 jour après la fin du bilan"),
        (0, "jusqu'à la fin du bilan"),
    ],
)
def test_while_the_bilan_goes_on_it_says_how_long_after_its_end(
    project: Project, grace: int, until: str
) -> None:
    project.replace("dossier.yml", "date_fin: 2026-04-20\n", "")
    project.replace("dossier.yml", CONSERVATION + "  jusqu_au: 2029-04-20\n", "")
    assert text_on(project, "2026-04-01", grace) == f"Ce dossier reste en ligne {until}. {KEEP}"


@pytest.mark.parametrize(
    ("grace", "after"),
    [(30, "jusqu'à 30 jours après la fin du bilan"), (0, "jusqu'à la fin du bilan")],
)
def test_while_the_bilan_goes_on_an_agreed_retention_is_said(
    project: Project, grace: int, after: str
) -> None:
    # Written agreement already given (accord_suivi), end of the bilan not known yet: the
    # dossier stays until jusqu_au, or longer if the bilan ends late (R6313-7).
    project.replace("dossier.yml", "date_fin: 2026-04-20\n", "")
    assert text_on(project, "2026-04-01", grace) == (
        f"Ce dossier reste en ligne jusqu'au 20/04/2029, ou {after} "
        f"si cette date est plus tardive. {KEEP}"
    )


def test_while_the_bilan_goes_on_an_invalid_retention_keeps_nothing(project: Project) -> None:
    # No written agreement: nothing is kept (validation also reports it as an error).
    project.replace("dossier.yml", "date_fin: 2026-04-20\n", "")
    project.replace("dossier.yml", "  accord_ecrit_le: 2026-04-20\n", "")
    assert text_on(project, "2026-04-01") == (
        f"Ce dossier reste en ligne jusqu'à 30 jours après la fin du bilan. {KEEP}"
    )


def test_the_home_shows_it(project: Project) -> None:
    dossier = load_dossier(project.folder())[0]
    home = render_home(dossier, project.options, [], dt.date(2026, 5, 1))
    assert (
        "<p data-bilan-online-until>Ce dossier reste en ligne jusqu&#39;au 20/04/2029. "
        "Pensez à l&#39;imprimer ou à en garder une copie.</p>"
    ) in home.html
