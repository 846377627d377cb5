"""The year-end cycle (各課照会 → 総括 → 懇話会): evaluations, the inquiry workbook, council
papers and reminders. May import everything below ``kpi.web`` and ``kpi.cli``.
"""
