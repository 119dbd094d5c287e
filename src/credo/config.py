"""Settings: one pydantic-settings object, read from ``CREDO_*`` variables when asked for.

Nothing is read at import time; call :func:`get_settings`. Every field carries its help text
as the docstring under it (pydantic's ``use_attribute_docstrings``; its wrapped lines are
joined into one line after the class is built), and ``tests/test_docs.py`` fails when one is
missing or the setting is not in ``docs/settings.md``.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """credo's configuration; each field is a ``CREDO_<NAME>`` environment variable."""

    model_config = SettingsConfigDict(
        env_prefix="CREDO_", extra="ignore", use_attribute_docstrings=True
    )

    database_url: str = "sqlite:///./.credo/credo.db"
    """SQLAlchemy URL of the store: a SQLite file (default, WAL mode) or
    postgresql+psycopg://user@host:port/db."""

    secret: SecretStr = SecretStr("credo-development-secret-change-me")
    """Operator secret for the keyed hash (HMAC-SHA256) of person identifiers. Changing it makes
    existing person identifiers unfindable: set it once per registry."""

    operator_key: SecretStr | None = None
    """Bearer key for the operator endpoints under /v1/admin; unset, they refuse every request.
    `credo demo` sets one and prints it."""

    data_dir: str = "./.credo"
    """Folder for the SQLite file, snapshots and model files."""

    max_batch: int = Field(1000, ge=1)
    """Most records one POST /v1/records may carry; more is a 413."""

    max_body: int = Field(8 * 1024 * 1024, ge=1024)
    """Most bytes one HTTP request body may have; more is a 413, answered from Content-Length before
    reading or as soon as a chunked body passes it. Keep it above CREDO_PROOF_MAX_BYTES (a proof
    upload is one body)."""

    auth_failures: int = Field(20, ge=0)
    """Failed credentials (API keys, tokens, sign-ins) one address, and one key, may present before
    further attempts get 429 with Retry-After; the allowance refills over 10 minutes (per API
    process; 0 turns it off)."""

    ingest_chunk: int = Field(5000, ge=1)
    """Rows per transaction in bulk intake: each chunk commits with its audit event, so a crash
    loses at most the chunk in flight (never an acknowledged one)."""

    token_days: int = Field(30, ge=1)
    """Days a subject token issued by `credo subjects token` stays valid."""

    dispute_days: int = Field(20, ge=1)
    """Days a furnisher has to answer a dispute; unanswered, the record is deleted."""

    proof_max_bytes: int = Field(5_000_000, ge=1)
    """Largest proof-of-fulfilment document (PDF, PNG or JPEG) a subject may send, in bytes."""

    retention_years: int = Field(5, ge=1)
    """Years after the conduct ended that negative records are kept at most, and the furthest back
    any score feature reads."""

    repair_decision_days: int = Field(10, ge=1)
    """Working days (Mon-Fri) the operator has to decide a credit-repair request."""

    party_rate: float = Field(50.0, ge=0)
    """Requests a second each relying-party key may make, shared by every API process of the store
    on this host (token bucket; 0 turns the limit off); over it the answer is 429 with
    Retry-After."""

    party_burst: int = Field(100, ge=1)
    """Requests a relying-party key may make at once before CREDO_PARTY_RATE."""

    public_rate: float = Field(20.0, ge=0)
    """Requests a second each client address may make to the public register API (/v1/public/...;
    token bucket per process; 0 turns the limit off); over it, 429."""

    public_burst: int = Field(60, ge=1)
    """Requests a client address may make at once before CREDO_PUBLIC_RATE."""

    chromium: str = "/usr/bin/chromium"
    """Chromium executable that prints an organisation's report to PDF (/org/{uscc}/report.pdf,
    through Playwright)."""

    audit_key_path: str | None = None
    """Ed25519 private key (PKCS#8 PEM) that signs audit checkpoints; unset,
    <data_dir>/audit-checkpoint.key, generated on first use (mode 0600)."""

    spark_master: str | None = None
    """Spark master URL for `--engine spark` (e.g. spark://host:7077); unset, local mode on this
    machine's cores."""

    public_url: str = "http://127.0.0.1:8000"
    """Address people reach this registry at; notices and sign-in links start with it."""

    listing_notice_days: int = Field(10, ge=0)
    """Days a listing warning must have been delivered before the listing takes effect; an entry
    whose warning was not delivered does not take effect."""

    consent_notice_days: int = Field(7, ge=1)
    """Days before a consent ends that its subject is told it is about to expire."""

    smtp_host: str | None = None
    """SMTP server the worker sends e-mail notices through; unset, e-mail notices wait in the outbox
    (the inbox still gets every notice)."""

    smtp_port: int = Field(25, ge=1, le=65535)
    """Port of CREDO_SMTP_HOST."""

    smtp_tls: str = Field("none", pattern="^(none|starttls|tls)$")
    """none, starttls (upgrade a plain connection) or tls (implicit TLS, usually port 465)."""

    smtp_user: str | None = None
    """SMTP login user; unset, no login is attempted."""

    smtp_password: SecretStr | None = None
    """SMTP login password."""

    smtp_sender: str = "credo <notices@credo.invalid>"
    """From: address of e-mail notices."""

    smtp_timeout: float = Field(10.0, gt=0)
    """Seconds the worker waits on the SMTP server."""

    webhook_timeout: float = Field(10.0, gt=0)
    """Seconds the worker waits for a webhook receiver's answer; past it, the attempt failed and is
    retried."""

    notice_max_attempts: int = Field(8, ge=1)
    """Attempts at one notice before it is undeliverable and listed in the operator console."""

    notice_backoff: float = Field(30.0, gt=0)
    """Seconds before the first retry; each further retry waits twice as long (up to
    CREDO_NOTICE_BACKOFF_CAP)."""

    notice_backoff_cap: float = Field(3600.0, gt=0)
    """Longest wait between two attempts, in seconds."""

    notice_lease: float = Field(60.0, gt=0)
    """Seconds a worker holds the notices it claimed; a worker that dies holding them leaves them to
    the next worker after this."""

    worker_batch: int = Field(100, ge=1)
    """Notices one worker claims at a time."""

    worker_concurrency: int = Field(8, ge=1)
    """Deliveries one worker runs at once (threads; one SMTP connection each)."""

    signin_minutes: int = Field(15, ge=1)
    """Minutes an e-mailed sign-in link stays usable (once)."""

    signin_rate: int = Field(5, ge=1)
    """Sign-in links one identifier, or one address, may ask for in an hour; past it the answer is
    429 whether or not the pair is on file."""

    host: str = "127.0.0.1"
    """Address `credo serve` listens on."""

    port: int = 8000
    """Port `credo serve` listens on."""


def _one_line_descriptions(model: type[BaseSettings]) -> None:
    """Join the wrapped lines of each field's docstring into one line of help text, as the
    descriptions were before they moved to docstrings, and rebuild the model's JSON schema."""
    for field in model.model_fields.values():
        if field.description:
            field.description = " ".join(field.description.split())
    model.model_rebuild(force=True)


_one_line_descriptions(Settings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()
