"""Whether each audience's page of a dossier is published today, and why not.

The build decides with three rules, and this module asks the same three, from the same
functions, without building anything:

- a dossier with an error is never published (and it stops the whole build);
- a dossier past its grace period or its retention is left out (R6313-7,
  :func:`~bilan_gen.retention.retention_state`);
- a third party's page holds what the beneficiary agreed to share (L6313-4,
  :func:`~bilan_gen.publishing.view_routes`): while that is still a draft, there is no page.

``bilan access`` marks the rows it lists with it, and ``bilan access --lettre`` prints no
letter for a code that opens nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.config import Options
from bilan_gen.model import Phase
from bilan_gen.publishing import Audience, audiences_of, view_routes
from bilan_gen.rendering import published_routes
from bilan_gen.retention import RetentionState, retention_state
from bilan_gen.validation import CheckedDossier, check_project

DUPLICATE_ID = "id-duplique"
"""The tree's diagnostic for two folders with one id: an error that stops the build."""


class Withheld(enum.Enum):
    """Why a page is not published. The value is a stable ASCII code (CSV output)."""

    ERREURS = "erreurs"
    BROUILLON = "brouillon"
    DELAI_DE_GRACE_DEPASSE = "delai-de-grace-depasse"
    CONSERVATION_ECHUE = "conservation-echue"

    @property
    def label(self) -> str:
        """A few French words for the table."""
        return _LABELS[self]


_LABELS = {
    Withheld.ERREURS: "erreurs",
    Withheld.BROUILLON: "brouillon",
    Withheld.DELAI_DE_GRACE_DEPASSE: "délai de grâce dépassé",
    Withheld.CONSERVATION_ECHUE: "conservation échue",
}


@dataclass(frozen=True)
class Publication:
    """One audience of one dossier, and whether its page is on the site today."""

    audience: Audience
    position: int
    """0 for the beneficiary, n for the n-th entry of ``diffusion``."""
    withheld: Withheld | None
    """None when the page is published."""
    detail: str
    """Why not, in one French sentence with dates only (never a name); empty if published."""
    retention: RetentionState

    @property
    def published(self) -> bool:
        """Whether this audience's code opens a page today."""
        return self.withheld is None


def _dossier_withheld(
    checked: CheckedDossier, state: RetentionState, duplicate: bool
) -> tuple[Withheld, str] | None:
    """Why no page of the dossier is published, if so: the build's first two rules."""
    if checked.has_errors or duplicate:
        return Withheld.ERREURS, "le dossier a des erreurs (bilan check) : il n'est pas publié"
    if not state.publishable:  # the build's retention_diagnostic() drops it
        kind = Withheld.CONSERVATION_ECHUE if state.jusqu_au else Withheld.DELAI_DE_GRACE_DEPASSE
        return kind, f"{state.reason} : le dossier n'est plus publié"
    return None


def _nothing_shared(checked: CheckedDossier) -> str:
    synthese = checked.dossier.documents.get(Phase.SYNTHESE)
    state = "absente" if synthese is None else "en brouillon"
    return f"synthèse {state} : rien à transmettre encore, ce code n'ouvre rien"


def publications(
    checked: CheckedDossier,
    secret: bytes,
    options: Options,
    today: dt.date,
    duplicate: bool = False,
) -> list[Publication]:
    """The beneficiary's page, then each third party's, and whether each is published.

    Args:
        checked: The dossier, checked as the build checks it.
        secret: The site secret (derives each audience's code).
        options: The project options (grace period).
        today: The day to judge on (the build's day, for the build).
        duplicate: Another folder has the same id (ignoring case): an error of the tree.
    """
    state = retention_state(checked.dossier, today, options.delai_grace_jours)
    whole = _dossier_withheld(checked, state, duplicate)
    routes = published_routes(checked.dossier)
    found = []
    for position, audience in enumerate(audiences_of(checked.dossier, secret)):
        withheld, detail = whole if whole else (None, "")
        if whole is None and not view_routes(audience.recipient, routes):
            withheld, detail = Withheld.BROUILLON, _nothing_shared(checked)
        found.append(Publication(audience, position, withheld, detail, state))
    return found


def project_publications(
    options: Options, secret: bytes, today: dt.date, folders: Sequence[Path] | None = None
) -> tuple[list[CheckedDossier], list[Publication]]:
    """Check the dossiers (all, or ``folders``) as the build does, on every core, and say
    for each audience whether its page is published on ``today``.

    Returns:
        The checked dossiers, and their publications in the same order, each dossier's
        beneficiary first.
    """
    checked, tree = check_project(options, folders)
    duplicates = {d.path.name for d in tree if d.code == DUPLICATE_ID}
    rows = [
        row
        for item in checked
        for row in publications(item, secret, options, today, item.dossier.id in duplicates)
    ]
    return checked, rows
