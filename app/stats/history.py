"""History import: the per-day totals of a migrated site, loaded from CSV (admin page
/admin/stats/import and `flask import-stats-history FILE`), so charts start before the switch.

The file: a header row, then one row per day. Columns (in any order; English or Vietnamese
names, with or without diacritics, any case): `day`/`ngày` (YYYY-MM-DD or DD/MM/YYYY),
`visits`/`lượt truy cập` (required), `visitors`/`khách`, `page_views`/`lượt xem`,
`bot_views`/`bot` (optional, 0 when absent or empty). Separator `,`, `;` (Excel in a
Vietnamese locale) or a tab; UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1258.

Rows become `DailyStat(imported=True)`: drawn in the charts, never added to the total (the
old site's total is the offset: the setting stats_total_offset plus STATS_TOTAL_OFFSET). A
day this portal counted is never replaced (it is reported as skipped); a day imported before
is replaced (a corrected file). All or nothing:
one bad line and nothing is written; the first errors are listed by line.
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click
from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from wtforms import BooleanField

from app.admin_menu import NavItem, register_nav
from app.audit.operations import record as audit
from app.auth.policies import admin_required
from app.dates import utcnow
from app.extensions import db
from app.form_base import PortalForm
from app.offload import offload
from app.stats.item_views import local_today
from app.stats.models import DailyStat

bp = Blueprint("stats_history", __name__, url_prefix="/admin/stats/import")
log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_VALUE = 10**9 - 1
# A longer cell is refused before int(): beyond 4,300 digits int() raises ValueError.
MAX_DIGITS = 12
MAX_ERRORS = 20  # errors listed; the rest only counted
FIRST_YEAR = 1990
ROWS_PER_STATEMENT = 500  # far below SQLite's bound-parameter limit

COLUMNS = ("day", "visits", "visitors", "page_views", "bot_views")
REQUIRED = ("day", "visits")
# Header names accepted for each column, compared without diacritics, case or punctuation.
ALIASES = {
    "day": ("day", "date", "ngay"),
    "visits": ("visits", "luot truy cap", "truy cap", "so luot truy cap"),
    "visitors": ("visitors", "unique visitors", "khach", "khach truy cap", "so khach"),
    "page_views": ("page views", "pageviews", "views", "luot xem", "luot xem trang"),
    "bot_views": ("bot views", "bots", "bot", "luot xem cua bot", "may tim kiem"),
}
HEADER_NAMES = {alias: column for column, names in ALIASES.items() for alias in names}
LABELS = {  # how the page and the messages name each column
    "day": "ngày", "visits": "lượt truy cập", "visitors": "khách",
    "page_views": "lượt xem", "bot_views": "bot",
}  # fmt: skip
EXAMPLE = (
    "ngày;lượt truy cập;khách;lượt xem;bot\n"
    "01/01/2024;1520;1104;4380;2210\n"
    "02/01/2024;1498;1087;4211;1985\n"
)
# ASCII digits only: int() would also take other scripts' digits ("٣", "１").
_ISO_DAY = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_VN_DAY = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class HistoryRow:
    day: date
    visits: int
    visitors: int = 0
    page_views: int = 0
    bot_views: int = 0
    line: int = 0


@dataclass
class Parsed:
    """A file's rows, or the errors that refuse it (first MAX_ERRORS, `error_count` all)."""

    rows: list[HistoryRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def error(self, line: int | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"Dòng {line}: {message}" if line else message)

    @property
    def ok(self) -> bool:
        return not self.error_count

    def summary(self) -> str:
        more = self.error_count - len(self.errors)
        return f" và {more} lỗi khác" if more > 0 else ""


@dataclass
class ImportResult:
    added: int = 0
    replaced: int = 0
    skipped: list[date] = field(default_factory=list)  # days the portal counted itself

    def message(self, dry_run: bool = False) -> str:
        verb = "sẽ" if dry_run else "đã"
        text = (f"{verb.capitalize()} thêm {self.added} ngày, {verb} thay {self.replaced} ngày "
                "đã nhập trước đây")  # fmt: skip
        if self.skipped:
            shown = ", ".join(f"{d:%d/%m/%Y}" for d in self.skipped[:10])
            more = f" và {len(self.skipped) - 10} ngày khác" if len(self.skipped) > 10 else ""
            text += (f"; bỏ qua {len(self.skipped)} ngày cổng đã tự đếm ({shown}{more}): "
                     "số liệu đếm được không bao giờ bị ghi đè")  # fmt: skip
        return text + "."


# --- reading the file -------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in a Vietnamese Windows saves "CSV" in the ANSI code page (Windows-1258).
        return data.decode("cp1258", errors="replace")


def _plain(name: str) -> str:
    """A header name without diacritics, case or punctuation ("Lượt truy cập" -> "luot truy
    cap")."""
    name = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    name = "".join(c for c in name if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name).split())


def _delimiter(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _day(raw: str, today: date) -> tuple[date | None, str]:
    raw = raw.strip()
    if match := _ISO_DAY.match(raw):
        year, month, day = (int(part) for part in match.groups())
    elif match := _VN_DAY.match(raw):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None, f"ngày “{_shown(raw)}” không đúng dạng YYYY-MM-DD hoặc DD/MM/YYYY"
    try:
        value = date(year, month, day)
    except ValueError:
        return None, f"ngày “{_shown(raw)}” không tồn tại"
    if value.year < FIRST_YEAR:
        return None, f"ngày {value:%d/%m/%Y} trước năm {FIRST_YEAR}"
    if value > today:
        return None, f"ngày {value:%d/%m/%Y} chưa đến"
    if value == today:
        # Today is being counted: an imported row would stand for today's numbers until a
        # checkpoint replaced it.
        return None, f"ngày {value:%d/%m/%Y} là hôm nay: chỉ nhập được những ngày đã qua"
    return value, ""


def _shown(raw: str) -> str:
    """A cell quoted in a message: short (the page escapes it like everything else)."""
    raw = raw.strip()
    return raw if len(raw) <= 30 else raw[:30] + "…"


def parse_history(data: bytes, today: date) -> Parsed:
    """The rows of a history CSV file, or its errors (nothing is written here). CPU-bound:
    the page calls it through offload(..., heavy=True)."""
    parsed = Parsed()
    if len(data) > MAX_BYTES:
        parsed.error(None, f"Tệp lớn hơn {MAX_BYTES // (1024 * 1024)} MB.")
        return parsed
    text = _decode(data)
    if "\x00" in text:
        parsed.error(None, "Tệp không phải tệp CSV (văn bản).")
        return parsed
    lines = text.splitlines()
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None:
        parsed.error(None, "Tệp trống: cần một dòng tiêu đề và ít nhất một dòng số liệu.")
        return parsed
    reader = csv.reader(lines[first:], delimiter=_delimiter(lines[first]))
    try:
        header = next(reader)
    except csv.Error:
        parsed.error(first + 1, "không đọc được dòng tiêu đề (ô quá dài hoặc sai dấu ngoặc kép).")
        return parsed
    columns = _columns(header, first + 1, parsed)
    if not parsed.ok:
        return parsed
    seen: dict[date, int] = {}
    data_rows = 0
    try:
        for number, cells in enumerate(reader, start=first + 2):
            if not any(cell.strip() for cell in cells):
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                parsed.error(None, f"Tệp có hơn {MAX_ROWS:,} dòng số liệu.".replace(",", "."))
                break
            row = _row(cells, columns, number, today, parsed)
            if row is None:
                continue
            if row.day in seen:
                parsed.error(number, f"ngày {row.day:%d/%m/%Y} đã có ở dòng {seen[row.day]}.")
                continue
            seen[row.day] = number
            parsed.rows.append(row)
    except csv.Error:
        parsed.error(reader.line_num + first, "không đọc được (ô quá dài hoặc sai dấu ngoặc kép).")
    if parsed.ok and not parsed.rows:
        parsed.error(None, "Tệp không có dòng số liệu nào.")
    if not parsed.ok:
        parsed.rows = []
    return parsed


def _columns(header: list[str], line: int, parsed: Parsed) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name.strip():
            continue
        column = HEADER_NAMES.get(_plain(name))
        if column is None:
            known = ", ".join(LABELS[c] for c in COLUMNS)
            parsed.error(line, f"cột “{_shown(name)}” không được nhận (các cột: {known}).")
        elif column in columns:
            parsed.error(line, f"cột “{LABELS[column]}” xuất hiện hai lần.")
        else:
            columns[column] = index
    for column in REQUIRED:
        if column not in columns and parsed.ok:
            parsed.error(line, f"thiếu cột “{LABELS[column]}”.")
    return columns


def _row(cells, columns: dict[str, int], line: int, today: date, parsed: Parsed):
    if len(cells) > max(columns.values()) + 1 and any(
        cell.strip() for cell in cells[max(columns.values()) + 1 :]
    ):
        parsed.error(line, "có nhiều ô hơn dòng tiêu đề.")
        return None
    values: dict[str, object] = {}
    problems = []
    for column, index in columns.items():
        raw = cells[index].strip() if index < len(cells) else ""
        if column == "day":
            values["day"], problem = _day(raw, today)
        elif not raw and column not in REQUIRED:
            values[column], problem = 0, ""
        elif not raw:
            values[column], problem = None, f"thiếu {LABELS[column]}"
        elif len(raw) > MAX_DIGITS or not _DIGITS.match(raw) or int(raw) > MAX_VALUE:
            values[column] = None
            problem = (f"{LABELS[column]} “{_shown(raw)}” phải là số nguyên từ 0 đến "
                       f"{MAX_VALUE:,}".replace(",", "."))  # fmt: skip
        else:
            values[column], problem = int(raw), ""
        if problem:
            problems.append(problem)
    if problems:
        parsed.error(line, "; ".join(problems) + ".")
        return None
    return HistoryRow(line=line, **values)


# --- writing -------------------------------------------------------------------------------


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def import_history(rows: Iterable[HistoryRow], *, by=None, dry_run: bool = False) -> ImportResult:
    """Write `rows` as imported days in one transaction (or, with dry_run, only say what
    would be written). A day counted here is skipped; an imported day is replaced."""
    rows = sorted(rows, key=lambda row: row.day)
    result = ImportResult()
    if not rows:
        return result
    table = DailyStat.__table__
    days = [row.day for row in rows]
    existing = dict(
        db.session.execute(
            select(table.c.day, table.c.imported).where(table.c.day.between(days[0], days[-1]))
        ).all()
    )
    todo = []
    for row in rows:
        if row.day in existing and not existing[row.day]:
            result.skipped.append(row.day)
            continue
        if row.day in existing:
            result.replaced += 1
        else:
            result.added += 1
        todo.append(row)
    if dry_run or not todo:
        if not dry_run:
            _audit(result, days, by)
        return result
    stamp = utcnow()
    stmt = _insert(table)
    # Only an imported row is replaced: a day the checkpoint counted in the meantime stays
    # the counted day.
    stmt = stmt.on_conflict_do_update(
        index_elements=["day"],
        set_={name: stmt.excluded[name] for name in
              ("visits", "visitors", "page_views", "bot_views", "updated_at")},
        where=table.c.imported.is_(True),
    )  # fmt: skip
    for start in range(0, len(todo), ROWS_PER_STATEMENT):
        # One statement compiled once, executed for many rows (executemany).
        db.session.execute(stmt, [
            {"day": row.day, "visits": row.visits, "visitors": row.visitors,
             "page_views": row.page_views, "bot_views": row.bot_views,
             "updated_at": stamp, "imported": True}
            for row in todo[start : start + ROWS_PER_STATEMENT]
        ])  # fmt: skip
    # What was actually written: a checkpoint may have counted one of the days since it was
    # read above (the upsert then left it alone). Read back in the same transaction.
    after = dict(
        db.session.execute(
            select(table.c.day, table.c.imported).where(table.c.day.between(days[0], days[-1]))
        ).all()
    )
    result.added = result.replaced = 0
    for row in todo:
        if not after.get(row.day):
            result.skipped.append(row.day)
        elif row.day in existing:
            result.replaced += 1
        else:
            result.added += 1
    result.skipped.sort()
    _audit(result, days, by)
    return result


def _audit(result: ImportResult, days: list[date], by) -> None:
    detail = f"thêm {result.added}, thay {result.replaced}, bỏ qua {len(result.skipped)} ngày"
    detail += f" ({days[0]:%d/%m/%Y}–{days[-1]:%d/%m/%Y})"
    audit("stats.history_import", None, detail, by=by, commit=False, object_type="stats_daily")
    db.session.commit()
    log.info("statistics history imported: %s", detail)


# --- the admin page -----------------------------------------------------------------------------


class ImportForm(PortalForm):
    file = FileField("Tệp CSV", validators=[FileRequired("Vui lòng chọn tệp CSV.")])
    dry_run = BooleanField("Chỉ kiểm tra tệp, chưa ghi số liệu")


def _read_upload(storage) -> bytes:
    data = storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        abort(413, f"Tệp lịch sử thống kê không được lớn hơn {MAX_BYTES // (1024 * 1024)} MB.")
    return data


@bp.route("/", methods=["GET", "POST"])
@admin_required
def form():
    # The body itself is bounded by MAX_CONTENT_LENGTH (413 before it is read; CSRFProtect
    # parses it before this view): the file's own limit is checked on its bytes.
    upload = ImportForm()
    parsed = None
    status = 200
    if upload.validate_on_submit():
        data = _read_upload(upload.file.data)
        parsed = offload(parse_history, data, local_today(), heavy=True)
        if parsed.ok:
            dry_run = bool(upload.dry_run.data)
            result = import_history(parsed.rows, by=current_user, dry_run=dry_run)
            prefix = "Tệp hợp lệ (chưa ghi gì). " if dry_run else ""
            flash(prefix + result.message(dry_run), "info")
            return redirect(url_for(".form"))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template(
        "stats/admin/import.html", form=upload, parsed=parsed, example=EXAMPLE,
        labels=LABELS, aliases=ALIASES, max_rows=MAX_ROWS, max_mb=MAX_BYTES // (1024 * 1024),
        max_value=MAX_VALUE,
    ), status  # fmt: skip


# --- the command line ---------------------------------------------------------------------------


@click.command("import-stats-history")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Load a migrated site's per-day totals (CSV) as imported statistics history."""
    if file.stat().st_size > MAX_BYTES:
        raise click.ClickException(f"{file} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    parsed = parse_history(file.read_bytes(), local_today())
    if not parsed.ok:
        for error in parsed.errors:
            click.echo(error, err=True)
        more = parsed.error_count - len(parsed.errors)
        if more > 0:
            click.echo(f"… {more} more errors", err=True)
        raise click.ClickException(f"{file}: {parsed.error_count} errors; nothing written.")
    result = import_history(parsed.rows, dry_run=dry_run)
    click.echo(f"{len(parsed.rows)} days read from {file}.")
    click.echo(("Dry run: " if dry_run else "") + result.message(dry_run))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(import_command)
    register_nav(app, NavItem("Nhập số liệu thống kê cũ", "stats_history.form", 82,
                              admin_only=True))  # fmt: skip


__all__ = ["HistoryRow", "ImportResult", "Parsed", "import_history", "init_app", "parse_history"]
