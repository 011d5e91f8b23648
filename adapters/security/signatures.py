"""Binance's request signatures: HMAC-SHA256 with the key's secret, hex; or, for asymmetric
keys, Ed25519 or RSA (PKCS#1 v1.5, SHA-256) with the owner's private key, base64, checked
against the public key registered with the key."""

import base64
import binascii
import functools
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from application.records import ApiKey, KeyType

MIN_RSA_BITS = 2048
PublicKey = Ed25519PublicKey | RSAPublicKey


def sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def is_valid(secret: str, payload: str, signature: str) -> bool:
    # As bytes: compare_digest refuses a str holding anything but ASCII, which a client can send.
    return hmac.compare_digest(sign(secret, payload).encode(), signature.lower().encode())


def verify(key: ApiKey, payload: str, signature: str) -> bool:
    """Whether `signature` is the key holder's over `payload`."""
    if key.key_type is KeyType.HMAC:
        return is_valid(key.secret, payload, signature)
    assert key.public_key is not None
    public = public_key(key.key_type, key.public_key)
    try:
        raw = base64.b64decode(signature, validate=True)
        if isinstance(public, Ed25519PublicKey):
            public.verify(raw, payload.encode())
        else:
            public.verify(raw, payload.encode(), PKCS1v15(), SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=10_000)
def public_key(key_type: KeyType, pem: str) -> PublicKey:
    """The public key a PEM text holds; ValueError unless it is one of `key_type`."""
    try:
        loaded = load_pem_public_key(pem.encode())
    except (ValueError, UnsupportedAlgorithm):
        raise ValueError("Not a PEM public key.") from None
    if key_type is KeyType.ED25519 and isinstance(loaded, Ed25519PublicKey):
        return loaded
    if key_type is KeyType.RSA and isinstance(loaded, RSAPublicKey):
        if loaded.key_size < MIN_RSA_BITS:
            raise ValueError(f"An RSA key needs at least {MIN_RSA_BITS} bits.")
        return loaded
    raise ValueError(f"Not an {key_type.value} public key.")
