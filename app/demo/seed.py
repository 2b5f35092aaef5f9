"""Demo content for a fresh site; every step checks what exists, so it can run again."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from flask import url_for
from sqlalchemy import select

from app.blocks.models import Banner, BannerBlock
from app.dates import to_local, utcnow
from app.demo import content
from app.demo.images import banner_png, landscape_jpeg
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
from app.media import save_image_bytes, save_uploaded_image
from app.news.models import Article, ArticleStatus, Category, ImagePosition
from app.news.operations import create_article


def seed_categories() -> tuple[dict[str, Category], int]:
    by_slug = {c.slug: c for c in db.session.scalars(select(Category))}
    added = 0
    for item in content.CATEGORIES:  # parents are listed before their children
        if item["slug"] in by_slug:
            continue
        category = Category(
            name=item["name"],
            slug=item["slug"],
            description=item["description"],
            position=item["order"],
            parent=by_slug.get(item["parent"]) if item["parent"] else None,
        )
        db.session.add(category)
        by_slug[category.slug] = category
        added += 1
    db.session.flush()
    return by_slug, added


def _times(item: dict):
    """When a demo article was published: `days_ago` days before today (Vietnam time, UTC+7
    without DST) at its hour, and never later than now for articles already published."""
    now = utcnow().replace(second=0, microsecond=0)
    local_day = (now + timedelta(hours=7)).date() - timedelta(days=item["days_ago"])
    published = datetime.combine(local_day, time(item["hour"], item["minute"]))
    published -= timedelta(hours=7)
    if item["status"] != "scheduled" and published > now:
        published = now - timedelta(minutes=item["minute"] + 1)
    expires = None
    if "expires_days_ago" in item:
        expires = now - timedelta(days=item["expires_days_ago"])
    return published, expires


def seed_articles(categories: dict[str, Category]) -> int:
    existing = set(db.session.scalars(select(Article.title)))
    added = 0
    for index, item in enumerate(content.ARTICLES):
        if item["title"] in existing:
            continue
        published, expires = _times(item)
        image = save_uploaded_image(io.BytesIO(landscape_jpeg(item["image_color"], seed=index)))
        body = item["body"]
        if "{image}" in body:
            picture = landscape_jpeg(item["image_color"], seed=1000 + index)
            inline = save_uploaded_image(io.BytesIO(picture))
            src = url_for("media.image", name=inline)
            body = body.replace("{image}", f'<img src="{src}" alt="">')
        create_article(
            title=item["title"],
            category=categories[item["category"]],
            extra_categories=[categories[s] for s in item["extra_categories"]],
            tags=item["tags"],
            lead=item["lead"],
            body=body,
            image=image,
            image_caption=item["image_caption"],
            image_position=ImagePosition(item["image_position"]),
            author=item["author"],
            source=item["source"],
            status=ArticleStatus(item["status"]),
            featured=item["featured"],
            published_at=published,
            expires_at=expires,
            commit=False,
        )
        added += 1
    return added


def seed_banners() -> int:
    existing = {(b.block, b.title) for b in db.session.scalars(select(Banner))}
    added = 0
    for item in content.BANNERS:
        if (BannerBlock.BANNERS, item["title"]) in existing:
            continue
        image = save_image_bytes(banner_png(item["color"]), "png")
        db.session.add(
            Banner(title=item["title"], target_url=item["target_url"], image=image,
                   block=BannerBlock.BANNERS, position=item["order"])
        )  # fmt: skip
        added += 1
    for item in content.LINKS:
        if (BannerBlock.LINKS, item["title"]) in existing:
            continue
        db.session.add(
            Banner(title=item["title"], target_url=item["target_url"],
                   block=BannerBlock.LINKS, position=item["order"])
        )  # fmt: skip
        added += 1
    return added


def seed_documents() -> int:
    today = to_local(utcnow()).date()
    by_code = {d.code: d for d in db.session.scalars(select(Document))}
    fields: dict[str, Field] = {}
    for item in content.FIELDS:  # parents first
        fields[item["slug"]] = get_or_create_field(
            item["name"], item["slug"], fields.get(item["parent"]) if item["parent"] else None
        )
    for position, name in enumerate(content.DOCUMENT_TYPES):
        get_or_create_type(name, position)
    added = 0
    for item in sorted(content.DOCUMENTS, key=lambda d: -d["issued_days_ago"]):
        if item["code"] in by_code:
            continue
        issued = today - timedelta(days=item["issued_days_ago"])
        expires = item["expires_days_after_issue"]
        document = create_document(
            code=item["code"],
            title=item["title"],
            summary=item["summary"],
            body=item["body"],
            type=get_or_create_type(item["type"]),
            issuer=get_or_create_issuer(item["issuer"]),
            signer=get_or_create_signer(item["signer"], item["signer_position"]),
            issued_on=issued,
            in_force_on=issued + timedelta(days=item["in_force_days_after_issue"]),
            expires_on=issued + timedelta(days=expires) if expires is not None else None,
            fields=[fields[slug] for slug in item["fields"]],
            commit=False,
        )
        pdf = document_pdf(item["issuer"], item["code"], item["title"], item["pages"],
                           f"{item['signer_position']} {item['signer']}")  # fmt: skip
        attach_file(document, io.BytesIO(pdf), item["file_name"], commit=False)
        by_code[document.code] = document
        added += 1
    db.session.flush()
    for item in content.DOCUMENTS:  # links, once every document exists
        document = by_code[item["code"]]
        if item["replaces"] and not document.replaces:
            document.replaces = [by_code[item["replaces"]]]
        if item["related"] and not document.related:
            document.related_to = [by_code[c] for c in item["related"]]
    return added


def seed_demo() -> dict[str, int]:
    """Add whatever part of the demo content is missing; return how much was added."""
    categories, added_categories = seed_categories()
    counts = {
        "categories": added_categories,
        "articles": seed_articles(categories),
        "banners": seed_banners(),
        "documents": seed_documents(),
    }
    db.session.commit()
    return counts
