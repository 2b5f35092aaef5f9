"""Numbers read from URLs and query strings, bounded so that no input reaches the database as
a value it cannot hold (SQLite and PostgreSQL raise on integers past their column types,
which used to become 500s).

- `<int:...>` in every route is a record id: ASCII digits without leading zeros, 1 to
  2^31 - 1 (PostgreSQL's INTEGER, the type of every primary key here). Anything else does not
  match the rule, so the client gets the 404 page.
- `?page=` is read by `page_number()`: a malformed or absurd number is a 400; a well-formed
  page past the last one is the paginator's 404.
- Optional numeric filters (`?loai=3`) are read by `id_arg()`: a value that is no id is
  ignored, as the lists ignore other unknown filter values.
- Select fields holding ids use `coerce=record_id` (or `record_id_or_zero` where 0 means
  "none"): anything else is the field's Vietnamese "invalid choice", never a query.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
# Pages past this are refused before any query: no list here has a million pages, and the
# OFFSET it implies stays far inside every integer type.
MAX_PAGE = 100_000
BAD_PAGE = "Số trang không hợp lệ."


class RecordIdConverter(IntegerConverter):
    """`<int:name>`: a positive record id in canonical form (`7`, never `07`, `٧` or `+7`)."""

    # Werkzeug's `\d+` also matches non-ASCII digits, and accepts leading zeros and numbers of
    # any length; ten digits is the most an id can have.
    regex = r"[1-9][0-9]{0,9}"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:  # fmt: skip
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_id(raw: str | None) -> int | None:
    """`raw` as a record id, or None when it is not one."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def record_id(value) -> int:
    """WTForms `coerce=` for a record id: ValueError (the field's error) for anything else."""
    if isinstance(value, bool):
        raise ValueError("not a record id")
    if isinstance(value, int):
        found = value if 1 <= value <= MAX_ID else None
    else:
        found = parse_id(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError("not a record id")
    return found


def record_id_or_zero(value) -> int:
    """`record_id`, also accepting 0 (a select's "none" choice, such as "no parent")."""
    return 0 if value in (0, "0") else record_id(value)


def id_arg(name: str) -> int | None:
    """The query-string argument `name` as a record id; None when absent or not an id."""
    return parse_id(request.args.get(name))


def page_number(name: str = "page") -> int:
    """The page asked for in the query string (1 when absent); a 400 when it is no page number.

    Page 0 is well-formed but does not exist: it is returned, and the paginator answers 404
    as it does for pages past the last.
    """
    raw = request.args.get(name, "")
    if raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) > MAX_PAGE:
        abort(400, description=BAD_PAGE)
    return int(raw)


def register_converters(app: Flask) -> None:
    """Make `<int:...>` a bounded record id for every route (call before adding routes)."""
    app.url_map.converters["int"] = RecordIdConverter
