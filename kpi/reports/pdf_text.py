"""Paper layout rules shared by every PDF (report, 工程表, 懇話会 papers).

- Text in a cell is broken between phrases (``kpi.text.phrases``, BudouX), measured in the
  cell's own font: 「重点施 / 策」 or 「経営戦略 / 課」 cannot happen while the word fits a line.
- A table split across pages keeps at least ``MIN_ROWS`` body rows on each page (its header
  repeated), and a short table is not split at all: no page holds one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table

from kpi.text import fmt, phrases

CELL_PADDING = 12.0  # reportlab's default LEFTPADDING + RIGHTPADDING of a table cell, in pt
MIN_ROWS = 2  # body rows a split table keeps on each side of a page break


def esc(text: str) -> str:
    """One line of text for Paragraph markup: the one PDF escape, ``fmt.pdf_text``."""
    return fmt.pdf_text(text)


def lines(text: str, style: ParagraphStyle, width: float) -> tuple[str, ...]:
    """``text`` in lines of at most ``width`` points in ``style``'s font, broken between phrases."""
    font, size = style.fontName, style.fontSize
    # Half a point spare: reportlab's own wrap must never find a line too long by rounding.
    return phrases.wrap(text, width - 0.5, lambda s: stringWidth(s, font, size))


def para(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A Paragraph of ``text`` for a box ``width`` points wide (a cell: its column width minus
    ``CELL_PADDING``), its lines broken only between phrases."""
    return Paragraph("<br/>".join(esc(line) for line in lines(text, style, width)), style)


def cell(text: str, style: ParagraphStyle, column_width: float) -> Paragraph:
    """A table cell's Paragraph for a column ``column_width`` points wide."""
    return para(text, style, column_width - CELL_PADDING)


def kept_table(body: Sequence[Sequence[Any]], col_widths: Sequence[float], repeat_rows: int = 1, **kw: Any) -> Table:
    """A ``Table`` whose page breaks leave at least ``MIN_ROWS`` body rows on each page; a
    table of fewer than twice as many rows moves to the next page whole instead."""
    n = len(body)
    if n - repeat_rows >= 2 * MIN_ROWS:
        split_range = (repeat_rows + MIN_ROWS, n - MIN_ROWS)
    else:
        split_range = (n, n)
    return Table(body, colWidths=list(col_widths), repeatRows=repeat_rows, rowSplitRange=split_range, **kw)
