"""VAPID keys: the site's signature on every push, so push services accept only our messages.

Production sets VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (`manage.py generate_vapid_keys`); with
DEBUG and no keys the development pair below is used, so `make run` needs nothing.
"""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

# Public on purpose: only for development and tests, never for a site people use.
DEVELOPMENT_PUBLIC_KEY = (
    "BFJLtvHsnE7lJNfQnNv00Te7Hns4putJsIjByAuWP7vU6LsPuQlfUwdWPHn4VggWfDohSjNLwgrL8oEZCO6L8Uc"
)
DEVELOPMENT_PRIVATE_KEY = "XEkQx1kMJG4sMzi5KA1GZlOAcqbgz6V0qrfgH2n-JV8"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate() -> tuple[str, str]:
    """A new P-256 pair as the browser and pywebpush take them: (public point, private scalar),
    both base64url without padding."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(public), b64url(private)
