"""The project's hostile payloads (tests/hostile.py) as a comment's name and content: no script
execution vector on the article page, the comments pages, nor in the moderators' queue."""

from __future__ import annotations

from collections import Counter

import pytest
from comment_helpers import add_comment, comments_block, rows
from hostile import HOSTILE_PAYLOADS, execution_vectors, page_vectors
from pages import parse, squash

from app.comments.models import CommentStatus
from app.extensions import db

IDS = [f"payload{n:02d}" for n in range(len(HOSTILE_PAYLOADS))]


def _vectors(page: str) -> Counter:
    """page_vectors without the raw "javascript:" count: a plain-text comment shows the word
    as text (escaped markup); in any URL attribute execution_vectors still finds it."""
    found = page_vectors(page)
    del found["raw javascript:"]
    return found


def _comment_parts(url: str, page: str) -> list:
    if url.startswith("/admin/"):
        return parse(page).find("table").find_all("td", cls="comment-cell")
    return comments_block(page).find_all("article", cls="comment-body")


@pytest.mark.parametrize("payload", HOSTILE_PAYLOADS, ids=IDS)
def test_hostile_comments_never_execute_for_readers_or_moderators(
    app, article, reader, admin_client, payload
):
    top = add_comment(article, "Người một", content="Thường một", minutes_ago=3)
    add_comment(article, "Người đáp", content="Thường đáp", parent=top, minutes_ago=2)
    add_comment(article, "Người chờ", content="Thường chờ", status=CommentStatus.PENDING)
    urls = [f"/tin-tuc/{article.slug}", f"/tin-tuc/{article.slug}/y-kien",
            f"/tin-tuc/{article.slug}/y-kien?sap-xep=cu", "/admin/y-kien/",
            "/admin/y-kien/?trang-thai=tat-ca"]  # fmt: skip
    client = {url: admin_client if url.startswith("/admin/") else reader for url in urls}
    plain = {url: client[url].get(url).text for url in urls}
    for comment in rows():  # the same comments, now saying the payload
        comment.name, comment.content = payload[:100], f"Mở đầu\n{payload}"
    db.session.commit()

    for url in urls:
        page = client[url].get(url).text
        parts = _comment_parts(url, page)
        assert parts, url
        for part in parts:
            assert execution_vectors(part) == Counter(), f"in a comment on {url}"
        assert squash(payload[:100]) in squash(parse(page).text()), f"not shown on {url}"
        assert _vectors(page) == _vectors(plain[url]), f"the page changed shape: {url}"


@pytest.mark.parametrize("payload", HOSTILE_PAYLOADS[:12], ids=IDS[:12])
def test_a_hostile_comment_is_stored_as_the_plain_text_sent(app, article, reader, payload):
    response = reader.post(article.slug, content=payload)

    assert response.status_code == 302
    assert [c.content for c in rows()] == [payload.strip()]
