"""Anti-forgery tokens for readers' forms on cached pages (ratings, comments).

A cached page is the same bytes for every reader, so it cannot carry a per-session token.
Readers' forms are marked `data-reader-form`; static/js/reader-forms.js asks `/api/csrf` for
this reader's token (which starts a session for them) just before the first submit and puts
it in the form's `csrf_token` field (and the `X-CSRFToken` header for fetch). Without
JavaScript the form arrives without a token: the feature's route is exempt from the global
check, asks `has_valid_token()`, and when it is false changes nothing and answers a page that
asks the reader to confirm (a form with a fresh token and their values kept).
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

bp = Blueprint("reader_forms", __name__)


@bp.get("/api/csrf")
def token():
    response = jsonify(token=generate_csrf())
    response.headers["Cache-Control"] = "no-store, private"
    return response


def has_valid_token() -> bool:
    """Whether this POST carries this session's token (form field or X-CSRFToken header)."""
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    if not sent:
        return False
    try:
        validate_csrf(sent)
    except ValidationError:
        return False
    return True


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


__all__ = ["bp", "has_valid_token", "init_app"]
