"""Signed webhooks: endpoints, their derived secrets, HMAC-SHA256 signatures, the POST.

The signature header is ``Credo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`` over
``f"{t}.{body}"`` with the endpoint's secret, as Stripe signs its events. A receiver
recomputes it, compares in constant time and refuses a timestamp older than five minutes
(replay). :func:`verify` is the reference implementation; docs/notices.md shows it.

Secrets are not stored: each is ``whsec_`` + HMAC(operator secret, owner and a nonce), so a
leaked table leaks no secret, and rotating is a new nonce.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import time
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.config import Settings
from credo.core import clock
from credo.errors import InvalidInput
from credo.notices.models import WebhookEndpoint

SIGNATURE_HEADER = "Credo-Signature"
ID_HEADER = "Credo-Notice-Id"
TOLERANCE = 300
OWNER_TYPES = ("furnisher", "party")


def secret_for(settings: Settings, endpoint: WebhookEndpoint) -> str:
    """The endpoint's signing secret (derived, never stored)."""
    message = f"webhook:{endpoint.owner_type}:{endpoint.owner_id}:{endpoint.nonce}".encode()
    key = settings.secret.get_secret_value().encode()
    return "whsec_" + hmac.new(key, message, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Credo-Signature`` header value for a body sent at ``timestamp``."""
    signed = f"{timestamp}.".encode() + body
    mac = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """A receiver's check: the signature matches and the timestamp is within five minutes."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    # as bytes: compare_digest raises TypeError on a str with non-ASCII characters, and a
    # forged header must be refused, not crash the receiver
    given = parts.get("v1", "").encode("utf-8", "surrogatepass")
    return hmac.compare_digest(expected.encode(), given)


def register(
    *, session: Session, settings: Settings, owner_type: str, owner_id: str, url: str
) -> tuple[WebhookEndpoint, str]:
    """Set (or replace) where an owner receives webhooks; returns the endpoint and its secret.

    Replacing an endpoint rotates its secret. The caller commits.
    """
    if owner_type not in OWNER_TYPES:
        raise InvalidInput(
            f"owner_type {owner_type!r} is not one of {OWNER_TYPES}",
            details=[{"field": "owner_type", "value": owner_type}],
        )
    _check_owner_id(owner_id)
    check_url(url)
    endpoint = session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.owner_type == owner_type, WebhookEndpoint.owner_id == owner_id
        )
    )
    if endpoint is None:
        endpoint = WebhookEndpoint(owner_type=owner_type, owner_id=owner_id)
        session.add(endpoint)
    endpoint.url = url
    endpoint.nonce = secrets.token_hex(16)
    endpoint.created_at = clock.now()
    session.flush()
    return endpoint, secret_for(settings, endpoint)


#: Hosts a plain http:// endpoint may name: a receiver on this machine (tests, a local relay).
LOOPBACK_NAMES = ("localhost",)
MAX_URL = 500
MAX_OWNER_ID = 64


def _shown(value: str, limit: int = 120) -> str:
    """A value as an error shows it: quoted, control characters escaped, long ones cut."""
    return repr(value[:limit]) + (
        f" (first {limit} of {len(value)} characters)" if len(value) > limit else ""
    )


def _refuse(field: str, value: str, why: str) -> InvalidInput:
    return InvalidInput(
        f"{field} {_shown(value)} {why}", details=[{"field": field, "value": value[:200]}]
    )


def _loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> None:
    """Refuse an endpoint the worker must not or cannot POST to, naming ``url`` and the value.

    An https:// address with a host (and a valid port), at most 500 characters, with no space
    or control character; plain http:// only to loopback (the signed body would otherwise
    travel readable).
    """
    if len(url) > MAX_URL:
        raise _refuse("url", url, f"is longer than {MAX_URL} characters")
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        raise _refuse("url", url, "contains a space or control character")
    scheme = url.partition(":")[0].lower()
    if scheme not in ("http", "https") or not url.lower().startswith(f"{scheme}://"):
        raise _refuse("url", url, "must be an https:// address")
    parts = urlsplit(url)
    if not parts.hostname:
        raise _refuse("url", url, "names no host")
    try:
        port = parts.port  # raises on a port that is not a number from 0 to 65535
    except ValueError:
        port = 0
    if port == 0:
        raise _refuse("url", url, "has a port that is not a number from 1 to 65535")
    if scheme == "http" and not _loopback(parts.hostname):
        raise _refuse("url", url, "must be https://; plain http:// is only for a loopback receiver")


def _check_owner_id(owner_id: str) -> None:
    if not owner_id or len(owner_id) > MAX_OWNER_ID:
        raise _refuse("owner_id", owner_id, f"must be 1-{MAX_OWNER_ID} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in owner_id):
        raise _refuse("owner_id", owner_id, "contains a control character")


def endpoint_of(session: Session, owner_type: str, owner_id: str) -> WebhookEndpoint | None:
    return session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.owner_type == owner_type, WebhookEndpoint.owner_id == owner_id
        )
    )


def post(client: httpx.Client, url: str, secret: str, notice_id: str, body: dict[str, Any]) -> None:
    """POST a signed body; raises on a network error, a timeout or a non-2xx answer.

    Only the status is read: the answer's body is never, so a receiver sending an endless or
    huge one (a byte per read timeout) neither stalls the worker nor fills its memory.
    """
    raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, int(time.time()), raw),
        ID_HEADER: notice_id,
        "User-Agent": "credo-notices/1",
    }
    with client.stream("POST", url, content=raw, headers=headers) as response:
        status = response.status_code
    if not 200 <= status < 300:
        raise RuntimeError(f"receiver answered {status}")
