"""Site search on 20,000 generated Vietnamese articles (and some documents): query p50/p99.

    .venv/bin/python bench/search.py                       # SQLite (FTS5) in a temp folder
    .venv/bin/python bench/search.py --database-url postgresql://user:pw@host/scratch_db
    (or SEARCH_BENCH_DATABASE_URL=postgresql://...)

PostgreSQL: the named database's `public` schema is DROPPED and rebuilt by the migrations;
give it a scratch database only. The content is written through the operations
(`create_article`, `create_document`), so the index is filled by the same session hooks as in
production. Then each query of a realistic set (with and without diacritics, 1-3 words,
filters, page 2) runs `--repeat` times through `app.search.queries.run` (the page's ranked
ids, its total count and its items loaded), and then again with the highlighting and snippets
the page shows. Prints a table of milliseconds per query: p50 and p99 by query and overall.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from werkzeug.datastructures import MultiDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchlib import percentile, wait_quiet  # noqa: E402

from app import create_app  # noqa: E402

TOPICS = [
    "tư tưởng Hồ Chí Minh", "chuyển đổi số", "xây dựng nông thôn mới", "cải cách hành chính",
    "an toàn giao thông", "phòng chống dịch bệnh", "đại hội Đảng bộ", "học tập và làm theo",
    "công tác tuyên giáo", "bảo vệ chủ quyền biển đảo", "phát triển kinh tế", "giảm nghèo bền vững",
    "giáo dục đào tạo", "y tế cơ sở", "văn hóa truyền thống", "thi đua yêu nước",
    "phòng chống thiên tai", "xây dựng Đảng", "dân vận khéo", "an ninh trật tự",
    "bảo hiểm xã hội", "đổi mới sáng tạo", "du lịch cộng đồng", "môi trường xanh",
    "công tác cán bộ", "phòng chống tham nhũng", "khuyến học khuyến tài", "đền ơn đáp nghĩa",
]  # fmt: skip
PLACES = [
    "tỉnh Quảng Trị", "huyện Hải Lăng", "xã Triệu Phong", "thành phố Đông Hà", "thị xã Quảng Trị",
    "huyện Vĩnh Linh", "huyện Gio Linh", "huyện Cam Lộ", "huyện Đakrông", "huyện Hướng Hóa",
]  # fmt: skip
OPENINGS = [
    "Hội nghị triển khai", "Tổng kết công tác", "Sơ kết 6 tháng", "Ra quân hưởng ứng",
    "Tập huấn nghiệp vụ", "Tọa đàm về", "Hội thi tìm hiểu", "Lễ phát động", "Kiểm tra, giám sát",
    "Đẩy mạnh", "Nâng cao hiệu quả", "Tăng cường",
]  # fmt: skip
SENTENCES = [
    "Sáng nay, {place} tổ chức {opening} {topic} năm {year}.",
    "Tham dự có đại diện lãnh đạo các sở, ban, ngành và đông đảo cán bộ, đảng viên.",
    "Phát biểu tại buổi lễ, đồng chí Bí thư nhấn mạnh vai trò của {topic} trong giai đoạn mới.",
    "Trong năm qua, {place} đã đạt được nhiều kết quả quan trọng về {topic}.",
    "Bên cạnh đó, vẫn còn những hạn chế cần khắc phục trong thời gian tới.",
    "Hội nghị đã thảo luận, đề xuất nhiều giải pháp thiết thực, phù hợp với tình hình địa phương.",
    "Dịp này, nhiều tập thể và cá nhân có thành tích xuất sắc được khen thưởng.",
    "Người dân phấn khởi, tin tưởng vào sự lãnh đạo của cấp ủy, chính quyền.",
    "Các đại biểu thống nhất cao với phương hướng, nhiệm vụ trọng tâm năm {year}.",
    "Ủy ban nhân dân {place} yêu cầu các đơn vị khẩn trương triển khai kế hoạch.",
]  # fmt: skip
CATEGORIES = ["Tin tức sự kiện", "Hoạt động tuyên giáo", "Kinh tế - Xã hội", "Văn hóa - Thể thao",
              "Quốc phòng - An ninh", "Giáo dục", "Y tế", "Gương người tốt việc tốt"]  # fmt: skip
QUERIES = [
    ("tu tuong", {}),
    ("tư tưởng", {}),
    ("Hồ Chí Minh", {}),
    ("chuyen doi so", {}),
    ("xây dựng nông thôn mới", {}),
    ("nong thon", {}),
    ("dai hoi dang bo", {}),
    ("an toàn giao thông", {}),
    ("huong hoa", {}),
    ("khen thuong", {}),
    ("cán bộ", {}),
    ("du lich cong dong", {}),
    ("tham nhung", {}),
    ("ke hoach", {}),  # in most documents and many articles
    ("tu tuong", {"trang": "2"}),
    ("tu tuong", {"loai": "bai-viet"}),
    ("quyet dinh", {"loai": "van-ban"}),
    ("chuyen doi so", {"chuyen-muc": "giao-duc"}),
    ("thi dua", {"tu-ngay": "01/01/2024", "den-ngay": "30/06/2024"}),
    ("quang tri thi dua yeu nuoc", {}),
    ("khong co tu nay", {}),
]


def _paragraphs(rng: random.Random, topic: str, place: str, opening: str, year: int) -> str:
    parts = []
    for _ in range(rng.randint(4, 9)):
        sentences = rng.sample(SENTENCES, rng.randint(2, 4))
        other = rng.choice(TOPICS) if rng.random() < 0.5 else topic
        parts.append(" ".join(s.format(place=rng.choice(PLACES + [place]), opening=opening,
                                       topic=other, year=year) for s in sentences))  # fmt: skip
    return "".join(f"<p>{p}</p>" for p in parts)


def generate(app, articles: int, documents: int, seed: int = 11) -> None:
    from app.documents.operations import (
        create_document,
        get_or_create_issuer,
        get_or_create_type,
    )
    from app.extensions import db
    from app.news.models import ArticleStatus
    from app.news.operations import create_article, create_category

    rng = random.Random(seed)
    start = datetime(2023, 1, 1)
    with app.app_context():
        categories = [create_category(name, by=None) for name in CATEGORIES]
        for n in range(articles):
            topic, place, opening = rng.choice(TOPICS), rng.choice(PLACES), rng.choice(OPENINGS)
            when = start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
            status = ArticleStatus.PUBLISHED if rng.random() < 0.95 else ArticleStatus.DRAFT
            create_article(
                title=f"{opening} {topic} tại {place} ({n + 1})",
                category=rng.choice(categories),
                lead=f"{place.capitalize()} vừa tổ chức {opening.lower()} {topic}.",
                body=_paragraphs(rng, topic, place, opening, when.year),
                status=status,
                published_at=when,
                commit=False,
            )
            if n % 500 == 499:
                db.session.commit()
                print(f"  {n + 1} articles", end="\r", file=sys.stderr)
        db.session.commit()
        types = [get_or_create_type(name) for name in ("Quyết định", "Kế hoạch", "Hướng dẫn")]
        issuers = [get_or_create_issuer(name) for name in ("Ban Tuyên giáo Tỉnh ủy",
                                                            "UBND tỉnh Quảng Trị")]  # fmt: skip
        for n in range(documents):
            kind, topic = rng.choice(types), rng.choice(TOPICS)
            create_document(
                code=f"{n + 1}-{kind.slug[:2].upper()}/BENCH",
                title=f"{kind.name} về {topic}",
                summary=f"{kind.name} về việc thực hiện {topic} tại {rng.choice(PLACES)}.",
                type=kind,
                issuer=rng.choice(issuers),
                issued_on=date(2023, 1, 1) + timedelta(days=rng.randint(0, 1000)),
                commit=False,
            )
        db.session.commit()


def measure(app, repeat: int) -> tuple[dict[str, list[float]], dict[str, list[float]], dict]:
    """Milliseconds per query, the query alone and with the page's highlighting, by query.
    Round robin (each round runs every query once), so a burst of other load on the machine
    spreads over all the queries instead of landing on one."""
    from app.search import queries

    plain: dict[str, list[float]] = {}
    page: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    with app.test_request_context("/tim-kiem"):
        for _ in range(repeat):
            for q, extra in QUERIES:
                label = q + "".join(f" {k}={v}" for k, v in extra.items())
                t0 = time.perf_counter()
                search = queries.parse(MultiDict({"q": q, **extra}))
                results = queries.run(search, int(extra.get("trang", 1)))
                t1 = time.perf_counter()
                matcher = search.matcher
                for hit in results.items:
                    matcher.highlight(hit.title)
                    matcher.snippet(hit.text)
                t2 = time.perf_counter()
                plain.setdefault(label, []).append((t1 - t0) * 1000)
                page.setdefault(label, []).append((t2 - t0) * 1000)
                totals[label] = results.total
    return plain, page, totals


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return percentile(ordered, p)


def report(name: str, plain: dict, page: dict, totals: dict) -> None:
    print(f"\n{name}: milliseconds per query (query = ranked page + count + items; "
          f"page = the same + highlights and snippets)")  # fmt: skip
    print(f"{'query':<48} {'hits':>6} {'q p50':>7} {'q p99':>7} {'page p50':>9} {'page p99':>9}")
    for label, times in plain.items():
        print(f"{label[:48]:<48} {totals[label]:>6} {pct(times, 50):>7.2f} {pct(times, 99):>7.2f} "
              f"{pct(page[label], 50):>9.2f} {pct(page[label], 99):>9.2f}")  # fmt: skip
    every = [t for times in plain.values() for t in times]
    every_page = [t for times in page.values() for t in times]
    print(f"{'ALL':<48} {'':>6} {pct(every, 50):>7.2f} {pct(every, 99):>7.2f} "
          f"{pct(every_page, 50):>9.2f} {pct(every_page, 99):>9.2f}")  # fmt: skip
    mean, mean_page = statistics.fmean(every), statistics.fmean(every_page)
    print(f"mean of all queries: {mean:.2f} ms (page {mean_page:.2f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SEARCH_BENCH_DATABASE_URL"))
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--documents", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=30)
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
    url = options.database_url or f"sqlite:///{folder / 'portal.db'}"
    if url.startswith("postgresql"):
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"INSTANCE_PATH": str(folder), "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "STATS_BACKGROUND": False})  # fmt: skip
    from flask_migrate import upgrade

    from app.extensions import db

    with app.app_context():
        upgrade()
        dialect = db.engine.dialect.name
    t0 = time.perf_counter()
    generate(app, options.articles, options.documents)
    took = time.perf_counter() - t0
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(text("search_index")))
        if dialect == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    print(f"{dialect}: {options.articles} articles + {options.documents} documents written "
          f"through the operations in {took:.0f} s ({count} index rows)")  # fmt: skip
    # As a site after an import: `flask search reindex` rebuilds the index and, on SQLite,
    # gives the planner the statistics of the lookup indexes.
    t0 = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    print(f"{result.output.strip()} ({time.perf_counter() - t0:.1f} s)")
    measure(app, 3)  # warm caches
    others = wait_quiet(max_wait=120)
    plain, page, totals = measure(app, options.repeat)
    load = os.getloadavg()[0]
    report(dialect, plain, page, totals)
    print(f"other processes used {others:.0f} % of the machine before the run; "
          f"load average after it {load:.2f} ({os.cpu_count()} CPUs)")  # fmt: skip


if __name__ == "__main__":
    main()
