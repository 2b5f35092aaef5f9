"""One-time links to set a password, issued by an administrator.

An account can exist without a usable password (accounts moved over from NukeViet, whose
password hashes are not carried over): its `password_hash` is `UNUSABLE_PREFIX` followed by
random text, which no password verifies (argon2 refuses it as a malformed hash) and which the
users list shows as "Chưa đặt mật khẩu". An administrator issues a link (the users list, the
user's page, or `flask password-link <username>`); its owner opens it, chooses a password, and
the link is spent.

- The token is 32 random bytes; only its SHA-256 is stored, so the link is shown once, when it
  is issued, and a copy of the database gives nobody a working link.
- A link lasts PASSWORD_LINK_HOURS (72 by default) and works once; issuing a new one voids the
  user's older unused ones.
- The absolute link is built on SITE_URL, never on the request's Host header (a forged Host
  would otherwise hand the administrator a link to someone else's site to send on).
- Issuing and using are audited; the token itself never reaches a log line or an audit row.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from app.audit.operations import record as audit
from app.auth.models import PasswordLink, User
from app.auth.operations import AccountError, set_password
from app.auth.passwords import UNUSABLE_PREFIX, policy_errors, unusable_hash
from app.dates import utcnow
from app.extensions import db
from app.site_url import site_origin

log = logging.getLogger("app.auth")

# The link's path: PATH + token (app/auth/password_link_routes.py serves it).
PATH = "/dat-mat-khau/"
# secrets.token_urlsafe(32) is 43 characters of [A-Za-z0-9_-]; anything else is not a token,
# answered 404 before the database is asked.
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_TOKEN_LENGTH = 64


class LinkRefused(Exception):
    """An unknown, used, replaced or expired link: the status and a Vietnamese message."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.message = message


ASK_AGAIN = "Vui lòng nhờ quản trị viên tạo một liên kết mới."


def refusal(reason: str) -> LinkRefused:
    if reason == "used":
        return LinkRefused(410, "Liên kết đã được sử dụng",
                           "Liên kết này đã được dùng để đặt mật khẩu và chỉ dùng được một "
                           f"lần. Nếu bạn chưa đặt được mật khẩu: {ASK_AGAIN}")  # fmt: skip
    if reason == "voided":
        return LinkRefused(410, "Liên kết đã được thay thế",
                           "Quản trị viên đã tạo một liên kết mới hơn cho tài khoản này nên "
                           "liên kết này không còn hiệu lực. "
                           "Hãy dùng liên kết mới nhất.")  # fmt: skip
    if reason == "expired":
        return LinkRefused(410, "Liên kết đã hết hạn",
                           f"Liên kết đặt mật khẩu chỉ có hiệu lực trong {link_hours()} giờ. "
                           f"{ASK_AGAIN}")  # fmt: skip
    # The site's usual 404 title; the message says which page was not found.
    return LinkRefused(404, "Không tìm thấy trang",
                       "Liên kết đặt mật khẩu này không đúng. Hãy kiểm tra bạn đã sao chép đủ "
                       f"cả địa chỉ. Nếu vẫn không được: {ASK_AGAIN}")  # fmt: skip


def link_hours() -> int:
    return int(current_app.config["PASSWORD_LINK_HOURS"])


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    """Could `token` be one we issued? Checked before any query (an absurd one is a 404)."""
    return len(token) <= MAX_TOKEN_LENGTH and TOKEN_SHAPE.fullmatch(token) is not None


# --- accounts without a password ---------------------------------------------------------------


def has_usable_password(user: User) -> bool:
    return not user.password_hash.startswith(UNUSABLE_PREFIX)


def without_password(user: User) -> None:
    """Leave `user` with no usable password (not committed): nobody can log in as them until
    they set one through a link. Cheaper than hashing a random password, and visible."""
    user.password_hash = unusable_hash()


def users_without_password(users: list[User]) -> set[int]:
    """The ids of the accounts among `users` that have no password yet."""
    return {user.id for user in users if not has_usable_password(user)}


# --- issuing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    url: str  # absolute on SITE_URL; a path only when SITE_URL is not configured
    expires_at: datetime  # naive UTC
    absolute: bool


def link_url(token: str) -> str:
    return site_origin() + PATH + token


def issue(user: User, *, by: User | None) -> IssuedLink:
    """A new link for `user`, valid PASSWORD_LINK_HOURS; the user's older unused links stop
    working. The token is returned once, inside the URL, and stored only as its hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    expires_at = now + timedelta(hours=link_hours())
    db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.user_id == user.id,
            PasswordLink.used_at.is_(None),
            PasswordLink.voided_at.is_(None),
        )
        .values(voided_at=now)
    )
    link = PasswordLink(
        user_id=user.id,
        token_hash=_hash(token),
        created_at=now,
        expires_at=expires_at,
        created_by_id=getattr(by, "id", None),
    )
    db.session.add(link)
    db.session.flush()
    audit("user.password_link", user, f"link={link.id} expires_at={expires_at:%Y-%m-%d %H:%M}Z",
          by=by, commit=False)  # fmt: skip
    db.session.commit()
    log.info("password link %d issued for user=%r", link.id, user.username)
    return IssuedLink(url=link_url(token), expires_at=expires_at, absolute=bool(site_origin()))


# --- using --------------------------------------------------------------------------------------


def open_link(token: str) -> PasswordLink:
    """The live link of `token`, or LinkRefused (404 unknown, 410 used, replaced, expired)."""
    if not well_formed(token):
        raise refusal("unknown")
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _hash(token)))
    if link is None:
        raise refusal("unknown")
    if link.used_at is not None:
        raise refusal("used")
    if link.voided_at is not None:
        raise refusal("voided")
    if link.expires_at <= utcnow():
        raise refusal("expired")
    return link


def use(token: str, password: str) -> User:
    """Set the password of the link's user and spend the link, in one transaction; ends the
    user's sessions (set_password). AccountError (the policy's message) leaves the link
    usable; LinkRefused when it is no longer."""
    link = open_link(token)
    user = link.user
    # The policy first, outside the transaction: a refused password takes no write lock.
    errors = policy_errors(password, [user.username, user.display_name, user.email])
    if errors:
        raise AccountError(errors[0])
    now = utcnow()
    # Spent by a conditional update: of two submissions racing, one wins, the other is refused.
    claimed = db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.id == link.id,
            PasswordLink.used_at.is_(None),
            PasswordLink.voided_at.is_(None),
            PasswordLink.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise refusal("used")
    audit("user.password_link_used", user, f"link={link.id}", by=user, commit=False)
    try:
        set_password(user, password, by=user)  # commits the whole
    except AccountError:
        db.session.rollback()
        raise
    log.info("password link %d used by user=%r", link.id, user.username)
    return user
