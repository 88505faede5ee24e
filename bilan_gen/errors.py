"""Exceptions raised by the bilan-gen core.

Every exception the core raises on purpose derives from :class:`BilanError`, so an adapter
can translate them all at its boundary (``click.ClickException`` in the CLI,
``mkdocs.exceptions.PluginError`` in the plugin) without catching programming errors.
Problems in a consultant's dossier are not exceptions: they are returned as diagnostics.

The tree (subclasses live next to the code that raises them)::

    BilanError
    ├── crypto.SecretError        site secret missing, unreadable or too short
    ├── crypto.PayloadError       encrypted payload tampered with, truncated or wrong key
    ├── crypto.CodeError          access code malformed (also a ValueError)
    ├── printing.pdf.PrintError   WeasyPrint cannot start (``bilan pdf``)
    └── ScaffoldError             ``bilan new`` refused: existing folder, empty consultant
        └── InvalidIdError        the id is not a valid dossier id (a usage error)
"""

from __future__ import annotations


class BilanError(Exception):
    """Base class of every exception the bilan-gen core raises on purpose."""


class ScaffoldError(BilanError):
    """A new dossier cannot be created (invalid id, folder already there)."""


class InvalidIdError(ScaffoldError):
    """The id given to ``bilan new`` is not a valid dossier id."""
