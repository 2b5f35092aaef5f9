"""What a reader's comment must pass before it is stored: the fields, the anti-spam checks
(honeypot, time on the page, links, length) and who sent it (keys for the rate limits).

Every message is Vietnamese and says what to change; the caller shows the form again with
the reader's text kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from werkzeug.datastructures import MultiDict

from app.anti_spam import (  # shared with the contact form; re-exported for comments
    HONEYPOT,
    MIN_SECONDS,
    STAMP,
    Poster,
    email_problem,
    min_seconds,
    name_problem,
    new_stamp,
    poster,
    problems,
    stamp_age,
    stamp_error,
    text_problem,
)
from app.comments.models import CONTENT_MAX, EMAIL_MAX, NAME_MAX
from app.converters import parse_id

MAX_LINKS = 2
RAW_MAX = 20_000  # longer than this is no comment: 413, nothing echoed back
# Default limits: (events, seconds). Config COMMENT_LIMITS overrides them by name.
LIMITS = {"visitor": (5, 300), "ip": (30, 600)}


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
        errors.update(problems(
            name=name_problem(self.name, NAME_MAX),
            email=email_problem(self.email, EMAIL_MAX,
                                "Vui lòng nhập địa chỉ thư điện tử (không hiển thị công khai)."),
            content=text_problem(self.content, max_length=CONTENT_MAX, max_links=MAX_LINKS,
                                 noun="Ý kiến", missing="Vui lòng nhập nội dung ý kiến."),
        ))  # fmt: skip
        problem, self.stamp = stamp_error(self.stamp, min_seconds)
        if problem:
            errors["form"] = problem
        return not errors


def limits() -> dict[str, tuple[int, int]]:
    return {**LIMITS, **(current_app.config.get("COMMENT_LIMITS") or {})}


__all__ = [
    "HONEYPOT",
    "MIN_SECONDS",
    "STAMP",
    "Poster",
    "Submission",
    "limits",
    "min_seconds",
    "new_stamp",
    "poster",
    "stamp_age",
]
