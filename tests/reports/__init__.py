"""Tests of kpi.reports: PDF, XLSX, PNG and the 工程表 sheets."""
