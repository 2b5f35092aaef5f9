"""The contact form on the "Liên hệ" page: what a message must pass before it is stored.

The anti-spam is the comments' (app.anti_spam): honeypot, the signed "started" stamp and its
minimum time, links counted, and per-visitor and per-address limits. Messages are Vietnamese
and say what to change; the caller shows the form again with the reader's text kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask, current_app
from werkzeug.datastructures import MultiDict

from app.anti_spam import (
    HONEYPOT,
    STAMP,
    ReaderPost,
    email_problem,
    name_problem,
    one_line,
    paragraphs,
    problems,
    text_problem,
)
from app.pages.models import EMAIL_MAX, MESSAGE_MAX, NAME_MAX, PHONE_MAX, SUBJECT_MAX
from app.settings import Setting, declare, get

MAX_LINKS = 3
# Default limits: (events, seconds). Config CONTACT_LIMITS overrides them by name.
LIMITS = {"visitor": (3, 600), "ip": (10, 3600)}
_PHONE = re.compile(r"^[0-9+ ().\-]{6,30}$")

CONTACT_SLUG = Setting(
    key="contact_page_slug",
    label="Đường dẫn của trang Liên hệ (trang có biểu mẫu liên hệ)",
    default="lien-he",
    section="Trang tĩnh",
    help="Trang tĩnh có đường dẫn này hiện biểu mẫu gửi thư liên hệ bên dưới nội dung.",
)


def declare_settings(app: Flask) -> None:
    declare(app, CONTACT_SLUG)


def contact_slug() -> str:
    return str(get(CONTACT_SLUG.key)).strip()


def limits() -> dict[str, tuple[int, int]]:
    return {**LIMITS, **(current_app.config.get("CONTACT_LIMITS") or {})}


def _subject_problem(subject: str) -> str | None:
    if not subject:
        return "Vui lòng nhập tiêu đề."
    if len(subject) > SUBJECT_MAX:
        return f"Tiêu đề không được dài quá {SUBJECT_MAX} ký tự."
    return None


@dataclass
class ContactSubmission(ReaderPost):
    """A contact message as posted, and what is wrong with it (field name -> message)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    subject: str = ""
    message: str = ""

    @classmethod
    def from_form(cls, form: MultiDict) -> ContactSubmission:
        text = {k: form.get(k, "") for k in ("name", "email", "phone", "subject", "message",
                                             HONEYPOT, STAMP)}  # fmt: skip
        return cls(
            name=one_line(text["name"]),
            email=text["email"].strip(),
            phone=one_line(text["phone"]),
            subject=one_line(text["subject"]),
            message=paragraphs(text["message"]),
            honeypot=text[HONEYPOT],
            stamp=text[STAMP],
        )

    def texts(self) -> tuple[str, ...]:
        return (self.name, self.email, self.phone, self.subject, self.message)

    def check(self, min_seconds: float) -> bool:
        """Fill `errors`; True when the message may be stored."""
        errors = self.errors
        errors.update(problems(
            name=name_problem(self.name, NAME_MAX),
            email=email_problem(self.email, EMAIL_MAX,
                                "Vui lòng nhập địa chỉ thư điện tử để chúng tôi trả lời bạn."),
            subject=_subject_problem(self.subject),
            message=text_problem(self.message, max_length=MESSAGE_MAX, max_links=MAX_LINKS,
                                 noun="Nội dung", missing="Vui lòng nhập nội dung."),
        ))  # fmt: skip
        if self.phone and (len(self.phone) > PHONE_MAX or not _PHONE.fullmatch(self.phone)):
            errors["phone"] = "Số điện thoại chỉ gồm chữ số, dấu cách và các ký tự + ( ) . -"
        self.check_stamp(min_seconds)
        return not errors


__all__ = ["CONTACT_SLUG", "ContactSubmission", "contact_slug", "declare_settings", "limits"]
