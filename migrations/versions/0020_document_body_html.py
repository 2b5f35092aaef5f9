"""Documents: the body is sanitised rich text (HTML)

A document's body was plain text, shown escaped; it is now HTML written in the same editor as
articles and sanitised the same way (app/html_sanitizer.py). Bodies stored before become
escaped paragraphs: a paragraph per blank-line-separated block, a <br> for a single line
break, then the sanitiser's own writing of that, so that opening one in the editor and saving
it unchanged changes nothing. The downgrade turns the HTML back into text the same way
round. The search index rows of the documents changed are written again (their words are the
same; only text with `<` or `&` was read differently).

The conversion is written out here, not imported: a migration must keep doing what it did
when it was written.

Revision ID: 0020_document_body_html
Revises: 0019_password_links
"""

import html
import re
from html.parser import HTMLParser

import sqlalchemy as sa
from alembic import op

from app.html_sanitizer import sanitize_html
from app.search import schema

revision = "0020_document_body_html"
down_revision = "0019_password_links"
branch_labels = None
depends_on = None

BATCH = 500
_BLANK_LINE = re.compile(r"\n\s*\n")


def text_to_html(text: str) -> str:
    """Plain text as escaped paragraphs: one per blank-line-separated block, its single line
    breaks as <br>."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINE.split(text):
        lines = [html.escape(line.strip(), quote=False) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return sanitize_html("".join(paragraphs))


_PARAGRAPH = object()  # a paragraph break among the text parts
_PARAGRAPHS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 blockquote pre ul ol table figure hr iframe".split()
)
_LINES = frozenset("br li tr caption figcaption".split())
_CELLS = frozenset({"td", "th"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list = []

    def handle_starttag(self, tag, attrs):
        if tag in _PARAGRAPHS:
            self.parts.append(_PARAGRAPH)
        elif tag in _LINES:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _PARAGRAPHS:
            self.parts.append(_PARAGRAPH)
        elif tag in _LINES:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """HTML as plain text: blocks apart by a blank line, line breaks and list items on lines
    of their own, spaces collapsed."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    blocks: list[list[str]] = [[]]
    for part in parser.parts:
        if part is _PARAGRAPH:
            blocks.append([])
        else:
            blocks[-1].append(part)
    paragraphs = []
    for block in blocks:
        lines = [" ".join(line.split()) for line in "".join(block).split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _convert(convert) -> None:
    """Every document's body through `convert`, in batches by id; the search index rows of
    those that changed written again."""
    bind = op.get_bind()
    documents = sa.table(
        "documents",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("title", sa.String),
        sa.column("summary", sa.Text),
        sa.column("body", sa.Text),
    )
    columns = (documents.c.code, documents.c.title, documents.c.summary)
    last = 0
    while True:  # a site's whole library need not fit in memory
        rows = bind.execute(
            sa.select(documents.c.id, documents.c.body, *columns)
            .where(documents.c.id > last)
            .order_by(documents.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        entries = []
        for row_id, body, code, title, summary in rows:
            new = convert(body) if body else ""
            if new != (body or ""):
                bind.execute(documents.update().where(documents.c.id == row_id).values(body=new))
                entries.append(schema.document_entry(row_id, code, title, summary, new))
        schema.put(bind, entries)
        last = rows[-1][0]


def upgrade():
    _convert(text_to_html)


def downgrade():
    _convert(html_to_text)
