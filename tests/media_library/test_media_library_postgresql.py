"""The library on PostgreSQL: search, dedupe and the usage check as on SQLite, and the same
picture uploaded by several editors at the same moment is still one item and one file.
Skips without TEST_DATABASE_URL (conftest's `pg_app`)."""

from __future__ import annotations

import io
import threading

from media_cases import picture
from sqlalchemy import func, select

from app.extensions import db
from app.media import image_dir
from app.media_library.models import MediaItem
from app.media_library.operations import InUse, add_upload, delete_item, update_texts
from app.media_library.queries import search


def test_search_dedupe_and_usage_on_postgresql(pg_app):
    from app.news.operations import create_article, create_category

    assert db.engine.dialect.name == "postgresql"
    with pg_app.test_request_context("/"):
        item, created = add_upload(io.BytesIO(picture((1, 99, 1))), "a.png", by=None)
        update_texts(item, title="Đại hội Công đoàn", alt="", by=None)
        again, created_again = add_upload(io.BytesIO(picture((1, 99, 1))), "b.png", by=None)
        body = f'<p><img src="/media/{item.file_name}" alt=""></p>'
        category = create_category("Tin tức", by=None)
        create_article(title="Tin đại hội", category=category, lead="", body=body)

        assert created and not created_again and again.id == item.id
        assert [i.id for i in db.session.scalars(search("DAI HOI cong"))] == [item.id]
        try:
            delete_item(item, by=None)
        except InUse as refused:
            assert [p.label for p in refused.places] == ["Bài viết “Tin đại hội”"]
        else:
            raise AssertionError("an image an article shows was deleted")


def test_the_same_picture_uploaded_at_once_is_one_item_and_one_file(pg_app):
    data = picture((7, 77, 177), (200, 150))
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def upload() -> None:
        with pg_app.app_context(), pg_app.test_request_context("/"):
            try:
                start.wait()
                item, _ = add_upload(io.BytesIO(data), "cung-luc.png", by=None)
                results.append(item.id)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=upload) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1 and len(results) == 6
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(MediaItem)) == 1
    name = db.session.scalar(select(MediaItem.file_name))
    stems = {p.name.split(".")[0][:-1] for p in image_dir().iterdir()}
    assert stems == {name.split(".")[0][:-1]}, "files of a losing upload were left behind"
