"""One import run of a NukeViet 4.x site: the kinds in order (categories, articles,
comments, then the documents, banners and statistics when their importers exist), each row
written with its `nukeviet_map` row in one transaction, a report of what was added, what
was there already and what was skipped (and why).

A kind's function takes the run's `Context`:

    ctx.source, ctx.uploads (Path | None), ctx.dry_run, ctx.by (User | None), ctx.report
    ctx.mapped(kind, old_id) -> ImportedRow | None      # imported (or skipped) before
    ctx.remember(kind, old_id, new_id, alias=None, note="")   # the map row, not committed
    ctx.commit()                                        # the row and its map row together
    ctx.commit_row()                                    # the same, batched (a commit per 100)
    with ctx.row(kind, old_id): ...                     # a row it cannot read: skipped, noted
    ctx.added(kind) / ctx.existing(kind) / ctx.skipped(kind, old_id, reason)
    with ctx.progress(kind, total) as bar: bar.update(1)

A dry run writes nothing: each kind only counts what it would add (`ctx.dry_run`), and the
run rolls the session back at the end whatever happened.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.extensions import db
from app.nukeviet.models import ImportedRow

if TYPE_CHECKING:
    from app.auth.models import User

log = logging.getLogger(__name__)

ROWS_PER_COMMIT = 100

# Kinds as the report names them, in the order the run imports them.
KIND_LABELS = {
    "category": "Chuyên mục tin",
    "article": "Bài viết",
    "image": "Ảnh (thư viện ảnh)",
    "article_file": "Tệp đính kèm bài viết",
    "comment": "Bình luận",
    "document_type": "Loại văn bản",
    "document_issuer": "Cơ quan ban hành",
    "document_field": "Lĩnh vực văn bản",
    "document_signer": "Người ký",
    "document": "Văn bản",
    "document_file": "Tệp đính kèm văn bản",
    "document_body": "Nội dung văn bản",
    "document_loop": "Thay thế vòng tròn giữa văn bản",
    "page": "Trang giới thiệu",
    "banner": "Quảng cáo, liên kết",
    "banner_image": "Ảnh quảng cáo",
    "menu_item": "Mục menu",
    "setting": "Thông tin website",
    "statistics": "Thống kê truy cập",
    "user": "Tài khoản",
}


@dataclass
class KindCount:
    added: int = 0
    existing: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (old id, reason)


@dataclass
class Report:
    dry_run: bool = False
    kinds: dict[str, KindCount] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def kind(self, kind: str) -> KindCount:
        return self.kinds.setdefault(kind, KindCount())

    def lines(self) -> list[str]:
        """The report for people, in Vietnamese."""
        head = "Chạy thử (không ghi gì vào cơ sở dữ liệu):" if self.dry_run else "Kết quả nhập:"
        out = [head]
        verb = "sẽ thêm" if self.dry_run else "thêm mới"
        for kind, count in self.kinds.items():
            label = KIND_LABELS.get(kind, kind)
            out.append(
                f"- {label}: {verb} {count.added}, đã có {count.existing}, "
                f"bỏ qua {len(count.skipped)}"
            )
            for old_id, reason in count.skipped[:20]:
                out.append(f"    • #{old_id}: {reason}")
            if len(count.skipped) > 20:
                out.append(f"    • … và {len(count.skipped) - 20} mục khác")
        out.extend(self.notes)
        return out


class _NullBar:
    def update(self, n: int = 1) -> None:
        pass


# progress(kind label, total) -> a context manager giving an object with .update(n)
ProgressFactory = Callable[[str, int], Any]


@dataclass
class Context:
    source: Any
    uploads: Path | None
    dry_run: bool
    report: Report
    by: User | None = None
    progress_factory: ProgressFactory | None = None
    cache: dict[str, Any] = field(default_factory=dict)  # a kind's look-ups shared with the next
    _pending: int = 0  # rows written since the last commit

    def mapped(self, kind: str, old_id: object) -> ImportedRow | None:
        return db.session.get(ImportedRow, (kind, str(old_id)))

    def new_id(self, kind: str, old_id: object) -> int | None:
        """Our id of an imported (kind, old_id); None if not imported or skipped."""
        known = self.mapped(kind, old_id)
        return known.new_id if known is not None else None

    def remember(self, kind: str, old_id: object, new_id: int | None, alias: str | None = None,
                 note: str = "") -> None:  # fmt: skip
        """The map row of (kind, old_id), in the caller's transaction (not committed)."""
        db.session.add(
            ImportedRow(
                kind=kind,
                old_id=str(old_id),
                new_id=new_id,
                old_alias=(alias or None) and alias[:255],
                note=note[:255],
            )  # fmt: skip
        )

    def commit(self) -> None:
        """The rows written so far, with their map rows, committed (flushed in a dry run)."""
        self._pending = 0
        if self.dry_run:
            db.session.flush()
        else:
            db.session.commit()

    def commit_row(self) -> None:
        """One row (and its map row) written: committed with the next ROWS_PER_COMMIT - 1
        rows (one commit a row is most of an import's time on SQLite). A run stopped between
        two commits loses the rows of the open batch and their map rows together: the next
        run imports them."""
        self._pending += 1
        if self._pending >= ROWS_PER_COMMIT:
            self.commit()
        else:
            db.session.flush()

    def added(self, kind: str) -> None:
        self.report.kind(kind).added += 1

    def existing(self, kind: str) -> None:
        self.report.kind(kind).existing += 1

    def skipped(self, kind: str, old_id: object, reason: str) -> None:
        self.report.kind(kind).skipped.append((str(old_id), reason))

    @contextmanager
    def row(self, kind: str, old_id: object) -> Iterator[None]:
        """One row's import: a value it cannot read (of the wrong type…) skips that row only,
        with the reason in the report. A kind reads all of a row's values before it writes."""
        try:
            yield
        except (ValueError, TypeError, LookupError) as exc:
            session = db.session
            if session.new or session.dirty or session.deleted:
                raise  # it failed while writing: not a value it could not read
            log.warning("nukeviet import: %s %s skipped", kind, old_id, exc_info=True)
            self.skipped(kind, old_id, f"dữ liệu không đọc được ({exc})"[:200])

    @contextmanager
    def progress(self, kind: str, total: int) -> Iterator[Any]:
        self.report.kind(kind)  # the kind is in the report even with no rows
        if self.progress_factory is None or total <= 0:
            yield _NullBar()
            return
        with self.progress_factory(KIND_LABELS.get(kind, kind), total) as bar:
            yield bar


# (module, function) for each kind after the news; a module not there yet is left out.
LATER_KINDS = (
    ("app.nukeviet.laws", "import_documents"),
    ("app.nukeviet.site_pages", "import_pages"),
    ("app.nukeviet.sitewide", "import_banners"),
    ("app.nukeviet.site_pages", "import_menu"),
    ("app.nukeviet.sitewide", "import_identity"),
    ("app.nukeviet.sitewide", "import_statistics"),
    ("app.nukeviet.sitewide", "import_users"),
)


def _later_kinds() -> list[Callable[[Context], None]]:
    found = []
    for module_name, name in LATER_KINDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        function = getattr(module, name, None)
        if function is not None:
            found.append(function)
    return found


def run(
    source: Any,
    *,
    uploads: Path | None,
    dry_run: bool,
    by: User | None = None,
    progress: ProgressFactory | None = None,
) -> Report:
    """Import everything `source` holds that is not imported yet; the report of the run."""
    from app.nukeviet import news

    report = Report(dry_run=dry_run)
    ctx = Context(source=source, uploads=uploads, dry_run=dry_run, report=report, by=by,
                  progress_factory=progress)  # fmt: skip
    steps: list[Callable[[Context], None]] = [
        news.import_categories,
        news.import_articles,
        news.import_comments,
        *_later_kinds(),
    ]
    try:
        for step in steps:
            step(ctx)
            ctx.commit()  # a kind's last batch
    except BaseException:
        db.session.rollback()  # the row being written goes; the ones committed stay
        raise
    finally:
        if dry_run:
            db.session.rollback()
    counts = {k: (c.added, c.existing, len(c.skipped)) for k, c in report.kinds.items()}
    log.info("nukeviet import%s: %s", " (dry run)" if dry_run else "", counts)
    if not dry_run and any(c.added for c in report.kinds.values()):
        from app.audit.operations import record as audit

        detail = "; ".join(f"{k}: +{c.added}, {len(c.skipped)} skipped"
                           for k, c in report.kinds.items())  # fmt: skip
        audit("nukeviet.import", None, detail, by=by, object_type="site",
              object_id=str(getattr(source, "prefix", "") or ""))  # fmt: skip
    return report
