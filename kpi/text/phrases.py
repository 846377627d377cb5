"""Japanese line breaks between phrases, never inside a word (BudouX).

Every renderer that breaks lines itself uses this one module: the chart titles
(``kpi.charts.data.wrap``, drawn by plotly and matplotlib), the PDF's table cells and
headers (reportlab, pre-wrapped with ``wrap``) and the screen's tables (``html`` puts
``<wbr>`` between phrases; the CSS sets ``word-break: keep-all`` so the browser breaks only
there). BudouX (Google's phrase segmenter) splits 「マイナンバーカード交付件数に占める」 into
「マイナンバーカード交付件数に / 占める」, so 「…発行件 / 数に…」 cannot happen.
"""

from __future__ import annotations

import html as _html
import math
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

SOFT = " 　・、。，,/／"  # a phrase also ends after one of these (a space, 「・」, punctuation)
NUMBER_SEP = re.compile(r"\d[,.]$")  # 「12,」 before 「345件」: one number, not two phrases


@lru_cache(maxsize=1)
def _parser() -> Any:
    import budoux

    return budoux.load_default_japanese_parser()


def em_width(text: str) -> float:
    """Width in em: full-width characters take 1, others about 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.6 for c in text)


@lru_cache(maxsize=8192)
def phrases(text: str) -> tuple[str, ...]:
    """``text`` in phrases, joined they give ``text`` back; a line may break between any two."""
    if not text:
        return ()
    out: list[str] = []
    for chunk in _parser().parse(text):
        start = 0
        for i, c in enumerate(chunk):
            if c in SOFT and i + 1 < len(chunk):
                out.append(chunk[start : i + 1])
                start = i + 1
        out.append(chunk[start:])
    return tuple(_whole_numbers([p for p in out if p]))


def _whole_numbers(parts: list[str]) -> list[str]:
    """BudouX's model sometimes cuts inside a number or a Latin word (「（202」「6年10月予定・」):
    a boundary between two ASCII letters or digits, or inside 「12,345」, is taken back."""
    out: list[str] = []
    for p in parts:
        inside_word = _ascii_alnum(p[:1]) and _ascii_alnum(out[-1][-1:]) if out else False
        inside_number = bool(out) and p[:1].isdigit() and NUMBER_SEP.search(out[-1]) is not None
        if inside_word or inside_number:
            out[-1] += p
        else:
            out.append(p)
    return out


def _ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _hard_break(phrase: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A phrase wider than a line: broken by characters (the only choice left), into pieces
    of even length where they fit (「各課 / 照会」, not 「各課照 / 会」)."""
    n = math.ceil(measure(phrase) / width)
    per = math.ceil(len(phrase) / n)
    pieces = [phrase[i : i + per] for i in range(0, len(phrase), per)]
    if len(pieces) == n and all(measure(p) <= width for p in pieces):
        return pieces
    lines, cur = [], ""
    for c in phrase:
        if cur and measure(cur + c) > width:
            lines.append(cur)
            cur = c
        else:
            cur += c
    return [*lines, cur] if cur else lines


def wrap(text: str, width: float, measure: Callable[[str], float] = em_width) -> tuple[str, ...]:
    """Lines of at most ``width`` (in ``measure``'s unit), broken only between phrases; an
    explicit newline is kept. A single phrase wider than a line is broken by characters."""
    lines: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for ph in phrases(para):
            cand = cur + ph
            if measure(cand.rstrip()) <= width:
                cur = cand
                continue
            if cur.strip():
                lines.append(cur.rstrip())
            cur = ph.lstrip()
            if measure(cur.rstrip()) > width:
                *full, cur = _hard_break(cur, width, measure)
                lines += full
        lines.append(cur.rstrip())
    return tuple(lines) or ("",)


def html(text: str) -> str:
    """Escaped HTML of ``text`` with ``<wbr>`` between its phrases (newlines as ``<br>``);
    shown with ``word-break: keep-all`` the browser breaks a line only there."""
    return "<br>".join("<wbr>".join(_html.escape(p) for p in phrases(line)) for line in text.split("\n"))
