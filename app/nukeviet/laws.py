"""Documents of NukeViet's laws module (`<prefix>_<lang>_laws_*`): types (`_cat`, "Thể loại"),
issuers (`_subject`, "Cơ quan ban hành"), fields (`_area`, "Lĩnh vực"), signers (`_signer`,
de-duplicated by name ignoring case and spaces), the documents (`_row`, with `_row_area`) and
their attached files, then replacements (`_set_replace`, `replacement`) and related documents.

Every write goes through app.documents.operations; each new row and its `nukeviet_map` entry
are committed together. A document's `bodytext` stays HTML and is sanitised there like any
body written in the editor (so it saves back unchanged), its images under /uploads/ moved into
the media library by the news import's helpers; `introtext` is the plain-text summary. A dry
run counts what would be added and writes no document."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import event, select
from werkzeug.datastructures import FileStorage

from app.dates import to_local
from app.documents import operations
from app.documents.models import Document, Field, Signer
from app.extensions import db

log = logging.getLogger(__name__)

TYPE, ISSUER, FIELD, SIGNER, DOCUMENT = (
    "document_type",
    "document_issuer",
    "document_field",
    "document_signer",
    "document",
)
LOOP = "document_loop"  # a replacement left out because it would make a loop
BODY = "document_body"  # a body left out (the document itself is imported)
BODY_LEFT_OUT = (
    f"Nội dung dài quá {operations.BODY_MAX_SHOWN} ký tự: chưa chép (văn bản vẫn được nhập; "
    "toàn văn xem ở tệp đính kèm hoặc trang cũ)"
)
CODE_MAX = 60
TITLE_MAX = 400


# --- Values -----------------------------------------------------------------------------------


def unescape(value: object) -> str:
    """NukeViet stores text HTML-escaped (`72&#x002F;2013&#x002F;NĐ-CP`); twice at times."""
    text = "" if value is None else str(value)
    for _ in range(3):
        plain = html.unescape(text)
        if plain == text:
            break
        text = plain
    return " ".join(text.split())


def folded(name: str) -> str:
    """The key under which two names are the same signer: case and spaces ignored."""
    return " ".join(name.split()).casefold()


def local_date(timestamp: object) -> date | None:
    """A NukeViet Unix time as the day it was in the site's zone; 0 or nothing is None."""
    try:
        seconds = int(timestamp or 0)
    except (TypeError, ValueError):
        return None
    if seconds <= 0:
        return None
    return to_local(datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)).date()


# NukeViet's groups: 5 guests, 6 everybody. A document only members or staff could see there
# comes over unpublished (an editor decides), never public by accident.
PUBLIC_GROUPS = {"5", "6"}


def public(groups_view: object) -> bool:
    groups = {
        part.strip() for part in str(groups_view if groups_view is not None else "6").split(",")
    }
    return bool(groups & PUBLIC_GROUPS)


def id_list(value: object) -> list[str]:
    return [part.strip() for part in str(value or "").split(",") if part.strip().isdigit()]


def body_html(markup: object) -> str:
    """A document's `bodytext` as the HTML it is (the operations sanitise it): NukeViet keeps
    CKEditor's HTML as it is, or, on some sites, escaped as a whole."""
    markup = str(markup or "").strip()
    if markup.startswith("&lt;"):  # stored escaped as a whole: the HTML is one level down
        markup = html.unescape(markup)
    return markup


def _images_moved(ctx, body: str, old_id: str) -> str:
    """The body's images under the old site's /uploads/ brought into the media library and
    pointed at there, as the news import does for articles (its helpers, not a copy)."""
    from app.nukeviet import news  # its models need the app's: imported when a run starts

    return news.rewrite_body(ctx, body, f"ảnh trong văn bản #{old_id}")


def _count_images(ctx, body: str, old_id: str) -> None:
    """Dry run: the body's images that would come over or are missing, nothing written."""
    from app.nukeviet import news

    news.count_body_images(ctx, body, f"ảnh trong văn bản #{old_id}")


# --- Committing a row that its operation commits itself ------------------------------------------


class OnCommit:
    """Run `action(row)` inside the next commit of this session, before its final flush, with
    the first `model` row that an operation added: the map entry of a row the operation
    commits itself goes into that same transaction. Used as a context manager: when the
    commit never comes (the save was refused), no listener is left behind."""

    def __init__(self, model: type, action: Callable[[object], None]) -> None:
        self.model = model
        self.action = action
        self.row = None
        self.done = False
        self.session = db.session()

    def _flushed(self, session, context) -> None:
        if self.row is None:
            self.row = next((o for o in session.new if isinstance(o, self.model)), None)

    def _committing(self, session) -> None:
        if not self.done and self.row is not None:
            self.done = True
            self.action(self.row)

    def __enter__(self):
        event.listen(self.session, "after_flush", self._flushed)
        event.listen(self.session, "before_commit", self._committing)
        return self

    def __exit__(self, *exc) -> None:
        for name, fn in (("after_flush", self._flushed), ("before_commit", self._committing)):
            if event.contains(self.session, name, fn):
                event.remove(self.session, name, fn)


# --- Lists ------------------------------------------------------------------------------------


def _rows(ctx, table: str):
    return ctx.source.rows(table) if ctx.source.has(table) else iter(())


def _import_list(ctx, kind: str, rows, make: Callable[[dict], object | None]) -> dict:
    """Old id -> new id of one managed list (types, issuers, fields)."""
    found: dict[str, int] = {}
    for row in rows:
        old_id = str(row["id"])
        known = ctx.mapped(kind, old_id)
        if known is not None:
            if known.new_id is not None:
                found[old_id] = known.new_id
            ctx.existing(kind)
            continue
        entry = make(row)
        if entry is None:
            ctx.skipped(kind, old_id, "Không có tên")
            ctx.remember(kind, old_id, None, note="Không có tên")
            ctx.commit()
            continue
        db.session.flush()
        found[old_id] = entry.id
        ctx.remember(kind, old_id, entry.id, alias=row.get("alias") or None)
        ctx.commit()
        ctx.added(kind)
    return found


def _named(row: dict, limit: int) -> str:
    return unescape(row.get("title"))[:limit]


def _type(row: dict):
    name = _named(row, 100)
    return operations.get_or_create_type(name, int(row.get("weight") or 0)) if name else None


def _issuer(row: dict):
    name = _named(row, 200)
    return operations.get_or_create_issuer(name) if name else None


def _import_fields(ctx) -> dict:
    """Fields keep their tree: parents are imported before their children."""
    rows = sorted(
        _rows(ctx, ctx.source.lang("laws_area")),
        key=lambda r: (int(r.get("lev") or 0), int(r["id"])),
    )
    by_old: dict[str, int] = {}

    def make(row):
        name = _named(row, 150)
        if not name:
            return None
        parent_new = by_old.get(str(row.get("parentid") or 0))
        parent = db.session.get(Field, parent_new) if parent_new else None
        alias = str(row.get("alias") or "").strip() or None
        entry = operations.get_or_create_field(name, alias, parent)
        db.session.flush()
        by_old[str(row["id"])] = entry.id
        return entry

    for old_id, new_id in ((str(r["id"]), ctx.new_id(FIELD, r["id"])) for r in rows):
        if new_id is not None:
            by_old[old_id] = new_id
    return _import_list(ctx, FIELD, rows, make)


def _import_signers(ctx) -> dict:
    """Signers once per person: "Nguyễn Tấn Dũng" twice in NukeViet is one signer here."""
    found: dict[str, int] = {}
    table = ctx.source.lang("laws_signer")
    if not ctx.source.has(table):
        return found
    known_names = {
        (folded(s.name), folded(s.position)): s.id for s in db.session.scalars(select(Signer))
    }
    for row in ctx.source.rows(table):
        old_id = str(row["id"])
        known = ctx.mapped(SIGNER, old_id)
        if known is not None:
            if known.new_id is not None:
                found[old_id] = known.new_id
            ctx.existing(SIGNER)
            continue
        name = unescape(row.get("title"))[:150]
        position = unescape(row.get("positions"))[:150]
        if not name:
            ctx.skipped(SIGNER, old_id, "Không có tên")
            ctx.remember(SIGNER, old_id, None, note="Không có tên")
            ctx.commit()
            continue
        key = (folded(name), folded(position))
        note = ""
        if key in known_names:
            new_id = known_names[key]
            note = "Trùng tên với người ký đã có"
        else:
            signer = operations.get_or_create_signer(name, position)
            db.session.flush()
            new_id = known_names[key] = signer.id
        found[old_id] = new_id
        ctx.remember(SIGNER, old_id, new_id, note=note)
        ctx.commit()
        if note:  # the same person as a signer already there
            ctx.existing(SIGNER)
        else:
            ctx.added(SIGNER)
    return found


# --- Documents ----------------------------------------------------------------------------------


def _files(ctx, row: dict, notes: list[str]) -> list[FileStorage]:
    """The document's files from `<uploads>/laws/…`; a missing one is named in `notes`."""
    names = [part.strip() for part in str(row.get("files") or "").split(",") if part.strip()]
    if not names:
        return []
    if ctx.uploads is None:
        notes.append(f"{len(names)} tệp đính kèm chưa chép (chưa chỉ --uploads)")
        return []
    root = Path(ctx.uploads).resolve()
    found: list[FileStorage] = []
    for name in names:
        relative = name.lstrip("/").removeprefix("uploads/").removeprefix("laws/")
        path = (root / "laws" / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            notes.append(f"Không thấy tệp {name}")
            continue
        found.append(FileStorage(stream=path.open("rb"), filename=path.name))
    return found


def _document_values(row: dict, types: dict, issuers: dict, signers: dict):
    from app.documents.models import DocumentType, Issuer

    type_id = types.get(str(row.get("cid") or ""))
    issuer_id = issuers.get(str(row.get("sid") or ""))
    if type_id is None:
        return None, "Không có thể loại"
    if issuer_id is None:
        return None, "Không có cơ quan ban hành"
    issued_on = local_date(row.get("publtime")) or local_date(row.get("addtime"))
    if issued_on is None:
        return None, "Không có ngày ban hành"
    signer_id = signers.get(str(row.get("sgid") or ""))
    code = unescape(row.get("code"))
    if not code:
        return None, "Không có số ký hiệu"
    if len(code) > CODE_MAX:
        return None, f"Số ký hiệu dài quá {CODE_MAX} ký tự"
    title = unescape(row.get("title"))[:TITLE_MAX]
    if not title:
        return None, "Không có tên văn bản"
    return {
        "code": code,
        "title": title,
        "summary": unescape(row.get("introtext")),
        "body": body_html(row.get("bodytext")),
        "type": db.session.get(DocumentType, type_id),
        "issuer": db.session.get(Issuer, issuer_id),
        "signer": db.session.get(Signer, signer_id) if signer_id else None,
        "issued_on": issued_on,
        "in_force_on": local_date(row.get("startvalid")),
        "expires_on": local_date(row.get("exptime")),
        "published": int(row.get("status") or 0) == 1 and public(row.get("groups_view")),
    }, ""


def _row_fields(ctx, fields: dict) -> dict[str, set[int]]:
    """Old document id -> new field ids, from `_row_area` and the `area_ids` column."""
    by_row: dict[str, set[int]] = {}
    table = ctx.source.lang("laws_row_area")
    if ctx.source.has(table):
        for link in ctx.source.rows(table):
            new = fields.get(str(link.get("area_id")))
            if new is not None:
                by_row.setdefault(str(link.get("row_id")), set()).add(new)
    return by_row


def import_documents(ctx) -> None:
    """Import the laws module: its lists, then each document with its fields and files."""
    source = ctx.source
    rows_table = source.lang("laws_row")
    types = _import_list(ctx, TYPE, _rows(ctx, source.lang("laws_cat")), _type)
    issuers = _import_list(ctx, ISSUER, _rows(ctx, source.lang("laws_subject")), _issuer)
    fields = _import_fields(ctx)
    signers = _import_signers(ctx)
    if not source.has(rows_table):
        return
    row_fields = _row_fields(ctx, fields)
    links: list[tuple[str, list[str], list[str]]] = []
    total = sum(1 for _ in source.rows(rows_table))  # streamed twice, never held
    with ctx.progress(DOCUMENT, total) as bar:
        for row in source.rows(rows_table):
            old_id = str(row["id"])
            replaced, relates = id_list(row.get("replacement")), id_list(row.get("relatement"))
            if replaced or relates:
                links.append((old_id, replaced, relates))
            if ctx.mapped(DOCUMENT, old_id) is not None:
                ctx.existing(DOCUMENT)
            else:
                with ctx.row(DOCUMENT, old_id):
                    _import_document(ctx, row, old_id, types, issuers, signers, row_fields, fields)
            bar.update(1)
    if not ctx.dry_run:
        _link_documents(ctx, links)
    if held := ctx.cache.get("documents_held"):
        ctx.report.notes.append(
            f"{held} văn bản trên trang cũ chỉ dành cho thành viên hoặc quản trị: đã chuyển "
            "sang ở trạng thái chưa đăng, biên tập viên xem lại rồi đăng."
        )


def _import_document(ctx, row, old_id, types, issuers, signers, row_fields, fields) -> None:
    values, reason = _document_values(row, types, issuers, signers)
    alias = str(row.get("alias") or "") or None
    if values is not None and int(row.get("status") or 0) == 1 and not values["published"]:
        notes_first = ["Chỉ thành viên/quản trị được xem trên trang cũ: chưa đăng"]
    else:
        notes_first = []
    if values is None:
        ctx.skipped(DOCUMENT, old_id, reason)
        ctx.remember(DOCUMENT, old_id, None, alias=alias, note=reason)
        ctx.commit()
        return
    chosen = set(row_fields.get(old_id, set()))
    chosen |= {fields[a] for a in id_list(row.get("area_ids")) if a in fields}
    field_rows = [db.session.get(Field, i) for i in sorted(chosen)]
    if ctx.dry_run:
        _count_images(ctx, values["body"], old_id)
        ctx.added(DOCUMENT)
        return
    views = int(row.get("view_hits") or 0)  # read before any file is opened
    downloads = int(row.get("download_hits") or 0)
    values["body"] = _images_moved(ctx, values["body"], old_id)
    notes: list[str] = list(notes_first)
    body_notes: list[str] = []
    uploads = _files(ctx, row, notes)

    def save(with_files):
        def finish(document):
            document.views = views
            document.downloads = downloads
            note = "; ".join([*notes, *body_notes])[:255]
            ctx.remember(DOCUMENT, old_id, document.id, alias=alias, note=note)

        with OnCommit(Document, finish):
            operations.save_document(
                None, by=ctx.by, values=dict(values), fields=field_rows, uploads=with_files
            )

    attached = uploads
    try:
        while True:  # a refused file or body is left out once, then the rest is saved
            try:
                save(attached)
                break
            except operations.Refused as refused:
                if refused.field == "files" and attached:
                    notes.append(f"Tệp bị từ chối: {refused}")
                    attached = []
                elif refused.field == "body" and values["body"]:
                    body_notes.append(BODY_LEFT_OUT)
                    values["body"] = ""
                else:
                    raise
    except operations.Refused as refused:
        db.session.rollback()
        ctx.skipped(DOCUMENT, old_id, str(refused))
        ctx.remember(DOCUMENT, old_id, None, alias=alias, note=str(refused)[:255])
        ctx.commit()
        return
    finally:
        for upload in uploads:
            upload.stream.close()
    # The document's own commit also wrote views, downloads and its map entry; a later commit
    # of the run has nothing left of this row.
    ctx.added(DOCUMENT)
    for note in notes[len(notes_first) :]:
        ctx.skipped("document_file", old_id, note)
    for note in body_notes:
        ctx.skipped(BODY, old_id, note)
    if notes_first:
        ctx.cache["documents_held"] = ctx.cache.get("documents_held", 0) + 1


def _link_documents(ctx, links: list[tuple[str, list[str], list[str]]]) -> None:
    """Replacements and related documents, once every document has its new id."""
    pairs: list[tuple[str, str]] = []
    table = ctx.source.lang("laws_set_replace")
    if ctx.source.has(table):
        for r in ctx.source.rows(table):  # a NULL or odd id: the pair is left out
            new_ids, old_ids = id_list(r.get("nid")), id_list(r.get("oid"))
            if len(new_ids) == len(old_ids) == 1:
                pairs.append((new_ids[0], old_ids[0]))
    replaces: dict[str, set[str]] = {}
    related: dict[str, set[str]] = {}
    for old_id, replaced, relates in links:
        replaces.setdefault(old_id, set()).update(replaced)
        related.setdefault(old_id, set()).update(relates)
    for new_old, old_old in pairs:
        replaces.setdefault(new_old, set()).add(old_old)

    def document(old_id: str) -> Document | None:
        found = ctx.mapped(DOCUMENT, old_id)
        return db.session.get(Document, found.new_id) if found and found.new_id else None

    for old_id in sorted(set(replaces) | set(related), key=int):
        doc = document(old_id)
        if doc is None:
            continue
        want_replaces = {d for d in map(document, replaces.get(old_id, ())) if d and d != doc}
        want_related = {d for d in map(document, related.get(old_id, ())) if d and d != doc}
        have_related = set(doc.related_to) | set(doc.related_from)
        if want_replaces <= set(doc.replaces) and want_related <= have_related:
            continue
        if ctx.mapped(LOOP, old_id) is not None:  # reported by an earlier run
            want_replaces = set(doc.replaces)
        elif operations.replacement_loop(doc, want_replaces) is not None:
            # Left out, and remembered: a later run neither reports nor writes it again.
            ctx.skipped(LOOP, old_id, "Thay thế vòng tròn, bỏ qua")
            ctx.remember(LOOP, old_id, None, note="Thay thế vòng tròn, bỏ qua")
            ctx.commit()
            want_replaces = set(doc.replaces)
        if want_replaces <= set(doc.replaces) and want_related <= have_related:
            continue
        operations.update_document(
            doc,
            replaces=sorted(set(doc.replaces) | want_replaces, key=lambda d: d.id),
            related=sorted(set(doc.related_to) | (want_related - set(doc.related_from)),
                           key=lambda d: d.id),
        )  # fmt: skip
