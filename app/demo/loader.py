"""The demo content's data files (app/demo/data/), read with the standard library and checked.

Every file is validated before anything is written: an unknown key, a missing one, a value of
the wrong type or a reference to something that does not exist is refused with a
`DemoDataError` naming the file (and the entry), so a typo never half-seeds a site.
"""

from __future__ import annotations

import dataclasses
import enum
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from app.blocks.models import BannerBlock
from app.comments.models import CONTENT_MAX, EMAIL_MAX, NAME_MAX, CommentStatus
from app.news.models import ArticleStatus, ImagePosition

DATA_DIR = Path(__file__).with_name("data")
FRONT_MATTER = "+++"  # the delimiter line around an article's TOML header (as in Hugo)


class DemoDataError(ValueError):
    """A demo data file is malformed; the message starts with the file's path."""


@dataclass(frozen=True)
class DemoCategory:
    name: str
    slug: str
    order: int
    description: str
    parent: str | None = None


@dataclass(frozen=True)
class DemoReply:
    """A reader's reply to a demo comment (replies are one level deep)."""

    name: str
    email: str
    content: str  # plain text; line breaks are kept
    days_ago: int  # days before the seeding day (see app/demo/data/README.md)
    status: CommentStatus = CommentStatus.APPROVED


@dataclass(frozen=True)
class DemoComment(DemoReply):
    replies: list[DemoReply] = field(default_factory=list)


SEEDED_STATUSES = (CommentStatus.APPROVED, CommentStatus.PENDING)


@dataclass(frozen=True)
class DemoArticle:
    title: str
    category: str
    tags: list[str]
    author: str
    # Days before the seeding day (negative: in the future), at a wall-clock time of the site's
    # time zone.
    published_days_ago: int
    published_time: time
    image_color: str
    image_position: ImagePosition
    image_caption: str
    lead: str
    body: str  # HTML after the front matter; `{image}` marks a generated inline picture
    extra_categories: list[str] = field(default_factory=list)
    source: str = ""
    status: ArticleStatus = ArticleStatus.PUBLISHED
    featured: bool = False
    expires_days_ago: int | None = None
    comments: list[DemoComment] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)  # each visitor's stars, 1-5


@dataclass(frozen=True)
class DemoBanner:
    title: str
    target_url: str
    color: str
    order: int  # within its position
    # "banners" (above "Văn bản mới") or "middle" (between "Văn bản mới" and "Thống kê")
    position: BannerBlock = BannerBlock.BANNERS
    image_text: str = ""  # words painted on the generated picture ("\n" breaks a line)
    show_title: bool = False  # the title over the picture (off for pictures with words)


@dataclass(frozen=True)
class DemoLink:
    title: str
    target_url: str
    order: int
    logo_color: str = ""  # a generated round logo of this colour...
    logo_text: str = ""  # ...with these letters; without both, the link is its name alone


@dataclass(frozen=True)
class DemoField:
    name: str
    slug: str
    parent: str | None = None


@dataclass(frozen=True)
class DemoDocument:
    code: str
    title: str
    summary: str
    type: str
    issuer: str
    signer: str
    signer_position: str
    fields: list[str]
    issued_days_ago: int
    in_force_days_after_issue: int
    file_name: str
    pages: list[str]  # the paragraphs of the generated PDF
    body: str = ""
    expires_days_after_issue: int | None = None
    replaces: str | None = None
    related: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DemoContent:
    categories: list[DemoCategory]
    articles: list[DemoArticle]
    banners: list[DemoBanner]
    links: list[DemoLink]
    document_types: list[str]
    fields: list[DemoField]
    documents: list[DemoDocument]


def load(folder: Path = DATA_DIR) -> DemoContent:
    """Read and check every demo data file under `folder`."""
    categories = _entries(folder / "categories.toml", "category", DemoCategory)
    banners = _entries(folder / "banners.toml", "banner", DemoBanner)
    links = _entries(folder / "links.toml", "link", DemoLink)
    documents_file = folder / "documents.toml"
    documents_data = _read_toml(documents_file)
    _refuse_unknown(documents_file, "", documents_data, {"types", "field", "document"})
    if "types" not in documents_data:
        raise DemoDataError(f"{documents_file}: missing types (the list of document types)")
    document_types = _value(documents_file, "types", documents_data["types"], list[str])
    fields = _table_list(documents_file, documents_data, "field", DemoField)
    documents = _table_list(documents_file, documents_data, "document", DemoDocument)
    articles = [_article(path) for path in sorted((folder / "articles").glob("*.md"))]
    if not articles:
        raise DemoDataError(f"{folder / 'articles'}: no article file (*.md)")

    _check_tree(folder / "categories.toml", "category", [(c.slug, c.parent) for c in categories])
    _check_tree(documents_file, "field", [(f.slug, f.parent) for f in fields])
    _check_articles(articles, folder, {c.slug for c in categories})
    _check_documents(documents_file, documents, set(document_types), {f.slug for f in fields})
    _check_banners(folder / "banners.toml", banners, folder / "links.toml", links)
    return DemoContent(categories, articles, banners, links, document_types, fields, documents)


def _read_toml(path: Path) -> dict:
    try:
        # utf-8-sig: a byte-order mark left by a Windows editor is not an error
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DemoDataError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise DemoDataError(f"{path}: not UTF-8 text: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path}: not valid TOML: {error}") from None


def _entries(path: Path, name: str, cls: type) -> list:
    data = _read_toml(path)
    _refuse_unknown(path, "", data, {name})
    return _table_list(path, data, name, cls)


def _table_list(path: Path, data: dict, name: str, cls: type) -> list:
    tables = data.get(name)
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise DemoDataError(f"{path}: expected [[{name}]] tables")
    return [_build(path, f"[[{name}]] #{n}", table, cls) for n, table in enumerate(tables, 1)]


def _article(path: Path) -> DemoArticle:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DemoDataError(f"{path}: not UTF-8 text: {error}") from None
    lines = text.split("\n")
    if lines[0].strip() != FRONT_MATTER or FRONT_MATTER not in (s.strip() for s in lines[1:]):
        raise DemoDataError(
            f"{path}: an article starts with a TOML front matter between two "
            f"'{FRONT_MATTER}' lines, followed by the HTML body"
        )
    end = next(n for n, line in enumerate(lines[1:], 1) if line.strip() == FRONT_MATTER)
    try:
        header = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path}: front matter is not valid TOML: {error}") from None
    if "body" in header:
        raise DemoDataError(f"{path}: the body goes after the front matter, not in it")
    body = "\n".join(lines[end + 1 :]).strip("\n")
    if not body.strip():
        raise DemoDataError(f"{path}: the article has no body after the front matter")
    return _build(path, "front matter", {**header, "body": body}, DemoArticle)


def _build(path: Path, where: str, table: dict, cls: type):
    """`cls(**table)` with every key known, every required key present, every value typed."""
    hints = typing.get_type_hints(cls)
    specs = {f.name: f for f in dataclasses.fields(cls)}
    _refuse_unknown(path, where, table, set(specs))
    required = [
        name
        for name, spec in specs.items()
        if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
    ]
    missing = [name for name in required if name not in table]
    if missing:
        raise DemoDataError(f"{path}: {where}: missing {', '.join(missing)}")
    values = {
        key: _value(path, f"{where}: {key}", value, hints[key]) for key, value in table.items()
    }
    return cls(**values)


def _refuse_unknown(path: Path, where: str, table: dict, known: set[str]) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        place = f"{where}: " if where else ""
        raise DemoDataError(
            f"{path}: {place}unknown key {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )


def _value(path: Path, where: str, value, hint):
    """`value` checked against the type `hint`; enums are built from their values."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):  # only `X | None`: TOML has no null
        return _value(path, where, value, next(a for a in args if a is not type(None)))
    if origin is list:
        if not isinstance(value, list):
            raise DemoDataError(f"{path}: {where}: expected a list, got {value!r}")
        return [_value(path, f"{where}[{n}]", item, args[0]) for n, item in enumerate(value)]
    if dataclasses.is_dataclass(hint):  # a table inside a table: [[comments]]
        if not isinstance(value, dict):
            raise DemoDataError(f"{path}: {where}: expected a table, got {value!r}")
        return _build(path, where, value, hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            choices = ", ".join(repr(m.value) for m in hint)
            raise DemoDataError(f"{path}: {where}: {value!r} is not one of {choices}") from None
    # bool is an int in Python, not in the data: `order = true` is a mistake.
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise DemoDataError(f"{path}: {where}: expected {hint.__name__}, got {value!r}")
    return value


def _check_tree(path: Path, name: str, nodes: list[tuple[str, str | None]]) -> None:
    seen: set[str] = set()
    for slug, parent in nodes:
        if slug in seen:
            raise DemoDataError(f"{path}: {name} {slug!r} is listed twice")
        if parent is not None and parent not in seen:
            raise DemoDataError(
                f"{path}: {name} {slug!r}: parent {parent!r} must be listed before it"
            )
        seen.add(slug)


def _check_articles(articles: list[DemoArticle], folder: Path, categories: set[str]) -> None:
    paths = sorted((folder / "articles").glob("*.md"))
    titles: set[str] = set()
    for path, article in zip(paths, articles, strict=True):
        if article.title in titles:  # the seed recognises an article by its title
            raise DemoDataError(f"{path}: another article has the title {article.title!r}")
        titles.add(article.title)
        for slug in [article.category, *article.extra_categories]:
            if slug not in categories:
                raise DemoDataError(f"{path}: unknown category {slug!r}")
        _check_readers(path, article)


def _check_readers(path: Path, article: DemoArticle) -> None:
    """Readers' comments and votes: only on a published article, after it, within limits."""
    readers = article.comments or article.ratings
    if readers and (article.status != ArticleStatus.PUBLISHED or article.published_days_ago < 0
                    or article.expires_days_ago is not None):  # fmt: skip
        raise DemoDataError(f"{path}: comments and ratings need a published article")
    for stars in article.ratings:
        if not 1 <= stars <= 5:
            raise DemoDataError(f"{path}: ratings: {stars} is not 1 to 5 stars")
    seen: set[tuple[str, str]] = set()
    for n, comment in enumerate(article.comments):
        _check_comment(path, f"comments[{n}]", comment, article.published_days_ago, seen)
        for m, reply in enumerate(comment.replies):
            where = f"comments[{n}].replies[{m}]"
            _check_comment(path, where, reply, comment.days_ago, seen)
            if comment.status != CommentStatus.APPROVED:
                raise DemoDataError(f"{path}: {where}: a reply needs an approved comment")


def _check_comment(
    path: Path, where: str, comment: DemoReply, before: int, seen: set[tuple[str, str]]
) -> None:
    limits = {"name": NAME_MAX, "email": EMAIL_MAX, "content": CONTENT_MAX}
    for key, limit in limits.items():
        value = getattr(comment, key)
        if not value.strip() or len(value) > limit:
            raise DemoDataError(f"{path}: {where}: {key} must have 1 to {limit} characters")
    if "@" not in comment.email:
        raise DemoDataError(f"{path}: {where}: email {comment.email!r} is not an address")
    if comment.status not in SEEDED_STATUSES:
        raise DemoDataError(f"{path}: {where}: status must be 'approved' or 'pending'")
    if not 0 <= comment.days_ago <= before:
        raise DemoDataError(
            f"{path}: {where}: days_ago must be 0 to {before} (not before what it answers)"
        )
    key = (comment.name, comment.content)  # how the seed recognises a comment
    if key in seen:
        raise DemoDataError(f"{path}: {where}: the same name and content are listed twice")
    seen.add(key)


def _check_banners(
    banners_file: Path, banners: list[DemoBanner], links_file: Path, links: list[DemoLink]
) -> None:
    """Banners in a banner position, each title once (the seed recognises them by title);
    a link's logo with both its colour and its letters."""
    titles: set[str] = set()
    for banner in banners:
        where = f"{banners_file}: banner {banner.title!r}"
        if banner.position == BannerBlock.LINKS:
            raise DemoDataError(f"{where}: position must be 'banners' or 'middle'")
        if banner.title in titles:
            raise DemoDataError(f"{where} is listed twice")
        titles.add(banner.title)
    titles.clear()
    for link in links:
        where = f"{links_file}: link {link.title!r}"
        if bool(link.logo_color) != bool(link.logo_text):
            raise DemoDataError(f"{where}: a logo needs both logo_color and logo_text")
        if link.title in titles:
            raise DemoDataError(f"{where} is listed twice")
        titles.add(link.title)


def _check_documents(
    path: Path, documents: list[DemoDocument], types_: set[str], fields: set[str]
) -> None:
    codes = [d.code for d in documents]
    for document in documents:
        where = f"{path}: document {document.code!r}"
        if codes.count(document.code) > 1:
            raise DemoDataError(f"{where} is listed twice")
        if document.type not in types_:
            raise DemoDataError(f"{where}: type {document.type!r} is not in `types`")
        for slug in document.fields:
            if slug not in fields:
                raise DemoDataError(f"{where}: unknown field {slug!r}")
        for code in [document.replaces, *document.related]:
            if code is not None and code not in codes:
                raise DemoDataError(f"{where}: refers to unknown document {code!r}")
