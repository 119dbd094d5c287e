"""Alembic environment: runs migrations on the engine credo would use for the URL."""

from __future__ import annotations

from alembic import context

from credo.core.db import make_engine
from credo.models import metadata

config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
