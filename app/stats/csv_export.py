"""CSV export of the statistics reports' tables: UTF-8 with a BOM (so Excel reads Vietnamese),
every text cell that a spreadsheet would take for a formula neutralised.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Response

BOM = "\ufeff"
# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets; OWASP's advice: prefix it with a single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def neutralise(value: object) -> object:
    """A cell as written: numbers stay numbers; text that could start a formula gets `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The file's text, BOM first, CRLF line ends (RFC 4180)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def safe_filename(name: str) -> str:
    """An ASCII file name for Content-Disposition (no quotes, slashes or spaces)."""
    stem = UNSAFE_NAME.sub("-", name).strip("-.") or "thong-ke"
    return stem[:120] + ".csv"


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A download of one table."""
    response = Response(csv_text(header, rows), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename={safe_filename(name)}"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
