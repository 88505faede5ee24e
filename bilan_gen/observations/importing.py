"""``bilan observations``: check a sealed message, then add it to the dossier's synthèse.

The checks come in the order that gives the most useful refusal: the armour, the provider
key, the decryption, the message's fields, its dossier, the signature by the dossier's
current access code (an older code says it was revoked), a replay; only then is
``synthese.md`` rewritten, atomically, through the guarded path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.config import Options, project_secret
from bilan_gen.crypto import SecretError, parse_secret
from bilan_gen.guard import load_folder
from bilan_gen.loading import parse_dossier
from bilan_gen.model import Dossier, Phase
from bilan_gen.observations.envelope import (
    AUDIENCE,
    Observation,
    ObservationError,
    open_sealed,
    parse_armour,
    parse_message,
    signed_by,
)
from bilan_gen.observations.keys import provider_key
from bilan_gen.observations.synthese import insert_observation
from bilan_gen.observations.writing import rewrite
from bilan_gen.publishing import access_for, access_from

SYNTHESE_FILE = Phase.SYNTHESE.filename


@dataclass(frozen=True)
class Imported:
    """An observation added to a synthèse."""

    observation: Observation
    path: Path
    """The ``synthese.md`` it was added to."""
    line: int
    """The line of its entry."""


def existing_secret(options: Options, env: Mapping[str, str]) -> bytes:
    """The site secret, which must exist: a new one would open nothing already written.

    Raises:
        SecretError: No secret here, or it cannot be read.
    """
    if options.secret_env in env:
        return parse_secret(env[options.secret_env])
    if not (options.project_dir / options.secret_file).is_file():
        raise SecretError(
            f"secret du site introuvable ({options.secret_file} ou {options.secret_env}) : il "
            "faut celui du site sur lequel le bénéficiaire a écrit ; rien n'a été écrit"
        )
    return project_secret(options, env)[0]


def read_observation(text: str, dossier: Dossier, secret: bytes, source: Path) -> Observation:
    """The observation sealed in ``text``, once proved to be for ``dossier`` and signed
    with its current beneficiary's code.

    Raises:
        ObservationError: The message is unreadable, for another key or dossier, altered,
            forged, or signed with a revoked code (about ``source``).
    """
    try:
        blob, line = parse_armour(text)
        mac, message = open_sealed(blob, provider_key(secret), line)
        observation = parse_message(message, line)
        if not signed_by(mac, message, access_for(dossier, secret).key):
            raise _unsigned(observation, mac, message, dossier, secret, line)
        if observation.dossier_id != dossier.id or observation.audience != AUDIENCE:
            raise ObservationError("observation-alteree", _NOT_THE_FORMS, line)
    except ObservationError as problem:
        raise problem.at(source) from None
    return observation


_NOT_THE_FORMS = (
    "message signé avec le code de ce dossier, mais qui n'a pas été écrit par le formulaire "
    "du bénéficiaire : il n'est pas ajouté"
)


def _unsigned(
    observation: Observation, mac: bytes, message: bytes, dossier: Dossier, secret: bytes, line: int
) -> ObservationError:
    """Why the signature fails: another dossier's message (as it says, unproved), a revoked
    code of this dossier, or a forgery."""
    if observation.dossier_id != dossier.id:
        return ObservationError(
            "observation-autre-dossier",
            f"ce message concerne le dossier « {observation.dossier_id} », pas « {dossier.id} » "
            f": bilan observations {observation.dossier_id} …",
            line,
        )
    current = int(dossier.get("acces.rotation") or 0)
    for rotation in range(current - 1, -1, -1):
        if signed_by(mac, message, access_from(dossier.id, rotation, secret).key):
            return ObservationError(
                "observation-code-revoque",
                f"message écrit avec un ancien code d'accès de ce dossier (rotation {rotation}, "
                f"révoqué depuis : rotation actuelle {current}) : il n'est pas ajouté ; si le "
                "bénéficiaire en est bien l'auteur, qu'il l'écrive de nouveau avec son code",
                line,
            )
    return ObservationError(
        "observation-alteree",
        "message non authentifié : il n'a pas été écrit avec le code d'accès de ce dossier, "
        "ou il a été modifié ; il n'est pas ajouté",
        line,
    )


def import_observation(
    folder: Path, text: str, options: Options, secret: bytes, today: dt.date, source: Path
) -> Imported:
    """Check the message in ``text`` (read from ``source``) and add it to the synthèse of the
    dossier in ``folder``; ``today`` dates the import.

    Raises:
        ObservationError: Nothing was written; the error names the file and line at fault.
    """
    files = load_folder(folder, options.limits)
    dossier, _ = parse_dossier(files)  # the check is bilan check's job; the id and rotation
    observation = read_observation(text, dossier, secret, source)
    synthese = folder / SYNTHESE_FILE
    specs = options.sections.get(Phase.SYNTHESE, ())
    try:
        line = rewrite(
            folder,
            SYNTHESE_FILE,
            options.limits,
            lambda raw: insert_observation(synthese, raw, observation, specs, today),
        )
    except ObservationError as problem:
        raise problem.at(synthese) from None
    return Imported(observation, synthese, line)
