"""The tool's RSA keys: made and rotated by `manage.py lti_keys`, published at the JWKS URL."""

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.utils import timezone
from jwcrypto.jwk import JWK

from .models import ToolKey


class NoToolKey(Exception):
    """No key has been made yet: `manage.py lti_keys` makes one."""


def key_create() -> ToolKey:
    """A new active key; the one active before is kept, rotated, and stays published a while."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    jwk = JWK.from_pem(pem.encode())
    kid = jwk.thumbprint()
    public = json.loads(jwk.export_public())
    public.update({"kid": kid, "alg": "RS256", "use": "sig"})
    with transaction.atomic():
        ToolKey.objects.filter(active=True).update(active=False, rotated_at=timezone.now())
        return ToolKey.objects.create(kid=kid, private_pem=pem, public_jwk=public, active=True)


def active_key() -> ToolKey:
    key = ToolKey.objects.filter(active=True).first()
    if key is None:
        raise NoToolKey("The tool has no signing key: run `manage.py lti_keys`.")
    return key


def jwks() -> dict:
    return {"keys": [key.public_jwk for key in ToolKey.objects.published().order_by("-created_at")]}
