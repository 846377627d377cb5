"""Tests of kpi.store: the database (SQLite and PostgreSQL), the plan file, accounts, migrations."""
