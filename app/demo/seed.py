"""Demo content for a fresh site; every step checks what exists, so it can run again.

The content itself is data (app/demo/data/, read and checked by app.demo.loader); this module
turns it into rows, pictures and PDF files.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select

from app.blocks.models import Banner, BannerBlock
from app.comments.models import Comment
from app.comments.operations import recount
from app.dates import local_to_utc, to_local, utcnow
from app.demo.images import banner_png, landscape_jpeg, logo_png, text_banner_png
from app.demo.loader import DemoArticle, DemoBanner, DemoContent, DemoLink, DemoReply, load
from app.demo.pdf import document_pdf
from app.documents.models import Document, Field
from app.documents.operations import (
    attach_file,
    create_document,
    get_or_create_field,
    get_or_create_issuer,
    get_or_create_signer,
    get_or_create_type,
)
from app.extensions import db
from app.media import save_uploaded_image
from app.media_library import demo as media_demo
from app.menu import demo as menu_demo
from app.news import workflow_demo
from app.news.models import Article, ArticleStatus, Category
from app.news.operations import create_article
from app.pages import demo as pages_demo
from app.ratings.models import RatingVote
from app.ratings.services import cast_vote
from app.stats import demo as stats_demo
from app.stats.item_views import local_today
from app.stats.services import get_service

DEMO_VISITOR = "demo-visitor-{}"  # the made-up visitor ids of the demo votes, from 1


def seed_categories(content: DemoContent) -> tuple[dict[str, Category], int]:
    by_slug = {c.slug: c for c in db.session.scalars(select(Category))}
    added = 0
    for item in content.categories:  # parents are listed before their children
        if item.slug in by_slug:
            continue
        category = Category(
            name=item.name,
            slug=item.slug,
            description=item.description,
            position=item.order,
            parent=by_slug.get(item.parent) if item.parent else None,
        )
        db.session.add(category)
        by_slug[category.slug] = category
        added += 1
    db.session.flush()
    return by_slug, added


def _times(item: DemoArticle) -> tuple[datetime, datetime | None]:
    """When a demo article was published: `published_days_ago` days before today at its
    wall-clock time, both in the site's time zone (a named zone, so a DST day is right too),
    and never later than now for articles that are not scheduled."""
    now = utcnow().replace(second=0, microsecond=0)
    local_day = to_local(now).date() - timedelta(days=item.published_days_ago)
    published = local_to_utc(datetime.combine(local_day, item.published_time))
    if item.status != ArticleStatus.SCHEDULED and published > now:
        published = now - timedelta(minutes=item.published_time.minute + 1)
    expires = None
    if item.expires_days_ago is not None:
        expires = now - timedelta(days=item.expires_days_ago)
    return published, expires


def seed_articles(content: DemoContent, categories: dict[str, Category]) -> int:
    existing = set(db.session.scalars(select(Article.title)))
    added = 0
    # The index seeds the generated pictures: the same file order gives the same pictures.
    for index, item in enumerate(content.articles):
        if item.title in existing:
            continue
        published, expires = _times(item)
        image = save_uploaded_image(io.BytesIO(landscape_jpeg(item.image_color, seed=index)))
        body = item.body
        if "{image}" in body:
            picture = landscape_jpeg(item.image_color, seed=1000 + index)
            inline = save_uploaded_image(io.BytesIO(picture))
            src = url_for("media.image", name=inline)
            body = body.replace("{image}", f'<img src="{src}" alt="">')
        create_article(
            title=item.title,
            category=categories[item.category],
            extra_categories=[categories[s] for s in item.extra_categories],
            tags=item.tags,
            lead=item.lead,
            body=body,
            image=image,
            image_caption=item.image_caption,
            image_position=item.image_position,
            author=item.author,
            source=item.source,
            status=item.status,
            featured=item.featured,
            published_at=published,
            expires_at=expires,
            commit=False,
        )
        added += 1
    return added


def _banner_kind(block: BannerBlock) -> str:
    # A banner is recognised by its title in either banner position: a site seeded before
    # there were two keeps its banners where they are instead of getting copies.
    return "link" if block == BannerBlock.LINKS else "banner"


def _stored_png(data: bytes) -> str:
    return save_uploaded_image(io.BytesIO(data))


def seed_banners(banners: list[DemoBanner], links: list[DemoLink]) -> int:
    """Add the banners (in their positions, pictures with their own words) and the partner
    links (with their logos) that are missing, by title; return how many were added."""
    existing = {(_banner_kind(b.block), b.title) for b in db.session.scalars(select(Banner))}
    added = 0
    for item in banners:
        if ("banner", item.title) in existing:
            continue
        picture = text_banner_png(item.color, item.image_text) if item.image_text else (
            banner_png(item.color))  # fmt: skip
        db.session.add(
            Banner(title=item.title, target_url=item.target_url, image=_stored_png(picture),
                   block=item.position, position=item.order, show_title=item.show_title)
        )  # fmt: skip
        added += 1
    for link in links:
        if ("link", link.title) in existing:
            continue
        logo = logo_png(link.logo_color, link.logo_text) if link.logo_color else None
        db.session.add(
            Banner(title=link.title, target_url=link.target_url, block=BannerBlock.LINKS,
                   image=_stored_png(logo) if logo else None, position=link.order)
        )  # fmt: skip
        added += 1
    return added


def seed_documents(content: DemoContent) -> int:
    today = to_local(utcnow()).date()
    by_code = {d.code: d for d in db.session.scalars(select(Document))}
    fields: dict[str, Field] = {}
    for field in content.fields:  # parents first
        fields[field.slug] = get_or_create_field(
            field.name, field.slug, fields.get(field.parent) if field.parent else None
        )
    for position, name in enumerate(content.document_types):
        get_or_create_type(name, position)
    added = 0
    for item in sorted(content.documents, key=lambda d: -d.issued_days_ago):
        if item.code in by_code:
            continue
        issued = today - timedelta(days=item.issued_days_ago)
        expires = item.expires_days_after_issue
        document = create_document(
            code=item.code,
            title=item.title,
            summary=item.summary,
            body=item.body,
            type=get_or_create_type(item.type),
            issuer=get_or_create_issuer(item.issuer),
            signer=get_or_create_signer(item.signer, item.signer_position),
            issued_on=issued,
            in_force_on=issued + timedelta(days=item.in_force_days_after_issue),
            expires_on=issued + timedelta(days=expires) if expires is not None else None,
            fields=[fields[slug] for slug in item.fields],
            commit=False,
        )
        pdf = document_pdf(item.issuer, item.code, item.title, item.pages,
                           f"{item.signer_position} {item.signer}")  # fmt: skip
        attach_file(document, io.BytesIO(pdf), item.file_name, commit=False)
        by_code[document.code] = document
        added += 1
    db.session.flush()
    for item in content.documents:  # links, once every document exists
        document = by_code[item.code]
        if item.replaces and not document.replaces:
            document.replaces = [by_code[item.replaces]]
        if item.related and not document.related:
            document.related_to = [by_code[c] for c in item.related]
    return added


def _articles_by_title(content: DemoContent, attribute: str) -> dict[str, Article]:
    """The seeded articles whose data lists something under `attribute`."""
    titles = [a.title for a in content.articles if getattr(a, attribute)]
    return {
        a.title: a for a in db.session.scalars(select(Article).where(Article.title.in_(titles)))
    }


def _comment_time(item: DemoReply, floor: datetime, now: datetime) -> datetime:
    """`days_ago` days before now, but after what it answers (an hour at least) and never
    in the future."""
    return min(max(now - timedelta(days=item.days_ago), floor + timedelta(hours=1)), now)


def seed_comments(content: DemoContent) -> int:
    """Add the readers' comments (and replies) that are missing, recognised by article, name
    and content; the articles' comment counts are recounted by the comments' own operation,
    in the caller's transaction."""
    articles = _articles_by_title(content, "comments")
    ids = [a.id for a in articles.values()]
    rows = db.session.scalars(select(Comment).where(Comment.article_id.in_(ids)))
    existing = {(c.article_id, c.name, c.content): c for c in rows}
    now = utcnow().replace(microsecond=0)
    added = 0

    def add(article: Article, item: DemoReply, parent: Comment | None) -> Comment:
        nonlocal added
        found = existing.get((article.id, item.name, item.content))
        if found is not None:
            return found
        floor = parent.created_at if parent is not None else article.published_at
        comment = Comment(article_id=article.id, parent=parent, name=item.name,
                          email=item.email, content=item.content, status=item.status,
                          created_at=_comment_time(item, floor, now))  # fmt: skip
        db.session.add(comment)
        added += 1
        return comment

    for data in content.articles:
        article = articles.get(data.title)
        if article is None:  # an article the data lists without comments
            continue
        for item in data.comments:
            comment = add(article, item, None)
            for reply in item.replies:
                add(article, reply, comment)
    recount(ids)
    return added


def seed_ratings(content: DemoContent) -> int:
    """Cast the demo votes that are missing, one made-up visitor per vote, through the
    ratings' own `cast_vote` (totals in SQL, live numbers in Redis). Each vote commits."""
    articles = _articles_by_title(content, "ratings")
    ids = [a.id for a in articles.values()]
    rows = db.session.execute(
        select(RatingVote.article_id, RatingVote.visitor).where(RatingVote.article_id.in_(ids))
    )
    voted = {(article_id, visitor) for article_id, visitor in rows}
    votes = [
        (articles[data.title].id, DEMO_VISITOR.format(n), stars)
        for data in content.articles
        if data.title in articles
        for n, stars in enumerate(data.ratings, 1)
    ]
    db.session.rollback()  # end the read transaction: each vote is its own
    missing = [vote for vote in votes if vote[:2] not in voted]
    stats = get_service()
    for article_id, visitor, stars in missing:
        cast_vote(article_id, visitor, stars, stats=stats)
    return len(missing)


def seed_demo(content: DemoContent | None = None) -> dict[str, int]:
    """Add whatever part of the demo content is missing; return how much was added.

    The data files are read and checked first (DemoDataError), before anything is written."""
    content = content or load()
    categories, added_categories = seed_categories(content)
    counts = {
        "categories": added_categories,
        "articles": seed_articles(content, categories),
        "banners": seed_banners(content.banners, content.links),
        "documents": seed_documents(content),
        "comments": seed_comments(content),
        "pages": pages_demo.seed_demo(),
    }
    db.session.commit()
    counts["ratings"] = seed_ratings(content)  # after the commit: each vote commits
    counts["menu items"] = menu_demo.seed_demo()
    counts["library images"] = media_demo.seed_demo()  # after the articles and banners
    counts["pending changes"] = workflow_demo.seed_demo()
    counts["statistics days"] = stats_demo.seed_demo(local_today())
    db.session.commit()
    return counts
