"""Words and formatting: the one label catalog (both languages), the palette, how values read,
why-texts, the audit log in words and spreadsheet cell safety. May import: ``kpi.domain``.
"""
