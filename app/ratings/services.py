"""Casting a vote: one per visitor and article, counted once in SQL, then shown live.

The vote row and the article's totals change in one transaction. The unique constraint on
(article, visitor) decides who voted first, however many requests race (PITFALLS: vote
races): the losers' INSERT fails and they are told their vote. The totals move by SQL
increments (`rating_total = rating_total + :stars`), never by a value read in Python, and the
UPDATE returns them. After the commit Redis gets the new totals for every open page
(StatsService.set_live): only if they are newer than what it holds (the count decides).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.news.models import Article
from app.page_cache import mark_pages_stale
from app.page_view import format_mean, item_key
from app.ratings.models import RatingVote

log = logging.getLogger(__name__)

TOTAL, COUNT = "rating_total", "rating_count"  # live-only item kinds (app/live_counters.py)
STARS = range(1, 6)
LABELS = {1: "Rất kém", 2: "Kém", 3: "Đạt", 4: "Tốt", 5: "Rất tốt"}  # each star's words
_ONE_STAR_DIGIT = re.compile(r"[1-5]")


@dataclass(frozen=True)
class Totals:
    total: int
    count: int

    @property
    def average(self) -> str:
        """As the block prints it: `4,5`, `2`, `0`."""
        return format_mean(self.total, self.count)


@dataclass(frozen=True)
class VoteResult:
    stars: int  # this visitor's stars (the earlier vote when `counted` is False)
    counted: bool  # False: the visitor had voted already, nothing changed
    totals: Totals


def parse_stars(values: list[str]) -> int | None:
    """The stars a form sent: exactly one value, one digit 1-5; None for anything else
    (missing, several, 0, 6, 3.5, " 3", a huge number, words)."""
    if len(values) != 1 or not _ONE_STAR_DIGIT.fullmatch(values[0]):
        return None
    return int(values[0])


def live_items(article_id: int) -> tuple[str, str]:
    """The live items ("kind:id") of an article's rating total and count."""
    return item_key(TOTAL, article_id), item_key(COUNT, article_id)


def totals_of(article_id: int) -> Totals:
    row = db.session.execute(
        select(Article.rating_total, Article.rating_count).where(Article.id == article_id)
    ).one()
    return Totals(int(row[0]), int(row[1]))


def cast_vote(article_id: int, visitor: str, stars: int, *, stats) -> VoteResult:
    """Record `visitor`'s `stars` for the article, once. `stats` is the StatsService that
    puts the new totals on readers' pages."""
    if stars not in STARS or not visitor:
        raise ValueError("stars must be 1-5 and the visitor known")
    db.session.add(RatingVote(article_id=article_id, visitor=visitor, stars=stars))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        earlier = db.session.scalar(
            select(RatingVote.stars).where(
                RatingVote.article_id == article_id, RatingVote.visitor == visitor
            )
        )
        if earlier is None:  # not a second vote: the article went away meanwhile
            raise LookupError(article_id) from None
        totals = totals_of(article_id)
        db.session.rollback()  # end the read transaction (SQLite keeps a snapshot)
        _show(article_id, totals, stats)  # heals a Redis that missed the first vote
        return VoteResult(int(earlier), False, totals)
    row = db.session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values(rating_total=Article.rating_total + stars, rating_count=Article.rating_count + 1)
        .returning(Article.rating_total, Article.rating_count),
        execution_options={"synchronize_session": False},
    ).one()
    db.session.commit()
    totals = Totals(int(row[0]), int(row[1]))
    log.info("rating %s for article %s (now %s in %s)", stars, article_id, totals.total,
             totals.count)  # fmt: skip
    _show(article_id, totals, stats)
    if totals.count == 1:
        _first_vote(article_id)
    return VoteResult(stars, True, totals)


def _show(article_id: int, totals: Totals, stats) -> None:
    total_item, count_item = live_items(article_id)
    stats.set_live({total_item: totals.total, count_item: totals.count}, guard=count_item)


def _first_vote(article_id: int) -> None:
    """Cached pages of the article were recorded without the AggregateRating markup (only
    a rated article has it): mark cached pages stale, as a content commit does. Once per
    article; later votes change only live numbers."""
    mark_pages_stale()


__all__ = [
    "COUNT",
    "LABELS",
    "STARS",
    "TOTAL",
    "Totals",
    "VoteResult",
    "cast_vote",
    "live_items",
    "parse_stars",
    "totals_of",
]
