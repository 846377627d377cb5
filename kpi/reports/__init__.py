"""Reports: PDF, XLSX and PNG of the progress, the 工程表 as the city hands it out, and the public
edition (static site and open data, ``publication``).

May import: ``kpi.services``, ``kpi.store``, ``kpi.charts``, ``kpi.text``, ``kpi.domain`` (never
``kpi.cycle``, ``kpi.web`` or ``kpi.cli``; the 懇話会 papers in ``kpi.cycle`` use these reports).
"""
