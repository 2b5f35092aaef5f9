"""Documents library tests: the constants, file builders and page readers the
test_documents_pages_*.py modules share. Not a test module.
"""

from __future__ import annotations

import html as htmllib
import itertools
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from document_factory import MadeDocument

from app.documents.models import Document
from app.extensions import db
from app.stats.durability import flush_all

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)
BTG = "Ban Tuyên giáo Tỉnh ủy"
UBND = "UBND tỉnh An Hòa"
HANH = ("Đoàn Thị Mỹ Hạnh", "Phó Trưởng ban")
VINH = ("Trần Quang Vịnh", "Trưởng ban")
NOT_FOUND = "Không tìm thấy trang"
BAD_REQUEST = "Yêu cầu không hợp lệ"
_addresses = (f"203.0.113.{n}" for n in itertools.cycle(range(10, 250)))


def current_app_of(make_contextless_app):
    """The app a factory writes through: the newest built, else a default one."""
    return make_contextless_app.built[-1] if make_contextless_app.built else make_contextless_app()


def visitor(app, ip: str | None = None, user_agent: str = BROWSER):
    """A separate reader: own cookie jar, own address, a desktop browser."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip or next(_addresses),
                                "HTTP_USER_AGENT": user_agent})  # fmt: skip
    return client


def local_today() -> date:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def listed(page: str) -> list[str]:
    """Codes in the list page's table, in order."""
    body = page.split('<table class="doc-table">', 1)[1].split("</table>", 1)[0]
    codes = re.findall(r'<td><a href="/van-ban/[^"]+">([^<]+)</a></td>', body)
    return [htmllib.unescape(c) for c in codes]


def found(page: str) -> int:
    match = re.search(r"Tìm thấy (\d+) văn bản", page)
    assert match, "no result count on the list page"
    return int(match.group(1))


def text_of(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def info_table(page: str) -> dict[str, str]:
    table = re.search(r'<table class="doc-info">(.*?)</table>', page, re.S)
    assert table, "no information table on the document page"
    rows = re.findall(r'<th scope="row">(.*?)</th><td[^>]*>(.*?)</td>', table.group(1), re.S)
    return {text_of(th): text_of(td) for th, td in rows}


def live_numbers(page: str, item: str) -> list[int]:
    """Every number the page shows for a live counter (`document:7`…), wherever it is."""
    values = re.findall(rf'data-live-item="{re.escape(item)}">([\d,]+)<', page)
    return [int(v.replace(",", "")) for v in values]


def shown(page: str, item: str) -> int:
    """The one value the page shows for `item`: every place must agree."""
    values = live_numbers(page, item)
    assert values, f"{item} is not on the page"
    assert len(set(values)) == 1, f"{item} shown as {values} on one page"
    return values[0]


def sidebar_block(page: str) -> list[dict]:
    """The "Văn bản mới" block's rows: code, badge, summary, counts line."""
    match = re.search(r'<section class="block block-documents">(.*?)</section>', page, re.S)
    if not match:
        return []
    block = match.group(1)
    assert "Văn bản mới" in block
    rows = []
    for item in re.findall(r"<li>(.*?)</li>", block, re.S):
        rows.append(
            {
                "code": text_of(re.search(r'class="doc-code"[^>]*>(.*?)</a>', item, re.S)[1]),
                "new": 'class="badge-new">Mới<' in item,
                "summary": text_of(re.search(r'class="doc-summary">(.*?)</p>', item, re.S)[1]),
                "counts": text_of(re.search(r'class="doc-counts[^"]*">(.*?)</p>', item, re.S)[1]),
            }
        )
    return rows


def api_stats(app) -> dict:
    """What /api/stats answers an onlooker (itself no page view)."""
    response = app.test_client().get("/api/stats", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return response.get_json()


def headline(app) -> tuple[int, int, int]:
    numbers = api_stats(app)
    return numbers["online"], numbers["today"], numbers["total"]


def stored_counts(app, made: MadeDocument) -> tuple[int, int]:
    with app.app_context():
        document = db.session.get(Document, made.id)
        return document.views, document.downloads


def flush(app) -> None:
    with app.app_context():
        flush_all(app.extensions["stats"])


def assert_error_page(response, statuses=(400, 404)) -> None:
    assert response.status_code in statuses, response.status_code
    page = response.text
    assert '<html lang="vi">' in page
    expected = {400: BAD_REQUEST, 404: NOT_FOUND}[response.status_code]
    assert expected in page
