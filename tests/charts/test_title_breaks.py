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
    assert bars.constraintext == "none" and bars.textfont.size >= 10  # 「各課照会」 was drawn 5 px high
    assert "各課照会" in bars.text and "懇話会" in bars.text
    assert figures._bar_text("各課照会", 1) == "各課照会"  # four characters fit one month
    long = figures._bar_text("マイナンバーカード交付件数に占める電子申請の割合", 2)
    assert "<br>" in long and "件<br>数" not in long
