"""Writes for banners and links (audited), their target addresses, and counting clicks."""

from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import redis
from flask import Request, current_app, url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.audit.operations import apply_changes
from app.audit.operations import record as audit
from app.blocks.models import Banner, BannerBlock
from app.dates import site_zone
from app.db_sqlite import lock_wait
from app.extensions import db
from app.media import IMAGE_NAME, image_dir
from app.ordering import move_in_order
from app.redis_keys import names
from app.stats.models import CounterFlush
from app.stats.spool import register_replayer
from app.visitor import identify, is_prefetch

if TYPE_CHECKING:
    from app.auth.models import User

log = logging.getLogger(__name__)

BANNER_FIELDS = ("title", "target_url", "block", "position", "image", "active_from",
                 "active_until", "show_title")  # fmt: skip
# A click key outlives its local day wherever the day falls in UTC.
CLICK_KEY_TTL = 2 * 24 * 3600
# Seconds a click's SQL write waits for a locked SQLite database before it is spooled.
CLICK_LOCK_WAIT = 0.2


class BannerError(ValueError):
    """A value the banner refuses; the message is for the editor, `field` the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def target_url_error(url: str) -> str | None:
    """Why `url` may not be a banner's target (Vietnamese), or None when it is an absolute
    http(s) address of a named host."""
    if not url:
        return "Nhập địa chỉ liên kết."
    # Browsers drop tabs and newlines inside URLs ("java\tscript:") and read "\" as "/".
    if any(ch.isspace() or not ch.isprintable() or ch == "\\" for ch in url):
        return "Địa chỉ liên kết không được chứa khoảng trắng, ký tự điều khiển hoặc dấu \\."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "Địa chỉ liên kết không hợp lệ."
    if parts.scheme.lower() not in ("http", "https"):
        return "Chỉ chấp nhận địa chỉ bắt đầu bằng http:// hoặc https://."
    if not parts.hostname or not url.lower().startswith(f"{parts.scheme.lower()}://"):
        return "Địa chỉ liên kết phải là địa chỉ đầy đủ, ví dụ https://example.gov.vn/."
    if parts.username is not None or parts.password is not None:
        return "Địa chỉ liên kết không được chứa tên đăng nhập hoặc mật khẩu."
    return None


def is_http_url(url: str) -> bool:
    return target_url_error(url) is None


def stored_image_name(url: str) -> str | None:
    """The stored picture an image URL of this site names (`/media/<name>`, what the media
    library's picker gives), or None when it names none: another site, a thumbnail, a name
    the media module would not make, a file that is not there."""
    name = url.rsplit("/", 1)[-1]
    if not IMAGE_NAME.fullmatch(name) or name.partition(".")[0].endswith("t"):
        return None
    if url != url_for("media.image", name=name) or not (image_dir() / name).is_file():
        return None
    return name


def _validate(values: dict) -> None:
    error = target_url_error(values["target_url"])
    if error:
        raise BannerError(error, "target_url")
    try:
        values["block"] = BannerBlock(values["block"])
    except ValueError as exc:
        raise BannerError("Chọn vị trí hiển thị trong danh sách.", "block") from exc
    start, end = values.get("active_from"), values.get("active_until")
    if start is not None and end is not None and end <= start:
        raise BannerError("Thời điểm kết thúc phải sau thời điểm bắt đầu.", "active_until")


def _describe(banner: Banner) -> str:
    return f"{banner.block}: {banner.title} -> {banner.target_url}"


def create_banner(*, by: User, **values) -> Banner:
    """A new banner or link; `values` are BANNER_FIELDS, times in naive UTC."""
    unknown = set(values) - set(BANNER_FIELDS)
    if unknown:
        raise TypeError(f"unknown banner fields: {sorted(unknown)}")
    _validate(values)
    banner = Banner(**values)
    db.session.add(banner)
    db.session.flush()
    audit("banner.create", banner, _describe(banner), by=by, commit=False)
    db.session.commit()
    return banner


def update_banner(banner: Banner, *, by: User, **values) -> Banner:
    """Change the given fields (checked together with the ones kept); audited."""
    unknown = set(values) - set(BANNER_FIELDS)
    if unknown:
        raise TypeError(f"unknown banner fields: {sorted(unknown)}")
    _validate({name: getattr(banner, name) for name in BANNER_FIELDS} | values)
    if "block" in values:
        values["block"] = BannerBlock(values["block"])
    changes = apply_changes(banner, values.items())
    audit("banner.update", banner, "; ".join(changes), by=by, commit=False)
    db.session.commit()
    return banner


def delete_banner(banner: Banner, *, by: User) -> None:
    """Delete the row; its uploaded image file stays on disk."""
    audit("banner.delete", banner, _describe(banner), by=by, commit=False)
    db.session.delete(banner)
    db.session.commit()


def move_banner(banner: Banner, step: int, *, by: User) -> bool:
    """Move the banner one place up (step -1) or down (+1) among its block's banners; False
    when it is first or last already. The block is numbered 1, 2, 3... in its new order."""
    siblings = db.session.scalars(
        select(Banner).where(Banner.block == banner.block).order_by(Banner.position, Banner.id)
    )
    if not move_in_order(siblings, banner, step):
        return False
    audit("banner.move", banner, f"{banner.block}: {banner.title} -> {banner.position}", by=by,
          commit=False)  # fmt: skip
    db.session.commit()
    return True


def click_day(now: float | None = None) -> str:
    """The site-local date of `now` (default: the configured clock), as YYYY-MM-DD."""
    if now is None:
        now = (current_app.config.get("STATS_CLOCK") or time.time)()
    return datetime.fromtimestamp(now, site_zone()).strftime("%Y-%m-%d")


def count_click(banner_id: int, request: Request) -> bool:
    """Add one to the banner's clicks unless this visitor already clicked it today (local
    day) or is a crawler; True when counted now or kept for a later count.

    The order makes a lost click impossible without a trace: the "clicked today" mark holds
    this click's id; then SQL counts it. When SQL cannot (locked, busy, away) the click goes
    to the statistics spool with its id, and the replay counts it once the database is back
    (the id, recorded in SQL in the same transaction, makes a second replay a no-op). When
    Redis cannot say whether the visitor clicked already, the click is spooled unmarked and
    the replay both marks and counts it. The reader is redirected in every case.
    """
    if request.method != "GET" or is_prefetch(request):
        return False
    day = click_day()
    visitor = identify(request, current_app.secret_key, day)
    if visitor.is_bot:
        return False
    # A cookie we would only be handing out now identifies nobody yet: use the daily hash.
    who = visitor.fallback if visitor.new_cookie else visitor.cookie
    key = names().banner_click(banner_id, day, who)
    click = {"kind": "click", "banner_id": banner_id, "key": key, "click_id": secrets.token_hex(8)}
    try:
        first = _redis().set(click["key"], click["click_id"], nx=True, ex=CLICK_KEY_TTL)
    except (redis.RedisError, OSError) as exc:
        log.warning("banner click spooled, Redis unavailable: %s", exc)
        return _spool(click)
    if not first:
        return False
    try:
        # The reader waits for a redirect: a locked database gets a short wait, then the spool.
        with lock_wait(CLICK_LOCK_WAIT):
            db.session.execute(
                update(Banner).where(Banner.id == banner_id).values(clicks=Banner.clicks + 1)
            )
            db.session.commit()
    except SQLAlchemyError as exc:  # "database is locked", the busy deadline, a lost server
        db.session.rollback()
        log.warning("banner click spooled, the database did not take it: %s", exc)
        return _spool(click)
    return True


def _redis():
    return current_app.extensions["redis"].client


def _spool(click: dict) -> bool:
    return current_app.extensions["stats"].spool.append(click)


def replay_click(record: dict) -> None:
    """Count a spooled click exactly once (inside an app context): mark it if no mark is
    there, skip it if another click of the same visitor and day holds the mark, and count it
    in one transaction with its id, so a second replay of the same record adds nothing."""
    key, click_id = record["key"], record["click_id"]
    client = _redis()
    if not client.set(key, click_id, nx=True, ex=CLICK_KEY_TTL) and client.get(key) != click_id:
        return  # this visitor's click of the day was counted already
    if db.session.get(CounterFlush, click_id) is not None:
        return
    db.session.add(CounterFlush(id=click_id, kind="banner_click", items=1))
    db.session.execute(
        update(Banner).where(Banner.id == int(record["banner_id"])).values(
            clicks=Banner.clicks + 1)
    )  # fmt: skip
    try:
        db.session.commit()
    except IntegrityError:  # another process replayed the same record at the same moment
        db.session.rollback()


register_replayer("click", replay_click)
