"""Chart titles break between phrases (issue 22: 「…発行件 / 数に占める…」)."""

from kpi.charts.data import TITLE_EM, wrap

TITLE = "⑥ コンビニ交付可能な証明書発行件数に占めるコンビニ交付の割合"


def test_title_of_the_convenience_store_indicator_keeps_kensu_whole():
    lines = wrap(TITLE, TITLE_EM)
    assert len(lines) == 2
    assert "".join(lines) == TITLE
    assert not lines[0].endswith("件") and not lines[1].startswith("数")
    assert lines[1].startswith("占める") or lines[0].endswith("占める")


def test_short_title_stays_on_one_line():
    assert wrap("② コンビニ交付サービスの利用件数", TITLE_EM) == ("② コンビニ交付サービスの利用件数",)
