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
import json
import secrets
import time
from typing import Any

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
    return hmac.compare_digest(expected, parts.get("v1", ""))


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
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise InvalidInput(
            f"url {url!r} must be an http:// or https:// address of at most 500 characters",
            details=[{"field": "url", "value": url}],
        )
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


def endpoint_of(session: Session, owner_type: str, owner_id: str) -> WebhookEndpoint | None:
    return session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.owner_type == owner_type, WebhookEndpoint.owner_id == owner_id
        )
    )


def post(client: httpx.Client, url: str, secret: str, notice_id: str, body: dict[str, Any]) -> None:
    """POST a signed body; raises on a network error, a timeout or a non-2xx answer."""
    raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, int(time.time()), raw),
        ID_HEADER: notice_id,
        "User-Agent": "credo-notices/1",
    }
    response = client.post(url, content=raw, headers=headers)
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"receiver answered {response.status_code}")
