"""The database: engine and sessions, ORM models, Alembic migrations, revisions, the plan store,
accounts, locks, audit queries and bootstrap. The only package that imports sqlalchemy. May
import: ``kpi.text``, ``kpi.domain``.
"""
