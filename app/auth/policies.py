"""Who may do what: decorators that make the rule visible at each view."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def admin_required(view):
    """Administrators only."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def staff_required(view):
    """Any logged-in editor or administrator."""
    return login_required(view)


def may_publish(user) -> bool:
    return bool(user.is_admin or user.can_publish)
