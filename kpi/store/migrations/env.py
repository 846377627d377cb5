"""Alembic environment: runs against the Engine handed over by kpi.db.upgrade, or inside the
caller's transaction on the Connection handed over by kpi.store.backup (a restore is all or
nothing, its migrations included)."""

from alembic import context
from sqlalchemy import Connection, Engine

from kpi.store.db import make_engine
from kpi.store.models import Base

config = context.config
given = config.attributes.get("connection")
if isinstance(given, Connection):
    context.configure(connection=given, target_metadata=Base.metadata, render_as_batch=given.dialect.name == "sqlite")
    with context.begin_transaction():  # the caller's transaction: alembic neither begins nor commits
        context.run_migrations()
else:
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        engine = make_engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
