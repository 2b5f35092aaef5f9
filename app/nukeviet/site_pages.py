"""The about pages (`<lang>_about`) and the main menu (`<lang>_menu_rows`) of a NukeViet 4.x
site, written through the pages and menu features' operations, each row with its map row in
one transaction.

Pages: title, slug from the alias (one from the title when the alias is taken here), body
sanitised with its /uploads/ images moved into the media library (the news import's helpers),
the description as a bold first paragraph and the illustration above the body as NukeViet
showed them, published = status 1, position = weight, the old dates.

Menu: the first menu of the old site (NukeViet can have several; the portal has one main
menu), in its tree and weight order, only the items every visitor saw (status 1, groups
"all" or "guests"). A link to a NukeViet module becomes our target: a news category, an
about page, the documents (one document), the home page, the contact page (shown once it is
published), an outside address; a page of the portal with no menu kind of its own (search,
statistics, RSS, a tag, an article) becomes its address on SITE_URL. Anything else, and
anything deeper than the portal's three levels, is skipped with the reason. The portal's
own menu items are never changed: the imported ones are added after them (the report says
how many were there), so a site seeded with the demo menu keeps it until an administrator
deletes what it no longer wants. "Trang chủ" comes first (NukeViet's themes show a home
link before the menu) unless the portal's menu has a top item for the home page already.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import func, select

from app.extensions import db
from app.menu import store as menu_store
from app.menu.links import url_error
from app.menu.models import MAX_DEPTH, MenuItem, MenuKind
from app.menu.operations import MAX_LABEL, PAGE_SLUG, create_item
from app.news.models import Article
from app.nukeviet.importer import Context
from app.nukeviet.models import ImportedRow
from app.nukeviet.news import (
    SUSPENDED_NOTE,
    count_body_images,
    count_upload,
    media_name,
    own_hosts,
    rewrite_body,
    source_rows,
    text,
    when,
)
from app.nukeviet.sitewide import op_module
from app.pages.contact import contact_slug
from app.pages.models import TITLE_MAX, Page
from app.pages.operations import PageError, create_page
from app.site_url import site_origin
from app.slugs import slugify

# --- About pages ------------------------------------------------------------------------------


def import_pages(ctx: Context) -> None:
    """The about module's pages, in their weight order."""
    rows = _about_rows(ctx)
    with ctx.progress("page", len(rows)) as bar:
        for row in rows:
            with ctx.row("page", row.get("id")):
                _import_page(ctx, row)
            bar.update(1)


def _about_rows(ctx: Context) -> list[dict]:
    return sorted(source_rows(ctx, "about"),
                  key=lambda r: (int(r.get("weight") or 0), int(r["id"])))  # fmt: skip


def _import_page(ctx: Context, row: dict) -> None:
    old_id = str(row["id"])
    if ctx.mapped("page", old_id) is not None:
        ctx.existing("page")
        return
    title = text(row.get("title"))[:TITLE_MAX] or f"Trang {old_id}"
    alias = str(row.get("alias") or "")
    published = int(row.get("status") or 0) == 1
    position = int(row.get("weight") or 0)
    created = when(row.get("add_time"))
    updated = when(row.get("edit_time")) or created
    where = f"trang giới thiệu #{old_id}"
    if ctx.dry_run:
        image = _page_image_path(row)
        if image:
            count_upload(ctx, image, where)
        count_body_images(ctx, str(row.get("bodytext") or ""), where)
        ctx.cache.setdefault("dry_pages", set()).add(old_id)
        ctx.added("page")
        return
    values = {"title": title, "body": _page_body(ctx, row, where), "published": published,
              "position": position, "slug": _free_slug(alias)}  # fmt: skip
    try:
        page = create_page(values, by=ctx.by, commit=False)
    except PageError:  # the alias taken since it was looked at: a slug from the title
        page = create_page({**values, "slug": ""}, by=ctx.by, commit=False)
    if created is not None:
        page.created_at, page.updated_at = created, updated
    ctx.remember("page", old_id, page.id, alias)  # the alias: old URLs find the page
    ctx.commit()  # the page and its map row together
    ctx.added("page")


def _free_slug(alias: str) -> str:
    """The alias as our slug when no page has it; "" (a slug from the title) otherwise."""
    if not alias.strip():
        return ""
    taken = db.session.scalar(select(Page.id).where(Page.slug == slugify(alias)))
    return "" if taken is not None else alias


def _page_image_path(row: dict) -> str:
    """The illustration under uploads/about/ (NukeViet's module folder); "" for none or an
    address on another site (the sanitiser drops other sites' images anyway)."""
    name = str(row.get("image") or "").strip()
    if not name or "://" in name or name.startswith("//"):
        return ""
    return name.lstrip("/") if name.startswith("about/") else f"about/{name.lstrip('/')}"


def _page_body(ctx: Context, row: dict, where: str) -> str:
    """The body as NukeViet showed it: the illustration, the description in bold, the text."""
    parts = []
    image = _page_image_path(row)
    name = media_name(ctx, image, f"ảnh minh họa {where}") if image else None
    if name is not None:
        alt = text(row.get("imagealt")) or text(row.get("title"))
        parts.append(f'<p><img src="/media/{name}" alt="{html.escape(alt)}"></p>')
    description = text(row.get("description"))
    if description:
        parts.append(f"<p><strong>{html.escape(description)}</strong></p>")
    parts.append(rewrite_body(ctx, str(row.get("bodytext") or ""), f"ảnh trong {where}"))
    return "".join(parts)


# --- Menu ---------------------------------------------------------------------------------------

# NukeViet's groups: 5 guests, 6 everyone. An item only members or administrators saw stays out.
PUBLIC_GROUPS = {"5", "6"}
SAME_WINDOW = 1  # NukeViet's `target`: 1 this window, 2 a new one, 3 a popup
# Pages of the portal a menu may link to by their address (on SITE_URL): no kind of their own.
PORTAL_PAGES = {
    ("seek", ""): ("/tim-kiem", "trang tìm kiếm"),
    ("news", "search"): ("/tim-kiem", "trang tìm kiếm"),
    ("statistics", ""): ("/thong-ke/", "trang thống kê"),
    ("news", "rss"): ("/feed.xml", "tin RSS"),
    ("feeds", ""): ("/feed.xml", "tin RSS"),
}
NO_FEATURE = {
    "users": "khu vực thành viên",
    "voting": "thăm dò ý kiến",
    "banners": "trang quảng cáo",
    "comment": "trang bình luận",
    "two-step-verification": "xác thực hai bước",
}
LEVELS = f"menu của cổng có tối đa {MAX_DEPTH + 1} cấp"


class Skip(Exception):  # noqa: N818 - a reason, not an error
    """The item cannot come over; the message says why (Vietnamese, for the report)."""


def import_menu(ctx: Context) -> None:
    """The old site's first menu, parents before children, siblings in weight order."""
    rows = list(source_rows(ctx, "menu_rows"))
    menus = sorted({int(r.get("mid") or 0) for r in rows})
    titles = {str(r["id"]): text(r.get("title")) for r in source_rows(ctx, "menu")}
    depth = _depths(rows)
    rows.sort(key=lambda r: (depth[str(r["id"])], int(r.get("weight") or 0), int(r["id"])))
    before = _unmapped_items()
    main = [r for r in rows if int(r.get("mid") or 0) == menus[0]] if rows else []
    if main and not _has_own_home(ctx, main):
        _home_item(ctx)
    with ctx.progress("menu_item", len(rows)) as bar:
        for row in rows:
            with ctx.row("menu_item", row.get("id")):
                mid = int(row.get("mid") or 0)
                if mid != menus[0]:
                    name = titles.get(str(mid)) or f"#{mid}"
                    reason = f"thuộc menu khác của web cũ («{name}»): cổng có một menu chính"
                    ctx.skipped("menu_item", row["id"], reason)
                else:
                    _import_item(ctx, row)
            bar.update(1)
    added = ctx.report.kind("menu_item").added
    if added and before:
        ctx.report.notes.append(
            f"Menu của cổng đã có {before} mục trước khi nhập: {added} mục của web cũ được thêm "
            "vào sau chúng; xóa những mục thừa ở Quản trị → Menu."
        )
    if added and not ctx.dry_run:
        menu_store.forget()


HOME_LABEL = "Trang chủ"


def _has_own_home(ctx: Context, rows: list[dict]) -> bool:
    """Whether the old menu has a top item for the home page itself."""
    for row in rows:
        if str(row.get("parentid") or 0) == "0" and not str(row.get("module_name") or ""):
            link = html.unescape(str(row.get("link") or "")).strip()
            if _module_of_link(ctx, link) == ("", ""):
                return True
    return False


def _home_item(ctx: Context) -> None:
    """NukeViet's themes show a home link before the menu's items: "Trang chủ" first, unless
    the portal's menu has a top item for the home page already."""
    if ctx.mapped("menu_item", "home") is not None:
        ctx.existing("menu_item")
        return
    query = select(MenuItem.id).where(MenuItem.kind == MenuKind.HOME, MenuItem.parent_id.is_(None))
    if db.session.scalar(query) is not None:
        return
    if ctx.dry_run:
        ctx.added("menu_item")
        return
    item = create_item(label=HOME_LABEL, kind=MenuKind.HOME, target="", parent_id=None,
                       new_tab=False, by=ctx.by, commit=False)  # fmt: skip
    ctx.remember("menu_item", "home", item.id, note="liên kết trang chủ của giao diện cũ")
    ctx.commit()
    ctx.added("menu_item")


def _depths(rows: list[dict]) -> dict[str, int]:
    """Each row's level in its tree (0 at the top), walked through parentid (a loop or a
    missing parent stops the walk)."""
    parent = {str(r["id"]): str(r.get("parentid") or 0) for r in rows}
    depths = {}
    for row_id in parent:
        level, node, seen = 0, parent[row_id], {row_id}
        while node in parent and node not in seen:
            seen.add(node)
            level += 1
            node = parent[node]
        depths[row_id] = level
    return depths


def _unmapped_items() -> int:
    """The portal's own menu items (not brought by an import)."""
    mapped = select(ImportedRow.new_id).where(
        ImportedRow.kind == "menu_item", ImportedRow.new_id.is_not(None)
    )
    query = select(func.count(MenuItem.id)).where(MenuItem.id.not_in(mapped))
    return db.session.scalar(query) or 0


def _import_item(ctx: Context, row: dict) -> None:
    old_id = str(row["id"])
    if ctx.mapped("menu_item", old_id) is not None:
        ctx.existing("menu_item")
        return
    would_add = ctx.cache.setdefault("dry_menu", {})  # old id -> depth, in a dry run
    try:
        if int(row.get("status") or 0) != 1:
            raise Skip("đang ẩn trên web cũ")
        groups = {g.strip() for g in str(row.get("groups_view") or "6").split(",")}
        if not groups & PUBLIC_GROUPS:
            raise Skip("trên web cũ chỉ thành viên hoặc quản trị thấy mục này")
        parent_id, depth = _parent(ctx, row, would_add)
        label = text(row.get("title"))[:MAX_LABEL] or f"Mục {old_id}"
        kind, target = _target(ctx, row)
    except Skip as reason:
        ctx.skipped("menu_item", old_id, str(reason))
        return
    if ctx.dry_run:
        would_add[old_id] = depth
        ctx.added("menu_item")
        return
    item = create_item(label=label, kind=kind, target=target, parent_id=parent_id,
                       new_tab=int(row.get("target") or 0) != SAME_WINDOW, by=ctx.by,
                       commit=False)  # fmt: skip
    ctx.remember("menu_item", old_id, item.id)
    ctx.commit()  # the item and its map row together
    ctx.added("menu_item")


def _parent(ctx: Context, row: dict, would_add: dict[str, int]) -> tuple[int | None, int]:
    """(our parent item's id, the item's level), or Skip."""
    parent_old = str(row.get("parentid") or 0)
    if parent_old == "0":
        return None, 0
    mapped = ctx.mapped("menu_item", parent_old)
    if mapped is not None and mapped.new_id is not None:
        parent = db.session.get(MenuItem, mapped.new_id)
        if parent is not None:
            depth = 1 + _level(parent)
            if depth > MAX_DEPTH:
                raise Skip(LEVELS)
            return parent.id, depth
    if ctx.dry_run and parent_old in would_add:
        if would_add[parent_old] + 1 > MAX_DEPTH:
            raise Skip(LEVELS)
        return None, would_add[parent_old] + 1
    raise Skip(f"mục cha #{parent_old} không được nhập")


def _level(item: MenuItem) -> int:
    level, seen = 0, {item.id}
    while item.parent_id is not None and item.parent_id not in seen:
        seen.add(item.parent_id)
        item = db.session.get(MenuItem, item.parent_id)
        level += 1
    return level


# --- Where an item leads ----------------------------------------------------------------------


def _target(ctx: Context, row: dict) -> tuple[MenuKind, str]:
    """(kind, target) of our item for a NukeViet menu row, or Skip."""
    module = str(row.get("module_name") or "").strip()
    op = str(row.get("op") or "").strip()
    link = html.unescape(str(row.get("link") or "")).strip()
    if not module:
        found = _module_of_link(ctx, link)
        if found is None:  # an outside address
            problem = url_error(link)
            if problem:
                raise Skip(f"liên kết không dùng được ({problem})")
            return MenuKind.URL, link
        module, op = found
    if not module:
        return MenuKind.HOME, ""
    op = _strip_ext(unquote(op)).strip("/")
    kind = _module_files(ctx).get(module, module)
    if kind == "news":
        return _news_target(ctx, op)
    if kind == "page" and _module_data(ctx, module) == "about":  # the pages imported above
        return _page_target(ctx, op)
    if kind == "page":
        raise Skip(f"các trang của module «{module}» không được nhập (chỉ trang giới thiệu)")
    if kind == "laws":
        return _laws_target(ctx, op)
    if kind == "contact":
        return _contact_target(ctx, text(row.get("title")))
    if (kind, op) in PORTAL_PAGES:
        return _portal_page(*PORTAL_PAGES[(kind, op)])
    if kind in NO_FEATURE:
        raise Skip(f"cổng không có {NO_FEATURE[kind]} (module «{module}»)")
    raise Skip(f"không có trang tương ứng trên cổng (module «{module}»)")


def _module_of_link(ctx: Context, link: str) -> tuple[str, str] | None:
    """(module, op) a link of the old site names ("" module: the home page); None for an
    address on another site."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        if (parts.hostname or "").lower() not in own_hosts(ctx):
            return None
    query = parse_qs(parts.query)
    if "nv" in query:
        return query["nv"][0], query.get("op", [""])[0]
    path = re.sub(r"^/(?:index\.php/?)?", "", parts.path)
    segments = [s for s in path.split("/") if s]
    language = getattr(ctx.source, "language", "vi")
    if segments and segments[0] == language:
        segments = segments[1:]
    if not segments:
        return "", ""
    if segments[0] in _module_files(ctx):
        return segments[0], "/".join(segments[1:])
    return op_module(ctx) or "news", "/".join(segments)  # rewrite_op_mod: bare URLs


def _strip_ext(op: str) -> str:
    return op[: -len(".html")] if op.endswith(".html") else op


def _module_files(ctx: Context) -> dict[str, str]:
    """The old site's modules: name -> the module it is an instance of (about -> page)."""
    if "module_files" not in ctx.cache:
        ctx.cache["module_files"] = {
            str(r["title"]): str(r.get("module_file") or r["title"])
            for r in source_rows(ctx, "modules")
        }
    return ctx.cache["module_files"]


def _module_data(ctx: Context, module: str) -> str:
    """The tables' name of a module (an about module renamed "gioi-thieu" keeps "about")."""
    if "module_data" not in ctx.cache:
        ctx.cache["module_data"] = {
            str(r["title"]): str(r.get("module_data") or r["title"])
            for r in source_rows(ctx, "modules")
        }
    return ctx.cache["module_data"].get(module, module)


def _old_ids(ctx: Context, table: str, key: str) -> dict[str, str]:
    """alias -> old id of a table's rows (news_cat, about, laws_row)."""
    cached = ctx.cache.setdefault("aliases", {})
    if table not in cached:
        cached[table] = {str(r.get("alias") or ""): str(r[key]) for r in source_rows(ctx, table)}
    return cached[table]


def _news_target(ctx: Context, op: str) -> tuple[MenuKind, str]:
    first = op.split("/", 1)[0]
    if not op or op == "main" or re.fullmatch(r"page-\d+", op):
        return MenuKind.HOME, ""  # the news home is the portal's home page
    if ("news", op) in PORTAL_PAGES:
        return _portal_page(*PORTAL_PAGES[("news", op)])
    if first == "tag" and "/" in op:
        return _portal_page(f"/tu-khoa/{slugify(op.split('/', 1)[1])}", "trang từ khóa")
    cat_old = _old_ids(ctx, "news_cat", "catid").get(first)
    if cat_old is None:
        if first == "content":
            raise Skip("cổng không nhận bài viết của bạn đọc (news/content)")
        raise Skip(f"không có chuyên mục «{first}» trên web cũ")
    if "/" in op:  # an article: no menu kind of its own
        article_old = op.rsplit("-", 1)[-1]
        article_id = ctx.new_id("article", article_old) if article_old.isdigit() else None
        article = db.session.get(Article, article_id) if article_id is not None else None
        if article is None:
            raise Skip(f"bài viết «{op}» không được nhập")
        return _portal_page(f"/tin-tuc/{article.slug}", "bài viết")
    mapped = ctx.mapped("category", cat_old)
    if mapped is not None and mapped.note == SUSPENDED_NOTE:
        raise Skip(f"chuyên mục «{first}» {SUSPENDED_NOTE}")
    if mapped is not None and mapped.new_id is not None:
        return MenuKind.CATEGORY, str(mapped.new_id)
    if ctx.dry_run and cat_old in ctx.cache.get("dry_categories", ()):
        return MenuKind.CATEGORY, "0"
    raise Skip(f"chuyên mục «{first}» không được nhập")


def _page_target(ctx: Context, op: str) -> tuple[MenuKind, str]:
    """An about page; the module's own page (a list there) is its first page here."""
    if op:
        old = _old_ids(ctx, "about", "id").get(op)
        if old is None:
            raise Skip(f"không có trang giới thiệu «{op}» trên web cũ")
        wanted = [old]
    else:
        rows = _about_rows(ctx)
        wanted = [str(r["id"]) for r in rows if int(r.get("status") or 0) == 1]
    for old in wanted:
        page_id = ctx.new_id("page", old)
        page = db.session.get(Page, page_id) if page_id is not None else None
        if page is not None and page.published:
            return MenuKind.PAGE, page.slug
        if ctx.dry_run and old in ctx.cache.get("dry_pages", ()):
            return MenuKind.PAGE, f"trang-{old}"
    raise Skip(f"trang giới thiệu «{op or 'about'}» không được nhập hoặc chưa xuất bản")


def _laws_target(ctx: Context, op: str) -> tuple[MenuKind, str]:
    """A document's detail page; any other page of the laws module: the documents list."""
    match = re.fullmatch(r"detail/(?:.*-)?(\d+)", op)
    if match:
        document_id = ctx.new_id("document", match[1])
        if document_id is not None:
            return MenuKind.DOCUMENT, str(document_id)
    return MenuKind.DOCUMENTS, ""


def _contact_target(ctx: Context, label: str) -> tuple[MenuKind, str]:
    """The portal's contact page (the one with the form). Not there yet, the item is added
    all the same: readers do not see it until a page with that slug is published."""
    slug = contact_slug()
    if not slug or not PAGE_SLUG.fullmatch(slug):
        raise Skip("cổng chưa đặt đường dẫn trang liên hệ (Cài đặt → Trang tĩnh)")
    if not _published_page(slug):
        ctx.report.notes.append(
            f"Mục menu «{label}» trỏ tới trang liên hệ /trang/{slug}, trang này chưa có: tạo "
            "trang tĩnh với đường dẫn đó (biểu mẫu liên hệ hiện ở đó) thì mục hiện ra."
        )
    return MenuKind.PAGE, slug


def _published_page(slug: str) -> bool:
    return (
        bool(slug)
        and db.session.scalar(select(Page.id).where(Page.slug == slug, Page.published.is_(True)))
        is not None
    )


def _portal_page(path: str, what: str) -> tuple[MenuKind, str]:
    """A page of the portal with no menu kind of its own: its address on SITE_URL."""
    origin = site_origin()
    if not origin:
        raise Skip(f"{what} của cổng ({path}): đặt SITE_URL rồi chạy lại, hoặc thêm mục bằng tay")
    return MenuKind.URL, origin + path


def imported_items() -> Iterator[tuple[str, MenuItem]]:
    """(old id, our item) of each imported menu item (for tests and reports)."""
    rows = db.session.scalars(select(ImportedRow).where(ImportedRow.kind == "menu_item"))
    for row in rows:
        if row.new_id is not None:
            item = db.session.get(MenuItem, row.new_id)
            if item is not None:
                yield row.old_id, item


__all__ = ["import_menu", "import_pages", "imported_items"]
