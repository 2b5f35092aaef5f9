"""Accounts, logins and server-side sessions."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta

import redis
from flask import current_app, request, session
from sqlalchemy import select, update

from app.audit.services import record as audit
from app.auth.models import Role, User, UserSession
from app.auth.passwords import hash_password, needs_rehash, policy_errors, verify_password
from app.auth.throttle import LoginThrottle
from app.dates import utcnow
from app.extensions import db, redis_store

log = logging.getLogger("app.auth")

ABSOLUTE_LIFETIME = timedelta(hours=12)


class AccountError(ValueError):
    """A Vietnamese message for the person filling the form."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def create_user(
    username: str,
    password: str,
    *,
    display_name: str = "",
    email: str = "",
    role: Role = Role.EDITOR,
    can_publish: bool = False,
    categories=(),
    by: User | None = None,
) -> User:
    username = username.strip().lower()
    if not username or len(username) > 60 or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ, số và các dấu . _ - (tối đa 60 ký tự).")
    if find_user(username) is not None:
        raise AccountError("Tên đăng nhập đã được dùng.")
    errors = policy_errors(password, [username, display_name, email])
    if errors:
        raise AccountError(errors[0])
    user = User(
        username=username,
        display_name=display_name or username,
        email=email,
        password_hash=hash_password(password),
        role=role,
        can_publish=can_publish or role == Role.ADMIN,
    )
    user.categories = list(categories)
    db.session.add(user)
    db.session.flush()
    audit("user.create", user, f"role={role}", user=by, commit=False)
    db.session.commit()
    return user


def set_password(
    user: User, password: str, *, by: User | None = None, keep_session: str | None = None
) -> None:
    """Change the password and end every other session of the user."""
    errors = policy_errors(password, [user.username, user.display_name, user.email])
    if errors:
        raise AccountError(errors[0])
    user.password_hash = hash_password(password)
    end_sessions(user, reason="password", except_token=keep_session, commit=False)
    audit("user.password", user, user=by or user, commit=False)
    db.session.commit()


# Logging in
@dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str = ""


GENERIC_FAILURE = "Tên đăng nhập hoặc mật khẩu không đúng."
BLOCKED = (
    "Đăng nhập tạm thời bị khóa do nhập sai nhiều lần. Vui lòng thử lại sau 30 phút "
    "hoặc liên hệ quản trị viên."
)


def throttle() -> LoginThrottle:
    clock = current_app.config.get("AUTH_CLOCK")
    return LoginThrottle(redis_store.client, **({"clock": clock} if clock else {}))


UNAVAILABLE = "Hệ thống đăng nhập tạm thời gián đoạn. Vui lòng thử lại sau ít phút."


def authenticate(username: str, password: str) -> LoginResult:
    """Check credentials under the throttle; the answer never tells whether a user exists.
    Without Redis there is no throttle, so logins wait (fail closed) rather than go
    unlimited."""
    try:
        return _authenticate(username, password)
    except (redis.RedisError, OSError) as exc:
        log.error("login refused: throttle unavailable (%s)", exc)
        return LoginResult(None, UNAVAILABLE)


def _authenticate(username: str, password: str) -> LoginResult:
    username = username.strip().lower()[:60]
    ip = request.remote_addr or ""
    guard = throttle()
    if guard.blocked(username, ip):
        verify_password(None, password)  # same work either way
        log.warning("login blocked user=%r ip=%s", username, ip)
        return LoginResult(None, BLOCKED)
    user = find_user(username)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        pairs, accounts, locked = guard.failure(username, ip)
        log.warning(
            "login failed user=%r ip=%s pair_failures=%d account_failures=%d%s",
            username,
            ip,
            pairs,
            accounts,
            " LOCKED" if locked else "",
        )
        return LoginResult(None, BLOCKED if locked else GENERIC_FAILURE)
    guard.success(username, ip)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


def start_session(user: User) -> str:
    """A fresh server-side session (no fixation: the old cookie session is cleared)."""
    session.clear()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            created_at=now,
            last_active_at=now,
            ip=request.remote_addr or "",
            user_agent=request.headers.get("User-Agent", "")[:255],
        )
    )
    user.last_login_at = now
    user.session_token = token
    audit("auth.login", user, user=user, commit=False)
    db.session.commit()
    log.info("login user=%r ip=%s", user.username, request.remote_addr)
    return token


def load_session(token: str, *, activity: bool) -> User | None:
    """The user of a live session; idle or too old sessions end here."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    idle = timedelta(seconds=int(current_app.config["IDLE_TIMEOUT_SECONDS"]))
    reason = ""
    if now - row.last_active_at > idle:
        reason = "idle"
    elif now - row.created_at > ABSOLUTE_LIFETIME:
        reason = "lifetime"
    elif not row.user.active:
        reason = "inactive"
    if reason:
        row.ended_at, row.ended_reason = now, reason
        db.session.commit()
        log.info("session ended (%s) user=%r", reason, row.user.username)
        return None
    if activity:
        row.last_active_at = now
        db.session.commit()
    user = row.user
    user.session_token = token
    return user


def session_deadline(token: str) -> float | None:
    """When (epoch seconds) this session will be logged out for inactivity."""
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is None or row.ended_at is not None:
        return None
    idle = timedelta(seconds=int(current_app.config["IDLE_TIMEOUT_SECONDS"]))
    deadline = min(row.last_active_at + idle, row.created_at + ABSOLUTE_LIFETIME)
    return deadline.replace(tzinfo=UTC).timestamp()


def end_session(token: str, reason: str = "logout") -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    db.session.commit()


def end_sessions(
    user: User, *, reason: str, except_token: str | None = None, commit: bool = True
) -> None:
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if except_token:
        query = query.where(UserSession.token_hash != _hash(except_token))
    db.session.execute(query.values(ended_at=utcnow(), ended_reason=reason))
    if commit:
        db.session.commit()
