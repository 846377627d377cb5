"""Tests of kpi.charts: chart data, figures, sparklines, the 工程表 list."""
