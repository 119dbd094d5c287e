"""Every key and token credo hands out, in one table and one module.

A credential is ``<prefix>_<id>.<secret>``: the id is public (it names the credential in
logs, the CLI and revocation), the secret is 192 random bits and only its SHA-256 is kept.
Because the secret is random, a plain hash (not a slow password hash) makes a leaked table
useless, and checking one costs one primary-key lookup plus a constant-time comparison.

The API others build on (all keyword-only, all inside the caller's transaction; nothing here
commits):

``issue(session=, kind=, holder=, ttl=None, single_use=False, actor=)`` -> ``Issued``
    a new credential; ``Issued.text`` is shown once, ``Issued.credential`` is the stored row.
``verify(session=, kind=, token=)`` -> ``Credential``
    the live credential a presented token is, or ``Unauthenticated`` (malformed, unknown,
    wrong secret, other kind, revoked, expired, already used). Constant time in the secret.
``consume(session=, kind=, token=)`` -> ``Credential``
    ``verify`` for single-use credentials (sign-in links): marks it used, atomically, so a
    second use is refused even when two requests race.
``revoke(session=, credential_id=, kinds=None, actor=)`` -> ``Credential``
    revoke one credential by id (idempotent); ``kinds`` restricts what the id may name.
``revoke_all(session=, kind=, holder=, actor=, keep=None)`` -> ``int``
    revoke every live credential of a holder (sign out everywhere, a disabled furnisher).
``register_holder(session=, kind=, holder=, event=, actor=)`` -> ``str``
    store a new key holder (a ``KeyHolder`` row: a furnisher, a relying party), append its
    audit event and issue its first key; ``get_holder`` finds one by id (NotFound).
``get``, ``of_holder``, ``parse``, ``digest``, ``is_live`` (pure)
    look-ups and the pure parts.

Kinds are data: add yours to ``KINDS`` (kind -> token prefix) and ``LABELS``.
``holder`` is the id of what the credential belongs to, as text (a furnisher id, a party
id, a subject id).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from sqlalchemy import Boolean, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from credo.core import audit, clock
from credo.core.db import Base, UtcDateTime
from credo.errors import Conflict, InvalidInput, NotFound, Unauthenticated

KINDS: dict[str, str] = {
    "furnisher": "fk",  # a furnisher's API key
    "relying_party": "rk",  # a relying party's API key
    "subject": "st",  # a subject's sign-in token (issued by the operator)
    "signin_link": "sl",  # a single-use link e-mailed to a subject (notices/signin.py)
    "operator_session": "os",  # an operator console sign-in (web/sessions.py)
    "subject_session": "ss",  # a subject portal sign-in (web/sessions.py)
}
"""Every kind of credential and its token prefix; a prefix names exactly one kind."""

LABELS: dict[str, str] = {
    "furnisher": "furnisher key",
    "relying_party": "relying-party key",
    "subject": "subject token",
    "signin_link": "sign-in link",
    "operator_session": "operator session",
    "subject_session": "portal session",
}
"""How errors name each kind."""

_DUMMY_HASH = hashlib.sha256(b"no such credential").hexdigest()


class Credential(Base):
    """One issued key or token: its public id, whose it is, the hash of its secret, its life."""

    __tablename__ = "credentials"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    holder: Mapped[str] = mapped_column(String(64), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    single_use: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class KeyHolder:
    """The columns of whatever holds API keys (a furnisher, a relying party): its public id
    and a name no other of its kind has come first in the table, whether it is active and
    when it was registered last (``sort_order``); the table adds what its kind needs, and
    says how its ids start, how errors name it and the field an unknown id is reported in."""

    id_prefix: ClassVar[str]
    label: ClassVar[str]
    id_field: ClassVar[str]

    id: Mapped[str] = mapped_column(String(32), primary_key=True, sort_order=-1)
    name: Mapped[str] = mapped_column(String(200), unique=True, sort_order=-1)
    active: Mapped[bool] = mapped_column(Boolean, default=True, sort_order=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), sort_order=1)


H = TypeVar("H", bound=KeyHolder)


@dataclass(frozen=True)
class _KeyEvent(audit.AuditEvent):
    """Every key event names the holder, the kind of credential (its role) and its id."""

    holder: str
    role: str
    key_id: str


@dataclass(frozen=True)
class KeyIssued(_KeyEvent):
    type = "key.issued"
    expires_at: str | None = None


@dataclass(frozen=True)
class KeyRevoked(_KeyEvent):
    type = "key.revoked"


@dataclass(frozen=True)
class Issued:
    """A freshly issued credential: the full text (shown once) and the stored row."""

    text: str
    credential: Credential

    @property
    def id(self) -> str:
        return self.credential.id

    @property
    def expires_at(self) -> dt.datetime | None:
        return self.credential.expires_at


def digest(secret: str) -> str:
    """SHA-256 (hex) of a secret: what the store keeps."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(
            f"credential kind {kind!r} is not one of {', '.join(KINDS)}",
            details=[{"field": "kind", "value": kind}],
        )
    return KINDS[kind]


def parse(token: str, kind: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed token of this kind, else None (pure)."""
    prefix = _check_kind(kind)
    head, dot, secret = token.partition(".")
    if not dot or not head.startswith(prefix + "_") or not secret or len(head) > 64:
        return None
    return head[len(prefix) + 1 :], secret


def is_live(credential: Credential, now: dt.datetime) -> bool:
    """Whether a credential may be used at ``now``: not revoked, not used up, not expired."""
    if credential.revoked_at is not None:
        return False
    if credential.single_use and credential.used_at is not None:
        return False
    return credential.expires_at is None or credential.expires_at > now


def issue(
    *,
    session: Session,
    kind: str,
    holder: str,
    ttl: dt.timedelta | None = None,
    single_use: bool = False,
    actor: str = "operator",
) -> Issued:
    """A new credential of ``kind`` for ``holder``; expires after ``ttl`` if given."""
    prefix = _check_kind(kind)
    if ttl is not None and ttl <= dt.timedelta(0):
        raise InvalidInput(
            f"a credential's lifetime must be positive, not {ttl}",
            details=[{"field": "ttl", "value": str(ttl)}],
        )
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(24)
    now = clock.now()
    credential = Credential(
        id=key_id,
        kind=kind,
        holder=str(holder),
        secret_hash=digest(secret),
        single_use=single_use,
        created_at=now,
        expires_at=None if ttl is None else now + ttl,
        revoked_at=None,
        used_at=None,
    )
    session.add(credential)
    session.flush()
    expires = None if credential.expires_at is None else credential.expires_at.isoformat()
    audit.append(session, KeyIssued(str(holder), kind, key_id, expires), actor=actor)
    return Issued(f"{prefix}_{key_id}.{secret}", credential)


def register_holder(
    *,
    session: Session,
    kind: str,
    holder: KeyHolder,
    event: Callable[[str], audit.AuditEvent],
    actor: str,
) -> str:
    """Store a new key holder, active from now with a fresh ``<id_prefix>_…`` id, append its
    audit event (``event`` of that id) and issue its first key of ``kind``; the key's text
    (shown once, stored hashed). A name another holder of its kind has is a Conflict."""
    model = type(holder)
    if session.execute(select(model.id).where(model.name == holder.name)).first():
        raise Conflict(
            f"a {model.label} named {holder.name!r} exists",
            details=[{"field": "name", "value": holder.name}],
        )
    holder.id = f"{model.id_prefix}_{secrets.token_hex(6)}"
    holder.active = True
    holder.created_at = clock.now()
    session.add(holder)
    session.flush()
    audit.append(session, event(holder.id), actor=actor)
    return issue(session=session, kind=kind, holder=holder.id, actor=actor).text


def get_holder(*, session: Session, model: type[H], holder_id: str) -> H:
    """The key holder of ``model`` with this id, or NotFound."""
    holder = session.get(model, holder_id)
    if holder is None:
        raise NotFound(
            f"{model.label} {holder_id!r} does not exist",
            details=[{"field": model.id_field, "value": holder_id}],
        )
    return holder


def _refused(kind: str, why: str = "missing, unknown or revoked") -> Unauthenticated:
    return Unauthenticated(f"the {LABELS.get(kind, kind)} is {why}")


def verify(*, session: Session, kind: str, token: str) -> Credential:
    """The live credential ``token`` is, or Unauthenticated; the secret is compared in
    constant time, and an unknown id costs the same comparison as a known one."""
    parsed = parse(token, kind) if isinstance(token, str) else None
    if parsed is None:
        raise _refused(kind)
    key_id, secret = parsed
    credential = session.get(Credential, key_id)
    stored = credential.secret_hash if credential is not None else _DUMMY_HASH
    matches = hmac.compare_digest(digest(secret), stored)
    if credential is None or not matches or credential.kind != kind:
        raise _refused(kind)
    if credential.revoked_at is not None:
        raise _refused(kind)
    if credential.single_use and credential.used_at is not None:
        raise _refused(kind, "already used")
    if credential.expires_at is not None and credential.expires_at <= clock.now():
        raise _refused(kind, "expired")
    return credential


def consume(*, session: Session, kind: str, token: str) -> Credential:
    """Verify a single-use credential and mark it used; a second use (even racing) is refused."""
    credential = verify(session=session, kind=kind, token=token)
    now = clock.now()
    marked = session.execute(
        update(Credential)
        .where(Credential.id == credential.id, Credential.used_at.is_(None))
        .values(used_at=now),
        execution_options={"synchronize_session": False},
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        raise _refused(kind, "already used")
    credential.used_at = now
    return credential


def get(*, session: Session, credential_id: str, kinds: Iterable[str] | None = None) -> Credential:
    """A credential by id (NotFound if there is none, or none of ``kinds``)."""
    credential = session.get(Credential, credential_id) if isinstance(credential_id, str) else None
    wanted = set(kinds) if kinds is not None else None
    if credential is None or (wanted is not None and credential.kind not in wanted):
        what = " or ".join(LABELS.get(k, k) for k in sorted(wanted)) if wanted else "credential"
        raise NotFound(
            f"no {what} with id {credential_id!r}",
            details=[{"field": "id", "value": credential_id}],
        )
    return credential


def of_holder(*, session: Session, kind: str, holder: str) -> list[Credential]:
    """Every credential of a holder, oldest first (revoked and expired ones included)."""
    _check_kind(kind)
    return list(
        session.execute(
            select(Credential)
            .where(Credential.kind == kind, Credential.holder == str(holder))
            .order_by(Credential.created_at, Credential.id)
        ).scalars()
    )


def revoke(
    *,
    session: Session,
    credential_id: str,
    kinds: Iterable[str] | None = None,
    actor: str = "operator",
) -> Credential:
    """Revoke one credential from now on; revoking twice changes nothing (no second event)."""
    credential = get(session=session, credential_id=credential_id, kinds=kinds)
    if credential.revoked_at is None:
        credential.revoked_at = clock.now()
        session.flush()
        event = KeyRevoked(credential.holder, credential.kind, credential.id)
        audit.append(session, event, actor=actor)
    return credential


def revoke_all(
    *,
    session: Session,
    kind: str,
    holder: str,
    actor: str = "operator",
    keep: str | None = None,
) -> int:
    """Revoke every unrevoked credential of a holder (but ``keep``); returns how many."""
    revoked = 0
    for credential in of_holder(session=session, kind=kind, holder=holder):
        if credential.revoked_at is None and credential.id != keep:
            revoke(session=session, credential_id=credential.id, actor=actor)
            revoked += 1
    return revoked
