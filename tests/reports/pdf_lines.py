"""Text lines of a PDF with their page and position (pypdf's text visitor): for layout tests."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    x: float
    y: float  # from the bottom of the page, in points
    text: str


def pdf_lines(pdf: bytes) -> list[Line]:
    """Every text run reportlab drew (one run per line of a Paragraph), page by page."""
    out: list[Line] = []
    for n, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: object, n: int = n) -> None:
            if text.strip():
                # reportlab sets the text matrix per run; the current matrix places the frame.
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                line = Line(n, round(x, 1), round(y, 1), text.strip())
                last = out[-1] if out else None
                # A run that switches between the font's subsets comes in pieces at one position.
                if last is not None and (last.page, last.x, last.y) == (line.page, line.x, line.y):
                    out[-1] = Line(n, line.x, line.y, last.text + line.text)
                else:
                    out.append(line)

        page.extract_text(visitor_text=visit)
    return out
