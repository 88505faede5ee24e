"""French wording of the printed synthèse: dates, hours, identifiers and labels.

Values arrive checked (the dossier is valid before it is printed); missing ones read « — ».
"""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
FINANCEMENTS = {
    "cpf": "Compte personnel de formation (CPF)",
    "plan_developpement": "Plan de développement des compétences de l’employeur",
    "conge_reclassement": "Congé de reclassement",
    "france_travail": "France Travail",
    "opco": "Opérateur de compétences (OPCO)",
    "personnel": "Financement personnel",
    "autre": "Autre financement",
}
REMISES = {
    "en_main_propre": "en main propre",
    "espace_prive": "dans l’espace privé en ligne du bénéficiaire",
    "courrier": "par courrier",
}
MISSING = "—"
NBSP = "\u00a0"


def format_date(day: dt.date | None) -> str:
    """« 2 juin 2026 », « 1er juillet 2026 » (non-breaking spaces: a date never wraps)."""
    if day is None:
        return MISSING
    first = "1er" if day.day == 1 else str(day.day)
    return NBSP.join((first, MONTHS[day.month - 1], str(day.year)))


def format_period(start: dt.date | None, end: dt.date | None) -> str:
    """« du 2 juin 2026 au 16 juillet 2026 »."""
    return f"du {format_date(start)} au {format_date(end)}"


def format_hours(value: float | None) -> str:
    """« 18 h », « 1 h 15 »."""
    if value is None:
        return MISSING
    whole, minutes = int(value), round((value - int(value)) * 60)
    text = f"{whole} h {minutes:02d}" if minutes else f"{whole} h"
    return text.replace(" ", NBSP)


def format_siret(siret: str) -> str:
    """« 732 829 320 00074 » (SIREN in groups of three, then the NIC); other values as is."""
    digits = siret.replace(" ", "")
    if len(digits) != 14 or not digits.isdigit():
        return siret
    return NBSP.join((digits[0:3], digits[3:6], digits[6:9], digits[9:]))


def format_financement(mode: str | None) -> str:
    """The funding mode in words."""
    return FINANCEMENTS.get(mode or "", MISSING)


def format_suivi(propose: bool | None, date_prevue: dt.date | None) -> str:
    """The follow-up interview: offered or not, and when."""
    if not propose:
        return "Aucun entretien de suivi n’a été proposé."
    if date_prevue is None:
        return "Un entretien de suivi a été proposé ; sa date reste à fixer."
    return f"Un entretien de suivi a été proposé ; il est prévu le {format_date(date_prevue)}."


def format_remise(remise_le: dt.date | None, mode: str | None) -> str:
    """When and how the document was handed over."""
    how = REMISES.get(mode or "")
    when = f"Document remis le {format_date(remise_le)}"
    return f"{when} {how}." if how else f"{when}."


def french_typography(text: str) -> str:
    """Curly apostrophes, and no-break spaces before « : ; ? ! » (a colon never starts a line)."""
    text = text.replace("'", "’")
    for mark in ":;?!":
        text = text.replace(f" {mark}", f"{NBSP}{mark}")
    return text
