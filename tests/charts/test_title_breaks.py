"""Chart titles break between phrases (issue 22: 「…発行件 / 数に占める…」)."""

from sqlalchemy import Engine

from kpi.charts import figures
from kpi.charts.data import TITLE_EM, wrap
from kpi.domain.fiscal import Month
from kpi.domain.statuses import indicator_statuses
from kpi.store.db import transaction
from kpi.store.reads import plan_data

TITLE = "⑥ コンビニ交付可能な証明書発行件数に占めるコンビニ交付の割合"


def test_title_of_the_convenience_store_indicator_keeps_kensu_whole():
    lines = wrap(TITLE, TITLE_EM)
    assert len(lines) == 2
    assert "".join(lines) == TITLE
    assert not lines[0].endswith("件") and not lines[1].startswith("数")
    assert lines[1].startswith("占める") or lines[0].endswith("占める")


def test_short_title_stays_on_one_line():
    assert wrap("② コンビニ交付サービスの利用件数", TITLE_EM) == ("② コンビニ交付サービスの利用件数",)


def test_gantt_step_labels_are_never_shrunk_and_long_texts_break_between_phrases(demo_engine: Engine) -> None:
    with transaction(demo_engine) as st:
        data = plan_data(st, 2026)
    assert data is not None
    fig = figures.gantt_chart(data, indicator_statuses(data, Month(2026, 10)), Month(2026, 10), [1])
    bars = next(t for t in fig.data if t.type == "bar")
    assert bars.constraintext == "none"  # 「各課照会」 was shrunk by plotly to 5 px high
    assert min(bars.textfont.size) >= figures.SMALL_BAR_TEXT_PX >= 9
    texts = [t.replace("<br>", "") for t in bars.text]
    assert "各課照会" in texts and "懇話会" in texts
    # A one-month bar: two short lines at 9 px, each within the month's column.
    text, size = figures._bar_text("各課照会", 1)
    assert size == 9 and text == "各課<br>照会"
    assert figures._bar_text("総括", 1) == ("総括", 11)
    assert figures._bar_text("懇話会", 1) == ("懇話会", 9)
    long, _ = figures._bar_text("マイナンバーカード交付件数に占める電子申請の割合", 3)
    assert "<br>" in long and "件<br>数" not in long
