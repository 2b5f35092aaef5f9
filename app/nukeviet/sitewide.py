"""Site-wide parts of a NukeViet site: banners (`<prefix>_banners_rows`, their plan giving the
position), the site's identity (`<prefix>_config`: name, slogan, e-mail, phone, logo, header
image) as our settings where ours still hold their defaults, the visit total
(`<prefix>_counter`, the "total" row) that becomes the setting `stats_total_offset`, and the
administrators' accounts (without their passwords)."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.blocks import operations
from app.blocks.models import Banner, BannerBlock
from app.extensions import db
from app.media import save_uploaded_image
from app.nukeviet.importer import KIND_LABELS
from app.nukeviet.laws import OnCommit, unescape

log = logging.getLogger(__name__)

BANNER = "banner"
# Words of a plan's title that put its banners between "Văn bản mới" and "Thống kê".
MIDDLE_WORDS = ("mid", "giữa", "center", "centre", "middle")
LINK_WORDS = ("link", "liên kết", "partner", "đối tác")


def utc(timestamp: object) -> datetime | None:
    try:
        seconds = int(timestamp or 0)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None) if seconds > 0 else None


def block_of(plan_title: str) -> BannerBlock:
    """NukeViet's plans are named by their place on the page; ours are three positions."""
    title = plan_title.casefold()
    if any(word in title for word in LINK_WORDS):
        return BannerBlock.LINKS
    if any(word in title for word in MIDDLE_WORDS):
        return BannerBlock.MIDDLE
    return BannerBlock.BANNERS


def _image(ctx, row: dict, notes: list[str]) -> str | None:
    return _uploaded_image(ctx, str(row.get("file_name") or "").strip(), "banners", notes)


def _uploaded_image(ctx, name: str, folder: str, notes: list[str]) -> str | None:
    """An image of the old site's uploads/ (`name` in `folder`, or a path from the site's
    root such as "uploads/logo.png") stored through app.media; None, with a note, when it
    is not there or refused."""
    name = name.removeprefix("/").removeprefix("uploads/")
    if not name or ctx.uploads is None:
        return None
    root = Path(ctx.uploads).resolve()
    for path in (root / folder / name, root / name):
        path = path.resolve()
        if path.is_relative_to(root) and path.is_file():
            try:
                with path.open("rb") as stream:
                    return save_uploaded_image(stream)
            except Exception as exc:  # noqa: BLE001 - any refused image: the banner goes on
                notes.append(f"Ảnh {name} bị từ chối: {exc}")
                return None
    notes.append(f"Không thấy ảnh {name}")
    return None


def import_banners(ctx) -> None:
    """Each NukeViet banner with a link becomes a banner of the position its plan names."""
    source = ctx.source
    if not source.has("banners_rows"):
        return
    plans = {}
    if source.has("banners_plans"):
        plans = {str(p["id"]): unescape(p.get("title")) for p in source.rows("banners_plans")}
    positions: dict[BannerBlock, int] = {}
    for row in source.rows("banners_rows"):
        with ctx.row(BANNER, row.get("id")):
            _import_banner(ctx, row, plans, positions)


def _import_banner(ctx, row: dict, plans: dict, positions: dict) -> None:
    old_id = str(row["id"])
    if ctx.mapped(BANNER, old_id) is not None:
        ctx.existing(BANNER)
        return
    block = block_of(plans.get(str(row.get("pid")), ""))
    positions[block] = positions.get(block, 0) + 1
    target = unescape(row.get("click_url"))
    title = (unescape(row.get("title")) or unescape(row.get("file_alt")))[:200]
    reason = ""
    if not int(row.get("act") or 0):
        reason = "Quảng cáo đang tắt trên trang cũ"
    elif error := operations.target_url_error(target):
        reason = f"Liên kết không dùng được: {error}"
    elif not title:
        reason = "Không có tiêu đề"
    if reason:
        ctx.skipped(BANNER, old_id, reason)
        ctx.remember(BANNER, old_id, None, note=reason[:255])
        ctx.commit()
        return
    if ctx.dry_run:
        ctx.added(BANNER)
        return
    clicks = int(row.get("hits_total") or 0)  # every value read before anything is written
    notes: list[str] = []
    values = {
        "title": title,
        "target_url": target,
        "block": block,
        "position": int(row.get("weight") or positions[block]),
        "image": _image(ctx, row, notes),
        "active_from": utc(row.get("publ_time")),
        "active_until": utc(row.get("exp_time")),
    }

    def finish(banner, old_id=old_id, notes=notes, clicks=clicks):
        banner.clicks = clicks
        ctx.remember(BANNER, old_id, banner.id, note="; ".join(notes)[:255])

    try:
        with OnCommit(Banner, finish):
            operations.create_banner(by=ctx.by, **values)
    except operations.BannerError as refused:
        db.session.rollback()
        ctx.skipped(BANNER, old_id, str(refused))
        ctx.remember(BANNER, old_id, None, note=str(refused)[:255])
        ctx.commit()
        return
    ctx.added(BANNER)
    for note in notes:
        ctx.skipped("banner_image", old_id, note)


def statistics_total(source) -> int | None:
    """NukeViet's visit total: `counter` row ("total", "hits")."""
    if not source.has("counter"):
        return None
    for row in source.rows("counter"):
        if row.get("c_type") == "total" and str(row.get("c_val")) == "hits":
            try:
                return int(row.get("c_count") or 0)
            except (TypeError, ValueError):
                return None
    return None


STATISTICS = "statistics"
OFFSET_PLACE = "Cài đặt › Thống kê › «Tổng lượt truy cập của website cũ (cộng vào tổng)»"


def import_statistics(ctx) -> None:
    """NukeViet's visit total becomes the setting `stats_total_offset` (added to "Tổng lượt
    truy cập"), once: not over a value an administrator set, nor on top of a configured
    STATS_TOTAL_OFFSET (it would count the old visits twice); a later run leaves the
    setting alone, whatever an administrator made of it since."""
    from flask import current_app

    from app.settings import store
    from app.stats.settings import TOTAL_OFFSET

    total = statistics_total(ctx.source)
    if total is None:
        ctx.skipped(STATISTICS, "total", "Không có bảng counter hoặc dòng tổng")
        return
    ctx.cache["statistics_total"] = total
    _import_counter_days(ctx)
    head = f"Tổng lượt truy cập trên trang cũ: {total}"
    if ctx.mapped(STATISTICS, "total") is not None:
        ctx.existing(STATISTICS)
        ctx.report.notes.append(f"{head} (đã chuyển ở lần nhập trước; cài đặt giữ nguyên).")
        return
    ours = int(store.load()[TOTAL_OFFSET.key])
    configured = int(current_app.config["STATS_TOTAL_OFFSET"])
    reason = ""
    if ours:
        reason = f"Giữ giá trị {ours} quản trị viên đã đặt ở {OFFSET_PLACE}"
    elif configured:
        reason = (f"Cấu hình STATS_TOTAL_OFFSET = {configured} đã cộng vào tổng: không đặt "
                  f"thêm để khỏi cộng hai lần")  # fmt: skip
    if reason:
        ctx.skipped(STATISTICS, "total", f"{head}. {reason}")
        ctx.remember(STATISTICS, "total", None, note=reason)
        ctx.commit()
        return
    ctx.added(STATISTICS)
    if ctx.dry_run:
        ctx.report.notes.append(f"{head}: sẽ đặt vào {OFFSET_PLACE}.")
        return
    ctx.remember(STATISTICS, "total", None, note=f"stats_total_offset = {total}")
    _save_settings(ctx, {TOTAL_OFFSET.key: total})  # commits the map row with it
    ctx.report.notes.append(
        f"{head}: đã đặt vào {OFFSET_PLACE}, nên tổng lượt truy cập của trang mới tiếp tục "
        f"từ con số này (đổi được ở đó)."
    )
    log.info("NukeViet visit total %s set as the setting stats_total_offset", total)


def counter_days(source, zone: ZoneInfo) -> list[tuple[date, int]]:
    """NukeViet's visits per day of its current month: its `counter` rows ("day", "01".."31")
    hold a count and the time of their last hit, and are emptied when a month begins. A row
    is the local day of its last hit (in NukeViet's statistics time zone), if that is its
    day of the month and in the month of the newest row."""
    found = []
    for row in source.rows("counter"):
        if row.get("c_type") != "day":
            continue
        try:
            count, stamp = int(row.get("c_count") or 0), int(row.get("last_update") or 0)
            day_of_month = int(row.get("c_val") or 0)
            day = datetime.fromtimestamp(stamp, zone).date() if stamp > 0 else None
        except (TypeError, ValueError, OverflowError, OSError):
            continue  # an odd row: not a day of NukeViet's
        if count > 0 and day is not None and day.day == day_of_month:
            found.append((day, count))
    if not found:
        return []
    month = max(day for day, _ in found).replace(day=1)
    return sorted((day, n) for day, n in found if day.replace(day=1) == month)


def _import_counter_days(ctx) -> None:
    """The days of NukeViet's current month become imported days of the statistics' history
    (drawn in the reports' charts, never added to the total: the offset holds them), through
    the history import's own operation; a day this portal counted itself is never replaced.
    NukeViet keeps nothing else that fits: its months and years are totals without their
    days, its browsers, systems and countries totals since the start without a date."""
    from app.stats.history import MAX_VALUE, HistoryRow, import_history

    config = site_config(ctx)
    name = config.get(("sys", "site", "statistics_timezone"), "") or _site_timezone()
    try:
        zone = ZoneInfo(name)
    except (ValueError, OSError, ZoneInfoNotFoundError):  # "byCountry", a bad name
        zone = ZoneInfo(_site_timezone())
    rows = []
    for day, visits in counter_days(ctx.source, zone):
        old_id = f"day:{day:%Y-%m-%d}"
        if ctx.mapped(STATISTICS, old_id) is not None:
            ctx.existing(STATISTICS)
        elif visits > MAX_VALUE:
            ctx.skipped(STATISTICS, old_id, f"{visits} lượt: lớn hơn giới hạn {MAX_VALUE}")
        else:
            rows.append(HistoryRow(day, visits))
            if not ctx.dry_run:
                ctx.remember(STATISTICS, old_id, None, note=f"{visits} lượt truy cập")
    if not rows:
        return
    result = import_history(rows, by=ctx.by, dry_run=ctx.dry_run)  # commits the map rows
    for _ in range(result.added + result.replaced):
        ctx.added(STATISTICS)
    for day in result.skipped:
        ctx.skipped(STATISTICS, f"day:{day:%Y-%m-%d}", "Ngày này trang mới đã tự đếm")
    shown = ", ".join(f"{row.day:%d/%m/%Y} ({row.visits})" for row in rows[:31])
    ctx.report.notes.append(
        f"Lượt truy cập theo ngày của tháng cuối trên trang cũ: {shown} — "
        f"{'sẽ hiện' if ctx.dry_run else 'hiện'} trong biểu đồ Thống kê (không cộng thêm "
        "vào tổng)."
    )


def _save_settings(ctx, values: dict[str, object]) -> None:
    """Settings saved through the settings' operation (audited, caches told, its on_change
    run), committing the map rows remembered before it in the same transaction."""
    from app.settings.operations import save_settings

    if not save_settings(values, by=ctx.by):
        ctx.commit()  # nothing changed: the map rows alone


# --- Site identity ------------------------------------------------------------------------------

SETTING = "setting"
# (NukeViet config: language ("" = the site's), module, name) -> our setting, and how the
# value is read: "" text, "image" a file of uploads/, "int" a number, "order" the comments'
# order (NukeViet: 0 newest first, 1 oldest first, 2 most liked, which we do not have).
IDENTITY = (
    (("", "global", "site_name"), "site_name", ""),
    (("", "global", "site_description"), "site_slogan", ""),
    (("sys", "site", "site_email"), "footer_email", ""),
    (("sys", "site", "site_phone"), "footer_phone", ""),
    (("", "global", "site_logo"), "site_logo", "image"),
    (("", "global", "site_banner"), "site_header_image", "image"),
    (("", "news", "perpagecomm"), "comments_per_page", "int"),
    (("", "news", "sortcomm"), "comments_order", "order"),
)
COMMENT_ORDERS = {"0": "newest", "1": "oldest"}


def site_config(ctx) -> dict[tuple[str, str, str], str]:
    """`<prefix>_config` as {(lang, module, name): value}, the site's language as "lang";
    read once a run (the menu, the statistics and the identity all ask it)."""
    if "site_config" in ctx.cache:
        return ctx.cache["site_config"]
    source, found = ctx.source, {}
    if source.has("config"):
        for row in source.rows("config"):
            lang = str(row.get("lang") or "")
            name = (lang, str(row.get("module") or ""), str(row.get("config_name") or ""))
            found[name] = unescape(row.get("config_value"))
    ctx.cache["site_config"] = found
    return found


def op_module(ctx) -> str:
    """The module whose URLs carry no module name on the old site (rewrite_op_mod), as
    recorded for the old URLs; "" when the site wrote every module's name."""
    return site_config(ctx).get(("sys", "global", "rewrite_op_mod"), "")


def import_identity(ctx) -> None:
    """The site's name, slogan (NukeViet's description), e-mail, phone, logo and header
    image, and the news comments' page size and order, become our settings where ours still
    hold their defaults: a value an administrator set is kept (and reported). Each once
    (kind "setting"; a module's own as "<module>:<name>"). Comment moderation is never
    loosened by an import: a laxer old site is only reported. Also remembered for the old
    URLs (app/nukeviet/redirects.py): the news module's place in them (rewrite_op_mod), the
    language imported and each module's kind by its URL name."""
    from app.settings import store
    from app.settings.registry import declared

    config = site_config(ctx)
    _remember_url_settings(ctx)
    if not config:
        return
    settings, ours = declared(), store.load()
    values: dict[str, object] = {}
    for (lang, module, name), key, kind in IDENTITY:
        theirs = config.get((lang or ctx.source.language, module, name), "").strip()
        old_id = name if module in ("global", "site") else f"{module}:{name}"
        if not theirs or key not in settings:
            continue
        if ctx.mapped(SETTING, old_id) is not None:
            ctx.existing(SETTING)
            continue
        setting = settings[key]
        if ours.get(key, setting.default) != setting.default:
            reason = f"{setting.label}: giữ «{ours[key]}» đã đặt ở Cài đặt (trang cũ: «{theirs}»)"
            _kept(ctx, old_id, reason[:255])
            continue
        value, reason = _setting_value(ctx, setting, kind, theirs)
        if reason:
            _kept(ctx, old_id, f"{setting.label}: {reason}")
            continue
        if not ctx.dry_run:
            ctx.remember(SETTING, old_id, None, note=f"{key} ← {str(value)[:200]}")
        if value == ours.get(key, setting.default):
            ctx.existing(SETTING)  # the same as ours already
            continue
        ctx.added(SETTING)
        values[key] = value
    if not ctx.dry_run:
        if values:
            _save_settings(ctx, values)
            shown = ", ".join(settings[key].label for key in values)
            ctx.report.notes.append(f"{KIND_LABELS[SETTING]} lấy từ trang cũ: {shown}.")
        else:
            ctx.commit()
    _report_differences(ctx, config, ours)


def _setting_value(ctx, setting, kind: str, theirs: str) -> tuple[object, str]:
    """(our value of NukeViet's `theirs`, "") or (None, why it cannot be used)."""
    from app.settings.registry import InvalidValue

    if kind == "image":
        if ctx.dry_run:
            return theirs, ""
        notes: list[str] = []
        stored = _uploaded_image(ctx, theirs, "", notes)
        return stored, "" if stored else ("; ".join(notes) or "không có thư mục uploads")
    if kind == "order":
        order = COMMENT_ORDERS.get(theirs)
        return order, "" if order else "trang mới không có thứ tự theo lượt thích"
    try:
        return setting.coerce(int(theirs) if kind == "int" else theirs[:500]), ""
    except (InvalidValue, ValueError) as refused:
        return None, f"«{theirs[:80]}»: {refused}"


def _report_differences(ctx, config: dict, ours: dict) -> None:
    """What the old site did differently that an import does not change for the
    administrator: comments published without moderation, another statistics time zone."""
    lax = {"1": "mọi ý kiến", "2": "ý kiến của thành viên"}.get(
        config.get((ctx.source.language, "news", "auto_postcomm"), "")
    )
    if lax and ours.get("comments_moderation") == "all":
        ctx.report.notes.append(
            f"Trang cũ đăng ngay {lax} không chờ duyệt; trang mới vẫn để mọi ý kiến chờ duyệt "
            "(đổi ở Cài đặt › Ý kiến bạn đọc nếu muốn)."
        )
    zone = config.get(("sys", "site", "statistics_timezone"), "")
    if zone and zone != _site_timezone():
        ctx.report.notes.append(
            f"Trang cũ tính thống kê theo múi giờ {zone}; trang mới theo SITE_TIMEZONE = "
            f"{_site_timezone()} (đặt trong instance/config.py nếu cần)."
        )


def _kept(ctx, name: str, reason: str) -> None:
    ctx.skipped(SETTING, name, reason)
    if not ctx.dry_run:
        ctx.remember(SETTING, name, None, note=reason[:255])
        ctx.commit()


def _site_timezone() -> str:
    from flask import current_app

    return str(current_app.config["SITE_TIMEZONE"])


def _remember_url_settings(ctx) -> None:
    """What the old URLs need to be read without the source (redirects.py): the news
    module's place (rewrite_op_mod: its URLs carry no module name), the language imported,
    and each module's kind by its URL name ("van-ban" -> laws). Once each; not counted."""
    source = ctx.source
    rows = [("rewrite_op_mod", op_module(ctx), "URL cũ"),
            ("site_lang", source.language, "URL cũ")]  # fmt: skip
    modules = source.lang("modules")
    if source.has(modules):
        for row in source.rows(modules):
            title = str(row.get("title") or "")
            if title:
                rows.append((f"module:{title}"[:64], str(row.get("module_file") or ""), "URL cũ"))
    for old_id, alias, note in rows:
        if ctx.mapped(SETTING, old_id) is None:
            ctx.remember(SETTING, old_id, None, alias=alias, note=note)
    ctx.commit()


# --- Users --------------------------------------------------------------------------------------

USER = "user"
# NukeViet's levels: 1 "Quản trị tối cao", 2 "Điều hành chung" manage the whole site; 3 manages
# some modules only.
ADMIN_LEVELS = (1, 2)
MEMBER_REASON = "Thành viên (không phải quản trị): trang mới chỉ có tài khoản quản trị, biên tập"


def import_users(ctx) -> None:
    """NukeViet's administrators (`users` rows named in `authors`) become accounts without a
    usable password (app.auth.password_links.without_password): an administrator issues each
    a one-time link to set one (Tài khoản › «Tạo liên kết đặt mật khẩu», or `flask
    password-link <username>`). Members who were only readers (NukeViet's group 4 and the
    like) are left out: the new site has staff accounts only (administrators and editors;
    readers comment without an account), and copying readers' e-mail addresses, birthdays
    and the like into a site that has no use for them would only keep personal data
    nobody needs."""
    from app.auth import operations as accounts
    from app.auth import password_links
    from app.auth.models import Role

    source = ctx.source
    if not source.has("users"):
        return
    authors = {}
    if source.has("authors"):
        authors = {str(a["admin_id"]): a for a in source.rows("authors")}
    members = 0
    for row in source.rows("users"):
        old_id = str(row["userid"])
        if ctx.mapped(USER, old_id) is not None:
            ctx.existing(USER)
            continue
        author = authors.get(old_id)
        username = unescape(row.get("username")).lower()
        if author is None:
            reason = MEMBER_REASON
            members += 1
            ctx.skipped(USER, old_id, reason)
            ctx.remember(USER, old_id, None, alias=username or None, note=reason)
            ctx.commit()
            continue
        last, first = unescape(row.get("last_name")), unescape(row.get("first_name"))
        display_name = (" ".join(part for part in (last, first) if part) or username)[:120]
        role = Role.ADMIN if int(author.get("lev") or 0) in ADMIN_LEVELS else Role.EDITOR
        try:
            user = accounts.create_user(  # refuses before it adds anything
                username,
                secrets.token_urlsafe(32),
                display_name=display_name,
                email=unescape(row.get("email"))[:200],
                role=role,
                by=ctx.by,
                commit=False,
            )
        except accounts.AccountError as refused:
            reason = f"{username or '(không tên)'}: {refused}"
            ctx.skipped(USER, old_id, reason)
            ctx.remember(USER, old_id, None, alias=username or None, note=reason[:255])
            ctx.commit()
            continue
        password_links.without_password(user)
        if int(author.get("is_suspend") or 0) or not int(row.get("active") or 0):
            user.active = False
        ctx.remember(USER, old_id, user.id, alias=username, note="Chưa có mật khẩu")
        ctx.commit()
        ctx.added(USER)
    if ctx.report.kind(USER).added:
        ctx.report.notes.append(
            "Tài khoản quản trị được chuyển sang không kèm mật khẩu: ở Quản trị › Tài khoản, "
            "bấm «Tạo liên kết đặt mật khẩu» cạnh từng tài khoản có nhãn «Chưa đặt mật khẩu» "
            "(hoặc chạy `flask password-link <tên đăng nhập>`) rồi gửi liên kết cho người đó; "
            f"liên kết dùng một lần, hiệu lực {password_links.link_hours()} giờ."
        )
    if members:
        ctx.report.notes.append(
            f"{members} thành viên (bạn đọc đã đăng ký) không được chuyển: trang mới chỉ có "
            "tài khoản quản trị và biên tập; bạn đọc gửi ý kiến không cần tài khoản."
        )
