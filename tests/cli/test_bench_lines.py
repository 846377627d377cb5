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


def test_measure_and_project_pages_are_ready_with_their_compact_content() -> None:
    content = {p.link: p.content for p in browser.PAGES}
    assert content["重点施策別"].endswith(".kpi-indicator-table")
    assert content["実施事業"].endswith(".kpi-schedule-list")
