"""What a chart shows (``kpi.charts.data``), where its labels go (``kpi.charts.label_placement``),
its screen renderer (plotly), sparklines and the 工程表 list. May import: ``kpi.text``, ``kpi.domain``.
"""
