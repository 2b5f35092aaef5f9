"""The news module of a NukeViet 4.x site: categories (`<lang>_news_cat`), articles
(`<lang>_news_rows` + `<lang>_news_detail`, tags from `<lang>_news_tags_id`), their images
(from the old site's uploads/ folder, through the media library) and the approved comments
(`<lang>_comment`, module "news"). Written through the news and comments features' writes."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from app.blocks.operations import target_url_error
from app.comments.models import Comment
from app.comments.operations import import_comment
from app.dates import utcnow
from app.extensions import db
from app.media import ImageRejected
from app.news import operations as news_ops
from app.news.models import Article, ArticleStatus, Category, ImagePosition
from app.nukeviet.importer import Context
from app.nukeviet.models import ImportedRow
from app.slugs import slugify

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# src="…/uploads/news/2015_10/a.jpg" (absolute, root-relative or with the site's folder)
UPLOADS_SRC = re.compile(
    r"""(?P<attr>\bsrc\s*=\s*)(?P<q>["'])(?P<url>(?:https?:)?(?://[^/"'\s]+)?[^"'\s]*?/uploads/"""
    r"""(?P<path>[^"'?#\s]+))(?P=q)""",
    re.IGNORECASE,
)
TAGS = re.compile(r"<[^>]*>")
# NukeViet 4.x article states; 1 is refined by its dates (scheduled / expired).
DRAFT_STATES = {0, 4}
WAITING_STATES = {5, 7, 8, 10}
# 6 "Từ chối duyệt bài", 9 "Từ chối đăng bài" (admin_vi.php): declined, sent back, not queued.
DECLINED_STATES = {6, 9}
# A suspended category adds CAT_LOCKED_STATUS + 1 to its subcategories' states and
# ROW_LOCKED_STATUS + 1 to its articles' (NukeViet 4.5 $global_code_defined).
CAT_LOCKED_STATUS = 10
ROW_LOCKED_STATUS = 20


def text(value: object) -> str:
    """NukeViet keeps text HTML-escaped (`&quot;`, `&#x2F;`): the plain text, one line."""
    return " ".join(html.unescape(str(value or "")).split())


def comment_text(value: object) -> str:
    """A comment's plain text with its line breaks (`<br />`, raw newlines) kept as `\n`
    (the comments view shows them as `<br>`); blank lines dropped."""
    raw = TAGS.sub(" ", re.sub(r"<br\b", "\n<br", str(value or ""), flags=re.IGNORECASE))
    return "\n".join(line for line in (text(part) for part in raw.split("\n")) if line)


def when(value: object) -> datetime | None:
    """A unix timestamp as stored (naive UTC); None for 0/empty."""
    try:
        seconds = int(value or 0)
    except (TypeError, ValueError):
        return None
    if seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def source_rows(ctx: Context, name: str):
    """The rows of the language table `<lang>_<name>` (none when the site has no such table)."""
    table = ctx.source.lang(name)
    return ctx.source.rows(table) if ctx.source.has(table) else iter(())


# --- Categories -------------------------------------------------------------------------------


def import_categories(ctx: Context) -> None:
    """The tree: parents before children, siblings in NukeViet's weight order."""
    rows = sorted(source_rows(ctx, "news_cat"), key=lambda r: (int(r.get("lev") or 0),
                  int(r.get("weight") or 0), int(r["catid"])))  # fmt: skip
    would_add = ctx.cache.setdefault("dry_categories", set())
    suspended = ctx.cache.setdefault("suspended_categories", set())
    for row in rows:
        if _suspended(row):
            suspended.add(str(row["catid"]))
    with ctx.progress("category", len(rows)) as bar:
        for row in rows:
            with ctx.row("category", row.get("catid")):
                _import_category(ctx, row, would_add)
            bar.update(1)


def _suspended(row: dict) -> bool:
    """NukeViet 4.5 category states: 1 and 2 are shown; 0 is suspended ("Đình chỉ") and a
    suspended category's subcategories get 11 + their state (locked by the parent)."""
    state = int(row.get("status") if row.get("status") is not None else 1)
    return state == 0 or state > CAT_LOCKED_STATUS


SUSPENDED_NOTE = "tạm ngưng trên web cũ"


def _import_category(ctx: Context, row: dict, would_add: set[str]) -> None:
    old_id = str(row["catid"])
    if ctx.mapped("category", old_id) is not None:
        ctx.existing("category")
        return
    parent = None
    parent_old = str(row.get("parentid") or 0)
    if parent_old != "0":
        parent_id = ctx.new_id("category", parent_old)
        if parent_id is not None:
            parent = db.session.get(Category, parent_id)
        elif not (ctx.dry_run and parent_old in would_add):
            ctx.skipped("category", old_id, f"chuyên mục cha #{parent_old} không có")
            return
    name = text(row.get("title")) or f"Chuyên mục {old_id}"
    alias = str(row.get("alias") or "")
    suspended = _suspended(row)
    if suspended:
        # Our categories have no hidden state: it comes over (its old URLs keep a target, its
        # articles their category) with its articles as drafts, and the report says so.
        ctx.report.notes.append(
            f"Chuyên mục «{name}» (#{old_id}) {SUSPENDED_NOTE} — xem lại: chuyên mục vẫn được "
            "tạo, các bài đang hiện của nó được nhập thành bản nháp; xuất bản lại hoặc xóa."
        )
    if ctx.dry_run:
        would_add.add(old_id)
        ctx.added("category")
        return
    note = SUSPENDED_NOTE if suspended else ""
    earlier = _unmapped_twin(name, alias, parent)
    if earlier is not None:  # a run of the first version stopped before its map row
        ctx.remember("category", old_id, earlier.id, alias, note=note)
        ctx.commit()
        ctx.existing("category")
        return
    description = text(row.get("description"))
    try:
        category = news_ops.create_category(name, slug=alias, parent=parent,
                                            description=description, by=ctx.by,
                                            commit=False)  # fmt: skip
    except news_ops.CategoryError:  # the alias is taken here already: a slug from the name
        category = news_ops.create_category(name, parent=parent, description=description,
                                            by=ctx.by, commit=False)  # fmt: skip
    ctx.remember("category", old_id, category.id, alias, note=note)
    ctx.commit()  # the category and its map row together
    ctx.added("category")


def _unmapped_twin(name: str, alias: str, parent: Category | None) -> Category | None:
    """The category the first version of this import made of the row and committed, when
    the run stopped before its map row was written (it let create_category commit on its
    own): same slug, name and parent, and no map row points at it. (A category the new
    site already had with the same slug, name and parent is used the same way: the old
    articles go into it.)"""
    parent_id = parent.id if parent else None
    mapped = select(ImportedRow.new_id).where(
        ImportedRow.kind == "category", ImportedRow.new_id.is_not(None)
    )
    same = select(Category).where(
        Category.name == name, Category.parent_id == parent_id, Category.id.not_in(mapped)
    )
    if alias:
        found = db.session.scalar(same.where(Category.slug == slugify(alias)))
        if found is not None:
            return found
    # The alias was taken, so the slug was made from the name ("tin-tuc-2"): the same name
    # and parent, a slug from that name, and no map row.
    stem = slugify(name)
    for found in db.session.scalars(same.order_by(Category.id)):
        if found.slug == stem or found.slug.startswith(stem + "-"):
            return found
    return None


# --- Articles ---------------------------------------------------------------------------------


def _tags_by_article(ctx: Context) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = defaultdict(list)
    for row in source_rows(ctx, "news_tags_id"):
        keyword = text(row.get("keyword"))
        if keyword and keyword not in tags[str(row["id"])]:
            tags[str(row["id"])].append(keyword)
    return tags


def _keywords(detail: dict) -> list[str]:
    """Tags from the detail row's comma-separated keywords (sites without tags_id rows)."""
    return [k for k in (text(w) for w in str(detail.get("keywords") or "").split(",")) if k]


def _sources(ctx: Context) -> dict[str, str]:
    return {str(r["sourceid"]): text(r.get("title")) for r in source_rows(ctx, "news_sources")}


def status_of(row: dict, now: datetime, *, suspended: bool = False) -> ArticleStatus:
    """Our state of a NukeViet article. One locked by a suspended category (NukeViet adds 21
    to its state; or `suspended`: its category is) that readers would see becomes a draft:
    hidden here as it was there, published again in one click once reviewed."""
    state, locked = _base_state(row)
    ours = _state(state, row, now)
    if (suspended or locked) and ours in (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED):
        return ArticleStatus.DRAFT
    return ours


def _base_state(row: dict) -> tuple[int, bool]:
    """(NukeViet's state without the lock, whether a suspended category locks it)."""
    state = int(row.get("status") or 0)
    if state > ROW_LOCKED_STATUS:
        return state - (ROW_LOCKED_STATUS + 1), True
    return state, False


def _state(state: int, row: dict, now: datetime) -> ArticleStatus:
    published, expires = when(row.get("publtime")), when(row.get("exptime"))
    if state == 1:
        if published is not None and published > now:
            return ArticleStatus.SCHEDULED
        if expires is not None and expires <= now:
            return ArticleStatus.EXPIRED
        return ArticleStatus.PUBLISHED
    if state == 2:
        return ArticleStatus.SCHEDULED
    if state == 3:
        return ArticleStatus.EXPIRED
    if state in WAITING_STATES:
        return ArticleStatus.SUBMITTED
    if state in DECLINED_STATES:
        return ArticleStatus.RETURNED
    return ArticleStatus.DRAFT


IMAGE_POSITIONS = {0: ImagePosition.HIDDEN, 1: ImagePosition.BESIDE, 2: ImagePosition.UNDER}


def import_articles(ctx: Context) -> None:
    """Each article with its body (detail row), tags, image, counters; in the detail table's
    order so the bodies stream."""
    rows = {str(r["id"]): r for r in source_rows(ctx, "news_rows")}
    tags = _tags_by_article(ctx)
    sources = _sources(ctx)
    now = utcnow()
    seen: set[str] = set()
    with ctx.progress("article", len(rows)) as bar:
        for detail in source_rows(ctx, "news_detail"):
            old_id = str(detail["id"])
            row = rows.get(old_id)
            if row is None or old_id in seen:
                continue
            seen.add(old_id)
            with ctx.row("article", old_id):
                keywords = tags.get(old_id) or _keywords(detail)
                _import_article(ctx, row, detail, keywords, sources, now)
            bar.update(1)
        for old_id, row in rows.items():  # no detail row: the lead only
            if old_id not in seen:
                with ctx.row("article", old_id):
                    _import_article(ctx, row, {}, tags.get(old_id, []), sources, now)
                bar.update(1)
    held_back = ctx.cache.pop("held_back", 0)
    if held_back:
        ctx.report.notes.append(
            f"{held_back} bài viết đang hiện của chuyên mục {SUSPENDED_NOTE} được nhập thành "
            "bản nháp (Quản trị → Bài viết)."
        )


def _category(ctx: Context, old_id: str) -> Category | None:
    found = ctx.mapped("category", old_id)
    if found is None or found.new_id is None:
        return None
    return db.session.get(Category, found.new_id)


def _import_article(ctx: Context, row: dict, detail: dict, tags: list[str],
                    sources: dict[str, str], now: datetime) -> None:  # fmt: skip
    old_id = str(row["id"])
    if ctx.mapped("article", old_id) is not None:
        ctx.existing("article")
        return
    cat_old = str(row.get("catid") or 0)
    dry_categories = ctx.cache.get("dry_categories", set())
    category = _category(ctx, cat_old)
    if category is None and not (ctx.dry_run and cat_old in dry_categories):
        ctx.skipped("article", old_id, f"chuyên mục #{cat_old} không có")
        return
    status = status_of(row, now, suspended=cat_old in ctx.cache.get("suspended_categories", ()))
    if status != _state(_base_state(row)[0], row, now):  # held back by its category
        ctx.cache["held_back"] = ctx.cache.get("held_back", 0) + 1
    if ctx.dry_run:
        _count_images(ctx, row, detail)
        _attachments(ctx, detail, old_id)
        ctx.cache.setdefault("dry_articles", set()).add(old_id)
        ctx.added("article")
        return
    image, caption = _home_image(ctx, row)
    body = rewrite_body(ctx, str(detail.get("bodyhtml") or ""), f"ảnh trong bài #{old_id}")
    body += attachment_list(_attachments(ctx, detail, old_id))
    extras = []
    for extra_old in str(row.get("listcatid") or "").split(","):
        extra = _category(ctx, extra_old.strip()) if extra_old.strip() != cat_old else None
        if extra is not None:
            extras.append(extra)
    # The source's name (NukeViet links it to `sourcetext`, often a URL); else that text.
    source = sources.get(str(row.get("sourceid") or 0)) or text(detail.get("sourcetext"))
    position = IMAGE_POSITIONS.get(int(detail.get("imgposition") or 1), ImagePosition.BESIDE)
    alias = str(row.get("alias") or "")
    counters = {
        "views": int(row.get("hitstotal") or 0),
        "rating_total": int(row.get("total_rating") or 0),
        "rating_count": int(row.get("click_rating") or 0),
        "created_at": when(row.get("addtime")) or now,
    }
    counters["updated_at"] = when(row.get("edittime")) or counters["created_at"]
    # Every value is read above: from here on the row only writes.
    article = news_ops.create_article(
        title=text(row.get("title"))[:300] or f"Bài viết {old_id}",
        category=category,
        extra_categories=extras,
        tags=tags,
        slug=alias or text(row.get("title")),
        commit=False,
        lead=text(TAGS.sub(" ", str(row.get("hometext") or ""))),
        body=body,
        image=image,
        image_caption=caption[:300],
        image_position=position,
        author=text(row.get("author"))[:200],
        source=source[:200],
        status=status,
        published_at=when(row.get("publtime")) or when(row.get("addtime")),
        expires_at=when(row.get("exptime")),
        rating_enabled=bool(int(row.get("allowed_rating") or 0)),
    )
    for name, value in counters.items():
        setattr(article, name, value)
    db.session.flush()
    ctx.remember("article", old_id, article.id, alias)
    ctx.commit_row()
    ctx.added("article")


# --- Images -----------------------------------------------------------------------------------


def _upload_path(ctx: Context, relative: str) -> Path | None:
    """The file under --uploads, None when outside it (no `..` escapes) or missing."""
    if ctx.uploads is None:
        return None
    root = ctx.uploads.resolve()
    path = (root / relative.lstrip("/")).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _home_image_path(row: dict) -> str:
    name = str(row.get("homeimgfile") or "").strip()
    if not name or "://" in name or name.startswith("//"):
        return ""
    return name if name.startswith("news/") else f"news/{name}"


def media_name(ctx: Context, relative: str, where: str, kind: str = "image") -> str | None:
    """The media library's file name for uploads/<relative>, imported once per run (and once
    ever: the library finds the same bytes by their hash). None, with a note under `kind`
    (the report's line for what wanted it), when missing or no image."""
    cache = ctx.cache.setdefault("media", {})
    if relative in cache:
        return cache[relative]
    from app.media_library.operations import add_upload

    name = None
    path = _upload_path(ctx, relative)
    if ctx.uploads is None:
        pass  # no uploads folder given: nothing to say per image
    elif path is None:
        ctx.skipped(kind, relative, f"không thấy tệp ({where})")
    elif path.suffix.lower() not in IMAGE_EXTENSIONS:
        ctx.skipped(kind, relative, f"không phải ảnh ({where})")
    else:
        try:
            with path.open("rb") as stream:
                item, new = add_upload(stream, path.name, by=ctx.by)
        except ImageRejected as exc:
            ctx.skipped(kind, relative, f"{exc} ({where})")
        except OSError as exc:  # unreadable (permissions, I/O): the article goes on without it
            ctx.skipped(kind, relative, f"không đọc được tệp: {exc.strerror or exc} ({where})")
        else:
            name = item.file_name
            ctx.added("image") if new else ctx.existing("image")
    cache[relative] = name
    return name


def _home_image(ctx: Context, row: dict) -> tuple[str | None, str]:
    relative = _home_image_path(row)
    caption = text(row.get("homeimgalt"))
    if not relative:
        return None, caption
    return media_name(ctx, relative, f"ảnh minh họa bài #{row['id']}"), caption


# --- Attachments --------------------------------------------------------------------------------

ATTACHMENTS_HEADING = "Tệp đính kèm"
NOT_AN_IMAGE = (
    "không phải ảnh: thư viện của cổng chỉ nhận ảnh, hãy tải tệp lên lại (ví dụ thành văn bản)"
)
URL_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.IGNORECASE)  # http:, https:, javascript:…


def attachment_entries(detail: dict) -> list[str]:
    """An article's attachments as NukeViet 4.5 keeps them (`files` of the detail row): paths
    under uploads/news/ or http(s) addresses, comma-separated (one a line on older sites)."""
    found: list[str] = []
    for part in re.split(r"[,\r\n]+", html.unescape(str(detail.get("files") or ""))):
        part = part.strip()
        if part and part not in found:
            found.append(part)
    return found


def _attachment_source(ctx: Context, entry: str) -> tuple[str | None, str | None]:
    """(the path under uploads/, None) for a file of the old site, (None, the address) for
    another site's."""
    if URL_SCHEME.match(entry):  # an address (only http(s) ones are kept, later)
        parts = urlsplit(entry)
        host = (parts.hostname or "").lower()
        if host in own_hosts(ctx) and "/uploads/" in parts.path:
            return unquote(parts.path.split("/uploads/", 1)[1]), None
        return None, entry
    path = entry.lstrip("/")
    if path.startswith("uploads/"):
        return path.removeprefix("uploads/"), None
    return (path if path.startswith("news/") else f"news/{path}"), None


def _link_label(url: str) -> str:
    parts = urlsplit(url)
    return unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or parts.hostname or url


def _attachments(ctx: Context, detail: dict, old_id: str) -> list[tuple[str, str]]:
    """(address, name) of each attachment: the old site's files brought into the media
    library, other sites' addresses as they are; each one it cannot bring is reported. A dry
    run only counts them (nothing written, no links)."""
    links = []
    where = f"bài #{old_id}"
    for entry in attachment_entries(detail):
        relative, url = _attachment_source(ctx, entry)
        if url is not None:
            problem = target_url_error(url)
            if problem:
                ctx.skipped("article_file", url[:100], f"{problem} ({where})")
                continue
            link = (url, _link_label(url))
        elif not _attachment_may_come(ctx, relative, where):
            continue
        elif ctx.dry_run:
            if not count_upload(ctx, relative, where, kind="article_file"):
                continue
            link = (relative, relative)
        else:
            if ctx.cache.get("media", {}).get(relative, "") is None:  # refused before (Ảnh)
                ctx.skipped("article_file", relative, f"không nhập được tệp ({where})")
                continue
            name = media_name(ctx, relative, where, kind="article_file")
            if name is None:
                continue
            link = (f"/media/{name}", PurePosixPath(relative).name)
        links.append(link)
        ctx.added("article_file")
    return links


def _attachment_may_come(ctx: Context, relative: str, where: str) -> bool:
    """An image, with the uploads folder given; else reported."""
    if PurePosixPath(relative).suffix.lower() not in IMAGE_EXTENSIONS:
        ctx.skipped("article_file", relative, f"{NOT_AN_IMAGE} ({where})")
        return False
    if ctx.uploads is None:
        ctx.skipped("article_file", relative, f"chưa chỉ thư mục uploads của web cũ ({where})")
        return False
    return True


def attachment_list(links: list[tuple[str, str]]) -> str:
    """The attachments as the end of an article's body (sanitised with it)."""
    if not links:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(label)}</a></li>' for href, label in links
    )
    return f"<h2>{ATTACHMENTS_HEADING}</h2><ul>{items}</ul>"


def rewrite_body(ctx: Context, body: str, where: str) -> str:
    """Image sources under the old site's /uploads/ pointed at the media library's copies
    (imported once); `where` names the body in the report ("ảnh trong bài #3")."""

    def replace(match: re.Match) -> str:
        relative = _own_upload(ctx, match)
        if relative is None:
            return match[0]
        name = media_name(ctx, relative, where)
        if name is None:
            return match[0]
        return f"{match['attr']}{match['q']}/media/{name}{match['q']}"

    return UPLOADS_SRC.sub(replace, body)


def _own_upload(ctx: Context, match: re.Match) -> str | None:
    """The path under uploads/ an image source names; None for another site's /uploads/."""
    host = urlsplit(html.unescape(match["url"])).hostname
    if host is not None and host.lower() not in own_hosts(ctx):
        return None
    return html.unescape(match["path"])


def own_hosts(ctx: Context) -> set[str]:
    """The old site's host names (its `my_domains` and `site_domain` settings)."""
    if "own_hosts" not in ctx.cache:
        hosts: set[str] = set()
        if ctx.source.has("config"):
            for row in ctx.source.rows("config"):
                if row.get("config_name") in ("my_domains", "site_domain"):
                    for value in str(row.get("config_value") or "").split(","):
                        host = urlsplit(value if "//" in value else f"//{value}").hostname
                        if host:
                            hosts.add(host.lower())
        ctx.cache["own_hosts"] = hosts
    return ctx.cache["own_hosts"]


def _count_images(ctx: Context, row: dict, detail: dict) -> None:
    """Dry run: say which images of an article would be missing, write nothing."""
    relative = _home_image_path(row)
    if relative:
        count_upload(ctx, relative, f"bài #{row['id']}")
    count_body_images(ctx, str(detail.get("bodyhtml") or ""), f"bài #{row['id']}")


def count_body_images(ctx: Context, body: str, where: str) -> None:
    """Dry run: the body's images under /uploads/ that would come over (or are missing)."""
    for match in UPLOADS_SRC.finditer(body):
        relative = _own_upload(ctx, match)
        if relative is not None:
            count_upload(ctx, relative, where)


def count_upload(ctx: Context, relative: str, where: str, kind: str = "image") -> bool:
    """Dry run: whether uploads/<relative> is there (said once per file), nothing written."""
    if ctx.uploads is None:
        return False
    seen = ctx.cache.setdefault("dry_images", {})
    if relative not in seen:
        seen[relative] = _upload_path(ctx, relative) is not None
        if not seen[relative]:
            ctx.skipped(kind, relative, f"không thấy tệp ({where})")
        else:
            ctx.added("image")
    return seen[relative]


# --- Comments ---------------------------------------------------------------------------------


def import_comments(ctx: Context) -> None:
    """Approved comments of news articles; replies attach to their thread's first comment."""
    rows = [r for r in source_rows(ctx, "comment") if str(r.get("module") or "") == "news"]
    rows.sort(key=lambda r: int(r["cid"]))  # a parent before its replies
    with ctx.progress("comment", len(rows)) as bar:
        for row in rows:
            with ctx.row("comment", row.get("cid")):
                _import_comment(ctx, row)
            bar.update(1)


def _import_comment(ctx: Context, row: dict) -> None:
    old_id = str(row["cid"])
    if ctx.mapped("comment", old_id) is not None:
        ctx.existing("comment")
        return
    if int(row.get("status") or 0) != 1:
        ctx.skipped("comment", old_id, "chưa được duyệt")
        return
    article_id = ctx.new_id("article", str(row.get("id")))
    article = db.session.get(Article, article_id) if article_id is not None else None
    if article is None:  # not imported, or deleted here since
        if ctx.dry_run and str(row.get("id")) in ctx.cache.get("dry_articles", set()):
            ctx.added("comment")
        else:
            ctx.skipped("comment", old_id, f"bài viết #{row.get('id')} không có")
        return
    content = comment_text(row.get("content"))
    if not content:
        ctx.skipped("comment", old_id, "nội dung trống")
        return
    parent = None
    parent_old = str(row.get("pid") or 0)
    if parent_old != "0":
        parent_id = ctx.new_id("comment", parent_old)
        if parent_id is not None:
            parent = db.session.get(Comment, parent_id)
            if parent is not None and parent.parent is not None:
                parent = parent.parent  # replies are one level deep here
    if ctx.dry_run:
        ctx.added("comment")
        return
    comment = import_comment(article, parent=parent, name=text(row.get("post_name")),
                             email=text(row.get("post_email")), content=content,
                             created_at=when(row.get("post_time")) or utcnow())  # fmt: skip
    db.session.flush()
    ctx.remember("comment", old_id, comment.id)
    ctx.commit_row()
    ctx.added("comment")


def imported_article(old_id: object) -> Article | None:
    """Our article made from NukeViet article `old_id` (for tests and the old URLs)."""
    new_id = db.session.scalar(
        select(ImportedRow.new_id).where(
            ImportedRow.kind == "article", ImportedRow.old_id == str(old_id)
        )  # fmt: skip
    )
    return db.session.get(Article, new_id) if new_id is not None else None
