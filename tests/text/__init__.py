"""Tests of kpi.text: the catalog in both languages, the palette, why-texts, the audit log in words."""
