"""Funding rules: the block each mode needs, its dates and amounts (R6313-5, R6313-8, CPF).

``financement`` carries one block per mode (see :mod:`bilan_gen.schema`): ``cpf``,
``convention`` (``plan_developpement``, ``conge_reclassement``) or ``contrat``
(``personnel``). The field walker has checked each block's types; this module knows the mode.
Every figure comes from :data:`bilan_gen.legal.LEGAL_RULES`, and so does the severity: the law
gives errors, practice warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bilan_gen.config import Options
from bilan_gen.diagnostics import Diagnostic, error, warning
from bilan_gen.legal import Nature, add_days, figure, figure_on, rule_on
from bilan_gen.model import Dossier
from bilan_gen.schema import MODES_CONVENTION
from bilan_gen.siret import siren_of
from bilan_gen.validation.common import cents, euros, first_session, fr_date

Builder = Callable[[Path, int, str, str], Diagnostic]

BLOCKS = ("cpf", "convention", "contrat")
BLOCK_OF_MODE = {"cpf": "cpf", "personnel": "contrat"}
BLOCK_OF_MODE |= dict.fromkeys(MODES_CONVENTION, "convention")
SIGNATURES = (
    ("signee_salarie_le", "le salarié"),
    ("signee_employeur_le", "l'employeur"),
    ("signee_organisme_le", "l'organisme"),
)


def builder(key: str) -> Builder:
    """``error`` for a rule of law, ``warning`` for practice, as the table says."""
    rule = rule_on(key)
    return error if rule is not None and rule.nature is Nature.LOI else warning


def check_funding(dossier: Dossier, options: Options) -> list[Diagnostic]:
    """The mode's block is there, and its dates and amounts follow the rules."""
    diags = check_blocks(dossier)
    if isinstance(dossier.get("financement.convention"), dict):
        diags += check_convention(dossier, options)
    if isinstance(dossier.get("financement.cpf"), dict):
        diags += check_cpf(dossier)
    if isinstance(dossier.get("financement.contrat"), dict):
        diags += check_contrat(dossier)
    return diags


def check_blocks(dossier: Dossier) -> list[Diagnostic]:
    """A mode needs its block; a block of another mode is a warning (a wrong mode?)."""
    mode = dossier.get("financement.mode")
    if mode is None:
        return []
    yml, line = dossier.yml_path, dossier.line("financement.mode")
    needed = BLOCK_OF_MODE.get(mode)
    diags: list[Diagnostic] = []
    if needed == "contrat" and dossier.get("financement.contrat") is None:
        msg = (
            "mode « personnel » sans « financement.contrat » : un contrat signé précède tout "
            "paiement (L6353-3, pratique)"
        )
        diags.append(warning(yml, line, "contrat-manquant", msg))
    elif needed is not None and dossier.get(f"financement.{needed}") is None:
        what = {
            "cpf": "numéro EDOF, date d'inscription, montant et attestation",
            "convention": "la convention tripartite écrite est obligatoire (R6313-8)",
        }[needed]
        msg = f"mode « {mode} » sans « financement.{needed} » : {what}"
        # Required before the first session; until then, a reminder (a fresh draft).
        make = error if first_session(dossier) is not None else warning
        diags.append(make(yml, line, "financement-incomplet", msg))
    for block in BLOCKS:
        if block != needed and dossier.get(f"financement.{block}") is not None:
            msg = f"bloc « financement.{block} » inutile pour le mode « {mode} » (mauvais mode ?)"
            block_line = dossier.line(f"financement.{block}")
            diags.append(warning(yml, block_line, "financement-bloc-inutile", msg))
    return diags


def check_convention(dossier: Dossier, options: Options) -> list[Diagnostic]:
    """R6313-8: signed by all three before the first session, by the employee within 10 days."""
    conv: dict[str, Any] = dossier.get("financement.convention")
    yml, first = dossier.yml_path, first_session(dossier)
    diags = check_employer(dossier, options) + check_employee_delay(dossier)
    for key, who in SIGNATURES:
        signed, line = conv.get(key), dossier.line(f"financement.convention.{key}")
        if signed is None and first is not None:
            msg = (
                f"convention sans « {key} » alors que le bilan a commencé le {fr_date(first)} : "
                "elle est signée par les trois parties avant la première séance (R6313-8)"
            )
            diags.append(error(yml, line, "convention-non-signee", msg))
        elif signed is not None and first is not None and signed > first:
            msg = (
                f"convention signée par {who} le {fr_date(signed)}, après la première séance "
                f"({fr_date(first)}) : les trois signatures la précèdent (R6313-8)"
            )
            diags.append(error(yml, line, "convention-tardive", msg))
    return diags


def check_employee_delay(dossier: Dossier) -> list[Diagnostic]:
    """R6313-8: ten days from the transmission to sign; silence is refusal."""
    sent = dossier.get("financement.convention.transmise_le")
    signed = dossier.get("financement.convention.signee_salarie_le")
    if sent is None or signed is None:
        return []
    delay = figure("convention_delai_jours")
    if signed <= add_days(sent, delay):
        return []
    days = (signed - sent).days
    msg = (
        f"convention signée par le salarié le {fr_date(signed)}, {days} jours après sa "
        f"transmission ({fr_date(sent)}) : {delay} jours au plus, son silence valait refus "
        "(R6313-8)"
    )
    line = dossier.line("financement.convention.signee_salarie_le")
    make = builder("convention_delai_jours")
    return [make(dossier.yml_path, line, "convention-delai-depasse", msg)]


def check_employer(dossier: Dossier, options: Options) -> list[Diagnostic]:
    """R6313-5: an employer does not carry out the bilans of its own employees."""
    employer = siren_of(dossier.get("financement.convention.siret_employeur") or "")
    provider = siren_of(options.organisme.siret)
    if not employer or employer != provider:
        return []
    msg = (
        f"SIRET de l'employeur : même entreprise (SIREN {employer}) que l'organisme ; un "
        "employeur ne réalise pas le bilan de ses salariés (R6313-5)"
    )
    line = dossier.line("financement.convention.siret_employeur")
    return [error(dossier.yml_path, line, "employeur-prestataire", msg)]


def check_cpf(dossier: Dossier) -> list[Diagnostic]:
    """CPF: the cap in force at registration, the fixed contribution, working time."""
    cpf: dict[str, Any] = dossier.get("financement.cpf")
    yml = dossier.yml_path
    diags = check_participation(dossier)
    amount, registered = cpf.get("montant_eur"), cpf.get("inscrit_le")
    cap = figure_on("cpf_plafond_eur", registered) if registered else None
    if amount is not None and cap is not None and cents(amount) > cents(cap):
        since = rule_on("cpf_plafond_eur", registered)
        start = f" à partir du {fr_date(since.since)}" if since and since.since else ""
        msg = f"montant CPF de {euros(amount)} : {euros(cap)} au plus pour une inscription{start}"
        line = dossier.line("financement.cpf.montant_eur")
        make = builder("cpf_plafond_eur")
        diags.append(make(yml, line, "cpf-plafond-depasse", msg))
    if cpf.get("temps_de_travail") is True:
        dates = ("demande_employeur_le", "reponse_employeur_le")
        missing = [k for k in dates if cpf.get(k) is None]
        if missing:
            keys = " et ".join(f"« {k} »" for k in missing)
            msg = f"bilan sur le temps de travail sans {keys} : gardez la trace de l'accord"
            line = dossier.line("financement.cpf.temps_de_travail")
            diags.append(warning(yml, line, "cpf-temps-travail", msg))
    return diags


def check_participation(dossier: Dossier) -> list[Diagnostic]:
    """The holder's fixed contribution, or its exemption (L6323-4): warnings."""
    cpf: dict[str, Any] = dossier.get("financement.cpf")
    if cpf.get("participation_exoneree") is True:
        return []
    registered = cpf.get("inscrit_le")
    due = figure_on("cpf_participation_eur", registered) if registered else None
    paid = cpf.get("participation_eur")
    yml = dossier.yml_path
    if paid is None:
        hint = f" ({euros(due)} en vigueur à l'inscription)" if due is not None else ""
        msg = (
            "participation forfaitaire du titulaire absente : indiquez « participation_eur »"
            f"{hint} ou « participation_exoneree: true »"
        )
        return [warning(yml, dossier.line("financement.cpf"), "participation-manquante", msg)]
    if due is None or registered is None or cents(paid) == cents(due):
        return []
    msg = (
        f"participation forfaitaire de {euros(paid)} : {euros(due)} en vigueur le "
        f"{fr_date(registered)} (L6323-4)"
    )
    line = dossier.line("financement.cpf.participation_eur")
    return [warning(yml, line, "participation-montant", msg)]


def check_contrat(dossier: Dossier) -> list[Diagnostic]:
    """Personal funding: contract first, no payment while one may withdraw, 30 % up front."""
    contrat: dict[str, Any] = dossier.get("financement.contrat")
    signed, first = contrat.get("signe_le"), first_session(dossier)
    diags: list[Diagnostic] = []
    if signed is not None and first is not None and signed > first:
        msg = (
            f"contrat signé le {fr_date(signed)}, après la première séance ({fr_date(first)}) : "
            "il la précède (L6353-3, pratique)"
        )
        line = dossier.line("financement.contrat.signe_le")
        diags.append(warning(dossier.yml_path, line, "contrat-tardif", msg))
    payments = [p for p in contrat.get("paiements") or () if isinstance(p, dict)]
    if signed is not None:
        diags += check_withdrawal(dossier, signed, payments)
    return diags + check_upfront(dossier, contrat.get("prix_eur"), payments)


def check_withdrawal(
    dossier: Dossier, signed: Any, payments: list[dict[str, Any]]
) -> list[Diagnostic]:
    """No payment before the withdrawal period has run out (L6353-6, applied by analogy)."""
    days = figure("retractation_jours")
    end = add_days(signed, days)
    make = builder("retractation_jours")
    diags: list[Diagnostic] = []
    for payment in payments:
        paid_on = payment.get("date")
        if paid_on is not None and paid_on <= end:
            msg = (
                f"paiement du {fr_date(paid_on)} pendant le délai de rétractation de {days} "
                f"jours (jusqu'au {fr_date(end)}) : aucun paiement avant (L6353-6, pratique)"
            )
            line = payment.get("_line", dossier.line("financement.contrat.paiements"))
            diags.append(make(dossier.yml_path, line, "paiement-retractation", msg))
    return diags


def check_upfront(
    dossier: Dossier, price: float | None, payments: list[dict[str, Any]]
) -> list[Diagnostic]:
    """At most 30 % of the price paid before the first session (L6353-6, by analogy)."""
    if price is None:
        return []
    first = first_session(dossier)
    before = [p for p in payments if p.get("date") and (first is None or p["date"] < first)]
    paid = sum(cents(p.get("montant_eur") or 0.0) for p in before)
    percent = figure("acompte_max_pct")
    if paid * 100 <= cents(price) * percent:
        return []
    when = f"avant la première séance ({fr_date(first)})" if first else "avant le début du bilan"
    msg = (
        f"{euros(paid / 100)} payés {when} : {percent} % du prix au plus, soit "
        f"{euros(price * percent / 100)} (L6353-6, pratique)"
    )
    line = dossier.line("financement.contrat.paiements")
    make = builder("acompte_max_pct")
    return [make(dossier.yml_path, line, "acompte-excessif", msg)]
