"""Alembic environment: `ecocanvas.api.db.migrate` hands in the connection; nothing is read from alembic.ini."""

from __future__ import annotations

from alembic import context

from ecocanvas.api.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through api.db.migrate(engine)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
