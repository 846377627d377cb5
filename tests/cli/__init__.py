"""Tests of kpi.cli and the benchmark command."""
