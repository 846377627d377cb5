"""One function per user action, taking the session and the actor: actual entry, bulk import,
self-assessment, milestones, plan admin, new year, demo, and the page views. May import:
``kpi.store``, ``kpi.charts``, ``kpi.text``, ``kpi.domain``.
"""
