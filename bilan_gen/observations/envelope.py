"""The sealed message that carries a beneficiary's observations, and its armour.

Binary form, version 1 (``assets/bilan-observations.js`` writes it, this module reads it)::

    version (1) || kid (8) || ephemeral point (65) || nonce (12) || AES-256-GCM ciphertext

- ECDH P-256 between a fresh ephemeral key and the provider key (:mod:`.keys`) gives a shared
  secret; HKDF-SHA256 (salt ``bilan-gen/v1/observations``, info ``aes-256-gcm key`` ||
  ephemeral point || provider point) turns it into the AES key. The first 74 bytes (version,
  kid, ephemeral point) are the associated data: none of them can change unnoticed.
- The plaintext is ``HMAC-SHA256(mac key, message) || message``, where the message is UTF-8
  JSON ``{"v", "dossier", "audience", "id", "cree_le", "texte"}`` and the MAC key derives
  from the dossier's access code (:func:`.keys.mac_key`): the provider key lets anyone
  *write to* the provider, the MAC proves the writer held the dossier's code.

Armour: the binary in standard base64, 64 characters a line, between ``BEGIN``/``END`` lines,
so that it survives mail clients (quoted replies, re-wrapped lines, surrounding text).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bilan_gen.crypto import hkdf_sha256
from bilan_gen.errors import BilanError
from bilan_gen.model import ID_PATTERN
from bilan_gen.observations.keys import (
    KID_BYTES,
    POINT_BYTES,
    SALT,
    ProviderKey,
    key_id,
    mac_key,
    public_point,
)
from bilan_gen.observations.mail import message_texts

VERSION = 1
BEGIN = "-----BEGIN BILAN OBSERVATIONS-----"
END = "-----END BILAN OBSERVATIONS-----"
LINE_CHARS = 64
ENCRYPTION_INFO = b"aes-256-gcm key"
NONCE_BYTES = 12
TAG_BYTES = 16
MAC_BYTES = 32
HEADER_BYTES = 1 + KID_BYTES + POINT_BYTES
AUDIENCE = "beneficiaire"
"""Only the beneficiary writes observations: third parties' pages have no form."""
MAX_TEXT_CHARS = 10_000
"""The browser's form allows 8,000 characters; a little more is accepted here."""
MAX_INPUT_BYTES = 1024 * 1024
_MESSAGE_ID = re.compile(r"[0-9a-f]{32}")
_DOSSIER_ID = re.compile(ID_PATTERN)
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/=]*")
_QUOTES = re.compile(r"^(?:\s*>)+")


class ObservationError(BilanError):
    """A message that cannot be imported: the French message says why, never the text.

    ``code`` is a stable diagnostic code; ``path`` and ``line`` the file and line it concerns
    (the message's input, or ``synthese.md``; line 0: the whole file).
    """

    def __init__(self, code: str, message: str, line: int = 0, path: Path | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.path = code, message, line, path

    def at(self, path: Path) -> ObservationError:
        """This error, about ``path`` unless it already names a file."""
        return (
            self
            if self.path is not None
            else ObservationError(self.code, self.message, self.line, path)
        )


@dataclass(frozen=True)
class Observation:
    """A beneficiary's observations, as decrypted and checked."""

    dossier_id: str
    message_id: str
    """32 random hex characters: what makes a replay recognisable."""
    cree_le: dt.datetime
    """When the beneficiary wrote it, by their device's clock and time zone."""
    texte: str
    audience: str = AUDIENCE
    version: int = VERSION


def message_json(observation: Observation) -> bytes:
    """The message as the browser writes it: compact UTF-8 JSON, keys in a fixed order."""
    data = {
        "v": observation.version,
        "dossier": observation.dossier_id,
        "audience": observation.audience,
        "id": observation.message_id,
        "cree_le": observation.cree_le.isoformat(),
        "texte": observation.texte,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _encryption_key(shared: bytes, ephemeral: bytes, provider_point: bytes) -> bytes:
    return hkdf_sha256(shared, SALT, ENCRYPTION_INFO + ephemeral + provider_point, 32)


def seal(
    provider_point: bytes,
    dossier_key: bytes,
    message: bytes,
    *,
    ephemeral: ec.EllipticCurvePrivateKey | None = None,
    nonce: bytes | None = None,
) -> bytes:
    """Seal ``message`` for the provider, signed with the dossier's key (what the browser
    does; here for tests and known-answer vectors, which inject ``ephemeral`` and ``nonce``)."""
    ephemeral = ephemeral or ec.generate_private_key(ec.SECP256R1())
    nonce = nonce if nonce is not None else os.urandom(NONCE_BYTES)
    provider = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), provider_point)
    point = public_point(ephemeral.public_key())
    header = bytes([VERSION]) + key_id(provider_point) + point
    key = _encryption_key(ephemeral.exchange(ec.ECDH(), provider), point, provider_point)
    signed = hmac.new(mac_key(dossier_key), message, hashlib.sha256).digest() + message
    return header + nonce + AESGCM(key).encrypt(nonce, signed, header)


def format_armour(blob: bytes) -> str:
    """The armoured text of a sealed message, lines ending with ``\\n``."""
    text = base64.b64encode(blob).decode("ascii")
    lines = [text[i : i + LINE_CHARS] for i in range(0, len(text), LINE_CHARS)]
    return "\n".join([BEGIN, *lines, END]) + "\n"


def _unquoted(line: str) -> str:
    """A line without the ``>`` of quoted replies and without surrounding blanks."""
    return _QUOTES.sub("", line).strip()


def parse_armour(text: str) -> tuple[bytes, int]:
    """The sealed bytes of the one armoured message in ``text``, and the line of its BEGIN
    (0 when ``text`` is an e-mail, decoded first).

    Text around the block is ignored, as are blanks and the ``>`` of quoted replies; the same
    message twice (in the body and attached) counts once.

    Raises:
        ObservationError: No block, different ones, an unfinished one, or a character that
            base64 does not have.
    """
    texts, decoded = message_texts(text)
    found: dict[bytes, int] = {}
    for part in texts:
        for blob, line in _blocks(part):
            found.setdefault(blob, 0 if decoded else line)
    if not found:
        raise ObservationError(
            "observation-illisible",
            f"aucun message d'observations : le texte doit contenir les lignes « {BEGIN} » et "
            f"« {END} »",
        )
    if len(found) > 1:
        raise ObservationError(
            "observation-illisible",
            "plusieurs messages d'observations différents : importez-les un par un",
            sorted(found.values())[1],
        )
    return next(iter(found.items()))


def _blocks(text: str) -> list[tuple[bytes, int]]:
    """Every armoured block of ``text``, decoded, with the line of its BEGIN."""
    lines = [_unquoted(line) for line in text.splitlines()]
    blocks = []
    for begin in (i for i, line in enumerate(lines) if line == BEGIN):
        end = next((i for i in range(begin + 1, len(lines)) if lines[i] in (END, BEGIN)), None)
        if end is None or lines[end] != END:
            raise ObservationError(
                "observation-illisible",
                f"message incomplet : la ligne « {END} » manque (message tronqué ?)",
                begin + 1,
            )
        blocks.append((_decode(lines[begin + 1 : end], begin + 2), begin + 1))
    return blocks


def _decode(body: list[str], first_line: int) -> bytes:
    for index, line in enumerate(body, start=first_line):
        if not _BASE64_LINE.fullmatch(line.replace(" ", "")):
            raise ObservationError(
                "observation-illisible",
                "caractère inattendu dans le message chiffré : il a été modifié en chemin",
                index,
            )
    try:
        return base64.b64decode("".join(body).replace(" ", ""), validate=True)
    except (binascii.Error, ValueError):
        raise ObservationError(
            "observation-illisible",
            "message chiffré tronqué ou modifié (base64 invalide)",
            first_line - 1,
        ) from None


def open_sealed(blob: bytes, provider: ProviderKey, line: int = 0) -> tuple[bytes, bytes]:
    """Decrypt a sealed message with the provider key: ``(mac, message)``, not yet verified.

    Raises:
        ObservationError: Unknown version, another provider key, or any byte altered.
    """
    if len(blob) < HEADER_BYTES + NONCE_BYTES + TAG_BYTES + MAC_BYTES:
        raise ObservationError("observation-illisible", "message chiffré tronqué", line)
    if blob[0] != VERSION:
        raise ObservationError(
            "observation-illisible",
            f"message de version {blob[0]} : cette version de bilan-gen ne lit que la version "
            f"{VERSION} (mettez bilan-gen à jour)",
            line,
        )
    kid = blob[1 : 1 + KID_BYTES]
    if kid != provider.kid:
        raise ObservationError(
            "observation-autre-cle",
            f"message chiffré pour une autre clé ({kid.hex()}) que celle de ce site "
            f"({provider.kid.hex()}) : il vient d'un autre site, ou le secret du site a "
            "changé depuis qu'il a été écrit",
            line,
        )
    header, nonce = blob[:HEADER_BYTES], blob[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES]
    try:
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), header[1 + KID_BYTES :]
        )
        shared = provider.private.exchange(ec.ECDH(), ephemeral)
        key = _encryption_key(shared, header[1 + KID_BYTES :], provider.point)
        signed = AESGCM(key).decrypt(nonce, blob[HEADER_BYTES + NONCE_BYTES :], header)
    except (InvalidTag, ValueError):
        raise ObservationError("observation-alteree", _ALTERED, line) from None
    return signed[:MAC_BYTES], signed[MAC_BYTES:]


_ALTERED = (
    "message altéré : il ne se déchiffre pas ; demandez au bénéficiaire de l'envoyer de "
    "nouveau, de préférence en pièce jointe (le fichier téléchargé)"
)


def signed_by(mac: bytes, message: bytes, dossier_key: bytes) -> bool:
    """Whether ``mac`` signs ``message`` with the MAC key of ``dossier_key``."""
    expected = hmac.new(mac_key(dossier_key), message, hashlib.sha256).digest()
    return hmac.compare_digest(mac, expected)


def parse_message(message: bytes, line: int = 0) -> Observation:
    """The observation in a decrypted message.

    Raises:
        ObservationError: Not the JSON the form writes (fields, types, sizes).
    """
    try:
        data = json.loads(message.decode("utf-8"))
        observation = _observation(data)
    except (UnicodeDecodeError, ValueError, TypeError, KeyError):
        raise ObservationError(
            "observation-illisible",
            "message déchiffré mais mal formé : il n'a pas été écrit par le formulaire du site",
            line,
        ) from None
    return observation


def _observation(data: Any) -> Observation:
    """Raises ValueError, TypeError or KeyError when ``data`` is not a valid message."""
    if not isinstance(data, dict) or data["v"] != VERSION:
        raise ValueError("version")
    dossier, audience, message_id = data["dossier"], data["audience"], data["id"]
    texte, written = data["texte"], dt.datetime.fromisoformat(data["cree_le"])
    if not (isinstance(dossier, str) and _DOSSIER_ID.fullmatch(dossier)):
        raise ValueError("dossier")
    if not (isinstance(message_id, str) and _MESSAGE_ID.fullmatch(message_id)):
        raise ValueError("id")
    if not isinstance(texte, str) or not texte.strip() or len(texte) > MAX_TEXT_CHARS:
        raise ValueError("texte")
    if written.tzinfo is None or not isinstance(audience, str):
        raise ValueError("cree_le")
    return Observation(dossier, message_id, written, texte, audience)
