"""`flask media index` and the demo seed: the images already in the media folder join the
library once, titled after the articles that show them; thumbnails and strays are skipped."""

from __future__ import annotations

import io

from media_cases import picture
from sqlalchemy import select

from app.extensions import db
from app.media import image_dir, save_image_bytes, save_uploaded_image, thumbnail_name
from app.media_library.models import MediaItem


def items() -> dict[str, MediaItem]:
    db.session.expire_all()
    return {i.file_name: i for i in db.session.scalars(select(MediaItem))}


def test_index_registers_existing_images_once(app, runner, make_article):
    with app.test_request_context("/"):
        cover = save_uploaded_image(io.BytesIO(picture((10, 60, 10), (90, 60))))
        inline = save_uploaded_image(io.BytesIO(picture((60, 10, 10))))
        banner = save_image_bytes(picture((10, 10, 60)), "png")
        twin = save_image_bytes((image_dir() / banner).read_bytes(), "png")  # same bytes
    make_article("Khánh thành cầu mới", image=cover, image_caption="Cắt băng khánh thành",
                 body=f'<p>Ảnh:</p><p><img src="/media/{inline}" alt=""></p>')  # fmt: skip
    (image_dir() / "ghi-chu.txt").write_text("không phải ảnh")

    result = runner.invoke(args=["media", "index"])

    assert result.exit_code == 0, result.output
    assert "Added 3 image(s)" in result.output
    found = items()
    assert set(found) == {cover, inline, banner} or set(found) == {cover, inline, twin}
    assert thumbnail_name(cover) not in found
    assert (found[cover].title, found[cover].alt) == ("Khánh thành cầu mới", "Cắt băng khánh thành")
    assert (found[cover].width, found[cover].height) == (90, 60)
    assert found[inline].title == "Khánh thành cầu mới"
    logo = found.get(banner) or found[twin]
    assert logo.title == logo.file_name  # nothing shows it: named after the file

    again = runner.invoke(args=["media", "index"])

    assert again.exit_code == 0
    assert "already lists every image" in again.output
    assert len(items()) == 3


def test_an_indexed_image_is_found_again_when_uploaded(app, runner):
    """Downloading a library image and uploading it again gives the same item."""
    from app.media_library.operations import add_upload

    with app.test_request_context("/"):
        name = save_image_bytes(picture((1, 2, 3)), "png")
        runner.invoke(args=["media", "index"])
        item, created = add_upload(io.BytesIO((image_dir() / name).read_bytes()), "x.png", by=None)
    assert not created and item.file_name == name


def test_the_demo_library_holds_the_demo_pictures_once(app):
    """app.media_library.demo.seed_demo (called by `flask seed-demo` once the articles and
    banners are stored) registers their pictures, titled after the articles."""
    from app.demo.loader import load
    from app.demo.seed import seed_articles, seed_categories
    from app.media_library.demo import seed_demo

    content = load()
    with app.test_request_context("/"):
        categories, _ = seed_categories(content)
        articles = seed_articles(content, categories)
        db.session.commit()
        first = seed_demo()
        second = seed_demo()

    assert first >= articles > 10  # an illustration each, and the images in bodies
    assert second == 0
    titles = {i.title for i in items().values()}
    assert {a.title for a in content.articles} <= titles


def test_a_banner_picture_is_titled_after_the_banner(app, runner):
    from app.blocks.models import Banner

    with app.test_request_context("/"):
        name = save_image_bytes(picture((200, 100, 0)), "png")
    db.session.add(
        Banner(title="Cổng dịch vụ công", image=name, target_url="https://dichvucong.gov.vn")
    )
    db.session.commit()

    assert runner.invoke(args=["media", "index"]).exit_code == 0

    assert (items()[name].title, items()[name].alt) == ("Cổng dịch vụ công", "Cổng dịch vụ công")


def test_the_site_seed_reports_the_library(app):
    from app.demo import seed

    with app.test_request_context("/"):
        counts = seed.seed_demo()
    assert counts["library images"] == len(items()) > 10
