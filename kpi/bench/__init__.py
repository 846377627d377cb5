"""``python -m kpi benchmark``: outside the runtime path (the app and the other commands never
import it, so they never load Playwright or AppTest).
"""
