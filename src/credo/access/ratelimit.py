"""Token buckets per key: ``rate`` requests a second, bursts up to ``burst``.

``TokenBuckets`` keeps them in the process (in-memory stores and tests). ``SharedBuckets``
keeps them in a small SQLite file beside the store that every API process on the host
opens, so N uvicorn workers together allow the rate once, not N times; each ``take`` is one
atomic upsert (no fsync: a bucket lost in a crash only refills early). Processes on other
hosts do not share the file; put a shared limiter in front (the proxy) there.
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from credo.access.driver import sqlite_locked


class Limiter(Protocol):
    def take(self, key: str) -> float: ...


class TokenBuckets:
    """Buckets keyed by credential id; ``take`` answers 0 (allowed) or seconds to wait."""

    def __init__(
        self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token of ``key``'s bucket; 0.0 if one was there, else seconds until one is."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


# One statement refills and spends atomically; ``spent`` tells whether a token was there.
_TAKE = """
INSERT INTO buckets (key, tokens, at, spent) VALUES (:key, :burst - 1.0, :now, 1)
ON CONFLICT (key) DO UPDATE SET
  tokens = CASE WHEN min(:burst, tokens + (:now - at) * :rate) >= 1.0
                THEN min(:burst, tokens + (:now - at) * :rate) - 1.0
                ELSE min(:burst, tokens + (:now - at) * :rate) END,
  spent = min(:burst, tokens + (:now - at) * :rate) >= 1.0,
  at = :now
RETURNING tokens, spent
"""


BUSY = 0.1  # seconds a take waits for the shared file's write lock (it holds it microseconds)
BUSY_WAIT = 1.0  # the wait answered when the lock stayed held that long (a 429, Retry-After: 1)


class SharedBuckets:
    """Token buckets in a SQLite file shared by every process that opens the same path."""

    def __init__(
        self,
        path: str | Path,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = str(path)
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._local = threading.local()
        with self._connect() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS buckets "
                "(key TEXT PRIMARY KEY, tokens REAL NOT NULL, at REAL NOT NULL, spent INTEGER)"
            )

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        return connection

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
            connection.execute(f"PRAGMA busy_timeout = {round(BUSY * 1000)}")
        return connection

    def take(self, key: str) -> float:
        """Spend one token of ``key``'s bucket; 0.0 if one was there, else seconds until one is.
        If the file stays locked for :data:`BUSY` seconds (another process holds its write
        lock), no token is spent and the answer is to wait :data:`BUSY_WAIT` seconds: the
        upsert runs on the event loop of a check, which must not stall on it."""
        if self.rate <= 0:
            return 0.0
        params = {"key": key, "burst": float(self.burst), "now": self.clock(), "rate": self.rate}
        try:
            tokens, spent = self._connection().execute(_TAKE, params).fetchone()
        except sqlite3.OperationalError as error:
            if not sqlite_locked(error):
                raise
            return BUSY_WAIT
        return 0.0 if spent else (1.0 - tokens) / self.rate


def shared_path(database_url: str) -> Path | None:
    """The bucket file for a store: beside a SQLite file, in the temp folder for a server
    store; None for an in-memory store (one process, so the in-process buckets do)."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[1] if "///" in database_url else ""
        if path in ("", ":memory:") or "mode=memory" in database_url:
            return None
        return Path(os.path.abspath(path.split("?", 1)[0]) + ".ratelimit")
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"credo-ratelimit-{digest}.sqlite"


def for_store(database_url: str, rate: float, burst: int) -> Limiter:
    """The limiter API processes of one store share: a file where there is one."""
    path = shared_path(database_url)
    if path is None:
        return TokenBuckets(rate, burst)
    return SharedBuckets(path, rate, burst)


_held_lock = threading.Lock()


def held(state: Any, name: str, rate: float, burst: int) -> Limiter:
    """The limiter an API app keeps on its ``state`` under ``name``: made once, on first use,
    for the app's store (``for_store``), so every process of that store shares its buckets."""
    buckets: Limiter | None = getattr(state, name, None)
    if buckets is None:
        with _held_lock:
            buckets = getattr(state, name, None)
            if buckets is None:
                buckets = for_store(state.settings.database_url, rate, burst)
                setattr(state, name, buckets)
    return buckets


def retry_after(wait: float) -> str:
    """A Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))
