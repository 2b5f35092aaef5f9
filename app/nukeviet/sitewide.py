"""Site-wide parts of a NukeViet site: banners (`<prefix>_banners_rows`, their plan giving the
position) and the visit total (`<prefix>_counter`, the "total" row) that becomes the
statistics' starting offset."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

from app.blocks import operations
from app.blocks.models import Banner, BannerBlock
from app.extensions import db
from app.media import save_uploaded_image
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
    name = str(row.get("file_name") or "").strip()
    if not name or ctx.uploads is None:
        return None
    root = Path(ctx.uploads).resolve()
    for path in (root / "banners" / name, root / name):
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


def offset_lines(total: int) -> list[str]:
    """What the administrator adds so the statistics go on from NukeViet's total: the line
    for instance/config.py, and the environment's form (portal.env)."""
    return [f"STATS_TOTAL_OFFSET = {total}", f"STATS_TOTAL_OFFSET={total}"]


def import_statistics(ctx) -> None:
    """Report NukeViet's visit total and the exact setting that starts our total from it;
    nothing is written (the offset is configuration, the administrator's to set)."""
    total = statistics_total(ctx.source)
    if total is None:
        ctx.skipped("statistics", "total", "Không có bảng counter hoặc dòng tổng")
        return
    ctx.cache["statistics_total"] = total
    config_line, env_line = offset_lines(total)
    ctx.report.notes.append(
        f"Tổng lượt truy cập trên trang cũ: {total}. Để thống kê tiếp tục từ con số này, "
        f"thêm dòng sau vào instance/config.py rồi khởi động lại: {config_line}"
    )
    ctx.report.notes.append(f"(hoặc trong biến môi trường, portal.env: {env_line})")
    log.info("NukeViet visit total %s: set STATS_TOTAL_OFFSET = %s", total, total)


# --- Users --------------------------------------------------------------------------------------

USER = "user"
# NukeViet's levels: 1 "Quản trị tối cao", 2 "Điều hành chung" manage the whole site; 3 manages
# some modules only.
ADMIN_LEVELS = (1, 2)


def import_users(ctx) -> None:
    """NukeViet's administrators (`users` rows named in `authors`) become accounts without
    their passwords: each gets a random one nobody knows, so an administrator issues the real
    one (`flask set-password <username>` today). Members who were only readers are left out:
    the new site has staff accounts only."""
    from app.auth import operations as accounts
    from app.auth.models import Role

    source = ctx.source
    if not source.has("users"):
        return
    authors = {}
    if source.has("authors"):
        authors = {str(a["admin_id"]): a for a in source.rows("authors")}
    for row in source.rows("users"):
        old_id = str(row["userid"])
        if ctx.mapped(USER, old_id) is not None:
            ctx.existing(USER)
            continue
        author = authors.get(old_id)
        username = unescape(row.get("username")).lower()
        if author is None:
            reason = "Thành viên (không phải quản trị): trang mới chỉ có tài khoản quản trị"
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
        if int(author.get("is_suspend") or 0) or not int(row.get("active") or 0):
            user.active = False
        ctx.remember(USER, old_id, user.id, alias=username, note="Chưa có mật khẩu")
        ctx.commit()
        ctx.added(USER)
    if ctx.report.kind(USER).added:
        ctx.report.notes.append(
            "Tài khoản quản trị được chuyển sang không kèm mật khẩu: đặt mật khẩu cho từng "
            "người bằng lệnh `flask set-password <tên đăng nhập>` rồi gửi cho họ."
        )
