"""What a chart shows (``kpi.charts.data``) and its screen renderer (plotly), sparklines and the
工程表 list. May import: ``kpi.text``, ``kpi.domain``.
"""
