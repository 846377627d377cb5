"""Line breaks never fall inside a number or a Latin word (issue 22's screenshot pass: the
注意・遅延 reasons read 「（202 / 6年10月予定・未完了）」 and 「（予定 202 / 6年10月）」)."""

from __future__ import annotations

import pytest

from kpi.text.phrases import html, phrases

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("× 遅延: マイルストーン 条例に基づく手続きの実施状況の公開（2026年10月予定・未完了）", "（2026年10月予定・"),
        ("期限超過・未完了（予定 2026年10月）", "2026年10月）"),
        ("2026年10月・経営戦略課 実績メモ", "2026年10月・"),
        ("収納手数料 3,214,545円", "3,214,545円"),
        ("AI・RPAの利用推進", "RPAの"),
    ],
)
def test_a_number_or_latin_word_stays_in_one_phrase(text: str, whole: str) -> None:
    parts = phrases(text)
    assert "".join(parts) == text
    assert whole in parts, parts
    assert whole.replace("<", "&lt;") in html(text).split("<wbr>")


def test_a_list_still_breaks_after_its_commas() -> None:
    assert phrases("a, b, 3, 4") == ("a,", " ", "b,", " ", "3,", " ", "4")
