"""API keys and tokens: ``<prefix>_<key id>.<secret>``, stored as key id plus SHA-256 of the secret.

Keys are 192-bit random, so a plain SHA-256 (not a slow password hash) is enough to
make a leaked table useless, and checking a key costs one indexed lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class IssuedKey:
    """A freshly issued key: the full text (shown once) and what the store keeps."""

    text: str
    key_id: str
    key_hash: str


def issue(prefix: str) -> IssuedKey:
    """A new random key with a lookup id."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(24)
    return IssuedKey(f"{prefix}_{key_id}.{secret}", key_id, digest(secret))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(text: str, prefix: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key with this prefix, else None."""
    head, dot, secret = text.partition(".")
    if not dot or not head.startswith(prefix + "_") or not secret:
        return None
    return head[len(prefix) + 1 :], secret


def matches(secret: str, key_hash: str) -> bool:
    """Constant-time comparison of a presented secret with a stored hash."""
    return hmac.compare_digest(digest(secret), key_hash)
