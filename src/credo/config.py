"""Settings: one pydantic-settings object, read from ``CREDO_*`` variables when asked for.

Nothing is read at import time; call :func:`get_settings`. Every field carries help
text, and ``tests/test_docs.py`` fails when one is missing from ``docs/settings.md``.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """credo's configuration; each field is a ``CREDO_<NAME>`` environment variable."""

    model_config = SettingsConfigDict(env_prefix="CREDO_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./.credo/credo.db",
        description="SQLAlchemy URL of the store: a SQLite file (default, WAL mode) or "
        "postgresql+psycopg://user@host:port/db.",
    )
    secret: SecretStr = Field(
        default=SecretStr("credo-development-secret-change-me"),
        description="Operator secret for the keyed hash (HMAC-SHA256) of person identifiers. "
        "Changing it makes existing person identifiers unfindable: set it once per registry.",
    )
    operator_key: SecretStr | None = Field(
        default=None,
        description="Bearer key for the operator endpoints under /v1/admin; unset, they refuse "
        "every request. `credo demo` sets one and prints it.",
    )
    data_dir: str = Field(
        default="./.credo",
        description="Folder for the SQLite file, snapshots and model files.",
    )
    max_batch: int = Field(
        default=1000,
        ge=1,
        description="Most records one POST /v1/records may carry; more is a 413.",
    )
    max_body: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        description="Most bytes one HTTP request body may have; more is a 413, answered from "
        "Content-Length before reading or as soon as a chunked body passes it.",
    )
    ingest_chunk: int = Field(
        default=5000,
        ge=1,
        description="Rows per transaction in bulk intake: each chunk commits with its audit "
        "event, so a crash loses at most the chunk in flight (never an acknowledged one).",
    )
    token_days: int = Field(
        default=30,
        ge=1,
        description="Days a subject token issued by `credo subjects token` stays valid.",
    )
    dispute_days: int = Field(
        default=20,
        ge=1,
        description="Days a furnisher has to answer a dispute; unanswered, the record is deleted.",
    )
    retention_years: int = Field(
        default=5,
        ge=1,
        description="Years after the conduct ended that negative records are kept at most.",
    )
    repair_decision_days: int = Field(
        default=10,
        ge=1,
        description="Working days (Mon-Fri) the operator has to decide a credit-repair request.",
    )
    party_rate: float = Field(
        default=50.0,
        ge=0,
        description="Requests a second each relying-party key may make to one API process "
        "(token bucket; 0 turns the limit off); over it the answer is 429 with Retry-After.",
    )
    party_burst: int = Field(
        default=100,
        ge=1,
        description="Requests a relying-party key may make at once before CREDO_PARTY_RATE.",
    )
    public_rate: float = Field(
        default=20.0,
        ge=0,
        description="Requests a second each client address may make to the public register API "
        "(/v1/public/...; token bucket per process; 0 turns the limit off); over it, 429.",
    )
    public_burst: int = Field(
        default=60,
        ge=1,
        description="Requests a client address may make at once before CREDO_PUBLIC_RATE.",
    )
    chromium: str = Field(
        default="/usr/bin/chromium",
        description="Chromium executable that prints an organisation's report to PDF "
        "(/org/{uscc}/report.pdf, through Playwright).",
    )
    audit_key_path: str | None = Field(
        default=None,
        description="Ed25519 private key (PKCS#8 PEM) that signs audit checkpoints; unset, "
        "<data_dir>/audit-checkpoint.key, generated on first use (mode 0600).",
    )
    spark_master: str | None = Field(
        default=None,
        description="Spark master URL for `--engine spark` (e.g. spark://host:7077); unset, "
        "local mode on this machine's cores.",
    )
    host: str = Field(default="127.0.0.1", description="Address `credo serve` listens on.")
    port: int = Field(default=8000, description="Port `credo serve` listens on.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()
