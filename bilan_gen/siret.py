"""SIRET numbers: 14 digits, the SIREN (company) first, a Luhn check digit.

A SIRET names an establishment; its first nine digits, the SIREN, name the company. La Poste's
establishments (SIREN 356000000) are numbered past what Luhn allows: their digits add up to a
multiple of 5 instead (INSEE's documented exception).
"""

from __future__ import annotations

from typing import Any

SIRET_LENGTH = 14
LA_POSTE_SIREN = "356000000"


def normalize_siret(value: Any) -> str | None:
    """The digits of a SIRET written as text (spaces allowed) or as a number; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    digits = value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    return digits if digits.isascii() and digits.isdigit() else None


def luhn_ok(digits: str) -> bool:
    """Whether ``digits`` pass the Luhn check (every second digit from the right doubled)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_ok(digits: str) -> bool:
    """Whether 14 ``digits`` form a valid SIRET (Luhn, or La Poste's rule)."""
    if len(digits) != SIRET_LENGTH or not digits.isdigit():
        return False
    if digits.startswith(LA_POSTE_SIREN):
        return luhn_ok(digits) or sum(int(c) for c in digits) % 5 == 0
    return luhn_ok(digits)


def siren_of(siret: str) -> str:
    """The SIREN (company) of a SIRET: its first nine digits."""
    digits = normalize_siret(siret) or ""
    return digits[:9]
