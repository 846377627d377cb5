"""``benchmark --browser`` names the lines issue 22 asks for: 重点施策別, 実施事業, 工程表 and the
レポート page's PDF (against the command line's time for the same scope)."""

from kpi.bench import browser


def test_browser_lines_cover_measures_projects_schedule_and_the_report_pdf() -> None:
    names = [n for page in browser.PAGES for n in browser.line_names(page)]
    for page in ("重点施策別", "実施事業", "工程表"):
        assert any(n.startswith(page) and n.endswith("browser cold") for n in names)
        assert any(n.startswith(page) and n.endswith("browser warm") for n in names)
    assert browser.report_line_name("all") == "レポート PDF（全体） browser"
    assert browser.report_line_name("measure:1") == "レポート PDF（measure:1） browser"


def test_pages_are_ready_with_what_they_show_by_default_including_the_chart_pictures() -> None:
    # Never less than the reader sees: the pictures made on the server are part of "ready".
    content = {p.link: p.content for p in browser.PAGES}
    assert any(c.endswith(".kpi-indicator-table") for c in content["重点施策別"])
    assert browser.PICTURE in content["重点施策別"] and browser.PICTURE.endswith("img.kpi-chart-img")
    assert content["実施事業"] == (browser.GANTT,) and content["工程表"] == (browser.GANTT,)
    assert "img.kpi-chart-img" in browser.DRAWN_JS and "naturalWidth" in browser.DRAWN_JS
