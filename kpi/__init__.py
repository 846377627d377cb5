"""The KPI dashboard of a municipal DX action plan. Subpackages by layer: see README "Layout"."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout: app.py, pages/, data/
