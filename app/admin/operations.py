"""User administration: every change is audited. What features add to an account (news: the
categories an editor may edit) is saved through `app.account_fields`, in the same transaction."""

from __future__ import annotations

from typing import Any

from app.account_fields import save_account_fields
from app.audit.operations import apply_changes
from app.audit.operations import record as audit
from app.auth.models import Role, User
from app.auth.operations import AccountError, create_user, end_sessions, set_password
from app.auth.passwords import policy_errors
from app.extensions import db


def create_account(
    username: str,
    password: str | None,
    *,
    by: User,
    display_name: str,
    email: str,
    role: Role,
    can_publish: bool,
    added: dict[str, Any],
) -> User:
    """A new account with the values of the fields features added (`added`, by field name);
    with `password=None` it has none until its user sets one through a link."""
    user = create_user(
        username,
        password,
        display_name=display_name,
        email=email,
        role=role,
        can_publish=can_publish,
        by=by,
        commit=False,
    )
    save_account_fields(user, added)
    db.session.commit()
    return user


def update_user(
    user: User,
    *,
    by: User,
    display_name: str,
    email: str,
    role: str,
    can_publish: bool,
    active: bool,
    added: dict[str, Any],
    password: str = "",
) -> User:
    if user.id == by.id and (not active or role != Role.ADMIN):
        raise AccountError("Bạn không thể tự khóa hoặc tự hạ quyền tài khoản của mình.")
    if password:  # checked before anything changes: a refused password saves nothing
        errors = policy_errors(password, [user.username, display_name, email])
        if errors:
            raise AccountError(errors[0])
    changes = apply_changes(
        user,
        (
            ("display_name", display_name),
            ("email", email),
            ("role", role),
            ("can_publish", can_publish or role == Role.ADMIN),
            ("active", active),
        ),
    )
    changes.extend(save_account_fields(user, added))
    if not active:
        end_sessions(user, reason="deactivated", commit=False)
    audit("user.update", user, "; ".join(changes), by=by, commit=False)
    db.session.commit()
    if password:
        set_password(user, password, by=by)
    return user
