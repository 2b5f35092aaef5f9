"""User administration: every change is audited."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.operations import record as audit
from app.auth.models import Role, User
from app.auth.operations import AccountError, end_sessions, set_password
from app.auth.passwords import policy_errors
from app.extensions import db
from app.news.models import Category


def categories_by_ids(ids: list[int]) -> list[Category]:
    if not ids:
        return []
    return list(db.session.scalars(select(Category).where(Category.id.in_(ids))))


def update_user(
    user: User,
    *,
    by: User,
    display_name: str,
    email: str,
    role: str,
    can_publish: bool,
    category_ids: list[int],
    active: bool,
    password: str = "",
) -> User:
    if user.id == by.id and (not active or role != Role.ADMIN):
        raise AccountError("Bạn không thể tự khóa hoặc tự hạ quyền tài khoản của mình.")
    if password:  # checked before anything changes: a refused password saves nothing
        errors = policy_errors(password, [user.username, display_name, email])
        if errors:
            raise AccountError(errors[0])
    changes = []
    for name, value in (
        ("display_name", display_name),
        ("email", email),
        ("role", role),
        ("can_publish", can_publish or role == Role.ADMIN),
        ("active", active),
    ):
        if getattr(user, name) != value:
            changes.append(f"{name}={value}")
            setattr(user, name, value)
    categories = categories_by_ids(category_ids)
    if {c.id for c in categories} != {c.id for c in user.categories}:
        user.categories = categories
        changes.append("categories=" + ",".join(str(c.id) for c in categories))
    if not active:
        end_sessions(user, reason="deactivated", commit=False)
    audit("user.update", user, "; ".join(changes), by=by, commit=False)
    db.session.commit()
    if password:
        set_password(user, password, by=by)
    return user
