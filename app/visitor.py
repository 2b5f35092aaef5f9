"""Who is visiting: a first-party cookie the server issued and signed, or a daily-salted
hash of address and browser; crawlers told apart.

The cookie is `<random id>.<signature>`: an HMAC of the id under a key derived from the
app's SECRET_KEY. Anyone can make up an id, nobody can make up its signature, so a missing,
unsigned or tampered cookie counts as no cookie: the visitor is then its IP+UA hash, and the
counting script's "cookie never came back" link keeps one client that keeps sending made-up
cookies one visitor. Keys rotate through SECRET_KEY_FALLBACKS (Flask 3.1): a cookie signed
with an old key is still the same visitor and is signed again with the current key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from crawleruseragents import is_crawler
from flask import Request, current_app, has_app_context

COOKIE_NAME = "vid"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
ID_BYTES = 18  # 24 URL-safe characters
SIGNATURE_BYTES = 16  # 128 bits of HMAC-SHA256: 22 URL-safe characters
_SIGNED = re.compile(r"^([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{22})$")
# Domain separation: the same secret also salts the IP+UA hash and signs sessions.
_PURPOSE = b"portal visitor cookie v1"


@dataclass(frozen=True)
class Visitor:
    cookie: str  # the visitor id, "" for bots; the online-set member is "c:" + it
    fallback: str  # HMAC of IP and user agent with a daily salt; never the raw IP
    is_bot: bool
    new_cookie: bool  # an id minted now: the browser has not shown it back yet
    signed: str = ""  # the cookie value to send: a new id, or a known one re-signed
    user_agent: str = ""  # as user_agent_of() read it (the reports count it)


@lru_cache(maxsize=64)
def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def _signature(secret: str, visitor_id: str) -> str:
    digest = hmac.digest(_key(secret), visitor_id.encode(), "sha256")  # one-shot, in C
    return base64.urlsafe_b64encode(digest[:SIGNATURE_BYTES]).rstrip(b"=").decode()


def sign(visitor_id: str, secret: str) -> str:
    """The cookie value for `visitor_id` under `secret`."""
    return f"{visitor_id}.{_signature(secret, visitor_id)}"


def new_id() -> str:
    """A fresh random visitor id (24 URL-safe characters)."""
    return secrets.token_urlsafe(ID_BYTES)


def new_cookie(secret: str) -> tuple[str, str]:
    """A fresh visitor id and its signed cookie value."""
    visitor_id = new_id()
    return visitor_id, sign(visitor_id, secret)


def _fallback_secrets(fallbacks: Iterable[str] | None) -> tuple[str, ...]:
    if fallbacks is None:
        fallbacks = current_app.config.get("SECRET_KEY_FALLBACKS") if has_app_context() else ()
    if isinstance(fallbacks, str):  # one old key given as a plain string
        fallbacks = (fallbacks,)
    return tuple(str(key) for key in fallbacks or () if key)


def verify(value: str, secret: str, fallbacks: Iterable[str] | None = None) -> tuple[str, bool]:
    """(visitor id, signed with the current key) for a genuine cookie value, else ("", False).

    Checks the current key, then each fallback key (SECRET_KEY_FALLBACKS when not given)."""
    match = _SIGNED.fullmatch(value or "")
    if not match:
        return "", False
    visitor_id, signature = match.groups()
    if hmac.compare_digest(signature, _signature(secret, visitor_id)):
        return visitor_id, True
    for old in _fallback_secrets(fallbacks):
        if hmac.compare_digest(signature, _signature(old, visitor_id)):
            return visitor_id, False
    return "", False


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Known crawlers, by the maintained crawler-user-agents list; no UA at all is a script."""
    return not user_agent.strip() or is_crawler(user_agent)


def is_prefetch(request: Request) -> bool:
    # The environ itself: a missing header costs Werkzeug's Headers.get an exception.
    environ = request.environ
    purpose = environ.get("HTTP_SEC_PURPOSE") or environ.get("HTTP_PURPOSE") or ""
    return "prefetch" in purpose.lower() or "preview" in environ.get("HTTP_X_MOZ", "")


@lru_cache(maxsize=8)
def _daily_salt(secret: str, day: str) -> bytes:
    return hmac.new(secret.encode(), f"visitor-salt:{day}".encode(), hashlib.sha256).digest()


def fallback_id(secret: str, day: str, ip: str, user_agent: str) -> str:
    salt = _daily_salt(secret, day)
    digest = hmac.digest(salt, f"{ip}\n{user_agent}".encode(), "sha256").hex()
    return "h:" + digest[:32]


def cookie_of(request: Request) -> str:
    """The visitor cookie's value ("" without one), read from the Cookie header itself:
    `request.cookies` first walks every header of the request to collect Cookie lines."""
    header = request.environ.get("HTTP_COOKIE", "")
    if COOKIE_NAME not in header:
        return ""
    # Only this one cookie is wanted: the first `vid=`, as Werkzeug's parser would give it
    # (its MultiDict of every cookie cost more than the rest of the identity).
    for part in header.split(";"):
        name, sep, value = part.partition("=")
        if sep and name.strip() == COOKIE_NAME:
            return value.strip().strip('"')
    return ""


def user_agent_of(request: Request) -> str:
    return request.environ.get("HTTP_USER_AGENT", "")[:512]


def identify(request: Request, secret: str, day: str, fallbacks: Iterable[str] | None = None):
    """The visitor of `request`: its signed cookie's id, else a new id (to be set) with the
    IP+UA hash the counting script falls back on while the cookie has not come back."""
    user_agent = user_agent_of(request)
    bot = is_bot(user_agent)
    fallback = fallback_id(secret, day, request.remote_addr or "", user_agent)
    if bot:
        return Visitor("", fallback, True, False, user_agent=user_agent)
    visitor_id, current = verify(cookie_of(request), secret, fallbacks)
    if visitor_id:
        resigned = "" if current else sign(visitor_id, secret)
        return Visitor(visitor_id, fallback, False, False, resigned, user_agent)
    visitor_id, signed = new_cookie(secret)
    return Visitor(visitor_id, fallback, False, True, signed, user_agent)


def stream_identity(
    request: Request, secret: str | None = None, fallbacks: Iterable[str] | None = None
) -> str | None:
    """The visitor id of a live-stats connection: only a cookie this server signed."""
    if secret is None:
        secret = current_app.secret_key
    visitor_id, _ = verify(cookie_of(request), secret, fallbacks)
    return visitor_id or None


def address_key(address: str) -> str:
    """The per-address allowance key: the address, or its /64 for IPv6 (one subscriber's
    share, which hands out addresses from that block at will)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)
