"""Alembic environment: runs against the Engine handed over by kpi.db.upgrade."""

from alembic import context
from sqlalchemy import Engine

from kpi.store.db import make_engine
from kpi.store.models import Base

config = context.config
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
