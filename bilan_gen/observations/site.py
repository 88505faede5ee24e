"""What the beneficiary's encrypted payload tells the « Mes observations » form.

Only the beneficiary's view carries it (third parties' views drop it, see
:meth:`bilan_gen.rendering.RenderedDossier.restricted_to`), and only once the synthèse is
published. It holds the dossier id (written inside each message, so that a message imported
into the wrong dossier is named), the provider's public key and its id, and where to send
the message: the e-mail address of the consultant in charge, else the office's, else none
(the form then says to hand the file over).
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

from bilan_gen.config import Options
from bilan_gen.folding import fold_words
from bilan_gen.model import Dossier, Phase
from bilan_gen.observations.envelope import VERSION
from bilan_gen.observations.keys import provider_key
from bilan_gen.rendering import RenderedDossier


def consultant_of(dossier: Dossier) -> str:
    """The consultant in charge: the synthèse's ``consultant``, else the first of
    ``dossier.yml``, else empty."""
    synthese = dossier.documents.get(Phase.SYNTHESE)
    if synthese is not None and synthese.consultant:
        return synthese.consultant
    return dossier.consultants[0] if dossier.consultants else ""


def contact_for(dossier: Dossier, options: Options) -> dict[str, str] | None:
    """Where the beneficiary sends observations: ``{"email", "nom"}``, or None."""
    name = consultant_of(dossier)
    email = _addresses(options.observations_contacts).get(fold_words(name)) if name else None
    email = email or options.observations_email
    return {"email": email, "nom": name} if email else None


@functools.lru_cache(maxsize=8)
def _addresses(contacts: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each consultant's address by folded name (once per build, not once per dossier)."""
    return {fold_words(name): email for name, email in contacts}


def observations_block(dossier: Dossier, options: Options, secret: bytes) -> dict[str, Any] | None:
    """The form's settings for ``dossier``; None while its synthèse is not published."""
    synthese = dossier.documents.get(Phase.SYNTHESE)
    if synthese is None or not synthese.finalised:
        return None
    return {
        "v": VERSION,
        "dossier": dossier.id,
        "cle": provider_key(secret).public_jwk(),
        "contact": contact_for(dossier, options),
    }


def with_observations(
    rendered: RenderedDossier, dossier: Dossier, options: Options, secret: bytes
) -> RenderedDossier:
    """``rendered`` with the observations form's settings (the beneficiary's view)."""
    return replace(rendered, observations=observations_block(dossier, options, secret))
