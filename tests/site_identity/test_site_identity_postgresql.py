"""Pages, contact messages and identity settings on PostgreSQL: racing saves of one slug
make one page and one field error (the unique constraint), messages stored and counted, the
site's name and footer read back from the settings."""

from __future__ import annotations

import threading

from auth_helpers import new_account
from identity_helpers import ContactReader, stored

from app.auth.models import Role, User
from app.extensions import db
from app.pages.models import Page
from app.pages.operations import PageError, create_page, mark_handled
from app.pages.queries import unhandled_count
from app.settings import get
from app.settings.operations import save_settings


def test_pages_contact_and_settings_on_postgresql(pg_app, clock):
    pg_app.config["COMMENT_CLOCK"] = clock
    create_page({"title": "Liên hệ", "slug": "lien-he", "published": True,
                 "body": "<p>Địa chỉ.</p>"}, by=None)  # fmt: skip
    save_settings({"site_name": "UBND phường Bắc Hà", "footer_phone": "0239 3855 123"}, by=None)

    reader = ContactReader(pg_app, clock, "10.4.4.4")
    assert reader.post().status_code == 302
    page = reader.get("/trang/lien-he").text
    assert "UBND phường Bắc Hà" in page and 'href="tel:02393855123"' in page
    assert get("site_name") == "UBND phường Bắc Hà"
    assert unhandled_count() == 1
    admin = db.session.get(User, new_account("quantri_pg", role=Role.ADMIN).id)
    assert mark_handled(stored(), True, by=admin) == 1
    assert unhandled_count() == 0


def test_racing_saves_of_one_slug_make_one_page_and_one_field_error(pg_app):
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def save(n: int) -> None:
        with pg_app.app_context():
            barrier.wait()
            try:
                create_page({"title": f"Giới thiệu {n}", "slug": "gioi-thieu"}, by=None)
                outcomes.append("saved")
            except PageError as exc:
                assert exc.field == "slug"
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["refused", "refused", "refused", "saved"]
    db.session.expire_all()
    assert [p.slug for p in db.session.scalars(db.select(Page))] == ["gioi-thieu"]
