"""What readers' forms on cached pages (comments, the contact form) share against spam: the
honeypot field, the signed "started" stamp with its minimum time, the sender's keys for the
rate limits, and the checks of an e-mail address and of links in text.

The stamp is made by GET /api/y-kien/bat-dau (app/comments/routes.py::stamp, fetched by
static/js/comments.js into any form marked data-comment-form) or by a confirm page.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app, request
from itsdangerous import BadSignature, Signer

from app.page_view import format_count
from app.rate_limit import Verdict, hit
from app.visitor import address_key, fallback_id, stream_identity, user_agent_of

HONEYPOT = "website"  # a field people never see; bots that fill every field fill it
STAMP = "started"  # signed time the reader began (GET /api/y-kien/bat-dau, or a confirm page)
MIN_SECONDS = 3  # a person takes longer than this to write anything
STAMP_MAX_AGE = 24 * 3600
LINK = re.compile(r"https?://|www\.|\[url|<a\s", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")

RAW_MAX = 20_000  # a field longer than this is no reader's text: 413, nothing echoed back
TOO_FAST = "Bạn gửi nhanh quá. Vui lòng chờ vài giây rồi bấm Gửi lại."
NO_STAMP = "Biểu mẫu đã quá hạn hoặc thiếu thông tin. Vui lòng kiểm tra và bấm Gửi lại."


def _clock() -> float:
    # COMMENT_CLOCK: the tests' clock, for every readers' form (the name predates the others).
    return (current_app.config.get("COMMENT_CLOCK") or time.time)()


def _signer() -> Signer:
    return Signer(current_app.secret_key, salt="comment-form-started")


def new_stamp() -> str:
    """A signed "the reader began now"."""
    return _signer().sign(str(int(_clock()))).decode()


def stamp_age(stamp: str) -> float | None:
    """Seconds since `stamp` was made; None when it is missing, forged or too old."""
    if not stamp or len(stamp) > 100:
        return None
    try:
        started = int(_signer().unsign(stamp).decode())
    except (BadSignature, ValueError):
        return None
    age = _clock() - started
    return age if -60 <= age <= STAMP_MAX_AGE else None


def stamp_error(stamp: str, min_seconds: float) -> tuple[str | None, str]:
    """(what is wrong with the form's stamp or None, the stamp the form should carry next: a
    new one when it was missing, forged or too old)."""
    age = stamp_age(stamp)
    if age is None:
        return NO_STAMP, new_stamp()
    if age < min_seconds:
        return TOO_FAST, stamp
    return None, stamp


def min_seconds() -> float:
    return float(current_app.config.get("COMMENT_MIN_SECONDS", MIN_SECONDS))


def is_email(value: str, max_length: int = 254) -> bool:
    return len(value) <= max_length and bool(EMAIL.match(value))


def name_problem(name: str, max_length: int) -> str | None:
    """What is wrong with a sender's name (given, not too long, no link), or None."""
    if not name:
        return "Vui lòng nhập họ tên."
    if len(name) > max_length:
        return f"Họ tên không được dài quá {max_length} ký tự."
    if LINK.search(name):
        return "Họ tên không được chứa liên kết."
    return None


def email_problem(email: str, max_length: int, missing: str) -> str | None:
    if not email:
        return missing
    return None if is_email(email, max_length) else "Địa chỉ thư điện tử không hợp lệ."


def text_problem(text: str, *, max_length: int, max_links: int, noun: str,
                 missing: str) -> str | None:  # fmt: skip
    """What is wrong with a message's text (given, not too long, few links), or None;
    `noun` starts the sentences ("Ý kiến", "Nội dung")."""
    if not text:
        return missing
    if len(text) > max_length:
        return (f"{noun} dài {format_count(len(text))} ký tự, quá giới hạn "
                f"{format_count(max_length)} ký tự. Vui lòng rút gọn.")  # fmt: skip
    if len(LINK.findall(text)) > max_links:
        return f"{noun} chứa quá nhiều liên kết (tối đa {max_links})."
    return None


def problems(**found: str | None) -> dict[str, str]:
    """The fields that have a problem: problems(name=name_problem(...), ...)."""
    return {key: problem for key, problem in found.items() if problem}


def one_line(text: str) -> str:
    """A typed line: runs of white space as one space, none around."""
    return " ".join(text.split())


def paragraphs(text: str) -> str:
    """A typed text: line breaks as "\n", no white space around."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass
class ReaderPost:
    """Base of a reader's post as a dataclass (a comment, a contact message): the honeypot,
    the "started" stamp and the errors found (field name -> message, "form" for the form)."""

    honeypot: str = ""
    stamp: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def texts(self) -> tuple[str, ...]:
        """Every field the reader typed (a subclass names its own)."""
        return ()

    @property
    def oversized(self) -> bool:
        return any(len(v) > RAW_MAX for v in (*self.texts(), self.honeypot))

    @property
    def is_bot(self) -> bool:
        return bool(self.honeypot.strip())

    def check_stamp(self, min_seconds: float) -> None:
        """The minimum time since the stamp; a missing or bad stamp is replaced by a new one."""
        problem, self.stamp = stamp_error(self.stamp, min_seconds)
        if problem:
            self.errors["form"] = problem


@dataclass(frozen=True)
class Poster:
    visitor: str  # the signed visitor cookie's id, else a hash of address and browser
    address: str  # the rate limits' address key (an IPv6 /64 as one)
    ip_hash: str  # what is stored: a keyed hash, never the address


def poster() -> Poster:
    secret = current_app.secret_key
    address = address_key(request.remote_addr or "")
    visitor = stream_identity(request) or fallback_id(
        secret, "comments", request.remote_addr or "", user_agent_of(request)
    )
    key = hmac.new(secret.encode(), b"comment ip hash v1", hashlib.sha256).digest()
    ip_hash = hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]
    return Poster(visitor[:64], address, ip_hash)


def refused(prefix: str, sender: Poster, limits: dict[str, tuple[int, int]],
            names: Iterable[str] = ("visitor", "ip")) -> Verdict | None:  # fmt: skip
    """Count one event of `sender` under each limit ("<prefix>-visitor", "<prefix>-ip");
    the first refusal, or None when every limit allows it."""
    keys = {"visitor": sender.visitor, "ip": sender.address}
    for name in names:
        limit, window = limits[name]
        verdict = hit(f"{prefix}-{name}", keys[name], limit=limit, window=window)
        if not verdict.allowed:
            return verdict
    return None


__all__ = [
    "EMAIL",
    "HONEYPOT",
    "LINK",
    "NO_STAMP",
    "STAMP",
    "TOO_FAST",
    "Poster",
    "RAW_MAX",
    "ReaderPost",
    "email_problem",
    "is_email",
    "min_seconds",
    "name_problem",
    "one_line",
    "paragraphs",
    "new_stamp",
    "poster",
    "problems",
    "refused",
    "stamp_age",
    "stamp_error",
    "text_problem",
]
