"""The check hot path: shared rate limits, the version-keyed cache, group commit of
inquiries, and the same work for refused checks on known and unknown subjects."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import itertools
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from credo.access import checks, consents, driver, hotpath, inquirylog, parties, ratelimit
from credo.access.driver import Statement
from credo.access.models import Inquiry, Program, RelyingParty
from credo.access.ratelimit import SharedBuckets, TokenBuckets, for_store
from credo.api.routers import access as access_router
from credo.core import credentials
from credo.core.db import make_engine, session_factory
from credo.errors import Forbidden, Unauthenticated
from credo.models import metadata
from tests.access.conftest import World, grant
from tests.access.helpers import add_subject, publish_score
from tests.api.helpers import make_ric

SOON = dt.date.today() + dt.timedelta(days=30)


def test_workers_share_one_rate_per_key(tmp_path: Path) -> None:
    now = [100.0]
    path = tmp_path / "store.db.ratelimit"
    one, two = (SharedBuckets(path, 2.0, 3, clock=lambda: now[0]) for _ in range(2))
    answers = [one.take("k"), two.take("k"), one.take("k"), two.take("k")]
    assert answers[:3] == [0.0, 0.0, 0.0]  # the burst of 3 is shared, not 3 each
    assert answers[3] == pytest.approx(0.5)
    assert one.take("other") == 0.0  # per key
    now[0] += 0.5  # one token back at 2 a second
    assert two.take("k") == 0.0
    assert one.take("k") == pytest.approx(0.5)


def test_file_stores_get_shared_buckets_memory_stores_in_process(tmp_path: Path) -> None:
    assert isinstance(for_store(f"sqlite:///{tmp_path}/a.db", 1, 1), SharedBuckets)
    assert isinstance(for_store("sqlite://", 1, 1), TokenBuckets)


@pytest.fixture
def file_store(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/store.db")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _world(factory: sessionmaker[Session], rng: random.Random) -> dict[str, Any]:
    values = [make_ric(rng) for _ in range(3)]
    with factory() as s, s.begin():
        ids = [add_subject(s, v) for v in values]
        for i in ids:
            publish_score(s, i, 700)
        party, key = parties.add(
            session=s, name="Rental", activities=[], purposes=["deposit_free_rental"]
        )
        program = parties.add_program(
            session=s,
            party=party,
            name="p",
            purpose="deposit_free_rental",
            benefit="no deposit",
            conditions=[{"score_at_least": 600}],
        )
        consents.grant(session=s, subject_id=ids[0], program_id=program.id, expires_on=SOON)
        return {"values": values, "key": key, "program": program.id, "party": party.id}


def test_cache_follows_the_audit_head(file_store: Engine) -> None:
    factory = session_factory(file_store)
    world = _world(factory, random.Random(1))
    with factory() as s:
        party = parties.authenticate(session=s, token=world["key"])
    with factory() as s, s.begin():  # deactivated behind the cache's back: still cached
        s.execute(update(RelyingParty).values(active=False))
    with factory() as s:
        assert parties.authenticate(session=s, token=world["key"]).id == party.id
    with factory() as s, s.begin():  # any audited change moves the head: the cache is dropped
        consents.grant(session=s, subject_id=1, program_id=world["program"], expires_on=SOON)
    with factory() as s, pytest.raises(Unauthenticated):
        parties.authenticate(session=s, token=world["key"])


def _eligibility(factory: sessionmaker[Session], world: dict[str, Any]) -> Any:
    """One check of the world's consenting subject through the session path, committed."""
    with factory() as s:
        party = parties.authenticate(session=s, token=world["key"])
        decision = checks.eligibility(
            session=s,
            party=party,
            scheme="cn_ric",
            value=world["values"][0],
            program_id=world["program"],
        )
        s.commit()
    return decision


def test_concurrent_checks_are_each_durable_when_answered(file_store: Engine) -> None:
    factory = session_factory(file_store)
    world = _world(factory, random.Random(2))
    decisions: list[str] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            for _ in range(10):
                decision = _eligibility(factory, world)
                with file_store.connect() as conn:  # already on disk for any other reader
                    seen = conn.execute(
                        select(Inquiry.answer).where(Inquiry.decision_id == decision.decision_id)
                    ).scalar_one()
                assert seen is True
                decisions.append(decision.decision_id)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with file_store.connect() as conn:
        logged = conn.execute(text("SELECT count(*) FROM inquiries")).scalar_one()
    assert len(set(decisions)) == 80 == logged


def test_refused_checks_do_the_same_work_for_known_and_unknown(file_store: Engine) -> None:
    factory = session_factory(file_store)
    world = _world(factory, random.Random(3))
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    def refused(value: str) -> list[str]:
        statements.clear()
        with factory() as s:
            party = parties.authenticate(session=s, token=world["key"])
            event.listen(file_store, "before_cursor_execute", record)
            try:
                with pytest.raises(Forbidden) as caught:
                    checks.eligibility(
                        session=s,
                        party=party,
                        scheme="cn_ric",
                        value=value,
                        program_id=world["program"],
                    )
            finally:
                event.remove(file_store, "before_cursor_execute", record)
        assert caught.value.code == "consent_required"
        return list(statements)

    refused(world["values"][2])  # fills the cache (program) for both
    known_without_consent = refused(world["values"][1])
    unknown = refused(make_ric(random.Random(99)))
    assert known_without_consent == unknown
    assert len(unknown) == 1  # subject and consent in one statement


def test_unknown_subject_next_to_a_consenting_one_is_refused(file_store: Engine) -> None:
    """The look-up reads the neighbouring row for an unknown identifier; its consent never
    answers for the unknown subject."""
    from credo.subjects.service import identify

    factory = session_factory(file_store)
    world = _world(factory, random.Random(4))
    keys = sorted(identify("cn_ric", v).key for v in world["values"])
    consenting = identify("cn_ric", world["values"][0]).key
    below = max([k for k in keys if k < consenting], default="")
    rng = random.Random(5)
    for _ in range(100_000):  # an unknown identifier whose key sorts just before the consent's
        value = make_ric(rng)
        if below < identify("cn_ric", value).key < consenting:
            break
    else:
        pytest.fail("no identifier found in the interval")
    with factory() as s:
        party = parties.authenticate(session=s, token=world["key"])
        assert checks.eligibility(  # the neighbour itself is answered
            session=s,
            party=party,
            scheme="cn_ric",
            value=world["values"][0],
            program_id=world["program"],
        ).answer
        with pytest.raises(Forbidden):
            checks.eligibility(
                session=s, party=party, scheme="cn_ric", value=value, program_id=world["program"]
            )


def _revoke(factory: sessionmaker[Session], key: str) -> None:
    key_id, _secret = parties.parse_key(key)
    with factory() as s, s.begin():
        credentials.revoke(session=s, credential_id=key_id)


def test_a_key_row_read_before_a_revocation_never_serves_after_it(file_store: Engine) -> None:
    """The interleaving, step by step: a check reads the head and the key row; the key is
    revoked; another check moves the cache to the new head; the first stores its row late.
    The late row lands in the old head's cache, so the revoked key is refused."""
    factory = session_factory(file_store)
    world = _world(factory, random.Random(4))
    key_id, _secret = parties.parse_key(world["key"])
    raw = file_store.raw_connection()
    try:
        early = hotpath._cache(file_store, raw)
        row = hotpath._KEY.rows(raw, file_store.dialect, {"key_id": key_id, "kind": parties.KIND})
    finally:
        raw.close()
    _revoke(factory, world["key"])
    raw = file_store.raw_connection()
    try:
        hotpath._cache(file_store, raw)  # another check, after the revocation
        early.keys[key_id] = row[0]  # the first check's late write
        with pytest.raises(Unauthenticated):
            hotpath._party(file_store, raw, hotpath._cache(file_store, raw), world["key"])
    finally:
        raw.close()
    with factory() as s, pytest.raises(Unauthenticated):
        parties.authenticate(session=s, token=world["key"])


def test_the_session_path_drops_a_late_key_row_too(file_store: Engine) -> None:
    factory = session_factory(file_store)
    world = _world(factory, random.Random(5))
    key_id, _secret = parties.parse_key(world["key"])
    with factory() as s:
        early = parties._cache(s)
        row = s.execute(parties.KEY, {"key_id": key_id, "kind": parties.KIND}).first()
    _revoke(factory, world["key"])
    with factory() as s:
        parties._cache(s)  # another check, after the revocation
        assert row is not None
        early.keys[key_id] = tuple(row)  # the first check's late write
        with pytest.raises(Unauthenticated):
            parties.authenticate(session=s, token=world["key"])


def _check(engine: Engine, key: str, value: str, program: str) -> checks.Checked | None:
    """One check through ``hotpath.decide`` (on PostgreSQL on the loop's own connection)."""

    async def once() -> tuple[checks.Checked, bool] | None:
        try:
            return await hotpath.decide(engine, key, "cn_ric", value, program, lambda _p: None)
        finally:
            await driver.close_loop()

    decided = asyncio.run(once())
    return decided[0] if decided else None


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Statement]:
    """The statements the hot path reads with, in order (not the inquiry's insert, which an
    in-memory store runs on the same connection)."""
    seen: list[Statement] = []
    rows, rows_async = Statement.rows, Statement.rows_async

    def counted(self: Statement, *args: Any) -> Any:
        if self is not inquirylog.INSERT:
            seen.append(self)
        return rows(self, *args)

    async def counted_async(self: Statement, *args: Any) -> Any:
        seen.append(self)
        return await rows_async(self, *args)

    monkeypatch.setattr(Statement, "rows", counted)
    monkeypatch.setattr(Statement, "rows_async", counted_async)
    return seen


def test_a_warm_check_is_one_statement(
    engine: Engine, factory: sessionmaker[Session], reads: list[Statement]
) -> None:
    """Head, gate and facts in one round trip; refused checks of a known and an unknown
    subject run the same one statement."""
    world = _world(factory, random.Random(6))
    _check(engine, world["key"], world["values"][0], world["program"])  # fills the cache
    for value, answer in ((world["values"][0], True), (world["values"][1], None)):
        reads.clear()
        if answer is None:
            with pytest.raises(Forbidden):
                _check(engine, world["key"], value, world["program"])
        else:
            checked = _check(engine, world["key"], value, world["program"])
            assert checked is not None and checked.decision.answer is answer
        assert reads == [hotpath.CHECK]
    reads.clear()
    with pytest.raises(Forbidden):
        _check(engine, world["key"], make_ric(random.Random(98)), world["program"])
    assert reads == [hotpath.CHECK]


def test_a_key_revoked_after_the_cache_is_refused_on_the_next_check(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    world = _world(factory, random.Random(7))
    checked = _check(engine, world["key"], world["values"][0], world["program"])
    assert checked is not None and checked.decision.answer
    _revoke(factory, world["key"])  # the cached key row is live; CHECK reads the new head
    with pytest.raises(Unauthenticated):
        _check(engine, world["key"], world["values"][0], world["program"])


def test_a_refusal_from_the_cache_is_confirmed_at_the_head(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    """A program the cache holds as missing (read before it existed) is looked up again
    once the head has moved, not refused from the cache."""
    world = _world(factory, random.Random(8))
    assert _check(engine, world["key"], world["values"][0], world["program"]) is not None
    hotpath._last[engine].programs[world["program"]] = None  # as if read before it existed
    with factory() as s, s.begin():  # an audited change moves the head
        consents.grant(session=s, subject_id=1, program_id=world["program"], expires_on=SOON)
    checked = _check(engine, world["key"], world["values"][0], world["program"])
    assert checked is not None and checked.decision.answer


@pytest.fixture
def pooled(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A store the group writers serve: the test's PostgreSQL, or a SQLite file (an
    in-memory store logs in the request's own unit of work instead)."""
    if engine.dialect.name != "sqlite":
        yield engine
        return
    store = make_engine(f"sqlite:///{tmp_path}/pooled.db")
    metadata.create_all(store)
    yield store
    store.dispose()


def test_a_bad_inquiry_in_a_group_fails_alone(pooled: Engine) -> None:
    """Grouped inquiries awaited on the loop (the loop's writer on PostgreSQL, the writer
    thread on SQLite): a row that cannot be inserted fails its own caller only."""
    world = _world(session_factory(pooled), random.Random(9))
    ask = (world["key"], world["values"][0], world["program"])
    first, second = _check(pooled, *ask), _check(pooled, *ask)
    assert first is not None and second is not None
    rows = [first.inquiry, dict(first.inquiry), second.inquiry]  # the second: a decision id twice

    async def log() -> list[BaseException | None]:
        try:
            return await asyncio.gather(
                *(inquirylog.write_async(pooled, row) for row in rows), return_exceptions=True
            )
        finally:
            await driver.close_loop()

    outcomes = asyncio.run(log())
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], pooled.dialect.loaded_dbapi.IntegrityError), outcomes
    with pooled.connect() as conn:
        logged = conn.execute(select(Inquiry.decision_id).order_by(Inquiry.id)).scalars().all()
    assert logged == [first.decision.decision_id, second.decision.decision_id]


def test_connections_of_a_loop_that_ends_without_shutdown_are_ended(pooled: Engine) -> None:
    """A loop that ends without its app's shutdown (a test client used without ``with``)
    leaves no connection open once it is collected (psycopg would warn on each)."""
    world = _world(session_factory(pooled), random.Random(10))
    ask = (world["key"], "cn_ric", world["values"][0], world["program"])

    async def check() -> list[Any]:
        if not hotpath.on_loop(pooled):  # SQLite: nothing belongs to the loop
            return []
        decided = await hotpath.decide(pooled, *ask, lambda _party: None)
        assert decided is not None
        await inquirylog.write_async(pooled, decided[0].inquiry)
        readers = hotpath._async_readers.of(pooled)
        writer = inquirylog._loop_writers.of(pooled)
        return [*readers._idle, writer._connection]

    connections = asyncio.run(check())
    gc.collect()
    assert all(connection.closed for connection in connections)
    assert bool(connections) == hotpath.on_loop(pooled)


class _Refusing:
    """A rate limiter with no token left for anyone (``ratelimit.Limiter``)."""

    def take(self, _key: str) -> float:
        return 5.0


def _post(client: TestClient, key: str, subject: dict[str, str], program: str) -> Any:
    return client.post(
        "/v1/checks/eligibility",
        json={"subject": subject, "program": program},
        headers={"Authorization": f"Bearer {key}"},
    )


@pytest.mark.parametrize("refused_by", ["invalid identifier", "rate limit"])
def test_a_revoked_key_is_refused_before_anything_else(
    client: TestClient, world: World, engine: Engine, refused_by: str
) -> None:
    """A refusal the check makes before its one statement (an invalid identifier, the rate
    limit) rests on the cache, so it is confirmed at the head: a key revoked since is 401,
    as on the session path, not 422 or 429 (and no token is spent for it)."""
    key, program = world.a["key"], world.programs["rental"]
    grant(client, world.tokens["good"], program)
    assert _post(client, key, world.ref("good"), program).status_code == 200  # warms the cache
    subject = world.ref("good")
    if refused_by == "invalid identifier":
        subject = {"scheme": "cn_ric", "id": "11010519491231002"}  # a bad check digit
        assert _post(client, key, subject, program).status_code == 422
    else:
        client.app.state.access_limiter = _Refusing()  # type: ignore[attr-defined]
        assert _post(client, key, subject, program).status_code == 429
    with Session(engine) as s, s.begin():
        credentials.revoke(session=s, credential_id=parties.parse_key(key)[0])
    answer = _post(client, key, subject, program)
    assert answer.status_code == 401, answer.text


def test_a_program_ended_since_the_cache_is_404_before_an_invalid_identifier(
    client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    """The same for a program ended after the cache was filled: 404, as the session path
    answers (it looks the program up before the identifier), not 422."""
    key, program = world.a["key"], world.programs["rental"]
    grant(client, world.tokens["good"], program)
    assert _post(client, key, world.ref("good"), program).status_code == 200  # warms the cache
    with factory() as s, s.begin():  # the grant is audited: the head moves
        consents.grant(
            session=s, subject_id=world.subject_ids["fair"], program_id=program, expires_on=SOON
        )
        s.execute(update(Program).where(Program.id == program).values(active=False))
    bad = {"scheme": "cn_ric", "id": "11010519491231002"}
    answer = _post(client, key, bad, program)
    assert answer.status_code == 404, answer.text


class _Counting:
    """A rate limiter that always has a token, and counts the ones taken."""

    def __init__(self) -> None:
        self.taken: list[str] = []

    def take(self, key: str) -> float:
        self.taken.append(key)
        return 0.0


def test_a_check_the_session_path_decides_under_a_moving_head_takes_one_token(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the API: the hot path gives up on a head that keeps moving after it took the
    rate limit; the session path answers and does not take a second token."""
    key, program = world.a["key"], world.programs["rental"]
    grant(client, world.tokens["good"], program)
    assert _post(client, key, world.ref("good"), program).status_code == 200  # warms the cache
    limiter = client.app.state.access_limiter = _Counting()  # type: ignore[attr-defined]
    heads = itertools.count(10**6)
    monkeypatch.setattr(parties, "version_of", lambda _row: (next(heads), "moved"))
    answer = _post(client, key, world.ref("good"), program)
    assert answer.status_code == 200 and answer.json()["eligible"] is True, answer.text
    assert limiter.taken == [world.a["id"]]
    assert next(heads) >= 10**6 + hotpath.MOVES  # the hot path did follow the head


def test_a_check_under_a_moving_head_goes_to_the_session_path(
    engine: Engine, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each audited write moves the head; a check that sees it move ``MOVES`` times stops
    following it and answers None (the session path decides), taking the limit once."""
    world = _world(factory, random.Random(11))
    assert _check(engine, world["key"], world["values"][0], world["program"]) is not None
    heads = itertools.count(10**6)
    monkeypatch.setattr(parties, "version_of", lambda _row: (next(heads), "moved"))
    taken: list[str] = []

    async def once() -> tuple[checks.Checked, bool] | None:
        try:
            return await hotpath.decide(
                engine, world["key"], "cn_ric", world["values"][0], world["program"], taken.append
            )
        finally:
            await driver.close_loop()

    assert asyncio.run(once()) is None
    assert taken == [world["party"]]
    assert next(heads) >= 10**6 + hotpath.MOVES


def test_a_check_after_the_server_dropped_its_connections_is_answered(pooled: Engine) -> None:
    """The backends of the loop's idle connections terminated (a server restart): the next
    check reads again on a fresh connection (the reads are idempotent), not a bare 500, and
    takes the rate limit once; its inquiry is logged on a fresh connection too."""
    if not hotpath.on_loop(pooled):  # SQLite: no server to drop a connection
        return
    world = _world(session_factory(pooled), random.Random(12))
    ask = (world["key"], "cn_ric", world["values"][0], world["program"])
    taken: list[str] = []

    def terminate() -> int:
        with pooled.connect() as conn:
            ended = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND backend_type = 'client backend'"
                )
            ).scalar_one()
            conn.commit()
        return int(ended)

    async def checks_around_a_drop() -> list[bool]:
        try:
            decided = await hotpath.decide(pooled, *ask, taken.append)
            assert decided is not None
            await inquirylog.write_async(pooled, decided[0].inquiry)
            pooled.dispose()
            assert await asyncio.to_thread(terminate) >= 2  # the reader and the writer
            taken.clear()
            after = await hotpath.decide(pooled, *ask, taken.append)
            assert after is not None
            await inquirylog.write_async(pooled, after[0].inquiry)
            return [decided[0].decision.answer, after[0].decision.answer]
        finally:
            await driver.close_loop()

    assert asyncio.run(checks_around_a_drop()) == [True, True]
    assert taken == [world["party"]]
    with pooled.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Inquiry)).scalar_one() == 2


def test_checks_on_the_loop_take_no_connection_of_the_pool(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    """On PostgreSQL an eligibility check reads and logs on the loop's own connections, so
    the app's admission reserves of the engine's pool only what the session-path checks
    (restrictions, ledger programs) and the loop's one read take; SQLite checks read on the
    pool's connection."""
    world = _world(factory, random.Random(13))
    taken: list[object] = []

    def checkout(*_args: Any) -> None:
        taken.append(1)

    event.listen(engine.pool, "checkout", checkout)
    try:
        assert _check(engine, world["key"], world["values"][0], world["program"]) is not None
    finally:
        event.remove(engine.pool, "checkout", checkout)
    sqlite = engine.dialect.name == "sqlite"
    assert len(taken) == (1 if sqlite else 0)
    if sqlite:
        assert access_router.reserved(engine) == 1
    else:
        assert hotpath.on_loop(engine)
        kept = engine.pool.size()  # type: ignore[attr-defined]
        assert access_router.reserved(engine) == 1 + max(1, kept // 2)


def test_a_locked_bucket_file_refuses_after_a_short_wait(tmp_path: Path) -> None:
    """A take runs on a check's event loop: when another process holds the shared file's
    write lock, it waits ``BUSY`` seconds at most, then answers ``BUSY_WAIT`` (a 429) without
    spending a token, instead of stalling every check of the worker for 30 s."""
    path = tmp_path / "store.db.ratelimit"
    buckets = SharedBuckets(path, 1.0, 1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, held
    try:
        started = time.monotonic()
        assert buckets.take("k") == ratelimit.BUSY_WAIT
        assert time.monotonic() - started < 5 * ratelimit.BUSY
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert buckets.take("k") == 0.0  # the burst's token was not spent while locked


def test_the_inquiry_writer_waits_out_another_processes_write_lock(
    file_store: Engine, tmp_path: Path
) -> None:
    """Another process (here another connection) holds the store's write lock: a check
    waits for its inquiry (answered only once it is on disk), and is answered soon after
    the lock is let go, not after SQLite's busy handler's growing sleeps."""
    factory = session_factory(file_store)
    world = _world(factory, random.Random(3))
    other = sqlite3.connect(tmp_path / "store.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    answered: list[float] = []

    def ask() -> None:
        _eligibility(factory, world)
        answered.append(time.monotonic())

    thread = threading.Thread(target=ask)
    thread.start()
    # SQLite's own handler would be asleep from 328 ms to 428 ms of its wait here
    time.sleep(0.35)
    assert not answered  # still waiting for the lock: not answered before it is durable
    released = time.monotonic()
    other.execute("COMMIT")
    thread.join(10)
    assert answered and answered[0] - released < 0.04
    with file_store.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inquiries")).scalar_one() == 1
    other.close()


def test_a_write_lock_held_past_the_timeout_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inquirylog, "LOCK_TIMEOUT", 0.1)
    path = tmp_path / "locked.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("BEGIN IMMEDIATE")
    mine = sqlite3.connect(path, isolation_level=None)
    mine.execute("PRAGMA busy_timeout=0")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        inquirylog._lock_file(mine)
    assert 0.1 <= time.monotonic() - started < 1.0
    other.execute("COMMIT")
    inquirylog._lock_file(mine)  # free again: taken at once
    assert mine.in_transaction
    mine.execute("ROLLBACK")
    other.close()
    mine.close()
