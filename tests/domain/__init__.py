"""Tests of kpi.domain: the pure rules (status, fiscal calendar, permissions, the workflow)."""
