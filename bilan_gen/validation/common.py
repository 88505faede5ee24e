"""Small helpers shared by the compliance rules: French dates and amounts, first session."""

from __future__ import annotations

import datetime as dt

from bilan_gen.model import Dossier, Phase


def fr_date(day: dt.date) -> str:
    """``14/03/2026``."""
    return day.strftime("%d/%m/%Y")


def cents(amount: float) -> int:
    """An amount in euros as whole cents: money is compared exactly, never as floats."""
    return round(amount * 100)


def euros(amount: float) -> str:
    """``1 600 €``, ``103,20 €``, ``1 600,01 €``."""
    whole, cent = divmod(cents(amount), 100)
    text = f"{whole:,}".replace(",", " ")
    return f"{text},{cent:02d} €" if cent else f"{text} €"


def first_session(dossier: Dossier) -> dt.date | None:
    """The date of the bilan's first session (the follow-up interview left out)."""
    days = [s.date for p, s in dossier.seances if s.date is not None and p is not Phase.SUIVI]
    return min(days) if days else None
