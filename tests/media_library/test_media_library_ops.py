"""The library's operations on a real database and media folder: an upload is stored once
(the same bytes again give the same item and no new file), the search folds diacritics and
case, the texts are edited, and an image an article shows is not deleted."""

from __future__ import annotations

import io

import pytest
from media_cases import picture
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.media import ImageRejected, image_dir, thumbnail_name
from app.media_library.models import MediaItem
from app.media_library.operations import (
    InUse,
    TooLarge,
    add_upload,
    clean_original_name,
    delete_item,
    update_texts,
)
from app.media_library.queries import search
from app.media_library.usage import usages


@pytest.fixture
def ctx(app):
    """A request context: the usage finders and the item JSON build URLs."""
    with app.test_request_context("/"):
        yield


def stored_files() -> set[str]:
    return {p.name for p in image_dir().iterdir()}


def add(data: bytes, name: str = "anh.png"):
    return add_upload(io.BytesIO(data), name, by=None)


def test_an_upload_is_stored_with_its_facts(app, ctx):
    item, created = add(picture((10, 120, 10), (80, 60)), "Hội thảo_chuyển-đổi số.png")

    assert created
    assert item.file_name in stored_files()
    assert thumbnail_name(item.file_name) in stored_files()
    assert (item.width, item.height) == (80, 60)
    assert item.file_size == (image_dir() / item.file_name).stat().st_size
    assert item.title == "Hội thảo chuyển đổi số"
    assert item.original_name == "Hội thảo_chuyển-đổi số.png"
    assert len(item.content_hash) == 64


def test_the_same_picture_uploaded_twice_is_one_item_and_one_file(app, ctx):
    data = picture((200, 30, 30))
    first, created = add(data, "lan-1.png")
    files = stored_files()

    again, created_again = add(data, "lan-2.png")

    assert created and not created_again
    assert again.id == first.id
    assert stored_files() == files, "a second file was written"
    assert db.session.scalar(select(func.count()).select_from(MediaItem)) == 1


def test_another_picture_is_another_item(app, ctx):
    a, _ = add(picture((1, 2, 3)))
    b, created = add(picture((4, 5, 6)))
    assert created and a.id != b.id and a.file_name != b.file_name


@pytest.mark.parametrize(
    ("data", "too_large"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", False),
        (b"", False),
        (b"GIF89a" + b"\0" * 20, False),
    ],
)
def test_what_is_no_image_is_refused_and_nothing_is_kept(app, ctx, data, too_large):
    before = stored_files()
    with pytest.raises(ImageRejected) as refused:
        add(data, "anh.svg")
    assert not isinstance(refused.value, TooLarge)
    assert stored_files() == before
    assert db.session.scalar(select(func.count()).select_from(MediaItem)) == 0


@pytest.mark.parametrize("app", [{"IMAGE_MAX_BYTES": 2000}], indirect=True)
def test_an_image_over_the_limit_is_too_large(app, ctx):
    with pytest.raises(TooLarge) as refused:
        add(b"\x89PNG" + b"x" * 2001)
    assert "vượt quá dung lượng" in str(refused.value)


def test_a_browser_path_or_control_characters_leave_the_original_name(app):
    assert clean_original_name("C:\\Users\\lan\\ảnh\x07 đẹp.jpg") == "ảnh đẹp.jpg"
    assert clean_original_name("../../etc/passwd") == "passwd"
    assert clean_original_name(None) == ""


def test_the_search_ignores_diacritics_and_case_and_needs_every_word(app, ctx):
    meeting, _ = add(picture((1, 1, 1)), "hoi-nghi.png")
    update_texts(meeting, title="Hội nghị Đảng bộ tỉnh", alt="Quang cảnh hội trường", by=None)
    school, _ = add(picture((2, 2, 2)), "truong-hoc.png")
    update_texts(school, title="Khai giảng năm học mới", alt="", by=None)

    def found(q: str) -> list[int]:
        return [i.id for i in db.session.scalars(search(q))]

    assert found("HOI NGHI") == [meeting.id]
    assert found("đảng bộ") == [meeting.id]
    assert found("hội trường") == [meeting.id]  # the alt text counts
    assert found("khai giang") == [school.id]
    assert found("hội giảng") == []  # every word must match
    assert found("") == [school.id, meeting.id]  # newest first
    assert found(meeting.file_name[:12]) == [meeting.id]  # the stored file name
    assert found("truong-hoc") == [school.id]  # the original file name
    assert found("%") == found("_") == [school.id, meeting.id]  # no LIKE wildcard


def test_editing_the_texts_is_audited_and_searchable(app, ctx):
    item, _ = add(picture((3, 3, 3)))
    update_texts(item, title="  Lễ chào cờ  ", alt="Học sinh chào cờ", by=None)

    assert (item.title, item.alt) == ("Lễ chào cờ", "Học sinh chào cờ")
    assert [i.id for i in db.session.scalars(search("chao co"))] == [item.id]
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"media.upload", "media.edit"} <= actions


def test_an_image_in_an_article_body_is_not_deleted_and_the_article_is_named(
    app, ctx, make_article
):
    item, _ = add(picture((4, 4, 4)))
    article = make_article(
        "Bài có ảnh trong thân bài",
        body=f'<p>Ảnh:</p><figure><img src="/media/{item.file_name}" alt=""></figure>',
    )

    with pytest.raises(InUse) as refused:
        delete_item(item, by=None)

    assert [p.label for p in refused.value.places] == ["Bài viết “Bài có ảnh trong thân bài”"]
    assert refused.value.places[0].url == f"/admin/news/articles/{article.id}"
    assert db.session.get(MediaItem, item.id) is not None
    assert item.file_name in stored_files()


def test_an_article_illustration_or_a_thumbnail_in_a_body_also_counts(app, ctx, make_article):
    cover, _ = add(picture((5, 5, 5)))
    thumb, _ = add(picture((6, 6, 6)))
    make_article("Bài có ảnh minh họa", image=cover.file_name)
    small = thumbnail_name(thumb.file_name)
    make_article("Bài dùng ảnh nhỏ", body=f'<p><img src="/media/{small}" alt=""></p>')

    assert [p.label for p in usages(cover.file_name)] == ["Bài viết “Bài có ảnh minh họa”"]
    assert [p.label for p in usages(thumb.file_name)] == ["Bài viết “Bài dùng ảnh nhỏ”"]


def test_an_unused_image_is_deleted_with_its_files(app, ctx, make_article):
    item, _ = add(picture((7, 7, 7)))
    other, _ = add(picture((8, 8, 8)))
    make_article("Bài dùng ảnh khác", body=f'<p><img src="/media/{other.file_name}" alt=""></p>')
    name = item.file_name

    delete_item(item, by=None)

    assert db.session.scalar(select(MediaItem).where(MediaItem.file_name == name)) is None
    assert name not in stored_files() and thumbnail_name(name) not in stored_files()
    assert "media.delete" in set(db.session.scalars(select(AuditEntry.action)))
    # Deleted, the same picture may come back as a new item.
    again, created = add(picture((7, 7, 7)))
    assert created and again.file_name in stored_files()


def test_a_banner_picture_is_not_deleted(app, ctx):
    from app.blocks.models import Banner

    item, _ = add(picture((9, 9, 90)))
    db.session.add(Banner(title="Cổng dịch vụ công", image=item.file_name,
                          target_url="https://dichvucong.gov.vn"))  # fmt: skip
    db.session.commit()

    with pytest.raises(InUse) as refused:
        delete_item(item, by=None)
    places = [(p.label, p.url) for p in refused.value.places]
    assert places == [("Banner “Cổng dịch vụ công”", None)]
