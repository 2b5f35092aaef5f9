"""The demo's banners and links: two banner groups as the seed has them, pictures with their
own words shown without an overlay, "Liên kết" entries with logos, seeded once."""

from __future__ import annotations

import re
import shutil

import pytest
from banner_pages import add, banner_titles, section
from sqlalchemy import select

from app.blocks.models import Banner, BannerBlock
from app.demo.loader import DATA_DIR, DemoDataError, load
from app.demo.seed import seed_banners
from app.extensions import db


def seed(app) -> int:
    content = load()
    with app.test_request_context("/"):
        added = seed_banners(content.banners, content.links)
        db.session.commit()
    return added


def test_the_demo_has_both_banner_groups_and_link_logos(app, client):
    data = load()
    assert seed(app) == len(data.banners) + len(data.links)
    rows = list(db.session.scalars(select(Banner).order_by(Banner.block, Banner.position)))
    by_block = {block: [b for b in rows if b.block == block] for block in BannerBlock}
    assert len(by_block[BannerBlock.BANNERS]) >= 2 and len(by_block[BannerBlock.MIDDLE]) >= 2
    # Pictures that carry their own words: no title printed over them.
    assert all(b.image and not b.show_title for b in rows if b.block != BannerBlock.LINKS)
    logos = [b for b in by_block[BannerBlock.LINKS] if b.image]
    assert 0 < len(logos) < len(by_block[BannerBlock.LINKS])  # with and without a logo
    page = client.get("/").text
    top = banner_titles(section(page, "block-banners"))
    middle = banner_titles(section(page, "block-banners block-banners-middle"))
    assert top == [b.title for b in data.banners if b.position == BannerBlock.BANNERS]
    assert middle == [b.title for b in data.banners if b.position == BannerBlock.MIDDLE]
    assert "banner-title" not in section(page, "block-banners")
    links = section(page, "block-links")
    assert len(re.findall(r'<img class="partner-logo" src="/media/[^"]+"', links)) == len(logos)
    for banner in rows:
        if banner.image:
            with client.get(f"/media/{banner.image}") as picture:
                assert (picture.status_code, picture.mimetype) == (200, "image/png")


def test_seeding_again_adds_nothing_and_an_older_demo_site_gets_no_copies(app):
    # A site seeded before there were two positions has every demo banner above "Văn bản mới".
    data = load()
    for item in data.banners[:2]:
        add(item.title, BannerBlock.BANNERS, target_url=item.target_url)
    assert seed(app) == len(data.banners) - 2 + len(data.links)
    assert seed(app) == 0
    titles = [b.title for b in db.session.scalars(select(Banner))]
    assert len(titles) == len(set(titles)) + _shared_titles(data)


def _shared_titles(data) -> int:
    """Titles used by a banner and a link alike (each kind is seeded once)."""
    return len({b.title for b in data.banners} & {link.title for link in data.links})


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("banners.toml", '\nposition = "middle"', '\nposition = "links"', "must be 'banners' or"),
        ("banners.toml", '\nposition = "middle"', '\nposition = "giua"', "is not one of"),
        ("links.toml", 'logo_text = "AH"\n', "", "a logo needs both logo_color and logo_text"),
    ],
)
def test_broken_banner_data_is_refused_naming_the_file(tmp_path, file, old, new, message):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    path = copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DemoDataError) as refused:
        load(copy)
    assert str(refused.value).startswith(f"{path}: ")
    assert message in str(refused.value)
