"""`flask seed-demo`: the demo's readers' comments (with replies, some waiting for approval)
and rating votes show on the article pages, in the moderation queue and on the dashboard,
a second seed adds none of them again, and a bad `[[comments]]` entry is refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pages import parse, squash
from sqlalchemy import func, select

from app.comments.models import Comment, CommentStatus
from app.dates import utcnow
from app.demo.loader import DATA_DIR, DemoArticle, DemoDataError, load
from app.extensions import db, redis_store
from app.news.models import Article
from app.ratings.models import RatingVote

QUEUE = "/admin/y-kien/"


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def with_comments() -> list[DemoArticle]:
    return [a for a in load().articles if a.comments]


def with_ratings() -> list[DemoArticle]:
    return [a for a in load().articles if a.ratings]


def article_of(item: DemoArticle) -> Article:
    return db.session.scalar(select(Article).where(Article.title == item.title))


def approved(item: DemoArticle) -> list[tuple[str, str]]:
    """(name, content) of what readers see: approved comments and their replies."""
    shown = []
    for comment in item.comments:
        if comment.status == CommentStatus.APPROVED:
            shown.append((comment.name, comment.content))
            shown += [(r.name, r.content) for r in comment.replies
                      if r.status == CommentStatus.APPROVED]  # fmt: skip
    return shown


def readers_state() -> dict:
    db.session.expire_all()
    return {
        "comments": sorted(db.session.execute(
            select(Comment.article_id, Comment.name, Comment.content, Comment.status,
                   Comment.parent_id))),
        "votes": sorted(db.session.execute(
            select(RatingVote.article_id, RatingVote.visitor, RatingVote.stars))),
        "totals": sorted(db.session.execute(
            select(Article.id, Article.comment_count, Article.rating_total,
                   Article.rating_count))),
    }  # fmt: skip


def page_comments(page: str) -> list[tuple[str, str, bool]]:
    """(name, text, is a reply) of every comment shown on an article page."""
    block = parse(page).find("section", cls="article-comments-block")
    assert block is not None, "no comments section"
    replies = {
        id(li) for ol in block.find_all("ol", cls="comment-replies") for li in ol.find_all("li")
    }
    return [
        (squash(li.find("strong", cls="comment-name").text()),
         squash(li.find("p", cls="comment-text").text()), id(li) in replies)
        for li in block.find_all("li", cls="comment")
    ]  # fmt: skip


def test_the_demo_lists_comments_replies_pending_ones_and_ratings():
    commented, rated = with_comments(), with_ratings()

    assert 3 <= len(commented) <= 4 and 5 <= len(rated) <= 6
    assert any(c.replies for a in commented for c in a.comments)
    assert any(c.status == CommentStatus.PENDING for a in commented for c in a.comments)
    assert [5, 4, 4, 3] in [a.ratings for a in rated]


def test_seeded_comments_and_ratings_show_on_the_article_pages(seeded, client):
    assert re.search(r"\b\d+ comments, \d+ pages, \d+ ratings, ", seeded.output), seeded.output
    for item in with_comments():
        article = article_of(item)
        page = client.get(f"/tin-tuc/{article.slug}").text
        shown = page_comments(page)
        wanted = approved(item)

        assert sorted((name, "".join(content.split())) for name, content in wanted) == sorted(
            (name, "".join(text.split())) for name, text, _ in shown
        ), item.title
        assert article.comment_count == len(wanted)
        assert f"Bình luận: {len(wanted)}" in page
        # Replies sit under their comment; pending comments are not shown.
        reply_names = {r.name for c in item.comments for r in c.replies}
        assert {name for name, _, reply in shown if reply} == reply_names
        pending = [c.content for c in item.comments if c.status == CommentStatus.PENDING]
        assert not any(squash(content) in squash(page) for content in pending)

    for item in with_ratings():
        article = article_of(item)
        page = client.get(f"/tin-tuc/{article.slug}").text
        summary = squash(parse(page).find("section", **{"data-block": "rating"}).text())

        total, count = sum(item.ratings), len(item.ratings)
        assert f"Tổng số điểm của bài viết là: {total} trong {count} đánh giá" in summary
        assert (article.rating_total, article.rating_count) == (total, count)
        votes = db.session.execute(
            select(RatingVote.visitor, RatingVote.stars).where(RatingVote.article_id == article.id)
        ).all()
        assert sorted(votes) == sorted(
            (f"demo-visitor-{n}", stars) for n, stars in enumerate(item.ratings, 1)
        )


def test_seeded_totals_show_without_the_live_numbers_in_redis(seeded, client):
    """`make run` seeds before the server (and its Redis) starts: the block reads SQL."""
    redis_store.client.flushdb()
    item = with_ratings()[0]
    page = client.get(f"/tin-tuc/{article_of(item).slug}").text
    summary = squash(parse(page).find("section", **{"data-block": "rating"}).text())

    total, count = sum(item.ratings), len(item.ratings)
    assert f"Tổng số điểm của bài viết là: {total} trong {count} đánh giá" in summary


def test_a_comment_with_line_breaks_keeps_them(seeded, client):
    item, content = next(
        (a, c.content) for a in with_comments() for c in a.comments
        if "\n" in c.content and c.status == CommentStatus.APPROVED
    )  # fmt: skip
    page = client.get(f"/tin-tuc/{article_of(item).slug}").text
    first, second = content.split("\n", 1)

    assert re.search(re.escape(first) + r"\s*<br>\s*" + re.escape(second.split("\n")[0]), page)


def test_seeded_comment_times_follow_their_article_and_parent(seeded):
    now = utcnow()
    for comment in db.session.scalars(select(Comment)):
        assert comment.article.published_at < comment.created_at <= now, comment.name
        if comment.parent is not None:
            assert comment.parent.created_at < comment.created_at, comment.name


def test_pending_demo_comments_fill_the_queue_and_the_dashboard_card(seeded, admin_client):
    pending = [c for a in with_comments() for c in a.comments
               if c.status == CommentStatus.PENDING]  # fmt: skip
    assert pending

    queue = squash(parse(admin_client.get(QUEUE).text).text())
    cards = parse(admin_client.get("/admin/").text).find_all("div", cls="dash-card")
    card = next(squash(c.text()) for c in cards if "ý kiến chờ duyệt" in c.text())

    for comment in pending:
        assert comment.name in queue
    assert card == f"{len(pending)} ý kiến chờ duyệt"


def test_a_second_seed_adds_no_comment_and_no_vote(app, runner, seeded):
    before = readers_state()
    assert before["comments"] and before["votes"]

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    assert "nothing added" in again.output
    assert readers_state() == before


def test_a_removed_demo_reply_and_vote_come_back_alone(app, runner, seeded):
    before = readers_state()
    reply = db.session.scalar(select(Comment).where(Comment.parent_id.is_not(None)).limit(1))
    db.session.delete(reply)  # the seed recounts the article's comments
    vote = db.session.scalar(select(RatingVote).where(RatingVote.visitor == "demo-visitor-2"))
    voted = db.session.get(Article, vote.article_id)
    voted.rating_total -= vote.stars
    voted.rating_count -= 1
    db.session.delete(vote)
    db.session.commit()

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    assert again.output.strip() == "Added 1 comments, 1 ratings."
    assert readers_state() == before


# --- A bad [[comments]] entry or ratings list is refused, naming the file -------------------


@pytest.fixture
def data_copy(tmp_path) -> Path:
    copy = tmp_path / "demo-data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def article_file(folder: Path, number: str) -> Path:
    return next((folder / "articles").glob(f"{number}-*.md"))


def add_to_header(path: Path, toml: str) -> None:
    """Append `toml` at the end of the article's front matter (after its tables)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    end = next(n for n, line in enumerate(lines[1:], 1) if line.strip() == "+++")
    lines[end:end] = toml.strip("\n").split("\n")
    path.write_text("\n".join(lines), encoding="utf-8")


COMMENT = '[[comments]]\nname = "Lê Văn Ba"\nemail = "ba@example.vn"\ncontent = "Hay."\n'

BAD_ENTRIES = {
    "an unknown key": ("01", COMMENT + "days_ago = 0\nphone = \"0900\"\n", "unknown key phone"),
    "a wrong type": ("01", COMMENT + 'days_ago = "1"\n', "days_ago: expected int, got '1'"),
    "a missing key": ("01", COMMENT, "missing days_ago"),
    "not a table": ("02", 'comments = ["Hay."]\n', "comments[0]: expected a table"),
    "a reply to a reply": (
        "01",
        COMMENT + "days_ago = 0\n[[comments.replies]]\n" + COMMENT.split("\n", 1)[1]
        + "days_ago = 0\n[[comments.replies.replies]]\n" + COMMENT.split("\n", 1)[1]
        + "days_ago = 0\n",
        "replies[0]: unknown key replies",
    ),
    "a rejected status": ("01", COMMENT + 'days_ago = 0\nstatus = "rejected"\n',
                          "status must be 'approved' or 'pending'"),
    "an unknown status": ("01", COMMENT + 'days_ago = 0\nstatus = "hidden"\n',
                          "status: 'hidden' is not one of"),
    "a comment before its article": ("01", COMMENT + "days_ago = 30\n", "days_ago must be 0 to 1"),
    "an empty content": ("01", COMMENT.replace('"Hay."', '"  "') + "days_ago = 0\n",
                         "content must have 1 to 3000 characters"),
    "the same comment twice": ("02", COMMENT + "days_ago = 0\n" + COMMENT + "days_ago = 1\n",
                               "the same name and content are listed twice"),
    "comments on a draft": ("19", COMMENT + "days_ago = 0\n",
                            "comments and ratings need a published article"),
    "a vote of 6 stars": ("02", "ratings = [5, 6]\n", "ratings: 6 is not 1 to 5 stars"),
    "a vote that is not a number": ("02", 'ratings = ["5"]\n', "ratings[0]: expected int"),
}  # fmt: skip


@pytest.mark.parametrize("entry", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_a_bad_readers_entry_is_refused_with_a_message_naming_the_file(data_copy, entry):
    number, toml, message = entry
    path = article_file(data_copy, number)
    if toml.startswith("ratings") or toml.startswith("comments ="):
        # a plain key goes before the tables: put it after the title
        text = path.read_text(encoding="utf-8")
        title = next(line for line in text.split("\n") if line.startswith("title = "))
        path.write_text(text.replace(title, f"{title}\n{toml.strip()}", 1), encoding="utf-8")
    else:
        add_to_header(path, toml)

    with pytest.raises(DemoDataError) as refused:
        load(data_copy)

    assert str(refused.value).startswith(f"{path}: ")
    assert message in str(refused.value)


def test_seed_demo_refuses_a_bad_comment_and_writes_nothing(runner, data_copy):
    path = article_file(data_copy, "01")
    add_to_header(path, COMMENT + 'days_ago = "1"\n')

    result = runner.invoke(args=["seed-demo", "--data", str(data_copy)])

    assert result.exit_code == 1
    assert f"demo data refused: {path}: " in result.output
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    assert db.session.scalar(select(func.count(Article.id))) == 0
