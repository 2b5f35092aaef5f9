"""Device cookies (OWASP, "Slow down online guessing attacks with device cookies").

After a successful login the browser gets a cookie, signed with the secret key, that names the
user and a random nonce. A later login attempt for that user that presents it comes from a
browser the owner used before: its failures are counted and locked per device cookie, and the
locks that strangers can cause (per username+IP, per account) do not apply to it. A forged or
tampered cookie, one issued for another user, or an expired one counts as no cookie.

One cookie per user who logged in on this browser (a shared office computer keeps each
editor's), named by an HMAC of the username so the name tells nothing; Path=/auth/ and
SameSite=Strict, so it travels only with the login form.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

log = logging.getLogger("app.auth")

SALT = "auth-device-cookie"
COOKIE_PATH = "/auth/"


def _max_age() -> int:
    return int(current_app.config["LOGIN_DEVICE_COOKIE_DAYS"]) * 86400


def _serializer() -> URLSafeTimedSerializer:
    # Old keys still verify after a rotation (itsdangerous signs with the last of the list).
    keys = [*(current_app.config.get("SECRET_KEY_FALLBACKS") or []), current_app.secret_key]
    return URLSafeTimedSerializer(keys, salt=SALT)


def cookie_name(username: str) -> str:
    digest = hmac.new(
        str(current_app.secret_key).encode(), b"device-cookie\n" + username.encode(), hashlib.sha256
    ).hexdigest()
    return "device_" + digest[:16]


def presented(username: str) -> str | None:
    """The nonce of a valid device cookie for `username` in this request, else None."""
    raw = request.cookies.get(cookie_name(username))
    if not raw or len(raw) > 300:
        return None
    try:
        data = _serializer().loads(raw, max_age=_max_age())
    except BadSignature:  # also expired (SignatureExpired is a BadSignature)
        return None
    if not isinstance(data, dict) or data.get("u") != username:
        return None
    nonce = data.get("n")
    return nonce if isinstance(nonce, str) and 16 <= len(nonce) <= 64 else None


def issue(response: Response, username: str) -> str:
    """Give this browser a fresh device cookie for `username`; returns its nonce."""
    nonce = secrets.token_urlsafe(24)
    value = _serializer().dumps({"u": username, "n": nonce})
    response.set_cookie(
        cookie_name(username),
        value,
        max_age=_max_age(),
        path=COOKIE_PATH,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]) or request.is_secure,
        httponly=True,
        samesite="Strict",
    )
    log.info("device cookie issued user=%r device=%s", username, label(nonce))
    return nonce


def label(nonce: str) -> str:
    """A short, stable name for a device in the logs (never the nonce itself)."""
    return hashlib.sha256(nonce.encode()).hexdigest()[:10]
