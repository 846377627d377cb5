"""The domain: pure rules and the read model.

Fiscal calendar, numbers, status rules, the read model (``PlanData``), the statuses of a
year, permissions and the inquiry workflow. May import: the standard library, pandas (frames
in memory, no I/O). Never sqlalchemy, streamlit or any other ``kpi`` package.
"""
