"""The key buyer ids are hashed with: which one, whether it is strong enough, and the HMAC pads and
fingerprint derived from it (DECISIONLOG: "Loading refuses the public development PII key"). The key itself is never echoed."""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import os

from .errors import IngestError

PII_KEY_ENV = "SHOPKPI_PII_KEY"
# The development key is public (it is in this file): loading with it needs an explicit opt-in.
ALLOW_DEV_KEY_ENV = "SHOPKPI_ALLOW_DEV_PII_KEY"
# Development default only; set SHOPKPI_PII_KEY in production (docs/configuration.md).
DEV_PII_KEY = "shopkpi-development-key-do-not-use-in-production"


def pii_key() -> str:
    return os.environ.get(PII_KEY_ENV) or DEV_PII_KEY


def checked_pii_key() -> str:
    """The key to hash buyer ids with: a long random secret; the public development key only when
    opted in (demo, tests). The key is never echoed."""
    key, allowed = pii_key(), os.environ.get(ALLOW_DEV_KEY_ENV) == "1"
    if key == DEV_PII_KEY and not allowed:
        how = "is not set" if not os.environ.get(PII_KEY_ENV) else "is set to the public development key"
        raise IngestError(f"{PII_KEY_ENV} {how}: buyer ids would be hashed with a key anyone can read in the source "
                          f"and reverse by guessing. Set {PII_KEY_ENV} to a long random secret "
                          f"(`openssl rand -hex 32`), or {ALLOW_DEV_KEY_ENV}=1 for demo data")
    weakness = None if key == DEV_PII_KEY else pii_key_weakness(key)
    if weakness:
        raise IngestError(f"{PII_KEY_ENV} is too weak to protect buyer ids: {weakness}. "
                          f"Use a long random secret, e.g. `openssl rand -hex 32`")
    return key


MIN_KEY_CHARS, MIN_KEY_BITS = 32, 128


def pii_key_weakness(key: str) -> str | None:
    """Why a key is too weak, or None. Its randomness is estimated generously, as length x log2(distinct
    characters): 64 hex digits are 256 bits, 32 repeated letters 0."""
    if len(key) < MIN_KEY_CHARS:
        return f"it has {len(key)} characters, at least {MIN_KEY_CHARS} are needed"
    bits = len(key) * math.log2(len(set(key))) if len(set(key)) > 1 else 0.0
    if bits < MIN_KEY_BITS:
        return f"it repeats a few characters (about {bits:.0f} bits of randomness, at least {MIN_KEY_BITS} are needed)"
    return None


@functools.lru_cache(maxsize=4)
def pii_hash_key(key: str) -> bytes:
    """The HMAC key buyer ids are hashed with: the secret stretched by scrypt, so that testing one guess of
    the secret against a buyer id or a fingerprint costs a scrypt (~50 ms, 16 MB), not a SHA-256."""
    return hashlib.scrypt(key.encode("utf-8"), salt=b"shopkpi pii-key v2", n=2**14, r=8, p=1, dklen=32)


def hmac_pads(key: str) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer padded keys (RFC 2104), for the SQL in `select_expr`."""
    block = pii_hash_key(key).ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def key_fingerprint(key: str) -> str:
    """Identifies the key a month was hashed with, without revealing it (never the key itself)."""
    return hmac.new(pii_hash_key(key), b"shopkpi pii-key fingerprint", hashlib.sha256).hexdigest()[:16]
