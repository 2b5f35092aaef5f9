"""What a reader's comment must pass before it is stored: the fields, the anti-spam checks
(honeypot, time on the page, links, length) and who sent it (keys for the rate limits).

Every message is Vietnamese and says what to change; the caller shows the form again with
the reader's text kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from werkzeug.datastructures import MultiDict

from app.anti_spam import (  # shared with the contact form; re-exported for comments
    HONEYPOT,
    MIN_SECONDS,
    RAW_MAX,
    STAMP,
    Poster,
    ReaderPost,
    email_problem,
    min_seconds,
    name_problem,
    new_stamp,
    one_line,
    paragraphs,
    poster,
    problems,
    stamp_age,
    text_problem,
)
from app.comments.models import CONTENT_MAX, EMAIL_MAX, NAME_MAX
from app.converters import parse_id

MAX_LINKS = 2
# Default limits: (events, seconds). Config COMMENT_LIMITS overrides them by name.
LIMITS = {"visitor": (5, 300), "ip": (30, 600)}


@dataclass
class Submission(ReaderPost):
    """A comment as posted, and what is wrong with it (field name -> message)."""

    name: str = ""
    email: str = ""
    content: str = ""
    parent_id: int | None = None

    @classmethod
    def from_form(cls, form: MultiDict) -> Submission:
        text = {k: form.get(k, "") for k in ("name", "email", "content", HONEYPOT, STAMP)}
        return cls(
            name=one_line(text["name"]),
            email=text["email"].strip(),
            content=paragraphs(text["content"]),
            parent_id=parse_id(form.get("parent_id")),
            honeypot=text[HONEYPOT],
            stamp=text[STAMP],
        )

    def texts(self) -> tuple[str, ...]:
        return (self.name, self.email, self.content)

    def check(self, min_seconds: float) -> bool:
        """Fill `errors`; True when the comment may be stored."""
        errors = self.errors
        errors.update(problems(
            name=name_problem(self.name, NAME_MAX),
            email=email_problem(self.email, EMAIL_MAX,
                                "Vui lòng nhập địa chỉ thư điện tử (không hiển thị công khai)."),
            content=text_problem(self.content, max_length=CONTENT_MAX, max_links=MAX_LINKS,
                                 noun="Ý kiến", missing="Vui lòng nhập nội dung ý kiến."),
        ))  # fmt: skip
        self.check_stamp(min_seconds)
        return not errors


def limits() -> dict[str, tuple[int, int]]:
    return {**LIMITS, **(current_app.config.get("COMMENT_LIMITS") or {})}


__all__ = [
    "HONEYPOT",
    "MIN_SECONDS",
    "RAW_MAX",
    "STAMP",
    "Poster",
    "Submission",
    "limits",
    "min_seconds",
    "new_stamp",
    "poster",
    "stamp_age",
]
