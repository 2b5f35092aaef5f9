"""Text no browser sends: a NUL byte in the path is a 404, in the query string or a form a 400.

PostgreSQL refuses NUL in text values (psycopg raises before the query is sent), so a `%00`
in a slug, a search or a form field became a 500 there while SQLite stored it. Nothing a
person types contains NUL, so it is refused once, here, for every route and both databases.
"""

from __future__ import annotations

from flask import abort, request

MESSAGE = "Dữ liệu gửi lên chứa ký tự không hợp lệ."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))


def refuse_nul_bytes() -> None:
    if "\x00" in request.path:  # decoded: `%00` is a NUL here; no page has such an address
        abort(404)
    args = request.args
    if _has_nul(args.keys()) or any(_has_nul(values) for values in args.listvalues()):
        abort(400, description=MESSAGE)
    # Forms only where the view reads them anyway (parsed once, cached on the request).
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in FORM_TYPES:
        form = request.form
        if _has_nul(form.keys()) or any(_has_nul(values) for values in form.listvalues()):
            abort(400, description=MESSAGE)
