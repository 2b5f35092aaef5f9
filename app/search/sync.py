"""The index follows every write of articles and documents, in the same transaction.

Session hooks, so that news and documents know nothing of search: `before_flush` notes the
articles and documents whose indexed text changed (or that are new or deleted) and computes
their index rows; `after_flush` writes them on the flush's own connection, once the new rows
have their ids. A rollback takes the index rows back with everything else. Whether an item
is shown (published, due, in its category…) is read from its own table at query time, so
only text changes touch the index.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.documents.models import Document
from app.news.models import Article
from app.search import schema

_KEY = "search_index_pending"
_ARTICLE_TEXT = ("title", "lead", "body")
_DOCUMENT_TEXT = ("code", "title", "summary", "body")


def _text_changed(obj, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _entry(obj) -> schema.Entry:
    # The id is filled in after the flush (a new row has none yet).
    if isinstance(obj, Article):
        return schema.article_entry(0, obj.title, obj.lead, obj.body)
    return schema.document_entry(0, obj.code, obj.title, obj.summary, obj.body)


def _before_flush(session: Session, flush_context, instances) -> None:
    changed: list[tuple[object, schema.Entry]] = []
    removed: list[tuple[str, int]] = []
    for obj in session.new:
        if isinstance(obj, Article | Document):
            changed.append((obj, _entry(obj)))
    for obj in session.dirty:
        if isinstance(obj, Article) and _text_changed(obj, _ARTICLE_TEXT):
            changed.append((obj, _entry(obj)))
        elif isinstance(obj, Document) and _text_changed(obj, _DOCUMENT_TEXT):
            changed.append((obj, _entry(obj)))
    for obj in session.deleted:
        if isinstance(obj, Article) and obj.id is not None:
            removed.append((schema.ARTICLE, obj.id))
        elif isinstance(obj, Document) and obj.id is not None:
            removed.append((schema.DOCUMENT, obj.id))
    session.info[_KEY] = (changed, removed)


def _after_flush(session: Session, flush_context) -> None:
    changed, removed = session.info.pop(_KEY, ((), ()))
    if not changed and not removed:
        return
    connection = session.connection()
    schema.remove(connection, removed)
    schema.put(
        connection,
        [
            schema.Entry(entry.kind, obj.id, entry.title, entry.body)
            for obj, entry in changed
            if obj.id is not None and obj not in session.deleted
        ],
    )


def listen() -> None:
    """Hook every session (once per process, whatever the number of apps)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
