"""core.credentials: every key and token issued, verified, expired, used up and revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit, clock, credentials
from credo.core.credentials import Credential
from credo.core.db import make_engine, session_factory
from credo.errors import InvalidInput, NotFound, Unauthenticated
from credo.migrations import upgrade

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)


def _issue(factory: sessionmaker[Session], kind: str = "furnisher", **kw: object) -> str:
    with factory() as s, s.begin():
        return credentials.issue(session=s, kind=kind, holder="h-1", **kw).text


def _events(factory: sessionmaker[Session]) -> list[str]:
    with factory() as s:
        return [e.event_type for e in audit.iter_entries(s)]


def test_issued_token_verifies_and_only_its_hash_is_stored(
    factory: sessionmaker[Session],
) -> None:
    token = _issue(factory)
    key_id, secret = token.removeprefix("fk_").split(".")
    with factory() as s:
        credential = credentials.verify(session=s, kind="furnisher", token=token)
        assert (credential.id, credential.holder, credential.kind) == (key_id, "h-1", "furnisher")
        stored = s.execute(select(Credential)).scalar_one()
        assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in {stored.id, stored.secret_hash, stored.holder}
    assert _events(factory) == ["key.issued"]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("xx" if not t.endswith("xx") else "yy"),  # wrong secret
        lambda t: "rk_" + t[3:],  # another kind's prefix
        lambda t: t.split(".")[0],  # no secret
        lambda t: "fk_0000000000000000." + t.split(".")[1],  # unknown id
        lambda t: "",
    ],
)
def test_wrong_or_malformed_tokens_are_refused(
    factory: sessionmaker[Session], mangle: Callable[[str], str]
) -> None:
    token = _issue(factory)
    with factory() as s, pytest.raises(Unauthenticated, match="furnisher key"):
        credentials.verify(session=s, kind="furnisher", token=mangle(token))


def test_a_token_of_one_kind_is_not_a_token_of_another(factory: sessionmaker[Session]) -> None:
    token = _issue(factory, "subject")
    forged = "fk_" + token[3:]  # same id and secret, furnisher prefix
    with factory() as s:
        with pytest.raises(Unauthenticated):
            credentials.verify(session=s, kind="furnisher", token=forged)
        assert credentials.verify(session=s, kind="subject", token=token).kind == "subject"


def test_expiry_is_enforced(factory: sessionmaker[Session]) -> None:
    clock.freeze(NOW)
    token = _issue(factory, "subject", ttl=dt.timedelta(minutes=15))
    clock.freeze(NOW + dt.timedelta(minutes=14, seconds=59))
    with factory() as s:
        assert credentials.verify(session=s, kind="subject", token=token)
    clock.freeze(NOW + dt.timedelta(minutes=15))
    with factory() as s, pytest.raises(Unauthenticated, match="expired"):
        credentials.verify(session=s, kind="subject", token=token)


def test_lifetime_must_be_positive_and_kind_known(factory: sessionmaker[Session]) -> None:
    with factory() as s, pytest.raises(InvalidInput, match="lifetime"):
        credentials.issue(session=s, kind="subject", holder="1", ttl=dt.timedelta(0))
    with factory() as s, pytest.raises(InvalidInput, match="'nope'"):
        credentials.issue(session=s, kind="nope", holder="1")


def test_revoked_is_refused_at_once_and_revoking_twice_adds_nothing(
    factory: sessionmaker[Session],
) -> None:
    token = _issue(factory)
    key_id = token.removeprefix("fk_").split(".")[0]
    for _ in range(2):
        with factory() as s, s.begin():
            credentials.revoke(session=s, credential_id=key_id, actor="operator")
    with factory() as s, pytest.raises(Unauthenticated):
        credentials.verify(session=s, kind="furnisher", token=token)
    assert _events(factory) == ["key.issued", "key.revoked"]


def test_revoke_refuses_unknown_ids_and_other_kinds(factory: sessionmaker[Session]) -> None:
    token = _issue(factory, "subject")
    key_id = token.removeprefix("st_").split(".")[0]
    with factory() as s, pytest.raises(NotFound, match="no furnisher key"):
        credentials.revoke(session=s, credential_id=key_id, kinds=["furnisher"])
    with factory() as s, pytest.raises(NotFound, match="'nothing'"):
        credentials.revoke(session=s, credential_id="nothing")


def test_single_use_credential_is_consumed_once(factory: sessionmaker[Session]) -> None:
    token = _issue(factory, "subject", single_use=True, ttl=dt.timedelta(minutes=15))
    with factory() as s, s.begin():
        assert credentials.consume(session=s, kind="subject", token=token).used_at is not None
    with factory() as s, pytest.raises(Unauthenticated, match="already used"):
        credentials.consume(session=s, kind="subject", token=token)


def test_revoke_all_keeps_the_one_asked_for(factory: sessionmaker[Session]) -> None:
    tokens = [_issue(factory, "subject") for _ in range(3)]
    keep = tokens[1].removeprefix("st_").split(".")[0]
    with factory() as s, s.begin():
        assert credentials.revoke_all(session=s, kind="subject", holder="h-1", keep=keep) == 2
    with factory() as s:
        live = [t for t in tokens if _live(s, t)]
    assert live == [tokens[1]]


def _live(s: Session, token: str) -> bool:
    try:
        credentials.verify(session=s, kind="subject", token=token)
    except Unauthenticated:
        return False
    return True


def test_migration_moves_existing_keys_and_tokens_so_they_keep_working(tmp_path: Path) -> None:
    """A store at 0009 with a furnisher key, a party key (with a program) and two tokens."""
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url, "0009")
    secret = "s3cret-s3cret-s3cret"
    digest = hashlib.sha256(secret.encode()).hexdigest()
    at = "2026-10-01 00:00:00.000000"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO furnishers (id, name, kind, categories, key_id, key_hash, active,"
                " created_at) VALUES ('fur_1', 'B', 'bank', '[]', 'aaaa', :h, 1, :at)"
            ),
            {"h": digest, "at": at},
        )
        conn.execute(
            text(
                "INSERT INTO relying_parties (id, name, activities, purposes, key_id, key_hash,"
                " active, created_at) VALUES ('rp_1', 'P', '[]', '[]', 'bbbb', :h, 1, :at)"
            ),
            {"h": digest, "at": at},
        )
        conn.execute(
            text(
                "INSERT INTO programs (id, party_id, name, purpose, benefit, conditions, active,"
                " created_at) VALUES ('prg_1', 'rp_1', 'N', 'p', 'b', '[]', 1, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO subjects (id, kind, scheme, lookup_key, display_id, created_at)"
                " VALUES (7, 'person', 'cn_ric', 'lk', 'd', :at)"
            ),
            {"at": at},
        )
        for key_id, revoked in (("cccc", 0), ("dddd", 1)):
            conn.execute(
                text(
                    "INSERT INTO subject_tokens (subject_id, key_id, key_hash, created_at,"
                    " expires_at, revoked) VALUES (7, :k, :h, :at, '2027-01-01 00:00:00.000000',"
                    " :r)"
                ),
                {"k": key_id, "h": digest, "at": at, "r": revoked},
            )
    engine.dispose()
    upgrade(url)
    clock.freeze(NOW)
    engine = make_engine(url)
    factory = session_factory(engine)
    with factory() as s:
        assert (
            credentials.verify(session=s, kind="furnisher", token=f"fk_aaaa.{secret}").holder
            == "fur_1"
        )
        assert (
            credentials.verify(session=s, kind="relying_party", token=f"rk_bbbb.{secret}").holder
            == "rp_1"
        )
        assert (
            credentials.verify(session=s, kind="subject", token=f"st_cccc.{secret}").holder == "7"
        )
        with pytest.raises(Unauthenticated):
            credentials.verify(session=s, kind="subject", token=f"st_dddd.{secret}")
        assert s.execute(text("SELECT count(*) FROM programs")).scalar_one() == 1
    engine.dispose()
