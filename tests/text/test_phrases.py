"""Japanese line breaks between phrases (kpi.text.phrases, BudouX)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.text import phrases

TITLE = "⑥ コンビニ交付可能な証明書発行件数に占めるコンビニ交付の割合"


def test_phrases_join_back_to_the_text_and_keep_words_whole():
    parts = phrases.phrases(TITLE)
    assert "".join(parts) == TITLE
    assert not any(p.endswith("件") for p in parts)  # 「件数」 is one word
    assert "占める" in "".join(parts[1:])


def test_wrap_breaks_only_between_phrases():
    lines = phrases.wrap(TITLE, 16)
    assert len(lines) > 1
    assert all(phrases.em_width(line) <= 16 for line in lines)
    assert not any(line.endswith("発行件") for line in lines)
    boundaries = set()
    at = 0
    for p in phrases.phrases(TITLE):
        at += len(p)
        boundaries.add(at)
    at = 0
    for line in lines[:-1]:
        at = TITLE.index(line, at) + len(line)
        assert at in boundaries or TITLE[at] == " "


def test_wrap_breaks_a_phrase_wider_than_a_line_by_characters():
    lines = phrases.wrap("ああああああああああ", 4)
    assert lines == ("ああああ", "ああああ", "ああ")


def test_wrap_keeps_newlines():
    assert phrases.wrap("経営戦略課\n市民課", 20) == ("経営戦略課", "市民課")


def test_html_puts_wbr_between_phrases_and_escapes():
    out = phrases.html("電子申請の割合 <b>")
    assert "<wbr>" in out
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert out.replace("<wbr>", "") == "電子申請の割合 &lt;b&gt;"


@settings(max_examples=60, derandomize=True)
@given(st.text(alphabet="あいう漢字カナ・ 12abc", max_size=40), st.integers(min_value=2, max_value=12))
def test_wrap_loses_no_text_and_respects_the_width(text, width):
    lines = phrases.wrap(text, width)
    assert all(phrases.em_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
