"""全国地方公共団体コード: the six-digit code of a municipality, its check digit.

The sixth digit is computed from the first five (JIS X 0401 / 総務省): weights 6, 5, 4, 3, 2,
then 11 − (sum mod 11), and of that the last digit (mod 10): 25203 → 252034.
"""

from __future__ import annotations

import re

WEIGHTS = (6, 5, 4, 3, 2)
CODE_RE = re.compile(r"^\d{6}$")


def check_digit(first_five: str) -> int:
    """The check digit of a five-digit prefecture + municipality number."""
    if not re.fullmatch(r"\d{5}", first_five):
        raise ValueError(f"5桁の数字ではありません: {first_five!r}")
    total = sum(int(d) * w for d, w in zip(first_five, WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 全国地方公共団体コード (Japanese), or None when it is."""
    if not CODE_RE.match(code):
        return "全国地方公共団体コードは6桁の数字で書いてください（例: 252034）"
    expected = check_digit(code[:5])
    if int(code[5]) != expected:
        return f"全国地方公共団体コード {code} の検査数字（6桁目）が正しくありません（{code[:5]}{expected} のはずです）"
    return None
