"""The keys of the beneficiary's observations: the provider's key pair and each dossier's MAC key.

- **provider key** (clé de l'organisme): an ECDH P-256 key pair derived from the site secret
  (HKDF-SHA256, then FIPS 186-5 A.2.1 "extra random bits": 40 bytes reduced modulo n - 1,
  plus 1). The private key is never stored anywhere: every command that needs it derives it
  from ``.bilan/secret`` (or ``BILAN_SECRET``), which is already private, backed up and
  git-ignored, and CI publishes the matching public key with nothing more to configure.
  Changing the site secret changes the key; the **key id** (8 bytes of SHA-256 of the public
  point) tells which key a message was written for.
- **MAC key** (clé d'authentification): HKDF of the dossier page's AES key, which the browser
  derives from the beneficiary's access code and the CLI from the site secret, the dossier id
  and its ``acces.rotation``. Only someone holding the code can sign a message for the
  dossier; a third party's code, another dossier's or a revoked one gives another key.

``assets/bilan-observations.js`` is the browser twin; ``tests/data/observations_vectors.json``
freezes the outputs of both.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from bilan_gen.crypto import hkdf_sha256

SALT = b"bilan-gen/v1/observations"
PRIVATE_KEY_INFO = b"p-256 private key"
MAC_KEY_INFO = b"hmac-sha256 key"
KID_BYTES = 8
POINT_BYTES = 65
"""An uncompressed P-256 point: 0x04 || X || Y."""
_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


@dataclass(frozen=True)
class ProviderKey:
    """The provider's observations key pair, derived from the site secret."""

    private: ec.EllipticCurvePrivateKey
    point: bytes
    """The public key, uncompressed (65 bytes)."""

    @functools.cached_property
    def kid(self) -> bytes:
        """The key id written in every message: 8 bytes of SHA-256 of the public point."""
        return key_id(self.point)

    def public_jwk(self) -> dict[str, str]:
        """The public key as the browser imports it (JWK, base64url without padding), with
        its id in hex. Public by design: it is not dossier data."""
        return dict(self._jwk)

    @functools.cached_property
    def _jwk(self) -> dict[str, str]:
        return {
            "kid": self.kid.hex(),
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(self.point[1:33]),
            "y": b64url(self.point[33:]),
        }


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515), as JWK wants it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def key_id(point: bytes) -> bytes:
    """The id of a public key: the first 8 bytes of SHA-256 of its uncompressed point."""
    return hashlib.sha256(point).digest()[:KID_BYTES]


def public_point(key: ec.EllipticCurvePublicKey) -> bytes:
    """The uncompressed point (65 bytes) of a P-256 public key."""
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


@functools.lru_cache(maxsize=4)
def provider_key(secret: bytes) -> ProviderKey:
    """The provider's key pair for the site secret ``secret`` (cached: a build asks for it
    once per dossier, and an EC scalar multiplication is not free)."""
    okm = hkdf_sha256(secret, SALT, PRIVATE_KEY_INFO, 40)
    scalar = int.from_bytes(okm, "big") % (_P256_ORDER - 1) + 1
    private = ec.derive_private_key(scalar, ec.SECP256R1())
    return ProviderKey(private, public_point(private.public_key()))


def mac_key(dossier_key: bytes) -> bytes:
    """The key that signs a dossier's observations, from its page's AES-256 key."""
    return hkdf_sha256(dossier_key, SALT, MAC_KEY_INFO, 32)
