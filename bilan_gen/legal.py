"""The figures of the law and of practice, in one table, each with its source.

Every date, amount and delay a compliance rule uses comes from :data:`LEGAL_RULES`: next
year's figure is one more line with its ``since`` date, and rules look a figure up *on a
given day* (:func:`figure_on`), so dossiers registered before a change keep the old figure.

``nature`` says how a rule is enforced: the law (:attr:`Nature.LOI`) gives errors, practice
(:attr:`Nature.PRATIQUE`) gives warnings — as ``/work/shared/domain.md`` asks. Articles are
those of the Code du travail unless said otherwise.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass


class Nature(enum.Enum):
    """Whether a figure is the law (an error when broken) or practice (a warning)."""

    LOI = "loi"
    PRATIQUE = "pratique"


@dataclass(frozen=True)
class LegalRule:
    """One figure of one rule, in force from ``since`` (or always, when None)."""

    key: str
    """Stable ASCII name used by the code."""
    value: float
    unit: str
    """``jours``, ``mois``, ``ans``, ``euros`` or ``%``."""
    source: str
    """The legal source, in French, as the guide cites it."""
    nature: Nature
    since: dt.date | None = None
    """First day the figure applies (registration, contract or end date, per rule)."""


LEGAL_RULES: tuple[LegalRule, ...] = (
    LegalRule(
        "cpf_plafond_eur",
        1600,
        "euros",
        "CPF : droits mobilisables pour un bilan de compétences plafonnés à 1 600 € pour les "
        "inscriptions à partir du 26 février 2026",
        Nature.LOI,
        since=dt.date(2026, 2, 26),
    ),
    LegalRule(
        "cpf_participation_eur",
        103.20,
        "euros",
        "CPF : participation forfaitaire du titulaire (L6323-4), montant 2026, sauf exonération",
        Nature.LOI,
        since=dt.date(2026, 1, 1),
    ),
    LegalRule(
        "convention_delai_jours",
        10,
        "jours",
        "R6313-8 : le salarié a dix jours pour signer la convention ; son silence vaut refus",
        Nature.LOI,
    ),
    LegalRule(
        "retractation_jours",
        10,
        "jours",
        "L6353-5 (contrat conclu par une personne qui se finance seule), appliqué au bilan "
        "par analogie : pratique",
        Nature.PRATIQUE,
    ),
    LegalRule(
        "acompte_max_pct",
        30,
        "%",
        "L6353-6 (30 % au plus payés avant le début), appliqué au bilan par analogie : pratique",
        Nature.PRATIQUE,
    ),
    LegalRule(
        "conservation_max_ans",
        3,
        "ans",
        "R6313-7 : synthèse transmise à un opérateur CEP ou documents gardés pour le suivi "
        "avec l'accord écrit du bénéficiaire, trois ans au plus",
        Nature.LOI,
    ),
    LegalRule(
        "delai_grace_jours",
        30,
        "jours",
        "Pratique : le dossier reste en ligne après la fin du bilan, le temps que le "
        "bénéficiaire l'imprime (option delai_grace_jours)",
        Nature.PRATIQUE,
    ),
    LegalRule(
        "satisfaction_a_froid_mois",
        6,
        "mois",
        "Qualiopi, indicateur 30 : satisfaction recueillie à la fin et environ six mois après",
        Nature.PRATIQUE,
    ),
)

DEFAULT_MOTS_SENSIBLES: tuple[str, ...] = (
    "santé",
    "maladie",
    "maladies",
    "malade",
    "handicap",
    "handicapé",
    "handicapée",
    "RQTH",
    "invalidité",
    "inaptitude",
    "burn-out",
    "burnout",
    "dépression",
    "traitement médical",
    "arrêt maladie",
    "religion",
    "religieux",
    "religieuse",
    "syndicat",
    "syndical",
    "syndicale",
    "syndiqué",
    "syndiquée",
    "grossesse",
    "enceinte",
    "orientation sexuelle",
    "opinions politiques",
    "origine ethnique",
)
"""Words that suggest special-category data (RGPD, art. 9): option ``mots_sensibles``."""


def rule_on(key: str, day: dt.date | None = None) -> LegalRule | None:
    """The figure of ``key`` in force on ``day`` (the latest one when ``day`` is None)."""
    found: LegalRule | None = None
    for rule in LEGAL_RULES:
        if rule.key != key or (day is not None and rule.since is not None and rule.since > day):
            continue
        if found is None or (rule.since or dt.date.min) >= (found.since or dt.date.min):
            found = rule
    return found


def figure_on(key: str, day: dt.date | None = None) -> float | None:
    """The value of ``key`` in force on ``day``, or None when no figure applies yet."""
    rule = rule_on(key, day)
    return None if rule is None else rule.value


def figure(key: str) -> int:
    """A delay or count that has always had one value (days, months, years, percent)."""
    value = figure_on(key)
    assert value is not None, key
    return int(value)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the month's last day when needed."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def add_days(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days`` calendar days (a delay of 10 days from the 1st ends on the 11th)."""
    return day + dt.timedelta(days=days)
