"""Organisation full-text search: SQLite FTS5 or PostgreSQL text search, chosen in one place.

Only organisations are ever indexed or answered: the SQLite index is a *contentless* FTS5
table filled from ``subjects WHERE kind = 'organisation'`` (it holds no text a person could
be found by), and every query joins back to ``subjects`` with the same filter. The index is
kept in step incrementally: a one-row watermark table remembers the highest subject id seen,
and :func:`sync` indexes the organisations above it (subjects are only ever inserted, never
renamed). PostgreSQL needs no sync: a partial GIN expression index does the work.

The dialect differences live in the :data:`DIALECTS` table; :func:`_dialect` is the one
place that picks an entry (``batch/engines.py`` style).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, TextClause, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

FTS_TABLE = "org_search"
STATE_TABLE = "org_search_state"
MAX_TOKENS = 8
LIMIT = 20
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    """One organisation found: its code (the page key) and registered name."""

    uscc: str
    name: str


def tokens(query: str) -> list[str]:
    """The words of a query, lower-cased (at most eight; punctuation dropped)."""
    return [t.lower() for t in _WORD.findall(query)][:MAX_TOKENS]


def sqlite_match(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word as a prefix (words are ``\\w+``, safe to quote)."""
    return " ".join(f'"{w}"*' for w in words)


def pg_tsquery(words: list[str]) -> str:
    """A ``to_tsquery('simple', ...)`` expression: every word as a prefix."""
    return " & ".join(f"{w}:*" for w in words)


# --- SQLite -----------------------------------------------------------------------------

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, code, content='', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} ("
    "id INTEGER PRIMARY KEY CHECK (id = 1), last_subject_id INTEGER NOT NULL)",
    f"INSERT OR IGNORE INTO {STATE_TABLE} (id, last_subject_id) VALUES (1, 0)",
)
SQLITE_BEHIND = text(
    f"SELECT coalesce((SELECT max(id) FROM subjects), 0) > "
    f"(SELECT last_subject_id FROM {STATE_TABLE} WHERE id = 1)"
)
SQLITE_SYNC = (
    text(
        f"INSERT INTO {FTS_TABLE} (rowid, name, code) "
        "SELECT id, coalesce(name, ''), display_id FROM subjects "
        "WHERE kind = 'organisation' AND id > "
        f"(SELECT last_subject_id FROM {STATE_TABLE} WHERE id = 1) ORDER BY id"
    ),
    text(
        f"UPDATE {STATE_TABLE} SET last_subject_id = "
        "(SELECT coalesce(max(id), 0) FROM subjects) WHERE id = 1"
    ),
)
SQLITE_QUERY = text(
    f"SELECT s.display_id, coalesce(s.name, '') FROM {FTS_TABLE} f "
    "JOIN subjects s ON s.id = f.rowid "
    f"WHERE {FTS_TABLE} MATCH :q AND s.kind = 'organisation' "
    "ORDER BY f.rank, s.id LIMIT :n"
)

# --- the public register's search: one statement per page ----------------------------------
# The same match, filter and order as the plain query, then each hit's grade, safety ratings
# and open appeals by primary-key joins.

_GRADED = (
    "SELECT h.display_id, h.name, g.grade, r.domain, r.rating, r.inspection_on, "
    "(SELECT 1 FROM register_requests q WHERE q.subject_id = h.id AND q.domain = r.domain "
    "AND q.kind = 'appeal' AND q.state = 'open' LIMIT 1) "
    "FROM hits h LEFT JOIN register_grades g ON g.subject_id = h.id "
    "LEFT JOIN register_ratings r ON r.subject_id = h.id ORDER BY h.pos, h.id, r.domain"
)
SQLITE_GRADED = text(
    "WITH hits AS (SELECT s.id, s.display_id, coalesce(s.name, '') AS name, f.rank AS pos "
    f"FROM {FTS_TABLE} f JOIN subjects s ON s.id = f.rowid "
    f"WHERE {FTS_TABLE} MATCH :q AND s.kind = 'organisation' "
    "ORDER BY f.rank, s.id LIMIT :n OFFSET :o) " + _GRADED
)

# --- PostgreSQL -------------------------------------------------------------------------

PG_DOCUMENT = "to_tsvector('simple', coalesce(name, '') || ' ' || display_id)"
PG_DDL = (
    f"CREATE INDEX IF NOT EXISTS ix_subjects_org_search ON subjects USING gin ({PG_DOCUMENT}) "
    "WHERE kind = 'organisation'",
)
PG_QUERY = text(
    "SELECT display_id, coalesce(name, '') FROM subjects "
    f"WHERE kind = 'organisation' AND {PG_DOCUMENT} @@ to_tsquery('simple', :q) "
    f"ORDER BY ts_rank({PG_DOCUMENT}, to_tsquery('simple', :q)) DESC, id LIMIT :n"
)
PG_GRADED = text(
    "WITH hits AS (SELECT id, display_id, coalesce(name, '') AS name, "
    f"-ts_rank({PG_DOCUMENT}, to_tsquery('simple', :q)) AS pos "
    f"FROM subjects WHERE kind = 'organisation' AND {PG_DOCUMENT} @@ "
    f"to_tsquery('simple', :q) ORDER BY ts_rank({PG_DOCUMENT}, "
    "to_tsquery('simple', :q)) DESC, id LIMIT :n OFFSET :o) " + _GRADED
)


@dataclass(frozen=True)
class Dialect:
    """What one database needs: its DDL, how to catch up, how to ask (names, or a graded page)."""

    ddl: tuple[str, ...]
    behind: TextClause | None
    sync: tuple[TextClause, ...]
    query: TextClause
    graded: TextClause
    expression: Callable[[list[str]], str]


DIALECTS: dict[str, Dialect] = {
    "sqlite": Dialect(
        SQLITE_DDL, SQLITE_BEHIND, SQLITE_SYNC, SQLITE_QUERY, SQLITE_GRADED, sqlite_match
    ),
    "postgresql": Dialect(PG_DDL, None, (), PG_QUERY, PG_GRADED, pg_tsquery),
}

_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


def _dialect(bind: Engine | Connection) -> Dialect:
    name = bind.dialect.name
    if name not in DIALECTS:
        raise NotImplementedError(f"organisation search has no support for {name!r}")
    return DIALECTS[name]


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def create(connection: Connection) -> None:
    """Create the index (idempotent); migration 0007 keeps its own copy of this DDL."""
    for statement in _dialect(connection).ddl:
        connection.exec_driver_sql(statement)


def ensure(engine: Engine) -> None:
    """Create the index once per engine (stores migrated by 0007 already have it)."""
    if engine in _ready:
        return
    with engine.begin() as connection:
        create(connection)
    _ready.add(engine)


def sync(engine: Engine) -> int:
    """Index organisations inserted since the last sync; returns how many rows were added.

    Runs in its own short transaction. Losing a race with another writer is harmless: the
    rows are indexed by the next call.
    """
    ensure(engine)
    dialect = _dialect(engine)
    if dialect.behind is None:
        return 0
    try:
        with engine.begin() as connection:
            if not connection.execute(dialect.behind).scalar_one():
                return 0
            added = connection.execute(dialect.sync[0]).rowcount
            connection.execute(dialect.sync[1])
            return int(added or 0)
    except OperationalError:
        return 0


def search(*, session: Session, query: str, limit: int = LIMIT) -> list[Hit]:
    """Organisations whose name or code words start with every word of the query."""
    words = tokens(query)
    if not words:
        return []
    engine = _engine(session)
    sync(engine)
    dialect = _dialect(engine)
    rows = session.execute(
        dialect.query,
        {"q": dialect.expression(words), "n": limit},
    )
    return [Hit(code, name) for code, name in rows]


def graded_page(
    *, session: Session, query: str, page: int = 1, per_page: int = LIMIT
) -> dict[str, Any]:
    """One page of the public register's search: the organisations matching ``query`` (as
    :func:`search`), each with its grade and safety ratings, and the next page's number."""
    words = tokens(query)
    rows: list[Any] = []
    if words:
        engine = _engine(session)
        sync(engine)
        dialect = _dialect(engine)
        asked = {"q": dialect.expression(words), "n": per_page + 1, "o": (page - 1) * per_page}
        rows = list(session.execute(dialect.graded, asked))
    found: dict[str, dict[str, Any]] = {}
    for code, name, grade, domain, rating, inspected, appealed in rows:
        hit = found.setdefault(code, {"uscc": code, "name": name, "grade": grade, "ratings": {}})
        if domain is not None:
            hit["ratings"][domain] = {
                "rating": rating,
                "inspection_on": str(inspected)[:10],
                "status": "under appeal" if appealed else "rated",
            }
    hits = list(found.values())
    more = len(hits) > per_page
    return {
        "query": query,
        "page": page,
        "per_page": per_page,
        "hits": hits[:per_page],
        "next_page": page + 1 if more else None,
    }
