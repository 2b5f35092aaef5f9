"""Accounts, logins and server-side sessions."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, timedelta

import redis
from flask import current_app, request, session
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from app import rate_limit
from app.audit.operations import record as audit
from app.auth import devices
from app.auth.models import Role, User, UserSession
from app.auth.passwords import (
    hash_password,
    needs_rehash,
    policy_errors,
    unusable_hash,
    verify_password,
)
from app.auth.throttle import LoginThrottle
from app.dates import utcnow
from app.extensions import db, redis_store
from app.offload import gevent_active
from app.redis_keys import names

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
    password: str | None,
    *,
    display_name: str = "",
    email: str = "",
    role: Role = Role.EDITOR,
    can_publish: bool = False,
    by: User | None = None,
    commit: bool = True,
) -> User:
    """A new account; `commit=False` lets the caller add to it in the same transaction.
    `password=None`: the account has no password until its user sets one through a link
    (app/auth/password_links.py)."""
    username = username.strip().lower()
    if not username or len(username) > 60 or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ, số và các dấu . _ - (tối đa 60 ký tự).")
    if find_user(username) is not None:
        raise AccountError("Tên đăng nhập đã được dùng.")
    if password is not None:
        errors = policy_errors(password, [username, display_name, email])
        if errors:
            raise AccountError(errors[0])
    user = User(
        username=username,
        display_name=display_name or username,
        email=email,
        password_hash=unusable_hash() if password is None else hash_password(password),
        role=role,
        can_publish=can_publish or role == Role.ADMIN,
    )
    db.session.add(user)
    db.session.flush()
    audit("user.create", user, f"role={role}", by=by, commit=False)
    if commit:
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
    audit("user.password", user, by=by or user, commit=False)
    db.session.commit()


# Logging in
@dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str = ""
    status: int = 401


GENERIC_FAILURE = "Tên đăng nhập hoặc mật khẩu không đúng."
BLOCKED = (
    "Đăng nhập tạm thời bị khóa do nhập sai nhiều lần. Vui lòng thử lại sau 30 phút "
    "hoặc liên hệ quản trị viên."
)
TOO_MANY = "Có quá nhiều lần đăng nhập từ địa chỉ mạng của bạn. Vui lòng thử lại sau {} giây."
SESSION_UNAVAILABLE = (
    "Hệ thống tạm thời không ghi được phiên đăng nhập. Vui lòng thử lại sau ít phút "
    "hoặc báo cho quản trị viên."
)
LOGOUT_NOT_RECORDED = (
    "Bạn đã đăng xuất trên trình duyệt này. Hệ thống tạm thời không ghi được dữ liệu, "
    "phiên đăng nhập sẽ tự hết hạn khi không sử dụng."
)


class TooManyAttempts(Exception):
    """Over the per-IP limit: answered 429 with Retry-After, before any hashing."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after
        self.message = TOO_MANY.format(retry_after)


class LoginUnavailable(Exception):
    """The login cannot be recorded (database read-only, full or locked): a 503."""


def throttle() -> LoginThrottle:
    clock = current_app.config.get("AUTH_CLOCK")
    options = {"clock": clock} if clock else {}
    return LoginThrottle(redis_store.client, prefix=names().auth, **options)


def authenticate(username: str, password: str) -> LoginResult:
    """Check credentials under the throttle; the answer never tells whether a user exists.

    The per-IP limit is checked first, before any hashing: a flood from one address is
    answered 429 and costs no argon2 work. Without Redis the limits come from this process's
    memory, stricter (`_authenticate_in_memory`): editors can still log in during an outage,
    and guessing stays slow."""
    try:
        return _authenticate(username, password)
    except (redis.RedisError, OSError) as exc:
        log.error("login throttle unavailable, limits from this process's memory (%s)", exc)
        return _authenticate_in_memory(username, password)


# While Redis is away: at most this many attempts per account within this many seconds, in
# each server process (the per-IP limit holds as configured). No device trust, no lockout
# record: the owner may wait, an attacker gets a handful of guesses per process.
OUTAGE_ACCOUNT_LIMIT = 10
OUTAGE_ACCOUNT_WINDOW = 30 * 60


def _authenticate_in_memory(username: str, password: str) -> LoginResult:
    username = username.strip().lower()[:60]
    ip = request.remote_addr or ""
    config = current_app.config
    for name, key, limit, window in (
        ("login-ip", ip, int(config["LOGIN_IP_LIMIT"]), int(config["LOGIN_IP_WINDOW"])),
        ("login-account", username, OUTAGE_ACCOUNT_LIMIT, OUTAGE_ACCOUNT_WINDOW),
    ):
        verdict = rate_limit.hit_in_memory(name, key, limit=limit, window=window)
        if not verdict.allowed:
            log.warning("login refused from memory (Redis away): %s user=%r ip=%s",
                        name, username, ip)  # fmt: skip
            raise TooManyAttempts(verdict.retry_after)
    user = find_user(username)
    if not verify_password(user.password_hash if user else None, password) or (
        user is None or not user.active
    ):
        log.warning("login failed user=%r ip=%s (Redis away)", username, ip)
        return LoginResult(None, GENERIC_FAILURE)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


def check_ip_rate(guard: LoginThrottle, ip: str) -> None:
    """Count this attempt from `ip`; a 429 with Retry-After once over the limit."""
    verdict = guard.ip_attempt(
        ip,
        limit=int(current_app.config["LOGIN_IP_LIMIT"]),
        window=float(current_app.config["LOGIN_IP_WINDOW"]),
    )
    if verdict.allowed:
        return
    # The first refusal of a window is a warning; the rest of a flood would drown the log.
    level = logging.WARNING if verdict.refusals == 1 else logging.DEBUG
    log.log(level, "login flood: ip=%s refused (%d refusals this window, retry in %d s)",
            ip, verdict.refusals, verdict.retry_after)  # fmt: skip
    raise TooManyAttempts(verdict.retry_after)


def slow_down_refusal() -> None:
    """Under gevent workers, answer a refused attempt only after LOGIN_REFUSAL_DELAY
    seconds: a flooding client waits on each of its connections instead of getting
    refusals as fast as the server can write them, and the wait costs a parked greenlet,
    not a thread nor CPU. Elsewhere (dev server, tests, CLI) a sleep would hold a thread:
    no delay."""
    delay = float(current_app.config["LOGIN_REFUSAL_DELAY"])
    if delay > 0 and gevent_active():
        _pause(delay)


def _pause(seconds: float) -> None:
    time.sleep(seconds)  # looked up at call time: gevent's cooperative sleep once patched


def _authenticate(username: str, password: str) -> LoginResult:
    username = username.strip().lower()[:60]
    ip = request.remote_addr or ""
    guard = throttle()
    check_ip_rate(guard, ip)
    device = devices.presented(username)
    trust = f"device={devices.label(device)}" if device else "untrusted"
    who = f"user={username!r} ip={ip} {trust}"
    # A locked client gets its answer without a verification: the message already says it is
    # locked, so skipping the work tells nothing, and an attack costs no argon2 time.
    if guard.device_blocked(device) if device else guard.blocked(username, ip):
        log.warning("login blocked %s", who)
        return LoginResult(None, BLOCKED)
    user = find_user(username)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        if device:
            failures, locked = guard.device_failure(device)
            counts = f"device_failures={failures}"
        else:
            pairs, accounts, locked = guard.failure(username, ip)
            counts = f"pair_failures={pairs} account_failures={accounts}"
        log.warning("login failed %s %s%s", who, counts, " LOCKED" if locked else "")
        return LoginResult(None, BLOCKED if locked else GENERIC_FAILURE)
    if device:
        guard.device_success(device)
    else:
        guard.success(username, ip)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


def start_session(user: User) -> str:
    """A fresh server-side session (no fixation: the old cookie session is cleared).

    Raises LoginUnavailable when the database cannot record it (read-only, full, locked)."""
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
    audit("auth.login", user, by=user, commit=False)
    try:
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.error("login of user=%r not recorded: %s", user.username, _first_line(exc))
        raise LoginUnavailable from exc
    user.session_token = token
    user.session_last_active = now
    log.info("login user=%r ip=%s", user.username, request.remote_addr)
    return token


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def load_session(token: str) -> User | None:
    """The user of a live session; idle or too old sessions end here.

    Reading a session writes nothing: the idle clock moves in touch_session(), after the
    response shows the request was real use (app/auth/activity.py)."""
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
        log.info("session ended (%s) user=%r", reason, row.user.username)
        # The session is over whether or not the end can be written down: it stays refused,
        # since the same checks fail again on the next request.
        _commit_or_log(f"end of session ({reason}) of user={row.user.username!r}")
        return None
    user = row.user
    user.session_token = token
    user.session_last_active = row.last_active_at
    return user


def touch_interval() -> float:
    """Seconds between two writes of a session's idle clock for page views and forms.

    A quarter of the idle timeout at most, so a short timeout (tests, strict sites) still
    sees activity; the idle bar's script sends its keepalive on the same rhythm."""
    idle = int(current_app.config["IDLE_TIMEOUT_SECONDS"])
    return max(0.0, min(float(current_app.config["SESSION_TOUCH_SECONDS"]), idle / 4))


def touch_session(user: User, *, min_interval: float | None = None) -> bool:
    """Real use: move the idle clock of `user`'s session to now, unless it was moved less
    than `min_interval` seconds ago (touch_interval() by default). The deadlines the server
    enforces and reports both come from the stored time, so skipping a write only ever makes
    the deadline earlier, never later than what the browser was told.

    A database that cannot be written (read-only, full, locked) is logged; the request
    carries on. Returns True when the new time was stored."""
    token, last = user.session_token, getattr(user, "session_last_active", None)
    if not token:
        return False
    now = utcnow()
    interval = touch_interval() if min_interval is None else min_interval
    if last is not None and (now - last).total_seconds() < interval:
        return False
    statement = (
        update(UserSession)
        .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
        .values(last_active_at=now)
    )
    if not _commit_or_log(f"idle clock of user={user.username!r}", statement):
        return False
    user.session_last_active = now
    return True


def _commit_or_log(what: str, statement=None) -> bool:
    """Run `statement` (if any) and commit; False, logged and rolled back, when the database
    refuses the write (read-only, full, locked for too long)."""
    try:
        if statement is not None:
            db.session.execute(statement)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("could not record %s: %s", what, _first_line(exc))
        return False
    return True


def session_deadline(token: str) -> float | None:
    """When (epoch seconds) this session will be logged out for inactivity."""
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is None or row.ended_at is not None:
        return None
    idle = timedelta(seconds=int(current_app.config["IDLE_TIMEOUT_SECONDS"]))
    deadline = min(row.last_active_at + idle, row.created_at + ABSOLUTE_LIFETIME)
    return deadline.replace(tzinfo=UTC).timestamp()


def end_session(token: str, reason: str = "logout") -> bool:
    """End the session of `token`; False (logged) when the database refused the write."""
    statement = (
        update(UserSession)
        .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    return _commit_or_log(f"end of a session ({reason})", statement)


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
