"""The search index's storage, for each database: created by migration 0010, written by the
session hooks (app/search/sync.py) and `flask search reindex`.

- SQLite: `search_index`, an FTS5 table over the folded title and body, with the kind
  (`a` article, `d` document) and the item's id as unindexed columns; its rowid is
  `2 * id + (1 for a document)`, so one item's row is replaced by rowid; two covering
  indexes (`ix_search_articles`, `ix_search_documents`) answer the query's lookups of each
  match's status and dates without reading article bodies.
- PostgreSQL: `search_index` (kind, item_id, tsv, tsv_title), the tsvector of the folded
  text with the 'simple' configuration, title weighted A and body B, under a GIN index, and
  the title's part of it.

Neither is a model: the index is derived data, owned by this package; `include_name` keeps
them out of the models-versus-migrations comparison (`flask db migrate` and its test).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, select, text

from app.search.text import html_to_text, index_text

TABLE = "search_index"  # spelled out in the SQL below
ARTICLE, DOCUMENT = "a", "d"

_SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "title, body, kind UNINDEXED, item_id UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
# What the search's join reads of each match, in one index (a covering index): on SQLite an
# article row is mostly its body, and columns after it live on the body's overflow pages.
_SQLITE_LOOKUPS = (
    "CREATE INDEX ix_search_articles ON articles "
    "(id, status, published_at, expires_at, category_id)",
    "CREATE INDEX ix_search_documents ON documents (id, published, issued_on)",
)
_PG_CREATE = (
    # tsv_title: the title's words alone, small enough to stay in the row (tsv is mostly
    # compressed out of line, and each use of it unpacks it again).
    f"CREATE TABLE {TABLE} (kind CHAR(1) NOT NULL, item_id INTEGER NOT NULL, "
    "tsv TSVECTOR NOT NULL, "
    "tsv_title TSVECTOR GENERATED ALWAYS AS (ts_filter(tsv, '{a}')) STORED, "
    "CONSTRAINT pk_search_index PRIMARY KEY (kind, item_id))",
    f"CREATE INDEX ix_search_index_tsv ON {TABLE} USING GIN (tsv)",
)


def include_name(name: str | None, type_: str, parent_names) -> bool:
    """Alembic's `include_name`: the index's tables (FTS5's shadow tables too) and the
    search's lookup indexes on articles and documents are not the models'."""
    if name is None:
        return True
    if type_ == "table":
        return not is_index_table(name)
    return not (type_ == "index" and name.startswith("ix_search_"))


def is_index_table(name: str) -> bool:
    return name == TABLE or name.startswith(f"{TABLE}_")


def create(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        for statement in _PG_CREATE:
            connection.execute(text(statement))
    else:
        connection.execute(text(_SQLITE_CREATE))
        for statement in _SQLITE_LOOKUPS:
            connection.execute(text(statement))


def drop(connection: Connection) -> None:
    connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP INDEX IF EXISTS ix_search_articles"))
        connection.execute(text("DROP INDEX IF EXISTS ix_search_documents"))


@dataclass(frozen=True)
class Entry:
    """One item as the index holds it (folded text)."""

    kind: str
    item_id: int
    title: str
    body: str


def article_entry(article_id: int, title: str, lead: str, body: str) -> Entry:
    body_text = index_text(f"{lead or ''} {html_to_text(body)}")
    return Entry(ARTICLE, article_id, index_text(title or ""), body_text)


def document_entry(document_id: int, code: str, title: str, summary: str, body: str) -> Entry:
    return Entry(
        DOCUMENT,
        document_id,
        index_text(f"{code or ''} {title or ''}"),
        index_text(f"{summary or ''} {html_to_text(body)}"),
    )


def _rowid(kind: str, item_id: int) -> int:
    return 2 * item_id + (1 if kind == DOCUMENT else 0)


def remove(connection: Connection, items: Iterable[tuple[str, int]]) -> None:
    keys = list(items)
    if not keys:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("DELETE FROM search_index WHERE kind = :kind AND item_id = :item_id"),
            [{"kind": k, "item_id": i} for k, i in keys],
        )
    else:
        connection.execute(
            text("DELETE FROM search_index WHERE rowid = :rowid"),
            [{"rowid": _rowid(k, i)} for k, i in keys],
        )


def put(connection: Connection, entries: Iterable[Entry]) -> None:
    """Insert or replace the index rows of `entries`."""
    rows = [e.__dict__ for e in entries]
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "INSERT INTO search_index (kind, item_id, tsv) VALUES (:kind, :item_id, "
                "setweight(to_tsvector('simple', :title), 'A') || "
                "setweight(to_tsvector('simple', :body), 'B')) "
                "ON CONFLICT (kind, item_id) DO UPDATE SET tsv = excluded.tsv"
            ),
            rows,
        )
    else:
        remove(connection, [(r["kind"], r["item_id"]) for r in rows])
        connection.execute(
            text(
                "INSERT INTO search_index (rowid, title, body, kind, item_id) "
                "VALUES (:rowid, :title, :body, :kind, :item_id)"
            ),
            [{**r, "rowid": _rowid(r["kind"], r["item_id"])} for r in rows],
        )


def _all_entries(connection: Connection, batch: int) -> Iterator[list[Entry]]:
    # The migration calls this too: it reads only columns every revision from 0010 on has.
    from app.documents.models import Document
    from app.news.models import Article

    sources = (
        (Article, (Article.title, Article.lead, Article.body), article_entry),
        (Document, (Document.code, Document.title, Document.summary, Document.body),
         document_entry),
    )  # fmt: skip
    for model, columns, make in sources:
        last = 0
        while True:  # by id ranges: neither the whole table in memory nor a cursor kept open
            rows = connection.execute(
                select(model.id, *columns).where(model.id > last).order_by(model.id).limit(batch)
            ).all()
            if not rows:
                break
            last = rows[-1][0]
            yield [make(*row) for row in rows]


def rebuild(connection: Connection, batch: int = 500) -> int:
    """Empty the index and fill it from every article and document; the number indexed."""
    connection.execute(text("DELETE FROM search_index"))
    count = 0
    for entries in _all_entries(connection, batch):
        put(connection, entries)
        count += len(entries)
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO search_index(search_index) VALUES ('optimize')"))
        # Statistics for the lookup indexes: without them SQLite's planner looks matches up
        # by rowid, reading each article's row (1.5x slower on 20,000 articles).
        connection.execute(text("ANALYZE ix_search_articles"))
        connection.execute(text("ANALYZE ix_search_documents"))
    return count
