"""Building blocks for the migrations' DDL: the constraint names and column kinds they repeat.

FROZEN. A migration is history: a store built today from revision 0001 must get the schema
it got when 0001 was written. Once a migration uses a helper here, what the helper emits
(names, types, nullability, the order of constraints) must never change; a table that needs
something else gets a new helper beside the old one. Nothing here imports credo's domain code
(models, services, web): a migration must not change when today's code does.

One caveat, not a schema difference: on SQLite, a table a migration rebuilds with
``op.batch_alter_table`` is re-created by Alembic from the table it reflects, so the ORDER of
the constraints in SQLite's stored ``CREATE TABLE`` text (``sqlite_master.sql``) of a
batch-rebuilt table is Alembic's, not the order these helpers emitted. Compared with stores
migrated by the migrations as they were before these helpers (2172bb7, measured revision by
revision): the constraints of statements come in another order at 0014 and after a downgrade
to 0014 or 0013, and those of scores, reviews and statements after a downgrade to 0011; every
other table's text, and every table at 0015, is the same. Their names, columns, types and
nullability are the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


def create_table(
    name: str,
    *columns: sa.Column[Any],
    references: Mapping[str, str] | None = None,
    primary_key: Sequence[str] = ("id",),
    unique: Sequence[Sequence[str]] = (),
) -> sa.Table:
    """``op.create_table`` with its constraints named as ``credo.core.db.NAMING`` named them.

    ``references`` maps a column to the table whose ``id`` it references
    (``fk_<table>_<column>_<referred>``), in the order given; then the primary key
    (``pk_<table>``); then each ``unique`` group (``uq_<table>_<first column>``).
    Returns the table, as ``op.create_table`` does (for copying rows into it).
    """
    return op.create_table(
        name,
        *columns,
        *(
            sa.ForeignKeyConstraint(
                [column], [f"{referred}.id"], name=op.f(f"fk_{name}_{column}_{referred}")
            )
            for column, referred in (references or {}).items()
        ),
        sa.PrimaryKeyConstraint(*primary_key, name=op.f(f"pk_{name}")),
        *(sa.UniqueConstraint(*group, name=op.f(f"uq_{name}_{group[0]}")) for group in unique),
    )


def integer_id() -> sa.Column[int]:
    """The ``id`` most tables are keyed by: an integer (SQLite's rowid)."""
    return sa.Column("id", sa.Integer(), nullable=False)


def big_id(name: str = "id") -> sa.Column[int]:
    """A 64-bit key on PostgreSQL; on SQLite an INTEGER, so that it is the rowid."""
    return sa.Column(name, sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False)


def subject_id(*, nullable: bool = False) -> sa.Column[int]:
    """The subject a row is about (its reference is named in ``create_table``)."""
    return sa.Column("subject_id", sa.Integer(), nullable=nullable)


def state() -> sa.Column[str]:
    """Where a row stands in its workflow (open, decided, sent, ...)."""
    return sa.Column("state", sa.String(length=16), nullable=False)


def created_at() -> sa.Column[dt.datetime]:
    """When the row was made."""
    return timestamp("created_at")


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[dt.datetime]:
    """A point in time, stored with its time zone."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def key_columns(*, nullable: bool = False) -> tuple[sa.Column[str], sa.Column[str]]:
    """A credential's public id and the hash of its secret (before revision 0010)."""
    return (
        sa.Column("key_id", sa.String(length=32), nullable=nullable),
        sa.Column("key_hash", sa.String(length=64), nullable=nullable),
    )
