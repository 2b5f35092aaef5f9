"""What the comments tests share: a reader posting as the page's scripts do, reading pages."""

from __future__ import annotations

from pages import Node, parse, squash

from app.comments.models import Comment
from app.extensions import db

AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


class Reader:
    """A browser with JavaScript: before posting it fetches the anti-forgery token
    (reader-forms.js) and the "started" stamp (comments.js), then waits `wait` seconds on
    the test's clock, as a person writes."""

    def __init__(self, app, clock, address: str, agent: str | None = None) -> None:
        self.app, self.clock = app, clock
        self.client = app.test_client()
        self.client.environ_base.update(REMOTE_ADDR=address, HTTP_USER_AGENT=agent or AGENT)

    def token(self) -> str:
        return self.client.get("/api/csrf").get_json()["token"]

    def stamp(self) -> str:
        return self.client.get("/api/y-kien/bat-dau").get_json()["started"]

    def post(self, slug: str, *, wait: float = 30, token: bool = True, stamp: bool = True,
             **fields):  # fmt: skip
        data = {"name": "Nguyễn Văn An", "email": "an@example.vn",
                "content": "Bài viết rất hữu ích.", "website": "", "parent_id": ""}  # fmt: skip
        if token:
            data["csrf_token"] = self.token()
        if stamp:
            data["started"] = self.stamp()
        self.clock.advance(wait)
        data.update(fields)
        return self.client.post(f"/tin-tuc/{slug}/y-kien", data=data)

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)


def comments_block(page: str) -> Node:
    block = parse(page).find("section", cls="article-comments-block")
    assert block is not None, "no comments section on the page"
    return block


def shown_names(page: str) -> list[str]:
    """Top comments' names on a page, in order (replies not included)."""
    block = comments_block(page)
    listing = block.find("ol", cls="comment-list")
    if listing is None:
        return []
    return [
        squash(li.find("strong", cls="comment-name").text())
        for li in listing.find_all("li", cls="comment")
        if not _is_reply(listing, li)
    ]


def _is_reply(listing: Node, item: Node) -> bool:
    return any(item in replies.find_all("li") for replies in listing.find_all("ol"))


def replies_of(page: str, comment_id: int) -> list[str]:
    item = comments_block(page).find("li", id=f"y-kien-{comment_id}")
    assert item is not None, f"comment {comment_id} not on the page"
    replies = item.find("ol", cls="comment-replies")
    if replies is None:
        return []
    return [squash(n.text()) for n in replies.find_all("strong", cls="comment-name")]


def rows(**where) -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Comment).filter_by(**where).order_by(Comment.id)))


def message(page: str) -> str:
    """The main message of the comment confirm/refusal page."""
    node = parse(page).find("p", cls="comment-message")
    assert node is not None, "no message on the page"
    return squash(node.text())


def set_setting(key: str, value) -> None:
    """Change a site setting as the settings page does (app context of the test)."""
    from app.settings.operations import save_settings

    save_settings({key: value}, by=None)


def add_comment(article, name: str, *, status="approved", minutes_ago: float = 0, parent=None,
                content: str = "Nội dung ý kiến.", email: str = "ban.doc@example.vn"):  # fmt: skip
    """A stored comment (as if posted `minutes_ago` and moderated), the count kept in step."""
    from datetime import timedelta

    from app.comments.operations import recount
    from app.dates import utcnow

    comment = Comment(article_id=article.id, name=name, email=email, content=content,
                      status=status, parent=parent,
                      created_at=utcnow() - timedelta(minutes=minutes_ago))  # fmt: skip
    db.session.add(comment)
    recount([article.id])
    db.session.commit()
    return comment
