"""Old NukeViet URLs answer 301 to the new pages (through the import's id map); unknown old
URLs a helpful 404 with a search box.

How NukeViet 4.5 wrote its addresses (includes/functions.php `nv_url_rewrite_callback`,
includes/request_uri.php): `index.php?language=<lang>&nv=<module>&op=<op>` becomes
`/<lang>/<module>/<op>/`, where
- the language folder is left out when the site has `rewrite_optional` = 1;
- the module name is left out for the module named in `rewrite_op_mod` (often `news`), so
  its pages are `/<cat>/<alias>-<id>.html`, `/<cat>/`, `/tag/<alias>`, `/page-2/`;
- an op ending in `.html` ends there; other ops end with `/` (`rewrite_endurl`);
- without mod_rewrite, the same paths follow `/index.php/`.
Every form is understood whatever the old site's settings were: with or without
`index.php`, the language folder and the module name, with or without `.html` and the final
slash, and the query form. The old site's `rewrite_op_mod`, language and module names come
from the import's map (kind "setting", recorded by the site-wide import); before they are
there the defaults of a NukeViet 4 site apply (news, vi, the modules news/laws/about), and a
first segment that is an imported category's alias is a news category whatever they say.

    /<cat>/<alias>-<id>.html  /news/<cat>/<alias>-<id>.html      article
    /<cat>/  /<cat>/page-2/                                      category (and its pages)
    /tag/<alias>  /rss/  /rss/<cat>/  /print/<cat>/<alias>-<id>   tag, feeds, print view
    /laws/detail/<alias>  /laws/cat|subject|area/<alias>[/page-N]  documents and their lists
    /laws/signer/<id>[-<alias>]                                  documents of a signer
    /about/<alias>.html  /about/                                  about pages (kind "page")
    /vi/…  /index.php/…  /index.php?language=vi&nv=news&op=…     the same, other forms
    /en/…  (a language that was not imported)                    the helpful 404

Our own routes always win: these rules only see paths nothing else matched, and a first
segment must look like the old site's (a language folder, a module, a news op or an imported
category alias) or the path gets the ordinary 404. Targets are built with url_for from our
own rows only: never an open redirect."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import (
    Blueprint,
    Flask,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func
from werkzeug.routing import BaseConverter, ValidationError

from app.documents.models import Document, DocumentType, Field, Issuer, Signer
from app.errors.handlers import add_not_found_fallback
from app.extensions import db
from app.news.models import Article, Category, Tag
from app.nukeviet.models import ImportedRow
from app.pages.models import Page
from app.slugs import slugify

bp = Blueprint("nukeviet", __name__)

ID_AT_END = re.compile(r"^(?P<alias>.*?)-(?P<id>\d{1,18})$")
ID_AT_START = re.compile(r"^(?P<id>\d{1,18})(?:-.*)?$")
PAGE = re.compile(r"^page-(?P<page>\d{1,6})$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
SEARCH_MAX = 200
PART_MAX = 255  # the map's alias column; a longer segment was never an old address's
METHODS = ["GET", "POST"]  # a POST to a path of nothing keeps its 404 (the converter says no)

# NukeViet 4.5 ships these language folders; a site's own come from the map.
SHIPPED_LANGUAGES = frozenset({"vi", "en", "fr"})
# A NukeViet 4 site's modules (title -> module file) until the import records the real ones.
DEFAULT_MODULES = {"news": "news", "laws": "laws", "about": "page", "seek": "seek",
                   "statistics": "statistics", "feeds": "feeds"}  # fmt: skip
# The page module whose rows the import brings over as our pages (kind "page").
PAGES_MODULE = "about"
# The news module's own ops: a first segment that is one of these belongs to `rewrite_op_mod`.
NEWS_OPS = frozenset(
    {"tag", "topic", "groups", "author", "rss", "print", "savefile", "sendmail", "search",
     "instant-rss", "sitemap", "viewcat", "content", "detail", "rating"}
)  # fmt: skip


@dataclass
class OldSite:
    """What the old site's settings said about its addresses (see the module docstring)."""

    op_mod: str = "news"
    language: str = "vi"
    modules: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MODULES))

    @property
    def languages(self) -> frozenset[str]:
        return SHIPPED_LANGUAGES | {self.language}

    def module_file(self, title: str) -> str | None:
        return self.modules.get(title)


def old_site() -> OldSite:
    """The old site's URL settings from the import's map, read once a request."""
    if "nukeviet_old_site" in g:
        return g.nukeviet_old_site
    site = OldSite()
    rows = db.session.scalars(
        db.select(ImportedRow).where(
            ImportedRow.kind == "setting",
            (ImportedRow.old_id.in_(("rewrite_op_mod", "site_lang")))
            | ImportedRow.old_id.startswith("module:"),
        )
    ).all()
    recorded = {}
    for row in rows:
        value = (row.old_alias or "").strip()
        if row.old_id == "rewrite_op_mod":
            site.op_mod = value
        elif row.old_id == "site_lang" and LANGUAGE.match(value):
            site.language = value
        elif row.old_id.startswith("module:") and value:
            recorded[row.old_id.removeprefix("module:")] = value
    if recorded:
        site.modules = recorded
    g.nukeviet_old_site = site
    return site


def _parts(op: str) -> list[str]:
    op = op.strip().removesuffix(".html").strip("/")
    return [part for part in op.split("/") if part]


def _readable(parts: list[str]) -> bool:
    """No segment an old address never had: control characters (PostgreSQL refuses NUL in a
    query) or longer than an alias could be."""
    return all(len(p) <= PART_MAX and not any(ord(c) < 32 for c in p) for p in parts)


def _mapped(kind: str, old_id: str) -> int | None:
    found = db.session.get(ImportedRow, (kind, old_id))
    return found.new_id if found is not None else None


def _by_alias(kind: str, alias: str) -> int | None:
    """Our id of the row of `kind` NukeViet knew by `alias` (its MySQL compared aliases
    without case, so a bookmark's case may differ)."""
    select = db.select(ImportedRow.new_id).where(ImportedRow.kind == kind)
    found = db.session.scalar(select.where(ImportedRow.old_alias == alias).limit(1))
    if found is None:
        lowered = ImportedRow.old_alias.is_not(None) & (
            func.lower(ImportedRow.old_alias) == alias.lower()
        )
        found = db.session.scalar(select.where(lowered).limit(1))
    return found


def _category(alias: str) -> Category | None:
    new_id = _by_alias("category", alias)
    return db.session.get(Category, new_id) if new_id else None


def _category_url(alias: str, page: int = 1) -> str | None:
    category = _category(alias)
    if category is None:
        return None
    return url_for("news.category", slug=category.slug, **({"page": page} if page > 1 else {}))


def _article_url(old_id: str, endpoint: str = "news.article") -> str | None:
    new_id = _mapped("article", old_id)
    article = db.session.get(Article, new_id) if new_id else None
    return url_for(endpoint, slug=article.slug) if article else None


def _tag_url(alias: str) -> str | None:
    tag = db.session.scalar(db.select(Tag).where(Tag.slug == slugify(alias)).limit(1))
    return url_for("news.tag", slug=tag.slug) if tag else None


def news_target(parts: list[str]) -> str | None:
    if not parts or parts == ["main"]:
        return url_for("news.home")
    head = parts[0]
    if len(parts) == 1 and PAGE.match(head):  # the news home's later pages: ours has one
        return url_for("news.home")
    if head == "tag" and len(parts) in (2, 3):  # /tag/<alias>[/page-N]
        return _tag_url(parts[1])
    if head == "rss":
        if len(parts) == 1:
            return url_for("news.feed")
        category = _category(parts[1]) if len(parts) == 2 else None
        return url_for("news.category_feed", slug=category.slug) if category else None
    if head == "search" and len(parts) == 1:
        words = request.args.get("q", "")[:SEARCH_MAX]
        return url_for("search.search", **({"q": words} if words else {}))
    if head in ("print", "savefile", "sendmail") and (match := ID_AT_END.match(parts[-1])):
        endpoint = "news.print_article" if head == "print" else "news.article"
        return _article_url(match["id"], endpoint)
    if head in NEWS_OPS:
        return None  # topics, block groups, authors: nothing of ours to show
    if len(parts) == 1:
        return _category_url(head)
    if len(parts) == 2 and (page := PAGE.match(parts[1])):
        return _category_url(head, int(page["page"]))
    if len(parts) == 2 and (match := ID_AT_END.match(parts[1])):
        return _article_url(match["id"])
    return None


# A list page of the laws module -> (the map's kind, our model, the documents' filter).
LAWS_LISTS = {
    "cat": ("document_type", DocumentType, "loai"),
    "subject": ("document_issuer", Issuer, "co-quan"),
    "area": ("document_field", Field, "linh-vuc"),
}


def _laws_list_url(kind: str, model, argument: str, alias: str, page: int = 1) -> str | None:
    new_id = _by_alias(kind, alias)
    entry = db.session.get(model, new_id) if new_id else None
    if entry is None:
        return None
    return url_for(
        "documents.index", **{argument: entry.slug}, **({"page": page} if page > 1 else {})
    )


def _signer_url(old_id: str) -> str | None:
    new_id = _mapped("document_signer", old_id)
    signer = db.session.get(Signer, new_id) if new_id else None
    return url_for("documents.index", **{"nguoi-ky": signer.id}) if signer else None


def _document_url(alias: str) -> str | None:
    """The laws module's detail page is `detail/<alias>`: the alias, not an id, names it (an
    alias may end in digits that are no id, `Nghi-dinh-so-72-2013`)."""
    new_id = _by_alias("document", alias)
    document = db.session.get(Document, new_id) if new_id else None
    return url_for("documents.detail", slug=document.slug) if document else None


def laws_target(parts: list[str]) -> str | None:
    if not parts or parts == ["main"] or parts == ["search"]:
        return url_for("documents.index")
    if len(parts) == 1 and PAGE.match(parts[0]):
        return url_for("documents.index", page=int(PAGE.match(parts[0])["page"]))
    if parts[0] == "detail" and len(parts) == 2:
        return _document_url(parts[1])
    if len(parts) == 2 and parts[0] in LAWS_LISTS:
        return _laws_list_url(*LAWS_LISTS[parts[0]], parts[1])
    if len(parts) == 3 and parts[0] in LAWS_LISTS and (page := PAGE.match(parts[2])):
        return _laws_list_url(*LAWS_LISTS[parts[0]], parts[1], int(page["page"]))
    if len(parts) >= 2 and parts[0] == "signer":
        match = ID_AT_START.match(parts[1]) or ID_AT_END.match(parts[1])
        return _signer_url(match["id"]) if match else None
    if parts == ["rss"]:
        return url_for("documents.feed")
    return None


def _page_url(page: Page | None) -> str | None:
    return url_for("pages.show", slug=page.slug) if page is not None and page.published else None


def pages_target(module: str, parts: list[str]) -> str | None:
    """A page module: `/about/<alias>.html`; the about module's main page showed its first
    page. Any page-module name finds an imported alias (the about module may have been
    renamed; the other page modules' rows were not imported, so their aliases find nothing),
    but only the about module's main page is ours."""
    if not parts or parts == ["main"]:
        if module != PAGES_MODULE:
            return None
        imported = db.select(ImportedRow.new_id).where(ImportedRow.kind == "page")
        first = db.session.scalar(
            db.select(Page)
            .where(Page.id.in_(imported), Page.published)
            .order_by(Page.position, Page.id)
            .limit(1)
        )
        return _page_url(first)
    if len(parts) == 1:
        new_id = _by_alias("page", parts[0])
        return _page_url(db.session.get(Page, new_id) if new_id else None)
    return None


# NukeViet's own modules whose main page has a counterpart here.
MODULE_HOMES = {"seek": "search.search", "statistics": "stats_public.page", "feeds": "news.feed"}


def module_target(module: str, module_file: str, parts: list[str]) -> str | None:
    if module_file == "news":
        return news_target(parts)
    if module_file == "laws":
        return laws_target(parts)
    if module_file == "page":
        return pages_target(module, parts)
    if module_file in MODULE_HOMES and not parts:
        return url_for(MODULE_HOMES[module_file])
    return None


def target(parts: list[str]) -> str | None:
    """Our page for an old address's path segments (after `index.php`), or None."""
    if not _readable(parts):
        return None
    site = old_site()
    if parts and parts[0] in site.languages:
        if parts[0] != site.language:
            return None  # a language the import did not bring over
        parts = parts[1:]
    if not parts:
        return url_for("news.home")
    module_file = site.module_file(parts[0])
    if module_file is not None:
        return module_target(parts[0], module_file, parts[1:])
    if _category(parts[0]) is not None:  # a news category: the news was the op_mod
        return news_target(parts)
    if site.op_mod:
        return module_target(site.op_mod, site.module_file(site.op_mod) or site.op_mod, parts)
    return None


def looks_old(first: str) -> bool:
    """Could a path starting with this segment be the old site's (see the docstring)?"""
    if not _readable([first]):
        return False
    site = old_site()
    name = first.removesuffix(".html")
    if first in site.languages or site.module_file(first):
        return True
    if site.op_mod and (name in NEWS_OPS or PAGE.match(name)):
        return True
    return _by_alias("category", name) is not None or (
        site.op_mod == PAGES_MODULE and _by_alias("page", name) is not None
    )


class OldFirstSegment(BaseConverter):
    """A first path segment that looks like the old site's; anything else is not matched
    (the ordinary 404, or 405 when another rule has the path), and only GET answers."""

    def to_python(self, value: str) -> str:
        if not has_request_context() or request.method not in ("GET", "HEAD"):
            raise ValidationError
        if not looks_old(value):
            raise ValidationError
        return value


def search_words(parts: list[str]) -> str:
    """Words a reader likely looked for, from the old address's last alias."""
    if not parts:
        return ""
    last = parts[-1]
    if match := ID_AT_END.match(last):
        last = match["alias"]
    if PAGE.match(last) or last in ("detail", "main"):
        return ""
    return " ".join(re.sub(r"[-_+]+", " ", last).split())[:SEARCH_MAX]


def _answer(found: str | None, parts: list[str]):
    """301 to the page the old address showed, or the old-address 404 page."""
    if found is not None:
        return redirect(found, 301)
    return not_found(search_words(parts if _readable(parts) else []))


def not_found(words: str):
    return render_template("nukeviet/not_found.html", code=404, words=words), 404


def old_path(first: str, rest: str = ""):
    parts = _parts(f"{first}/{rest}")
    return _answer(target(parts), parts)


@bp.get("/index.php")
@bp.get("/index.php/", endpoint="index_php_slash")
def index_php():
    """`/index.php?language=vi&nv=news&op=…`: the module in `nv`, the page in `op`."""
    return query_form()


def query_form():
    module = request.args.get("nv", "").strip().strip("/")
    op = request.args.get("op", "")
    language = request.args.get("language", "").strip().lower() or None
    if "/" in module and not op:  # NukeViet reads nv=news/<op> the same way
        module, _, op = module.partition("/")
    parts = _parts(op)
    site = old_site()
    module_file = site.module_file(module) if module else None
    if language and language != site.language or not _readable(parts):
        found = None  # a language the import did not bring over
    elif not module:
        found = url_for("news.home")
    else:
        found = module_target(module, module_file, parts) if module_file else None
    return _answer(found, parts)


@bp.get("/index.php/<path:rest>")
def index_php_path(rest: str):
    parts = _parts(rest)
    return _answer(target(parts), parts)


@bp.before_app_request
def query_form_at_home():
    """`/?language=vi&nv=news&op=…` (the query form without index.php) reached our home."""
    if request.path == "/" and request.method == "GET" and "nv" in request.args:
        return query_form()
    return None


# Any first segment (the converter decides): after every rule with a fixed first segment.
bp.add_url_rule("/<nukeviet_old:first>/", "old_path", old_path, methods=METHODS,
                strict_slashes=False)  # fmt: skip
bp.add_url_rule("/<nukeviet_old:first>/<path:rest>", "old_path_rest", old_path, methods=METHODS)


def shadowed(path: str) -> str | None:
    """An old article or page address that one of our routes took and answered 404 (a news
    category aliased like one of our paths: `/tin-tuc/<alias>-<id>.html`): its new page."""
    if not path.endswith(".html"):
        return None
    return target(_parts(path))


def init_app(app: Flask) -> None:
    """Register the old URLs' routes (the converter first: the rules use it), and the
    fallback of our routes' 404s for the old addresses they shadow."""
    app.url_map.converters["nukeviet_old"] = OldFirstSegment
    app.register_blueprint(bp)
    add_not_found_fallback(app, shadowed)
