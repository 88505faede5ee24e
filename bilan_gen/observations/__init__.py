"""Observations du bénéficiaire: written in the browser, sealed to the provider, imported.

Glossary:

- *observations*: what the beneficiary writes about their document de synthèse (good
  practice lists them among its contents); they land under « Observations du bénéficiaire »
  in ``synthese.md``.
- *provider key* (clé de l'organisme): the ECDH P-256 key pair the browser encrypts to,
  derived from the site secret (:mod:`.keys`); its public half travels in the beneficiary's
  encrypted payload.
- *message*: one sealed text (:mod:`.envelope`), armoured for e-mail, with a random id that
  makes a replay recognisable once imported (:mod:`.synthese`).

No server is involved: the browser offers the message as a file and a ``mailto:`` link,
and ``bilan observations ID FILE`` imports it (:mod:`.importing`).
"""

from __future__ import annotations

from bilan_gen.observations.envelope import Observation, ObservationError
from bilan_gen.observations.importing import Imported, import_observation, read_observation
from bilan_gen.observations.keys import ProviderKey, provider_key

__all__ = [
    "Imported",
    "Observation",
    "ObservationError",
    "ProviderKey",
    "import_observation",
    "provider_key",
    "read_observation",
]
