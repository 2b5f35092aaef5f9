"""What the site identity tests share: a reader of the contact page, images to upload, the
settings form as a browser sends it."""

from __future__ import annotations

import io

from pages import forms_on
from PIL import Image

from app.extensions import db
from app.pages.models import ContactMessage

AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
SETTINGS = "/admin/cai-dat/"
CONTACT = "/trang/lien-he"
MESSAGE = {"name": "Lê Thị Hoa", "email": "hoa@example.vn", "phone": "0912 345 678",
           "subject": "Hỏi về thủ tục cấp phép", "message": "Xin hỏi hồ sơ gồm những gì?",
           "website": ""}  # fmt: skip


class ContactReader:
    """A browser with JavaScript on the contact page: it fetches its token (reader-forms.js)
    and the "started" stamp (comments.js), then waits `wait` seconds on the test's clock."""

    def __init__(self, app, clock, address: str) -> None:
        self.clock = clock
        self.client = app.test_client()
        self.client.environ_base.update(REMOTE_ADDR=address, HTTP_USER_AGENT=AGENT)

    def post(self, *, wait: float = 30, token: bool = True, stamp: bool = True, **fields):
        data = dict(MESSAGE)
        if token:
            data["csrf_token"] = self.client.get("/api/csrf").get_json()["token"]
        if stamp:
            data["started"] = self.client.get("/api/y-kien/bat-dau").get_json()["started"]
        self.clock.advance(wait)
        data.update(fields)
        return self.client.post(f"{CONTACT}/gui", data=data)

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)


def stored() -> list[ContactMessage]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ContactMessage).order_by(ContactMessage.id)))


def png(size=(120, 60), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def settings_form(page: str, **changes) -> dict:
    """The settings form as a browser sends it, with `changes`."""
    (form,) = [f for f in forms_on(page, SETTINGS) if f.method == "post" and f.action == SETTINGS]
    data = dict(form.fields)
    data.update(changes)
    return data
