"""The search: what the reader asked (read and checked from the query string) and the ranked,
filtered, paginated results, from SQLite FTS5 or PostgreSQL full text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    Float,
    Integer,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.dates import local_to_utc, utcnow
from app.db_threads import thread_engine
from app.documents import filters
from app.documents.filters import InvalidFilter
from app.documents.models import Document
from app.extensions import db
from app.news import queries as news_queries
from app.news.models import Article, Category
from app.offload import gevent_active, offload
from app.search import schema
from app.search.text import Matcher, html_to_text, query_terms

SHARED_ARGS = ("q", "tu-ngay", "den-ngay")
MAX_TERMS = 10
MAX_PAGE = 50  # 500 results are more than anyone reads; deeper OFFSETs only cost
PER_PAGE = 10
MIN_PREFIX = 3  # the last word also matches as a prefix from this length on
KINDS = {"bai-viet": "Bài viết", "van-ban": "Văn bản"}
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0


@dataclass
class Search:
    """What the reader asked for, checked."""

    q: str = ""
    terms: list[str] = field(default_factory=list)
    kind: str = ""  # "" both, or a key of KINDS
    category: Category | None = None
    date_from: date | None = None
    date_to: date | None = None
    args: dict[str, str] = field(default_factory=dict)  # the valid ones, for links

    @property
    def prefix(self) -> str:
        last = self.terms[-1] if self.terms else ""
        return last if len(last) >= MIN_PREFIX else ""

    @property
    def matcher(self) -> Matcher:
        return Matcher(tuple(self.terms), self.prefix)

    @property
    def articles(self) -> bool:
        return self.kind in ("", "bai-viet")

    @property
    def documents(self) -> bool:
        return self.kind in ("", "van-ban") and self.category is None


def parse(args: MultiDict) -> Search:
    """Read and check the query string; malformed input raises InvalidFilter (a 400)."""
    for name, value in args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise InvalidFilter("Yêu cầu chứa ký tự không hợp lệ.")
    # The words and the dates are read as the documents list reads them (same limits, same
    # dd/mm/yyyy parsing and messages); `loai` means something else here.
    shared = filters.parse(MultiDict({k: args[k] for k in SHARED_ARGS if k in args}))
    search = Search(q=shared.q, date_from=shared.date_from, date_to=shared.date_to,
                    args=dict(shared.args))  # fmt: skip
    search.terms = query_terms(shared.q, MAX_TERMS)
    if raw := (args.get("loai") or "").strip():
        if raw not in KINDS:
            raise InvalidFilter("Loại nội dung không hợp lệ.")
        search.kind = search.args["loai"] = raw
    if raw := (args.get("chuyen-muc") or "").strip():
        search.category = news_queries.category_by_slug(raw[:140])
        if search.category is None:
            raise InvalidFilter(f"Không có chuyên mục “{raw[:60]}”.")
        search.args["chuyen-muc"] = raw
    return search


def fts5_match(terms: list[str], prefix: str) -> str:
    """An FTS5 MATCH expression from folded word tokens only: each one quoted, so nothing a
    reader types (quotes, `*`, NEAR, `-`, `:`, column names) is read as query syntax."""
    quoted = [f'"{t}"' for t in terms]  # tokens are letters and digits: nothing to escape
    if prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def tsquery(terms: list[str], prefix: str) -> str:
    """The same for PostgreSQL's to_tsquery: words joined by &, the last one `:*`."""
    words = list(terms)
    if prefix:
        words[-1] += ":*"
    return " & ".join(words)


def _local_day_start(day: date) -> datetime:
    return local_to_utc(datetime.combine(day, time()))


def _article_clause(search: Search, now: datetime):
    clauses = [Article.visible_clause(now)]
    if search.category is not None:
        ids = search.category.subtree_ids()
        clauses.append(news_queries.in_categories(select(Article.id), ids).whereclause)
    if search.date_from:
        clauses.append(Article.published_at >= _local_day_start(search.date_from))
    if search.date_to:
        clauses.append(Article.published_at < _local_day_start(search.date_to + timedelta(1)))
    return and_(Article.id.is_not(None), *clauses)


def _document_clause(search: Search):
    clauses = [Document.published.is_(True)]
    if search.date_from:
        clauses.append(Document.issued_on >= search.date_from)
    if search.date_to:
        clauses.append(Document.issued_on <= search.date_to)
    return and_(Document.id.is_not(None), *clauses)


def _matches(search: Search, dialect: str):
    """The index's matches as a CTE (doc, item_id, score…), and its ORDER BY, best first.

    MATERIALIZED: the full-text match runs once, then each match looks its item up by id
    (not each item the index)."""
    if dialect == "postgresql":
        tsv = literal_column("search_index.tsv")
        query = func.to_tsquery("simple", bindparam("tsq", tsquery(search.terms, search.prefix)))
        # ts_rank does not saturate like bm25: a word repeated in a long body outweighs the
        # title. Items whose title holds every word come first, then ts_rank.
        weights = text(f"'{{0,0,{BODY_WEIGHT / TITLE_WEIGHT},1}}'::float4[]")
        matches = select(
            (literal_column("search_index.kind") == schema.DOCUMENT).label("doc"),
            literal_column("search_index.item_id").label("item_id"),
            literal_column("search_index.tsv_title").op("@@")(query).label("in_title"),
            func.ts_rank(weights, tsv, query).label("score"),
        ).where(tsv.op("@@")(query))
    else:
        # The rowid is 2 * id + 1 for a document (app/search/schema.py): no column to read.
        rowid = literal_column("search_index.rowid")
        bm25 = literal_column(f"bm25(search_index, {TITLE_WEIGHT}, {BODY_WEIGHT})", Float)
        expression = fts5_match(search.terms, search.prefix)
        # bm25 adds up the words one by one: a title holding two words many times may beat
        # one holding all three. Titles that hold every word come first, as on PostgreSQL.
        in_title = rowid.in_(
            text("SELECT rowid FROM search_index WHERE search_index MATCH :title_match")
            .bindparams(title_match=f"{{title}} : ({expression})")
            .columns(rowid=Integer)
        )
        matches = select(
            (rowid.op("&")(1) == 1).label("doc"),
            rowid.op(">>")(1).label("item_id"),
            in_title.label("in_title"),
            bm25.label("score"),
        ).where(text("search_index MATCH :match").bindparams(match=expression))
    cte = matches.select_from(table(schema.TABLE)).cte("matches").prefix_with("MATERIALIZED")
    if dialect == "postgresql":
        return cte, (cte.c.in_title.desc(), cte.c.score.desc())
    return cte, (cte.c.in_title.desc(), cte.c.score)


def ranked(search: Search, dialect: str, now: datetime | None = None):
    """SELECT article_id, document_id, total of the matches readers may see, best first."""
    now = now or utcnow()
    matches, order = _matches(search, dialect)
    is_document = matches.c.doc
    branches = []
    if search.articles:
        branches.append(_article_clause(search, now))
    if search.documents:
        branches.append(_document_clause(search))
    when = func.coalesce(Article.published_at, Document.issued_on)
    return (
        select(Article.id, Document.id, func.count().over().label("total"))
        .select_from(
            matches.outerjoin(
                Article, and_(is_document.is_(False), Article.id == matches.c.item_id)
            ).outerjoin(Document, and_(is_document.is_(True), Document.id == matches.c.item_id))
        )
        .where(or_(false(), *branches))
        .order_by(*order, when.desc(), matches.c.item_id.desc(), matches.c.doc)
    )


@dataclass
class Result:
    """One hit as the page shows it."""

    kind: str  # schema.ARTICLE or schema.DOCUMENT
    item: Article | Document

    @property
    def is_article(self) -> bool:
        return self.kind == schema.ARTICLE

    @property
    def title(self) -> str:
        item = self.item
        return item.title if self.is_article else f"{item.code}: {item.title}"

    @property
    def text(self) -> str:
        """The plain text a snippet is cut from."""
        item = self.item
        lead = item.lead if isinstance(item, Article) else item.summary
        return " ".join(f"{lead} {html_to_text(item.body)}".split())

    @property
    def url(self) -> str:
        if self.is_article:
            return url_for("news.article", slug=self.item.slug)
        return url_for("documents.detail", slug=self.item.slug)


class Results(Pagination):
    """A page of results (Flask-SQLAlchemy's pagination: `iter_pages`, `has_next`…)."""

    def _query_items(self) -> list[Result]:
        stmt = self._query_args["select"]
        offset = (self.page - 1) * self.per_page
        rows = ranked_rows(stmt.limit(self.per_page).offset(offset))
        self._total = rows[0].total if rows else 0  # past the last page: a 404 before use
        keys = [(schema.ARTICLE, a) if a else (schema.DOCUMENT, d) for a, d, _ in rows]
        article_ids = [i for k, i in keys if k == schema.ARTICLE]
        document_ids = [i for k, i in keys if k == schema.DOCUMENT]
        found: dict[tuple[str, int], Article | Document] = {}
        if article_ids:
            for a in db.session.scalars(
                select(Article)
                .where(Article.id.in_(article_ids))
                .options(selectinload(Article.category))
            ):
                found[(schema.ARTICLE, a.id)] = a
        if document_ids:
            for d in db.session.scalars(
                select(Document)
                .where(Document.id.in_(document_ids))
                .options(selectinload(Document.type), selectinload(Document.issuer))
            ):
                found[(schema.DOCUMENT, d.id)] = d
        return [Result(k, found[(k, i)]) for k, i in keys if (k, i) in found]

    @property
    def pages(self) -> int:
        return min(super().pages, MAX_PAGE)  # deeper pages are refused

    def _query_count(self) -> int:
        return self._total  # counted by the page's own query (a window function)


def ranked_rows(stmt) -> list:
    """The ranked page's rows. In a gevent worker they are read in a thread of the pool, on a
    connection of their own: scoring every match of a common word is tens of milliseconds of
    C work in FTS5 or PostgreSQL (bench/search.py) that would otherwise hold every other
    request and stream of the worker. A reader's search sees only committed rows either way."""
    if not gevent_active():
        return db.session.execute(stmt).all()
    engine = thread_engine()

    def read() -> list:
        with engine.connect() as connection:
            return connection.execute(stmt).all()

    return offload(read)


def run(search: Search, page: int) -> Results | None:
    """The page `page` of results (a 404 past the last page); None when nothing was asked."""
    if not search.terms:
        return None
    stmt = ranked(search, db.session.get_bind().dialect.name)
    return Results(page=page, per_page=PER_PAGE, max_per_page=PER_PAGE, select=stmt)
