"""Tests of kpi.services: one user action each (actual entry, bulk import, plan admin, new year)."""
