"""Editors and administrators, and their server-side login sessions. Features attach what
they need to an account from their side (news: `User.categories`, the categories an editor
may edit); accounts know no feature."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dates import utcnow
from app.extensions import db


class Role(enum.StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"


ROLE_LABELS = {Role.ADMIN: "Quản trị viên", Role.EDITOR: "Biên tập viên"}


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(10), default=Role.EDITOR)
    # An editor without this may write drafts that an administrator publishes.
    can_publish: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Set by the session loader: the token of the session this request runs under, and when
    # that session's idle clock was last stored (to write it at most every few seconds).
    session_token = None  # str while loaded for a request
    session_last_active = None  # naive UTC datetime while loaded for a request

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"

    # Flask-Login's protocol; get_id() is the session token, so a revoked session (logout,
    # password change, timeout) no longer loads a user even from a copied cookie.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(Role(self.role), self.role)


class UserSession(db.Model):
    """One login: found by the hash of a random token kept in the signed session cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str] = mapped_column(String(20), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class PasswordLink(db.Model):
    """A one-time link an administrator issues so that a user sets their own password
    (app/auth/password_links.py). Only the SHA-256 of its token is kept; issuing a new link
    voids the user's older unused ones."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # When a newer link of the same user replaced this one before it was used.
    voided_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<PasswordLink {self.id} user={self.user_id}>"
