"""bilan_gen.observations: the provider key, the sealed message, its armour and its checks.

Known-answer vectors shared with the browser (``tests/data/observations_vectors.json``),
then every way a message can be wrong: each bit flipped, another site's key, another
dossier, a forged signature, a revoked code, a third party's code, mail-mangled armour.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from bilan_gen.model import Beneficiaire, Dossier
from bilan_gen.observations import Observation, ObservationError, provider_key, read_observation
from bilan_gen.observations.envelope import (
    BEGIN,
    END,
    format_armour,
    message_json,
    open_sealed,
    parse_armour,
    parse_message,
    seal,
    signed_by,
)
from bilan_gen.observations.keys import b64url, mac_key
from bilan_gen.publishing import access_from, recipient_audience

VECTORS_PATH = Path(__file__).resolve().parents[1] / "data" / "observations_vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
vectors = pytest.mark.parametrize("v", VECTORS["seal"], ids=lambda v: v["name"])

SECRET = bytes(range(32))
OTHER_SECRET = bytes(range(1, 33))
SOURCE = Path("observations.txt")
WRITTEN = dt.datetime(2026, 12, 11, 18, 42, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def dossier(ident: str = "2026-014", rotation: int = 0) -> Dossier:
    admin = {"acces": {"rotation": rotation}}
    return Dossier(ident, Path(ident), Beneficiaire(None, None, None), admin, {}, {})


def observation(ident: str = "2026-014", text: str = "Je suis d'accord.", **kw: Any) -> Observation:
    fields: dict[str, Any] = {"message_id": "ab" * 16, "cree_le": WRITTEN, "texte": text}
    return Observation(ident, **{**fields, **kw})


def armoured(
    obs: Observation | None = None,
    *,
    secret: bytes = SECRET,
    signer: bytes | None = None,
    message: bytes | None = None,
) -> str:
    """A message as the browser would write it (signed with the dossier's current code
    unless ``signer``, a dossier key, is given)."""
    obs = obs or observation()
    key = signer or access_from(obs.dossier_id, 0, SECRET).key
    data = message if message is not None else message_json(obs)
    return format_armour(seal(provider_key(secret).point, key, data))


def refusal(text: str, target: Dossier | None = None) -> ObservationError:
    with pytest.raises(ObservationError) as caught:
        read_observation(text, target or dossier(), SECRET, SOURCE)
    assert caught.value.path == SOURCE
    return caught.value


# ---- Known answers ---------------------------------------------------------------------


@vectors
def test_provider_key_derives_from_the_secret(v: dict[str, Any]) -> None:
    key = provider_key(bytes.fromhex(v["secret_hex"]))
    assert (
        key.private.private_numbers().private_value.to_bytes(32, "big").hex()
        == v["provider_private_hex"]
    )
    assert key.public_jwk() == v["provider"]


@vectors
def test_mac_key_derives_from_the_dossier_key(v: dict[str, Any]) -> None:
    key = access_from(v["dossier_id"], v["rotation"], bytes.fromhex(v["secret_hex"])).key
    assert key.hex() == v["dossier_key_hex"]
    assert mac_key(key).hex() == v["mac_key_hex"]


def _ephemeral(jwk: dict[str, str]) -> ec.EllipticCurvePrivateKey:
    scalar = int.from_bytes(base64.urlsafe_b64decode(jwk["d"] + "=="), "big")
    key = ec.derive_private_key(scalar, ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    assert (b64url(numbers.x.to_bytes(32, "big")), b64url(numbers.y.to_bytes(32, "big"))) == (
        jwk["x"],
        jwk["y"],
    )
    return key


@vectors
def test_sealing_with_injected_randomness_gives_the_frozen_bytes(v: dict[str, Any]) -> None:
    fields = v["message"]
    obs = Observation(
        v["dossier_id"], fields["id"], dt.datetime.fromisoformat(fields["cree_le"]), fields["texte"]
    )
    message = message_json(obs)
    assert message.decode("utf-8") == v["message_json"]
    blob = seal(
        provider_key(bytes.fromhex(v["secret_hex"])).point,
        bytes.fromhex(v["dossier_key_hex"]),
        message,
        ephemeral=_ephemeral(v["ephemeral"]),
        nonce=bytes.fromhex(v["nonce_hex"]),
    )
    assert base64.b64encode(blob).decode() == v["sealed_b64"]
    assert format_armour(blob) == v["armour"]


@vectors
def test_frozen_message_reads_back(v: dict[str, Any]) -> None:
    target = dossier(v["dossier_id"], v["rotation"])
    got = read_observation(v["armour"], target, bytes.fromhex(v["secret_hex"]), SOURCE)
    assert (got.dossier_id, got.message_id, got.texte) == (
        v["dossier_id"],
        v["message"]["id"],
        v["message"]["texte"],
    )
    assert got.cree_le.isoformat() == v["message"]["cree_le"]


def test_the_provider_key_is_p256_and_its_id_names_its_point() -> None:
    key = provider_key(SECRET)
    assert isinstance(key.private.curve, ec.SECP256R1)
    assert key.point[0] == 4 and len(key.point) == 65
    assert provider_key(OTHER_SECRET).kid != key.kid


# ---- Tampering, wrong keys, wrong dossiers ---------------------------------------------


def _flipped(text: str, bit: int) -> str:
    blob, _ = parse_armour(text)
    data = bytearray(blob)
    data[bit // 8] ^= 1 << (bit % 8)
    return format_armour(bytes(data))


def test_every_single_bit_flipped_is_refused() -> None:
    text = armoured()
    size = len(parse_armour(text)[0])
    codes = set()
    for bit in range(size * 8):
        codes.add(refusal(_flipped(text, bit)).code)
    # version byte: unknown version; key id: another key; anything else: altered.
    assert codes == {"observation-illisible", "observation-autre-cle", "observation-alteree"}


def test_a_truncated_message_is_refused() -> None:
    blob, _ = parse_armour(armoured())
    for size in (0, 1, 60, len(blob) - 1):
        assert refusal(format_armour(blob[:size])).code in {
            "observation-illisible",
            "observation-alteree",
        }


def test_another_sites_key_is_named() -> None:
    error = refusal(armoured(secret=OTHER_SECRET))
    assert error.code == "observation-autre-cle"
    assert error.line == 1
    assert error.message.startswith(
        f"message chiffré pour une autre clé ({provider_key(OTHER_SECRET).kid.hex()}) que celle "
        f"de ce site ({provider_key(SECRET).kid.hex()})"
    )


def test_a_message_for_another_dossier_names_it() -> None:
    error = refusal(armoured(observation("2026-021")), dossier("2026-014"))
    assert (error.code, error.line) == ("observation-autre-dossier", 1)
    assert error.message == (
        "ce message concerne le dossier « 2026-021 », pas « 2026-014 » : bilan observations "
        "2026-021 …"
    )


@pytest.mark.parametrize(
    "obs",
    [observation("2026-021"), observation(audience="diffusion:employeur:acme")],
    ids=["says-another-dossier", "says-a-third-party"],
)
def test_a_signed_message_that_the_form_did_not_write_is_refused(obs: Observation) -> None:
    signed = armoured(obs, signer=access_from("2026-014", 0, SECRET).key)
    error = refusal(signed, dossier("2026-014"))
    assert error.code == "observation-alteree"
    assert error.message.startswith("message signé avec le code de ce dossier, mais")


def test_a_message_signed_with_another_dossiers_code_is_forged() -> None:
    forged = armoured(observation("2026-014"), signer=access_from("2026-021", 0, SECRET).key)
    error = refusal(forged)
    assert error.code == "observation-alteree"
    assert error.message.startswith("message non authentifié")


def test_a_third_partys_code_does_not_sign_for_the_beneficiary() -> None:
    cep = recipient_audience_key("2026-014")
    assert refusal(armoured(signer=cep)).code == "observation-alteree"


def recipient_audience_key(ident: str) -> bytes:
    from bilan_gen.model import Diffusion

    entry = Diffusion("Opérateur CEP", "operateur_cep", "synthese", None, None, 0, 1)
    return access_from(ident, 0, SECRET, recipient_audience(entry)).key


def test_a_revoked_code_is_named() -> None:
    old = access_from("2026-014", 1, SECRET).key
    error = refusal(armoured(signer=old), dossier("2026-014", rotation=3))
    assert error.code == "observation-code-revoque"
    assert "rotation 1, révoqué depuis : rotation actuelle 3" in error.message


def test_the_current_rotations_code_is_accepted() -> None:
    current = access_from("2026-014", 3, SECRET).key
    got = read_observation(armoured(signer=current), dossier("2026-014", 3), SECRET, SOURCE)
    assert got.texte == "Je suis d'accord."


@pytest.mark.parametrize(
    "message",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'{"v": 2}',
        message_json(observation(message_id="xyz")),
        message_json(observation(text="   ")),
        message_json(observation(text="x" * 10_001)),
        message_json(observation(cree_le=dt.datetime(2026, 12, 11, 18, 42))),
        message_json(observation(ident="../etc")),
        message_json(observation()).replace(b'"texte"', b'"text"'),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "list",
        "version-2",
        "bad-id",
        "blank-text",
        "too-long",
        "naive-time",
        "bad-dossier-id",
        "no-text",
    ],
)
def test_a_malformed_message_is_refused(message: bytes) -> None:
    error = refusal(armoured(message=message))
    assert error.code == "observation-illisible"
    assert error.message.startswith("message déchiffré mais mal formé")


# ---- Armour as mail clients mangle it -------------------------------------------------


def test_armour_survives_quotes_crlf_rewrapping_and_surrounding_text() -> None:
    text = armoured()
    blob, _ = parse_armour(text)
    body = base64.b64encode(blob).decode()
    rewrapped = [body[i : i + 76] for i in range(0, len(body), 76)]
    mail = "\r\n".join(
        ["Bonjour,", "", "> Le 11/12, vous avez écrit :", f">  {BEGIN}  "]
        + [f"> > {line} " for line in rewrapped]
        + [f"> {END}", "", "Cordialement"]
    )
    parsed, line = parse_armour(mail)
    assert (parsed, line) == (blob, 4)
    assert read_observation(mail, dossier(), SECRET, SOURCE).texte == "Je suis d'accord."


def test_the_same_message_twice_counts_once() -> None:
    text = armoured()
    reply = f"Bonjour,\n\n{text}\n> Message d'origine :\n> {text.replace(chr(10), chr(10) + '> ')}"
    assert read_observation(reply, dossier(), SECRET, SOURCE).texte == "Je suis d'accord."


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
def test_a_saved_e_mail_is_decoded_body_and_attachment(encoding: str) -> None:
    mail = EmailMessage()
    mail["From"] = "beneficiaire@example.org"
    mail["To"] = "consultant@example.org"
    mail["Subject"] = "Mes observations sur mon document de synthèse"
    sealed = armoured()
    body = "Bonjour,\n\nVoici mes observations, chiffrées : merci.\n\n" + sealed
    mail.set_content(body, cte=encoding)
    mail.add_attachment(
        sealed.encode(),
        maintype="text",
        subtype="plain",
        filename="observations-2026-12-11.txt",
    )
    raw = mail.as_string()
    assert (BEGIN in raw) == (encoding == "quoted-printable")
    got = read_observation(raw, dossier(), SECRET, SOURCE)
    assert got.texte == "Je suis d'accord."


def test_an_e_mail_without_a_message_says_so() -> None:
    mail = EmailMessage()
    mail["Subject"] = "Bonjour"
    mail.set_content("Rien de chiffré ici.")
    assert refusal(mail.as_string()).message.startswith("aucun message d'observations")


@pytest.mark.parametrize(
    ("text", "line", "start"),
    [
        ("Bonjour, rien ici.", 0, "aucun message d'observations"),
        (
            f"{BEGIN}\nAAAA\n{END}\n{BEGIN}\nBBBB\n{END}\n",
            4,
            "plusieurs messages d'observations différents",
        ),
        (f"{BEGIN}\nAAAA\n{BEGIN}\nBBBB\n{END}\n", 1, "message incomplet"),
        (f"x\n{BEGIN}\nAAAA\n", 2, "message incomplet"),
        (f"{BEGIN}\nAA*A\n{END}\n", 2, "caractère inattendu"),
        (f"{BEGIN}\nAAA\n{END}\n", 1, "message chiffré tronqué ou modifié"),
        (f"{BEGIN}\n{END}\n", 1, "message chiffré tronqué"),
    ],
    ids=["none", "two", "begin-twice", "unfinished", "bad-char", "bad-padding", "empty"],
)
def test_unreadable_armour_says_where(text: str, line: int, start: str) -> None:
    error = refusal(text)
    assert (error.code, error.line) == ("observation-illisible", line)
    assert error.message.startswith(start)


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_any_text_is_refused_cleanly(text: str) -> None:
    with pytest.raises(ObservationError):
        read_observation(text, dossier(), SECRET, SOURCE)


MAIL_HEADS = st.sampled_from(
    [
        "MIME-Version: 1.0\n",
        "Content-Type: multipart/mixed; boundary=x\n\n--x\n",
        "Content-Type: text/plain; charset=x-inconnu\nContent-Transfer-Encoding: base64\n\n",
        "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n",
    ]
)


@given(MAIL_HEADS, st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_broken_e_mail_is_refused_cleanly(head: str, text: str) -> None:
    with pytest.raises(ObservationError):
        read_observation(head + text, dossier(), SECRET, SOURCE)


@given(st.binary(min_size=0, max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_bytes_in_armour_are_refused_cleanly(data: bytes) -> None:
    with pytest.raises(ObservationError):
        read_observation(format_armour(bytes([1]) + data), dossier(), SECRET, SOURCE)


def test_messages_never_quote_the_text() -> None:
    secret_text = "Ma santé ne regarde que moi"
    text = armoured(observation("2026-021", text=secret_text))
    for variant in (
        text,
        _flipped(text, 800),
        armoured(observation(text=secret_text), secret=OTHER_SECRET),
    ):
        with pytest.raises(ObservationError) as caught:
            read_observation(variant, dossier(), SECRET, SOURCE)
        assert "santé" not in caught.value.message


def test_open_and_sign_separately() -> None:
    blob, line = parse_armour(armoured())
    mac, message = open_sealed(blob, provider_key(SECRET), line)
    assert signed_by(mac, message, access_from("2026-014", 0, SECRET).key)
    assert not signed_by(mac, message, access_from("2026-014", 1, SECRET).key)
    assert parse_message(message).message_id == "ab" * 16
    assert re.fullmatch(r"[0-9a-f]{16}", provider_key(SECRET).kid.hex())
