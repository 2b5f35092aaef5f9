"""Who is visiting: a first-party cookie, or a daily-salted hash; crawlers told apart."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from crawleruseragents import is_crawler
from flask import Request

COOKIE_NAME = "vid"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Visitor:
    cookie: str  # "" for bots and clients we give no cookie
    fallback: str  # HMAC of IP and user agent with a daily salt; never the raw IP
    is_bot: bool
    new_cookie: bool


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Known crawlers, by the maintained crawler-user-agents list; no UA at all is a script."""
    return not user_agent.strip() or is_crawler(user_agent)


def is_prefetch(request: Request) -> bool:
    purpose = request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or ""
    return "prefetch" in purpose.lower() or "preview" in request.headers.get("X-Moz", "")


def fallback_id(secret: str, day: str, ip: str, user_agent: str) -> str:
    salt = hmac.new(secret.encode(), f"visitor-salt:{day}".encode(), hashlib.sha256).digest()
    digest = hmac.new(salt, f"{ip}\n{user_agent}".encode(), hashlib.sha256).hexdigest()
    return "h:" + digest[:32]


def identify(request: Request, secret: str, day: str) -> Visitor:
    user_agent = request.headers.get("User-Agent", "")[:512]
    bot = is_bot(user_agent)
    fallback = fallback_id(secret, day, request.remote_addr or "", user_agent)
    if bot:
        return Visitor("", fallback, True, False)
    cookie = request.cookies.get(COOKIE_NAME, "")
    if _COOKIE_VALUE.fullmatch(cookie):
        return Visitor(cookie, fallback, False, False)
    return Visitor(secrets.token_urlsafe(18), fallback, False, True)


def stream_identity(request: Request) -> str | None:
    """The online-set member of a live-stats connection: its cookie visitor, if any."""
    cookie = request.cookies.get(COOKIE_NAME, "")
    return cookie if _COOKIE_VALUE.fullmatch(cookie) else None
