"""Alembic environment: runs migrations on the engine credo would use for the URL."""

from __future__ import annotations

from alembic import context

from credo.core.db import make_engine
from credo.models import metadata

config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # batch migrations rebuild tables other tables reference, and SQLite checks foreign
        # keys on DROP TABLE: they are off while migrating and checked once afterwards
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=sqlite)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"the migration left rows without their parents: {broken[:5]}")
engine.dispose()
