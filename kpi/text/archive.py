"""An uploaded workbook measured before it is opened: an XLSX is a ZIP archive, and a 1.5 MB
file can inflate to 1.5 GB of sheet XML that openpyxl would parse for minutes.

``check_xlsx`` reads only the archive's directory (the sizes each part declares; Python's
zipfile never inflates a part past its declared size) and refuses, in milliseconds, a file
whose compressed size, total uncompressed size, number of parts or compression ratio is
beyond the limits below. The limits are defined here once, for every XLSX read: actuals
(CLI and upload), inquiry workbooks (CLI and upload). Readers also bound rows and columns
while reading (``MAX_ROWS``, ``MAX_COLS``).
"""

from __future__ import annotations

import io
import zipfile

from kpi.text.catalog import t

MAX_UPLOAD_BYTES = 5_000_000  # the file as uploaded; a year of every indicator is a few kilobytes
MAX_UNCOMPRESSED_BYTES = 50_000_000  # all parts inflated; our largest workbooks are well under 1 MB
MAX_MEMBERS = 1_000  # parts of the archive: a workbook has about 10 plus 2–3 per sheet
MAX_RATIO = 100  # uncompressed ÷ compressed of one large part; real sheet XML packs 5–20×
RATIO_FROM_BYTES = 1_000_000  # parts smaller than this inflate to little whatever their ratio
MAX_ROWS = 100_000  # rows of a sheet read
MAX_COLS = 200  # columns of a sheet read


class ArchiveRefused(ValueError):
    """The workbook was refused before parsing; the message says why (Japanese by default)."""


def check_size(data: bytes, lang: str = "ja") -> None:
    """ArchiveRefused when the uploaded file itself is over ``MAX_UPLOAD_BYTES`` (CSV too)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ArchiveRefused(t("input_archive_too_big", lang).format(size=len(data), limit=MAX_UPLOAD_BYTES))


def check_xlsx(data: bytes, lang: str = "ja") -> None:
    """ArchiveRefused unless ``data`` is a ZIP within every limit; nothing is inflated."""
    check_size(data, lang)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ArchiveRefused(t("input_archive_not_zip", lang)) from None
    if len(parts) > MAX_MEMBERS:
        raise ArchiveRefused(t("input_archive_members", lang).format(n=len(parts), limit=MAX_MEMBERS))
    total = sum(p.file_size for p in parts)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ArchiveRefused(t("input_archive_inflated", lang).format(size=total, limit=MAX_UNCOMPRESSED_BYTES))
    for p in parts:
        ratio = p.file_size / max(p.compress_size, 1)
        if p.file_size >= RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise ArchiveRefused(t("input_archive_ratio", lang).format(name=p.filename, ratio=ratio, limit=MAX_RATIO))


def sheet_too_large(sheet: str, rows: int, cols: int, lang: str = "ja") -> str | None:
    """The refusal of a sheet over ``MAX_ROWS`` × ``MAX_COLS``, or None."""
    if rows <= MAX_ROWS and cols <= MAX_COLS:
        return None
    return t("input_sheet_too_large", lang).format(
        sheet=sheet, rows=rows, cols=cols, max_rows=MAX_ROWS, max_cols=MAX_COLS
    )
