"""`flask seed-demo`: a fresh site gets browsable demo content, and running it again is safe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.blocks.models import Banner, BannerBlock
from app.extensions import db
from app.news.models import Article, ArticleStatus, Category


def counts() -> dict[str, int]:
    db.session.expire_all()

    def count(query) -> int:
        return db.session.scalar(query)

    return {
        "categories": count(select(func.count(Category.id))),
        "articles": count(select(func.count(Article.id))),
        "banners": count(select(func.count(Banner.id)).where(Banner.block == BannerBlock.BANNERS)),
        "links": count(select(func.count(Banner.id)).where(Banner.block == BannerBlock.LINKS)),
    }


def image_files(app) -> set[str]:
    folder = Path(app.instance_path) / "uploads" / "images"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def test_seed_demo_creates_categories_articles_banners_and_links(seeded):
    seeded_counts = counts()

    assert seeded_counts["categories"] >= 4
    assert seeded_counts["articles"] >= 30
    assert seeded_counts["banners"] >= 1
    assert seeded_counts["links"] >= 1
    assert seeded.output.startswith("Added ")
    assert f"{seeded_counts['articles']} articles" in seeded.output


def test_seeded_categories_have_a_hierarchy(seeded):
    children = db.session.scalar(
        select(func.count(Category.id)).where(Category.parent_id.is_not(None))
    )

    assert children >= 1


def test_seeded_images_exist_on_disk_and_are_served(app, seeded, client):
    folder = Path(app.instance_path) / "uploads" / "images"
    articles = list(db.session.scalars(select(Article)))
    banners = list(db.session.scalars(select(Banner).where(Banner.image.is_not(None))))
    assert banners, "no banner has an image"

    names = {a.image for a in articles if a.image} | {b.image for b in banners}
    # Pictures inside article bodies are stored images too.
    for article in articles:
        names |= set(re.findall(r'<img src="/media/([^"]+)"', article.body))
    assert len(names) >= len(articles) + len(banners)

    for name in sorted(names):
        assert (folder / name).is_file(), name
        with client.get(f"/media/{name}") as response:
            assert response.status_code == 200, name
            if name.endswith(".jpg"):
                assert response.mimetype == "image/jpeg"
                assert response.data.startswith(b"\xff\xd8\xff")
            else:
                assert response.mimetype == "image/png"
                assert response.data.startswith(b"\x89PNG")


def test_seeded_site_is_browsable(seeded, client):
    home = client.get("/")
    assert home.status_code == 200
    assert "Tin mới nhất" in home.text
    assert "Liên kết" in home.text
    assert "block-banners" in home.text

    for category in db.session.scalars(select(Category)):
        response = client.get(f"/chuyen-muc/{category.slug}")
        assert response.status_code == 200, category.slug
        assert category.name in response.text

    visible = 0
    for article in db.session.scalars(select(Article)):
        response = client.get(f"/tin-tuc/{article.slug}")
        if article.is_visible():
            visible += 1
            assert response.status_code == 200, article.slug
            assert article.title in response.text
        else:
            assert response.status_code == 404, article.slug
    assert visible >= 30


def test_seeded_content_includes_every_kind_of_status(seeded):
    effective = {a.effective_status() for a in db.session.scalars(select(Article))}

    assert {ArticleStatus.PUBLISHED, ArticleStatus.DRAFT, ArticleStatus.SCHEDULED} <= effective
    assert ArticleStatus.EXPIRED in effective


def test_seed_demo_twice_adds_nothing(app, runner, seeded):
    before, files_before = counts(), image_files(app)

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    assert "nothing added" in again.output
    assert counts() == before
    assert image_files(app) == files_before


def test_seed_demo_if_empty_on_a_seeded_site_does_nothing(app, runner, seeded):
    before, files_before = counts(), image_files(app)

    again = runner.invoke(args=["seed-demo", "--if-empty"])

    assert again.exit_code == 0, again.output
    assert "nothing seeded" in again.output
    assert counts() == before
    assert image_files(app) == files_before


def test_seed_demo_if_empty_seeds_an_empty_site(runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Added ")
    assert counts()["articles"] >= 30


def test_seed_demo_if_empty_leaves_a_site_with_its_own_articles_alone(runner, make_article):
    make_article("Bài viết của cơ quan")

    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert counts()["articles"] == 1


def test_seed_demo_fills_in_missing_parts(app, runner, seeded):
    before = counts()
    article = db.session.scalar(select(Article).order_by(Article.id.desc()).limit(1))
    title = article.title
    db.session.delete(article)
    db.session.commit()

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    assert "1 articles" in again.output
    assert counts() == before
    assert db.session.scalar(select(Article).where(Article.title == title)) is not None
