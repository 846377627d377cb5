"""How values read to a person: one meaning of "missing", numbers shown as stored.

Past the store a missing value is ``None``. These helpers also accept the float NaN and
``pd.NA`` that pandas produces, so a missing value can never print as ``nan``/``None``.
"""

from __future__ import annotations

from typing import Any

from kpi.domain.frames import is_missing, opt_float

MISSING = "―"  # a value that does not exist (no actual, no baseline, no URL)


NOT_ENTERED = "未入力"  # a report that was due and has not been entered


def text(value: Any, missing: str = MISSING) -> str:
    """Plain text for a cell; ``missing`` when there is nothing."""
    return missing if is_missing(value) else str(value)


def number(value: Any, unit: str = "", missing: str = MISSING, digits: int | None = None) -> str:
    """A number as a person reads it: thousands separators, no exponent, no float noise.

    ``digits`` fixes the decimals; otherwise up to 4 decimals with trailing zeros removed.
    """
    v = opt_float(value)
    if v is None:
        return missing
    if digits is not None:
        body = f"{v:,.{digits}f}"
    else:
        body = f"{v:,.4f}".rstrip("0").rstrip(".")
        if body in ("-0", ""):
            body = "0"
    return f"{body}{unit}"


def exact(value: Any) -> str:
    """A stored number exactly as typed back into a form field (no rounding, no exponent)."""
    v = opt_float(value)
    if v is None:
        return ""
    import numpy as np

    # The shortest text that reads back as the same float, never in exponent form.
    return str(np.format_float_positional(v, trim="-"))


def percent(ratio: Any, missing: str = MISSING, digits: int = 0) -> str:
    """A progress ratio (0.6857) as 「69%」."""
    v = opt_float(ratio)
    if v is None:
        return missing
    return f"{v * 100:,.{digits}f}%"


_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def plain_markdown(value: Any, missing: str = MISSING) -> str:
    """Text from users or the plan file, made safe to pass to ``st.markdown``.

    Every Markdown/HTML special character is escaped, so ``![x](http://…)`` shows as text
    and fetches nothing; line breaks are kept (a Markdown hard break per line).
    """
    if is_missing(value):
        return missing
    out = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(value))
    return "  \n".join(out.splitlines())


def size_text(n_bytes: int) -> str:
    """A file size for people: 「12.3 kB」, 「4.5 MB」 (decimal units, one decimal)."""
    if n_bytes >= 1_000_000_000:
        return f"{n_bytes / 1_000_000_000:.1f} GB"
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1_000_000:.1f} MB"
    return f"{n_bytes / 1000:.1f} kB"


def pdf_text(value: Any) -> str:
    """Text for a reportlab Paragraph, whose markup is XML-like (``<img src=…>`` would load an
    image, ``<b>`` would bold): every ``&``, ``<`` and ``>`` escaped, line breaks as ``<br/>``.
    Plan names, notes and comments reach the PDFs only through this."""
    text = str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
