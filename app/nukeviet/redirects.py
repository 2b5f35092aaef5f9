"""Old NukeViet URLs answer 301 to the new pages (through the import's id map); unknown old
URLs a helpful 404 with a search box.

Forms understood (module `news` or `laws`, with or without `index.php`, with or without the
language folder `/vi/`):

    /news/<cat>/<alias>-<id>.html            article
    /news/<cat>/  /news/<cat>/page-2         category
    /news/tag/<alias>                        tag
    /laws/detail/<alias>-<id>.html           document
    /laws/cat|subject|area/<alias>           documents of a type, issuer, field
    /laws/signer/<id>[-<alias>]              documents of a signer
    /index.php?language=vi&nv=news&op=<cat>/<alias>-<id>
    /index.php/news/<cat>/<alias>-<id>.html

Targets are built with url_for from our own rows only: never an open redirect."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, redirect, render_template, request, url_for

from app.documents.models import Document, DocumentType, Field, Issuer, Signer
from app.extensions import db
from app.news.models import Article, Category, Tag
from app.nukeviet.models import ImportedRow
from app.slugs import slugify

bp = Blueprint("nukeviet", __name__)

ID_AT_END = re.compile(r"^(?P<alias>.*?)-(?P<id>\d{1,18})$")
ID_AT_START = re.compile(r"^(?P<id>\d{1,18})(?:-.*)?$")
PAGE = re.compile(r"^page-(?P<page>\d{1,6})$")
SEARCH_MAX = 200


def _parts(op: str) -> list[str]:
    op = op.strip().removesuffix(".html").strip("/")
    return [part for part in op.split("/") if part]


def _mapped(kind: str, old_id: str) -> int | None:
    found = db.session.get(ImportedRow, (kind, old_id))
    return found.new_id if found is not None else None


def _category_url(alias: str, page: int = 1) -> str | None:
    found = db.session.scalar(
        db.select(ImportedRow)
        .where(ImportedRow.kind == "category", ImportedRow.old_alias == alias)
        .limit(1)
    )
    category = db.session.get(Category, found.new_id) if found and found.new_id else None
    if category is None:
        return None
    return url_for("news.category", slug=category.slug, **({"page": page} if page > 1 else {}))


def _article_url(old_id: str) -> str | None:
    new_id = _mapped("article", old_id)
    article = db.session.get(Article, new_id) if new_id else None
    return url_for("news.article", slug=article.slug) if article else None


def _document_url(old_id: str) -> str | None:
    new_id = _mapped("document", old_id)
    document = db.session.get(Document, new_id) if new_id else None
    return url_for("documents.detail", slug=document.slug) if document else None


def _tag_url(alias: str) -> str | None:
    tag = db.session.scalar(db.select(Tag).where(Tag.slug == slugify(alias)).limit(1))
    return url_for("news.tag", slug=tag.slug) if tag else None


def news_target(parts: list[str]) -> str | None:
    if not parts:
        return url_for("news.home")
    if len(parts) == 2 and parts[0] == "tag":
        return _tag_url(parts[1])
    if len(parts) == 1 and PAGE.match(parts[0]):  # the news home's later pages: ours has one
        return url_for("news.home")
    if len(parts) == 1:
        return _category_url(parts[0])
    if len(parts) == 2 and (page := PAGE.match(parts[1])):
        return _category_url(parts[0], int(page["page"]))
    if match := ID_AT_END.match(parts[-1]):
        return _article_url(match["id"])
    return None


# A list page of the laws module -> (the map's kind, our model, the documents' filter).
LAWS_LISTS = {
    "cat": ("document_type", DocumentType, "loai"),
    "subject": ("document_issuer", Issuer, "co-quan"),
    "area": ("document_field", Field, "linh-vuc"),
}


def _laws_list_url(kind: str, model, argument: str, alias: str, page: int = 1) -> str | None:
    found = db.session.scalar(
        db.select(ImportedRow)
        .where(ImportedRow.kind == kind, ImportedRow.old_alias == alias)
        .limit(1)
    )
    entry = db.session.get(model, found.new_id) if found and found.new_id else None
    if entry is None:
        return None
    return url_for(
        "documents.index", **{argument: entry.slug}, **({"page": page} if page > 1 else {})
    )


def _signer_url(old_id: str) -> str | None:
    new_id = _mapped("document_signer", old_id)
    signer = db.session.get(Signer, new_id) if new_id else None
    return url_for("documents.index", **{"nguoi-ky": signer.id}) if signer else None


def laws_target(parts: list[str]) -> str | None:
    if not parts:
        return url_for("documents.index")
    if parts[0] == "detail" and len(parts) >= 2 and (match := ID_AT_END.match(parts[-1])):
        return _document_url(match["id"])
    if len(parts) == 2 and parts[0] in LAWS_LISTS:
        return _laws_list_url(*LAWS_LISTS[parts[0]], parts[1])
    if len(parts) == 3 and parts[0] in LAWS_LISTS and (page := PAGE.match(parts[2])):
        return _laws_list_url(*LAWS_LISTS[parts[0]], parts[1], int(page["page"]))
    if len(parts) >= 2 and parts[0] == "signer":
        match = ID_AT_START.match(parts[1]) or ID_AT_END.match(parts[1])
        return _signer_url(match["id"]) if match else None
    return None


TARGETS = {"news": news_target, "laws": laws_target}


def search_words(parts: list[str]) -> str:
    """Words a reader likely looked for, from the old address's last alias."""
    if not parts:
        return ""
    last = parts[-1]
    if match := ID_AT_END.match(last):
        last = match["alias"]
    if PAGE.match(last) or last == "detail":
        return ""
    return " ".join(re.sub(r"[-_+]+", " ", last).split())[:SEARCH_MAX]


def answer(module: str, op: str):
    """301 to the page the old address showed, or the old-address 404 page."""
    module = module.strip().lower()
    parts = _parts(op)
    target = TARGETS[module](parts) if module in TARGETS else None
    if target is not None:
        return redirect(target, 301)
    return not_found(search_words(parts))


def not_found(words: str):
    return render_template("nukeviet/not_found.html", code=404, words=words), 404


def module_page(module: str, op: str = ""):
    return answer(module, op)


# Each old form its own endpoint: rules of one endpoint with defaults would redirect each
# other (werkzeug's redirect_defaults) instead of answering.
for _index, _prefix in enumerate(("", "/vi", "/index.php", "/index.php/vi")):
    for _module in TARGETS:
        _path = f"{_prefix}/{_module}/"
        bp.add_url_rule(_path, f"{_module}_{_index}", module_page, defaults={"module": _module})
        bp.add_url_rule(
            f"{_path}<path:op>", f"{_module}_{_index}_op", module_page, defaults={"module": _module}
        )


@bp.get("/index.php")
@bp.get("/index.php/", endpoint="index_php_slash")
def index_php():
    """`/index.php?language=vi&nv=news&op=…`: the module in `nv`, the page in `op`."""
    module = request.args.get("nv", "")
    if not module:
        return redirect(url_for("news.home"), 301)
    return answer(module, request.args.get("op", ""))


@bp.get("/index.php/<path:rest>")
def index_php_other(rest: str):
    """Another module's address, or a page of a module we do not have."""
    return not_found(search_words(_parts(rest)))


def init_app(app: Flask) -> None:
    """Register the old URLs' routes."""
    app.register_blueprint(bp)
