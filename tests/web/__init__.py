"""Tests of kpi.web and the pages, run by Streamlit's AppTest."""
