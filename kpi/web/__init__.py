"""The Streamlit shell: the only package of ``kpi`` that imports streamlit. Cached reads, the
page frame and error guard, navigation, HTML and widgets, the login UI. May import every
other ``kpi`` package except ``kpi.cli`` and ``kpi.bench``.
"""
