"""What a reader's comment must pass before it is stored: the fields, the anti-spam checks
(honeypot, time on the page, links, length) and who sent it (keys for the rate limits).

Every message is Vietnamese and says what to change; the caller shows the form again with
the reader's text kept.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass, field

from flask import current_app, request
from itsdangerous import BadSignature, Signer
from werkzeug.datastructures import MultiDict

from app.comments.models import CONTENT_MAX, EMAIL_MAX, NAME_MAX
from app.converters import parse_id
from app.page_view import format_count
from app.visitor import address_key, fallback_id, stream_identity, user_agent_of

HONEYPOT = "website"  # a field people never see; bots that fill every field fill it
STAMP = "started"  # signed time the reader began (GET /api/y-kien/bat-dau, or the confirm page)
MIN_SECONDS = 3  # a person takes longer than this to write anything
STAMP_MAX_AGE = 24 * 3600
MAX_LINKS = 2
RAW_MAX = 20_000  # longer than this is no comment: 413, nothing echoed back
_LINK = re.compile(r"https?://|www\.|\[url|<a\s", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
# Default limits: (events, seconds). Config COMMENT_LIMITS overrides them by name.
LIMITS = {"visitor": (5, 300), "ip": (30, 600)}

TOO_FAST = "Bạn gửi nhanh quá. Vui lòng chờ vài giây rồi bấm Gửi lại."
NO_STAMP = "Biểu mẫu đã quá hạn hoặc thiếu thông tin. Vui lòng kiểm tra và bấm Gửi lại."


def _clock() -> float:
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


@dataclass
class Submission:
    """A comment as posted, and what is wrong with it (field name -> message)."""

    name: str = ""
    email: str = ""
    content: str = ""
    parent_id: int | None = None
    honeypot: str = ""
    stamp: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: MultiDict) -> Submission:
        text = {k: form.get(k, "") for k in ("name", "email", "content", HONEYPOT, STAMP)}
        return cls(
            name=" ".join(text["name"].split()),
            email=text["email"].strip(),
            content=text["content"].replace("\r\n", "\n").replace("\r", "\n").strip(),
            parent_id=parse_id(form.get("parent_id")),
            honeypot=text[HONEYPOT],
            stamp=text[STAMP],
        )

    @property
    def oversized(self) -> bool:
        return any(len(v) > RAW_MAX for v in (self.name, self.email, self.content, self.honeypot))

    @property
    def is_bot(self) -> bool:
        return bool(self.honeypot.strip())

    def check(self, min_seconds: float) -> bool:
        """Fill `errors`; True when the comment may be stored."""
        errors = self.errors
        if not self.name:
            errors["name"] = "Vui lòng nhập họ tên."
        elif len(self.name) > NAME_MAX:
            errors["name"] = f"Họ tên không được dài quá {NAME_MAX} ký tự."
        elif _LINK.search(self.name):
            errors["name"] = "Họ tên không được chứa liên kết."
        if not self.email:
            errors["email"] = "Vui lòng nhập địa chỉ thư điện tử (không hiển thị công khai)."
        elif len(self.email) > EMAIL_MAX or not _EMAIL.match(self.email):
            errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
        if not self.content:
            errors["content"] = "Vui lòng nhập nội dung ý kiến."
        elif len(self.content) > CONTENT_MAX:
            errors["content"] = (
                f"Ý kiến dài {format_count(len(self.content))} ký tự, quá giới hạn "
                f"{format_count(CONTENT_MAX)} ký tự. Vui lòng rút gọn."
            )
        elif len(_LINK.findall(self.content)) > MAX_LINKS:
            errors["content"] = f"Ý kiến chứa quá nhiều liên kết (tối đa {MAX_LINKS})."
        age = stamp_age(self.stamp)
        if age is None:
            errors["form"] = NO_STAMP
            self.stamp = new_stamp()
        elif age < min_seconds:
            errors["form"] = TOO_FAST
        return not errors


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


def limits() -> dict[str, tuple[int, int]]:
    return {**LIMITS, **(current_app.config.get("COMMENT_LIMITS") or {})}


def min_seconds() -> float:
    return float(current_app.config.get("COMMENT_MIN_SECONDS", MIN_SECONDS))


__all__ = ["HONEYPOT", "STAMP", "Poster", "Submission", "limits", "new_stamp", "poster"]
