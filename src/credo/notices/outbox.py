"""The transactional outbox: write a notice in the caller's transaction; the worker sends it.

Contract (other domains rely on it)
-----------------------------------
``enqueue(*, session, kind, recipient_type, recipient_id, payload, idempotency_key,
channel="inbox", due_at=None) -> Notice``

* Adds one ``outbox`` row to ``session`` and flushes; it never commits. The notice exists
  exactly when the caller's change commits, and vanishes with it on rollback.
* ``recipient_type`` is ``"subject"`` (``recipient_id`` = subject id), ``"furnisher"``
  (furnisher id) or ``"party"`` (relying-party id). ``channel`` is ``"inbox"`` (subjects
  only; readable at once, no worker needed), ``"email"`` (subjects; sent by the worker to
  the verified contact held at send time) or ``"webhook"`` (furnishers and parties; sent by
  the worker to the owner's registered endpoint, HMAC-SHA256 signed).
* ``payload`` is a JSON-serialisable dict (dates become ISO strings). For webhooks it is the
  ``data`` member of the body ``{"id": <idempotency_key>, "type": <kind>, "created": ...,
  "data": payload}``; for subjects it fills the text of :mod:`credo.notices.texts`.
* ``idempotency_key`` names the event, e.g. ``"review-decided/<decision_id>"``. Enqueueing
  the same key twice returns the first notice and adds nothing, so a retried workflow does
  not notify twice. The key travels with the delivery (SMTP ``Message-ID``, webhook ``id``
  and ``Credo-Notice-Id`` header) so a receiver can drop a repeat.
* ``due_at`` delays the first attempt (default: now).

``notify_subject(*, session, subject_id, kind, payload, idempotency_key)`` writes the inbox
notice and, where the subject has a verified e-mail contact, the e-mail notice, with keys
``<idempotency_key>/inbox`` and ``<idempotency_key>/email``.

``notify_owner(*, session, owner_type, owner_id, kind, payload, idempotency_key)`` is how a
furnisher (``owner_type="furnisher"``) or a relying party (``"party"``) hears: one signed
webhook notice, retried by the worker.

``notify_subjects(*, session, notices=[(subject_id, kind, payload, idempotency_key), ...])``
does the same for many at once (batch jobs: one look-up of keys, one of addresses,
multi-row inserts); keys already written are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from credo.core import clock
from credo.errors import InvalidInput
from credo.notices import contacts
from credo.notices.models import CHANNELS, RECIPIENT_TYPES, Notice

__all__ = ["dumps", "enqueue", "notify_owner", "notify_subject", "notify_subjects"]


def dumps(payload: dict[str, Any]) -> str:
    """A payload as canonical JSON (sorted keys; dates and decimals as strings)."""
    return json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)


def enqueue(
    *,
    session: Session,
    kind: str,
    recipient_type: str,
    recipient_id: str | int,
    payload: dict[str, Any],
    idempotency_key: str,
    channel: str = "inbox",
    due_at: dt.datetime | None = None,
) -> Notice:
    """Write one notice to the outbox in the caller's transaction (no commit)."""
    if channel not in CHANNELS:
        raise InvalidInput(f"channel {channel!r} is not one of {CHANNELS}", code="bad_channel")
    if recipient_type not in RECIPIENT_TYPES:
        raise InvalidInput(
            f"recipient_type {recipient_type!r} is not one of {RECIPIENT_TYPES}",
            code="bad_recipient_type",
        )
    if channel in ("inbox", "email") and recipient_type != "subject":
        raise InvalidInput(
            f"channel {channel!r} reaches subjects only, not {recipient_type!r}", code="bad_channel"
        )
    if channel == "webhook" and recipient_type == "subject":
        raise InvalidInput(
            "webhooks reach furnishers and parties, not subjects", code="bad_channel"
        )
    if not idempotency_key or len(idempotency_key) > 200:
        raise InvalidInput(
            f"idempotency_key {idempotency_key!r} must be 1-200 characters",
            code="bad_idempotency_key",
        )
    existing = session.scalar(select(Notice).where(Notice.idempotency_key == idempotency_key))
    if existing is not None:
        return existing
    for pending in session.new:
        if isinstance(pending, Notice) and pending.idempotency_key == idempotency_key:
            return pending
    now = clock.now()
    notice = Notice(
        idempotency_key=idempotency_key,
        kind=kind,
        channel=channel,
        recipient_type=recipient_type,
        recipient_id=str(recipient_id),
        payload=dumps(payload),
        state="sent" if channel == "inbox" else "pending",
        attempts=0,
        created_at=now,
        due_at=due_at or now,
        sent_at=now if channel == "inbox" else None,
    )
    session.add(notice)
    session.flush()
    return notice


def notify_subject(
    *,
    session: Session,
    subject_id: int,
    kind: str,
    payload: dict[str, Any],
    idempotency_key: str,
    due_at: dt.datetime | None = None,
) -> list[Notice]:
    """A subject's notice in the inbox and, where a verified e-mail is held, by e-mail."""
    channels = ["inbox"]
    if contacts.email_of(session=session, subject_id=subject_id) is not None:
        channels.append("email")
    return [
        enqueue(
            session=session,
            kind=kind,
            recipient_type="subject",
            recipient_id=subject_id,
            payload=payload,
            idempotency_key=f"{idempotency_key}/{channel}",
            channel=channel,
            due_at=due_at if channel == "email" else None,
        )
        for channel in channels
    ]


def notify_owner(
    *,
    session: Session,
    owner_type: str,
    owner_id: str,
    kind: str,
    payload: dict[str, Any],
    idempotency_key: str,
) -> Notice:
    """A furnisher or relying party hears by signed webhook (retried and idempotent)."""
    return enqueue(
        session=session,
        kind=kind,
        recipient_type=owner_type,
        recipient_id=owner_id,
        payload=payload,
        idempotency_key=idempotency_key,
        channel="webhook",
    )


def webhook_payload(notice: Notice) -> dict[str, Any]:
    """The JSON body a webhook carries for a notice."""
    return {
        "id": notice.idempotency_key,
        "type": notice.kind,
        "created": notice.created_at.isoformat(),
        "data": json.loads(notice.payload),
    }


def known_keys(session: Session, keys: list[str]) -> set[str]:
    """Those of ``keys`` already in the outbox (one query per 500): what a job must skip."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            session.scalars(select(Notice.idempotency_key).where(Notice.idempotency_key.in_(chunk)))
        )
    return found


def notify_subjects(
    *, session: Session, notices: list[tuple[int, str, dict[str, Any], str]]
) -> int:
    """``notify_subject`` for many (subject id, kind, payload, key) at once, for batch jobs.

    One query finds the keys already written and one the addresses; the rows go in with one
    multi-row insert per 500. Keys already in the outbox, or earlier in ``notices``, are
    skipped. Returns the notices written (inbox and e-mail rows together).
    """
    if not notices:
        return 0
    held = known_keys(session, [f"{key}/inbox" for _, _, _, key in notices])
    fresh = []
    for n in notices:  # a key twice in one batch is one notice, as across calls
        if f"{n[3]}/inbox" not in held:
            held.add(f"{n[3]}/inbox")
            fresh.append(n)
    emails = contacts.emails_of(session=session, subject_ids=sorted({n[0] for n in fresh}))
    now = clock.now()
    rows: list[dict[str, Any]] = []
    for subject_id, kind, payload, key in fresh:
        for channel in ("inbox", "email") if emails.get(subject_id) else ("inbox",):
            rows.append(
                {
                    "idempotency_key": f"{key}/{channel}",
                    "kind": kind,
                    "channel": channel,
                    "recipient_type": "subject",
                    "recipient_id": str(subject_id),
                    "payload": dumps(payload),
                    "state": "sent" if channel == "inbox" else "pending",
                    "attempts": 0,
                    "created_at": now,
                    "due_at": now,
                    "sent_at": now if channel == "inbox" else None,
                }
            )
    for start in range(0, len(rows), 500):
        session.execute(insert(Notice), rows[start : start + 500])
    return len(rows)
