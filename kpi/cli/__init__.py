"""``python -m kpi``: the parser (``kpi.cli.main``) and one command module per subject. May
import every other ``kpi`` package except ``kpi.web``.
"""
