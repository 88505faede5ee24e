"""Typed options of the ``bilan`` plugin (``plugins: - bilan: ...`` in ``mkdocs.yml``).

MkDocs checks their types; the core (:func:`bilan_gen.config.options_from_mapping`) checks
their values, with the same code that ``bilan check`` uses, so both read one configuration.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class BilanConfig(base.Config):
    """Options of the ``bilan`` plugin."""

    dossiers_dir = c.Type(str, default="dossiers")
    """Folder of the dossiers, relative to ``mkdocs.yml``."""
    organisme = c.Type(dict, default={})
    """The provider: ``raison_sociale``, ``siret``, ``nda`` (printed on the synthèse)."""
    duree_max_h = c.Optional(c.Type((int, float)))
    """Maximum hours per bilan; 24 by default (L6313-4)."""
    mots_min_section = c.Optional(c.Type(int))
    """Minimum words per required section; 10 by default."""
    sections = c.Type(dict, default={})
    """Per phase, a list replacing its required sections: ``titre``, ``alias``, ``obligatoire``."""
    secret_env = c.Type(str, default="BILAN_SECRET")
    """Environment variable that holds the site secret (CI)."""
    secret_file = c.Type(str, default=".bilan/secret")
    """File holding the site secret, relative to ``mkdocs.yml``; created on the first build."""
    delai_grace_jours = c.Optional(c.Type(int))
    """Days a finished dossier with nothing to keep stays published; 30 by default."""
    annexe_max_mo = c.Optional(c.Type(int))
    """Largest file of a dossier but its documents (an annex, a note), in MiB; 10 by default."""
    dossier_max_mo = c.Optional(c.Type(int))
    """Largest total a dossier publishes (finalised documents, cited annexes), in MiB; 25."""
    mots_sensibles = c.Optional(c.Type(list))
    """Words that suggest special-category data, replacing the default list (RGPD, art. 9)."""
    observations = c.Type(dict, default={})
    """Where beneficiaries send their observations: ``email`` (the office), ``consultants``
    (``nom``, ``email``)."""
    cache = c.Type(bool, default=True)
    """Reuse unchanged dossiers from the encrypted build cache (``.bilan/cache/``)."""
