"""One month format in all Japanese text (issue 22): every page, as an administrator, an
editor and a visitor, shows months as 「2026年10月」 (in month columns 「10月」 under the year),
never as 2026-10, in headings, captions, choosers, messages and table cells."""

from __future__ import annotations

import re

import pytest

from tests.across.test_languages import PAGES, WHO, _open, demo_db, page_texts

__all__ = ["demo_db"]  # the shared fixture: the plan, sample data, a history and an inquiry

# 2026-10 or 2026-10-05 standing alone (not inside a file name, a URL or a longer number); a
# time stamp of a revision (「2026-12-02 11:46」, kpi.domain.clock.local_time_text) is a clock
# reading and stays as it is.
ISO_MONTH = re.compile(r"(?<![\w./-])\d{4}-\d{2}(?:-\d{2}(?! \d{2}:\d{2}))?(?![\w.-])")


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("page", PAGES)
def test_japanese_page_writes_months_in_one_format(demo_db: tuple[str, re.Pattern[str]], page: str, who: str) -> None:
    # The plan's own text is not removed first: its months (a ●'s due month) are data, and
    # the pages must print them in the one format too.
    at = _open(page, "ja", WHO[who])
    found = []
    for text in page_texts(at):
        plain = re.sub(r"`[^`]*`", " ", text)  # a command to type is not prose
        if ISO_MONTH.search(plain):
            found.append(text[:120])
    assert not found, f"{page} ({who}):\n" + "\n".join(sorted(set(found))[:100])


@pytest.mark.parametrize("page", ["app.py", "pages/1_measures.py"])
def test_month_columns_read_month_under_its_calendar_year(demo_db: tuple[str, re.Pattern[str]], page: str) -> None:
    at = _open(page, "ja", None)
    tables = [str(m.value) for m in at.markdown if "kpi-table kpi-history" in str(m.value)]
    assert tables, "the 月別の状況 table is drawn"
    head = tables[0].split("<tbody>")[0]
    spans = re.findall(r'<th colspan="(\d+)" class="kpi-over">(\d{4})年</th>', head)
    months = re.findall(r"<th>(\d{1,2})月</th>", head)
    assert spans and spans[0][1] == "2026", head[:400]
    assert sum(int(n) for n, _ in spans) == len(months)  # every month column has its year above
