"""French for click's own messages (usage, errors, help headings): the CLI speaks French.

Click looks its messages up through ``gettext`` at call time; we point the modules' ``_``
and ``ngettext`` at a small catalogue. Strings we do not know stay in English.
"""

from __future__ import annotations

import gettext
import importlib

_CATALOGUE = {
    "Usage:": "Utilisation :",
    "Options": "Options ",  # click appends ":" to headings; French wants a space before
    "Commands": "Commandes ",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "No such option: {name}": "option inconnue : {name}",
    "No such option {name!r}.": "option inconnue « {name} ».",
    "No such command {name!r}.": "commande inconnue « {name} ».",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing {param_type}": "{param_type} manquant",
    "Missing command.": "Commande manquante.",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Aborted!": "Abandon.",
    "Option {name!r} does not take a value.": "l'option « {name} » ne prend pas de valeur.",
    "Option {name!r} requires an argument.": "l'option « {name} » attend une valeur.",
    "{value!r} is not one of {choices}.": "« {value} » n'est pas l'une des valeurs {choices}.",
    "{value!r} is not a valid {number_type}.": "« {value} » n'est pas un nombre valide.",
    "Choose from:\n\t{choices}": "Valeurs possibles :\n\t{choices}",
    "{name} {filename!r} does not exist.": "{name} « {filename} » introuvable.",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "Do you want to continue?": "Continuer ?",
    "default: {default}": "par défaut : {default}",
}
_PLURALS = {
    "Got unexpected extra argument ({args})": "argument inattendu ({args})",
    "Got unexpected extra arguments ({args})": "arguments inattendus ({args})",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Possible options: {possibilities})": "(options possibles : {possibilities})",
}


def _translate(message: str) -> str:
    return _CATALOGUE.get(message, message)


def _ntranslate(singular: str, plural: str, count: int) -> str:
    english = gettext.ngettext(singular, plural, count)
    return _PLURALS.get(english, _CATALOGUE.get(english, english))


def install() -> None:
    """Point click's message look-ups at the French catalogue."""
    for name in ("core", "exceptions", "formatting", "decorators", "parser", "types", "termui"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ntranslate  # type: ignore[attr-defined]
