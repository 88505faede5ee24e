"""A field of a YAML file, and the kinds of values it may hold."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    """The type of a field's value, in the author's words."""

    TEXT = "texte"
    EMAIL = "adresse e-mail"
    DATE = "date (AAAA-MM-JJ)"
    BOOL = "true ou false"
    INT = "nombre entier positif ou nul"
    HOURS = "nombre d'heures"
    AMOUNT = "montant en euros"
    SIRET = "numéro SIRET"
    CHOICE = "valeur de la liste"
    MAPPING = "groupe de champs"
    TEXT_LIST = "liste de textes"
    MAPPING_LIST = "liste de groupes de champs"


@dataclass(frozen=True)
class Field:
    """One field of a YAML file."""

    key: str
    """The YAML key, French, ASCII, snake_case."""
    kind: Kind
    """The type of its value."""
    label: str
    """French label used in messages and documentation."""
    required: bool = False
    """Whether the field must always be present (conditional rules live in validation)."""
    help: str = ""
    """French help for the documentation and the editor schema."""
    choices: tuple[str, ...] = ()
    """Allowed values, for :attr:`Kind.CHOICE`."""
    children: tuple[Field, ...] = ()
    """Sub-fields, for :attr:`Kind.MAPPING` and the items of :attr:`Kind.MAPPING_LIST`."""
    identity: bool = False
    """Identity data: its value is never echoed in a message."""
    maximum: float | None = None
    """Inclusive upper bound, for numbers."""
