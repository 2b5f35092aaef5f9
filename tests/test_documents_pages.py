"""What a reader sees in the documents library: the list with its filters and search, the
detail page, downloads and previews, the counters, and the "Văn bản mới" sidebar block.

No app context stays pushed while requests run (Flask would reuse it, and `g`, where a
request keeps its statistics, would leak from one request to the next); the background
statistics thread is off, so counters move only when a test moves them.
"""

from __future__ import annotations

import html as htmllib
import io
import itertools
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.demo.pdf import document_pdf
from app.documents.models import Document, DocumentFile, Field
from app.documents.operations import (
    attach_file,
    create_document,
    get_or_create_field,
    get_or_create_issuer,
    get_or_create_signer,
    get_or_create_type,
)
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


def pdf_bytes(text: str = "Văn bản") -> bytes:
    return b"%PDF-1.4\n" + text.encode() + b"\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


# --- fixtures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    """What a test needs of a document once its app context is gone."""

    id: int
    code: str
    slug: str
    title: str
    summary: str
    signer_id: int | None
    files: tuple[int, ...]

    @property
    def url(self) -> str:
        return f"/van-ban/{self.slug}"


@pytest.fixture
def app(make_contextless_app):
    return make_contextless_app.built[0] if make_contextless_app.built else make_contextless_app()


def current_app_of(make_contextless_app):
    """The app a factory writes through: the newest built, else a default one."""
    return make_contextless_app.built[-1] if make_contextless_app.built else make_contextless_app()


def visitor(app, ip: str | None = None, user_agent: str = BROWSER):
    """A separate reader: own cookie jar, own address, a desktop browser."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip or next(_addresses),
                                "HTTP_USER_AGENT": user_agent})  # fmt: skip
    return client


@pytest.fixture
def client(app):
    return visitor(app)


def local_today() -> date:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


@pytest.fixture
def make_field(make_contextless_app):
    def factory(name: str, slug: str, parent: str | None = None) -> str:
        with current_app_of(make_contextless_app).app_context():
            up = db.session.scalar(select(Field).where(Field.slug == parent)) if parent else None
            get_or_create_field(name, slug, up)
            db.session.commit()
        return slug

    return factory


@pytest.fixture
def make_document(make_contextless_app):
    """Create a document in the newest app's database; `files` are (bytes, name) pairs."""
    counter = itertools.count(1)

    def factory(
        code: str | None = None,
        *,
        title: str | None = None,
        summary: str | None = None,
        type: str = "Hướng dẫn",
        issuer: str = BTG,
        signer: tuple[str, str] | None = HANH,
        fields: tuple[str, ...] | list[str] = (),
        issued_on: date | None = None,
        files: list[tuple[bytes, str]] | None = None,
        **values,
    ) -> Made:
        n = next(counter)
        with current_app_of(make_contextless_app).app_context():
            document = create_document(
                code=code or f"{n}-HD/TEST",
                title=title or f"Văn bản thử nghiệm số {n}",
                summary=f"Trích yếu của văn bản thử nghiệm số {n}." if summary is None else summary,
                type=get_or_create_type(type),
                issuer=get_or_create_issuer(issuer),
                signer=get_or_create_signer(*signer) if signer else None,
                issued_on=issued_on or date(2024, 1, 1) + timedelta(days=n),
                fields=[db.session.scalar(select(Field).where(Field.slug == s)) for s in fields],
                **values,
            )
            attached = [attach_file(document, io.BytesIO(data), name) for data, name in files or []]
            return Made(document.id, document.code, document.slug, document.title,
                        document.summary, document.signer_id,
                        tuple(f.id for f in attached))  # fmt: skip

    return factory


# --- reading pages -------------------------------------------------------------------------------


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


def stored_counts(app, made: Made) -> tuple[int, int]:
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


# --- the list: filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Library:
    guide: Made  # 118-HD/BTGTU
    dispatch: Made  # 1383-CV/BTGTU, expired
    decision: Made  # 45/QĐ-UBND
    pending: Made  # 2356/UBND-VX, not in force yet
    hidden: Made  # unpublished
    hanh: int
    vinh: int


@pytest.fixture
def library(make_document, make_field) -> Library:
    today = local_today()
    make_field("Thông tin và Truyền thông", "thong-tin-truyen-thong")
    make_field("An toàn thông tin", "an-toan-thong-tin", parent="thong-tin-truyen-thong")
    make_field("Giáo dục - Đào tạo", "giao-duc-dao-tao")
    guide = make_document(
        "118-HD/BTGTU",
        title="Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn",
        summary="Hướng dẫn nội dung, hình thức tuyên truyền kỷ niệm các ngày lễ lớn trong quý.",
        type="Hướng dẫn", issuer=BTG, signer=HANH, fields=["an-toan-thong-tin"],
        issued_on=date(2024, 3, 15),
    )  # fmt: skip
    dispatch = make_document(
        "1383-CV/BTGTU",
        title="Về việc tăng cường định hướng thông tin trên mạng xã hội",
        summary="Đề nghị các cơ quan chủ động cung cấp thông tin chính thống.",
        type="Công văn", issuer=BTG, signer=VINH, fields=["thong-tin-truyen-thong"],
        issued_on=date(2024, 6, 20), expires_on=today - timedelta(days=10),
    )  # fmt: skip
    decision = make_document(
        "45/QĐ-UBND",
        title="Quyết định phê duyệt kế hoạch thời gian năm học",
        summary="Phê duyệt kế hoạch thời gian năm học của giáo dục mầm non, phổ thông.",
        type="Quyết định", issuer=UBND, signer=VINH, fields=["giao-duc-dao-tao"],
        issued_on=date(2023, 11, 2),
    )  # fmt: skip
    pending = make_document(
        "2356/UBND-VX",
        title="Về việc triển khai công tác chuẩn bị Tết",
        summary="Triển khai các nhiệm vụ chuẩn bị đón Tết Nguyên đán.",
        type="Công văn", issuer=UBND, signer=HANH,
        issued_on=date(2024, 1, 10), in_force_on=today + timedelta(days=30),
    )  # fmt: skip
    hidden = make_document(
        "99-CV/BTGTU",
        title="Công văn nội bộ chưa công bố",
        summary="Hướng dẫn nội bộ, chưa công bố.",
        type="Công văn", issuer=BTG, signer=VINH, fields=["an-toan-thong-tin"],
        issued_on=date(2024, 5, 5), published=False,
    )  # fmt: skip
    return Library(guide, dispatch, decision, pending, hidden, guide.signer_id, dispatch.signer_id)


ALL_PUBLISHED = ["1383-CV/BTGTU", "118-HD/BTGTU", "2356/UBND-VX", "45/QĐ-UBND"]


def test_list_shows_published_documents_newest_issue_first(library, client):
    response = client.get("/van-ban/")

    assert response.status_code == 200
    assert listed(response.text) == ALL_PUBLISHED
    assert found(response.text) == 4
    assert "99-CV/BTGTU" not in response.text


def test_list_shows_issue_date_and_status_of_each_row(library, client):
    page = client.get("/van-ban/").text
    rows = {
        text_of(re.search(r"<td>(.*?)</td>", row, re.S)[1]): text_of(row)
        for row in re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>", 1)[1], re.S)
    }

    assert "20/06/2024" in rows["1383-CV/BTGTU"]
    assert rows["1383-CV/BTGTU"].endswith("Hết hiệu lực")
    assert rows["2356/UBND-VX"].endswith("Chưa có hiệu lực")
    assert rows["118-HD/BTGTU"].endswith("Còn hiệu lực")
    assert "Quyết định · UBND tỉnh An Hòa" in rows["45/QĐ-UBND"]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("loai=cong-van", ["1383-CV/BTGTU", "2356/UBND-VX"]),
        ("loai=huong-dan", ["118-HD/BTGTU"]),
        ("co-quan=ubnd-tinh-an-hoa", ["2356/UBND-VX", "45/QĐ-UBND"]),
        ("co-quan=ban-tuyen-giao-tinh-uy", ["1383-CV/BTGTU", "118-HD/BTGTU"]),
        ("nguoi-ky={hanh}", ["118-HD/BTGTU", "2356/UBND-VX"]),
        ("nguoi-ky={vinh}", ["1383-CV/BTGTU", "45/QĐ-UBND"]),
        # A parent field includes its children's documents.
        ("linh-vuc=thong-tin-truyen-thong", ["1383-CV/BTGTU", "118-HD/BTGTU"]),
        ("linh-vuc=an-toan-thong-tin", ["118-HD/BTGTU"]),
        ("linh-vuc=giao-duc-dao-tao", ["45/QĐ-UBND"]),
        ("nam=2023", ["45/QĐ-UBND"]),
        ("nam=2024", ["1383-CV/BTGTU", "118-HD/BTGTU", "2356/UBND-VX"]),
        ("nam=2022", []),
        ("tu-ngay=01/01/2024&den-ngay=31/03/2024", ["118-HD/BTGTU", "2356/UBND-VX"]),
        ("tu-ngay=15/03/2024", ["1383-CV/BTGTU", "118-HD/BTGTU"]),  # bounds are inclusive
        ("den-ngay=15/03/2024", ["118-HD/BTGTU", "2356/UBND-VX", "45/QĐ-UBND"]),
        ("tu-ngay=15/03/2024&den-ngay=15/03/2024", ["118-HD/BTGTU"]),
        ("hieu-luc=con-hieu-luc", ["118-HD/BTGTU", "45/QĐ-UBND"]),
        ("hieu-luc=het-hieu-luc", ["1383-CV/BTGTU"]),
    ],
)
def test_each_filter_alone(library, client, query, codes):
    url = "/van-ban/?" + query.format(hanh=library.hanh, vinh=library.vinh)

    response = client.get(url)

    assert response.status_code == 200
    assert listed(response.text) == codes
    assert found(response.text) == len(codes)


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("loai=cong-van&co-quan=ban-tuyen-giao-tinh-uy", ["1383-CV/BTGTU"]),
        ("loai=cong-van&hieu-luc=con-hieu-luc", []),
        ("co-quan=ubnd-tinh-an-hoa&nam=2024", ["2356/UBND-VX"]),
        ("linh-vuc=thong-tin-truyen-thong&nguoi-ky={hanh}", ["118-HD/BTGTU"]),
        ("nguoi-ky={vinh}&hieu-luc=het-hieu-luc&nam=2024", ["1383-CV/BTGTU"]),
        ("q=tuyen+truyen&loai=huong-dan&hieu-luc=con-hieu-luc&tu-ngay=01/03/2024"
         "&den-ngay=31/03/2024&linh-vuc=an-toan-thong-tin", ["118-HD/BTGTU"]),
        ("q=huong+dan&co-quan=ubnd-tinh-an-hoa", []),
    ],
)  # fmt: skip
def test_filters_combined(library, client, query, codes):
    response = client.get("/van-ban/?" + query.format(hanh=library.hanh, vinh=library.vinh))

    assert response.status_code == 200
    assert listed(response.text) == codes
    if not codes:
        assert "Không có văn bản nào phù hợp." in response.text


def input_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return htmllib.unescape(value.group(1)) if value else None


def selected(page: str, name: str) -> list[str]:
    select_ = re.search(rf'<select name="{re.escape(name)}">(.*?)</select>', page, re.S)
    assert select_, f"no {name} select"
    return re.findall(r'<option value="([^"]*)"\s+selected\s*>', select_.group(1))


def options(page: str, name: str) -> dict[str, str]:
    select_ = re.search(rf'<select name="{re.escape(name)}">(.*?)</select>', page, re.S)
    assert select_, f"no {name} select"
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select_.group(1))
    return {value: htmllib.unescape(label) for value, label in found}


def test_filtered_url_opens_with_the_filters_filled_in(library, client):
    page = client.get(
        f"/van-ban/?q=tet&loai=cong-van&co-quan=ubnd-tinh-an-hoa&nguoi-ky={library.hanh}"
        "&linh-vuc=thong-tin-truyen-thong&nam=2024&tu-ngay=01/01/2024&den-ngay=31/01/2024"
        "&hieu-luc=con-hieu-luc"
    ).text

    assert input_value(page, "q") == "tet"
    assert selected(page, "loai") == ["cong-van"]
    assert selected(page, "co-quan") == ["ubnd-tinh-an-hoa"]
    assert selected(page, "nguoi-ky") == [str(library.hanh)]
    assert selected(page, "linh-vuc") == ["thong-tin-truyen-thong"]
    assert input_value(page, "nam") == "2024"
    assert input_value(page, "tu-ngay") == "01/01/2024"
    assert input_value(page, "den-ngay") == "31/01/2024"
    assert selected(page, "hieu-luc") == ["con-hieu-luc"]
    assert "Bỏ lọc" in page


def test_list_without_filters_selects_nothing(library, client):
    page = client.get("/van-ban/").text

    for name in ("loai", "co-quan", "nguoi-ky", "linh-vuc", "hieu-luc"):
        assert selected(page, name) == [], name
    assert input_value(page, "q") == ""
    assert "Bỏ lọc" not in page


def test_filter_choices_offer_every_type_issuer_signer_and_field(library, client):
    page = client.get("/van-ban/").text

    assert options(page, "loai") == {
        "": "Tất cả",
        "huong-dan": "Hướng dẫn",
        "cong-van": "Công văn",
        "quyet-dinh": "Quyết định",
    }
    assert options(page, "co-quan") == {
        "": "Tất cả",
        "ban-tuyen-giao-tinh-uy": BTG,
        "ubnd-tinh-an-hoa": UBND,
    }
    assert options(page, "nguoi-ky") == {
        "": "Tất cả",
        str(library.hanh): HANH[0],
        str(library.vinh): VINH[0],
    }
    # Child fields are marked as such.
    assert options(page, "linh-vuc") == {
        "": "Tất cả",
        "an-toan-thong-tin": "— An toàn thông tin",
        "giao-duc-dao-tao": "Giáo dục - Đào tạo",
        "thong-tin-truyen-thong": "Thông tin và Truyền thông",
    }
    assert options(page, "hieu-luc") == {"": "Tất cả", "con-hieu-luc": "Còn hiệu lực",
                                         "het-hieu-luc": "Hết hiệu lực"}  # fmt: skip


# --- the list: search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "codes"),
    [
        ("huong dan", ["118-HD/BTGTU"]),
        ("Hướng dẫn", ["118-HD/BTGTU"]),
        ("HƯỚNG DẪN", ["118-HD/BTGTU"]),
        ("hUoNg   DaN", ["118-HD/BTGTU"]),
        ("118-hd", ["118-HD/BTGTU"]),
        ("118-HD/BTGTU", ["118-HD/BTGTU"]),
        ("btgtu", ["1383-CV/BTGTU", "118-HD/BTGTU"]),
        ("qd-ubnd", ["45/QĐ-UBND"]),
        ("QĐ-UBND", ["45/QĐ-UBND"]),
        ("tết nguyên đán", ["2356/UBND-VX"]),  # in the summary only
        ("tet nguyen dan", ["2356/UBND-VX"]),
        ("huong dan 1383", []),  # every word must match
        ("noi bo chua cong bo", []),  # unpublished
        ("%", []),  # LIKE wildcards are plain characters
        ("_", []),
    ],
)
def test_search_ignores_diacritics_and_case(library, client, q, codes):
    response = client.get("/van-ban/", query_string={"q": q})

    assert response.status_code == 200
    assert listed(response.text) == codes


def test_search_query_is_shown_escaped(library, client):
    response = client.get("/van-ban/", query_string={"q": '<script>alert("x")</script>'})

    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(" in response.text


def test_query_of_two_hundred_characters_is_accepted(library, client):
    response = client.get("/van-ban/", query_string={"q": "a" * 200})

    assert response.status_code == 200
    assert listed(response.text) == []


# --- the list: pagination ------------------------------------------------------------------------


def next_link(page: str) -> str | None:
    match = re.search(r'rel="next" href="([^"]+)"', page)
    return htmllib.unescape(match.group(1)) if match else None


def test_list_pages_through_fifteen_at_a_time(make_document, client):
    made = [make_document(f"{n}/TB-UBND", issued_on=date(2024, 1, n)) for n in range(1, 18)]
    newest_first = [m.code for m in reversed(made)]

    first = client.get("/van-ban/")
    second = client.get("/van-ban/?page=2")

    assert listed(first.text) == newest_first[:15]
    assert found(first.text) == 17
    assert next_link(first.text) == "/van-ban/?page=2"
    assert listed(second.text) == newest_first[15:]
    assert 'rel="prev" href="/van-ban/?page=1"' in second.text
    assert next_link(second.text) is None
    assert client.get("/van-ban/?page=3").status_code == 404


def test_pagination_links_keep_the_filters(make_contextless_app, make_document):
    app = make_contextless_app(DOCUMENTS_PER_PAGE=2)
    wanted = [
        make_document(f"{n}/UBND-VX", title=f"Công văn về chuyển đổi số đợt {n}", type="Công văn",
                      issuer=UBND, issued_on=date(2024, 2, n))
        for n in range(1, 6)
    ]  # fmt: skip
    make_document("7/UBND-VX", title="Công văn về chuyển đổi số khác", type="Công văn",
                  issuer=BTG, issued_on=date(2024, 2, 10))  # fmt: skip
    make_document("8-HD/UBND", title="Hướng dẫn chuyển đổi số", type="Hướng dẫn", issuer=UBND,
                  issued_on=date(2024, 2, 11))  # fmt: skip
    reader = visitor(app)
    filters = {"q": ["chuyen doi so"], "loai": ["cong-van"], "co-quan": ["ubnd-tinh-an-hoa"]}

    url, seen, pages = "/van-ban/?q=chuyen+doi+so&loai=cong-van&co-quan=ubnd-tinh-an-hoa", [], 0
    while url:
        response = reader.get(url)
        assert response.status_code == 200, url
        seen += listed(response.text)
        pages += 1
        url = next_link(response.text)
        if url:
            query = parse_qs(urlsplit(url).query)
            assert {k: v for k, v in query.items() if k != "page"} == filters
            assert query["page"] == [str(pages + 1)]

    assert pages == 3
    assert seen == [m.code for m in reversed(wanted)]


# --- the list: bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "loai=khong-ton-tai",
        "co-quan=bo-chinh-tri",
        "linh-vuc=khong-co",
        "nguoi-ky=abc",
        "nguoi-ky=999999",
        "nguoi-ky=-1",
        "nguoi-ky=12345678901234567890",
        "nam=abcd",
        "nam=1800",
        "nam=2101",
        "nam=99999999999999999999",
        "tu-ngay=31/02/2024",
        "tu-ngay=2024/01/01",
        "tu-ngay=hom-nay",
        "den-ngay=01-01-2024",
        "den-ngay=01/01/99999",
        "tu-ngay=01/02/2024&den-ngay=01/01/2024",
        "hieu-luc=chua-co-hieu-luc",
        "hieu-luc=tat-ca",
        "q=" + "a" * 201,
        "page=abc",
        "page=-1",
        "page=1.5",
        "page=9999999999",
    ],
)
def test_bad_filter_input_is_a_vietnamese_400_page(library, client, query):
    assert_error_page(client.get("/van-ban/?" + query), statuses=(400,))


@pytest.mark.parametrize("query", ["page=0", "page=9999", "page=2"])
def test_page_out_of_range_is_a_vietnamese_404_page(library, client, query):
    assert_error_page(client.get("/van-ban/?" + query), statuses=(404,))


@pytest.mark.parametrize("query", ["page=²", "nam=²⁰²⁴", "nguoi-ky=¹", "page=¹&loai=cong-van"])
def test_unicode_digits_are_refused_not_a_server_error(library, client, query):
    """`'²'.isdigit()` is True but `int('²')` raises: such input must not become a 500."""
    assert_error_page(client.get("/van-ban/?" + query))


def test_odd_query_text_never_breaks_the_list(library, client):
    for q in ["\x00", "'; DROP TABLE documents; --", "\\", "%%%%", "🙂", "đ" * 200]:
        response = client.get("/van-ban/", query_string={"q": q})
        assert response.status_code in (200, 400), (q, response.status_code)
        assert '<html lang="vi">' in response.text


def test_unknown_parameters_are_ignored(library, client):
    response = client.get("/van-ban/?utm_source=zalo&fbclid=abc")

    assert response.status_code == 200
    assert listed(response.text) == ALL_PUBLISHED


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tu-ngay=31/02/2024", "ví dụ 05/09/2024"),
        ("tu-ngay=01/02/2024&den-ngay=01/01/2024", "“Từ ngày” phải trước “Đến ngày”"),
        ("q=" + "a" * 201, "dài quá 200 ký tự"),
        ("loai=khong-ton-tai", "Không có thể loại “khong-ton-tai”"),
    ],
)
def test_bad_filter_page_says_what_is_wrong(library, client, query, message):
    """The filters name the problem for the reader (filters.InvalidFilter's message)."""
    response = client.get("/van-ban/?" + query)

    assert response.status_code == 400
    assert message in htmllib.unescape(response.text)


# --- the detail page ------------------------------------------------------------------------------


def test_detail_page_shows_every_field(make_field, make_document, client):
    make_field("An toàn thông tin", "an-toan-thong-tin")
    made = make_document(
        "118-HD/BTGTU",
        title="Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn",
        summary="Hướng dẫn nội dung, hình thức tuyên truyền các ngày lễ lớn trong quý.",
        type="Hướng dẫn", issuer=BTG, signer=HANH, fields=["an-toan-thong-tin"],
        issued_on=date(2024, 3, 15), in_force_on=date(2024, 3, 20), expires_on=date(2099, 12, 31),
        files=[(pdf_bytes(), "Hướng dẫn số 118.pdf"), (docx_bytes(), "Phụ lục.docx")],
    )  # fmt: skip

    response = client.get("/van-ban/118-hd-btgtu")

    assert response.status_code == 200
    page = response.text
    assert '<h1 class="page-title">Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn</h1>' in page
    assert info_table(page) == {
        "Số ký hiệu": "118-HD/BTGTU",
        "Trích yếu": "Hướng dẫn nội dung, hình thức tuyên truyền các ngày lễ lớn trong quý.",
        "Thể loại": "Hướng dẫn",
        "Cơ quan ban hành": "Ban Tuyên giáo Tỉnh ủy",
        "Người ký": "Đoàn Thị Mỹ Hạnh (Phó Trưởng ban)",
        "Lĩnh vực": "An toàn thông tin",
        "Ngày ban hành": "15/03/2024",
        "Ngày có hiệu lực": "20/03/2024",
        "Ngày hết hiệu lực": "31/12/2099",
        "Tình trạng": "Còn hiệu lực",
        "Lượt xem / tải": "lượt xem: 1 | lượt tải: 0",
    }
    pdf_id, docx_id = made.files
    assert f'<a href="/van-ban/tep/{pdf_id}" download>Hướng dẫn số 118.pdf</a>' in page
    assert f'<a href="/van-ban/tep/{docx_id}" download>Phụ lục.docx</a>' in page
    assert f'data-pdf="/van-ban/tep/{pdf_id}/xem"' in page
    assert f'data-pdf="/van-ban/tep/{docx_id}/xem"' not in page


@pytest.mark.parametrize(
    ("in_force_days", "expires_days", "status", "in_force_text", "expires_text"),
    [
        (None, None, "Còn hiệu lực", "Kể từ ngày ban hành", "Không xác định"),
        (None, -1, "Hết hiệu lực", "Kể từ ngày ban hành", "{expires}"),
        (None, 0, "Hết hiệu lực", "Kể từ ngày ban hành", "{expires}"),
        (None, 1, "Còn hiệu lực", "Kể từ ngày ban hành", "{expires}"),
        (3, None, "Chưa có hiệu lực", "{in_force}", "Không xác định"),
        (0, None, "Còn hiệu lực", "{in_force}", "Không xác định"),
    ],
)
def test_detail_page_status_is_relative_to_today(
    make_document, client, in_force_days, expires_days, status, in_force_text, expires_text
):
    today = local_today()
    in_force = today + timedelta(days=in_force_days) if in_force_days is not None else None
    expires = today + timedelta(days=expires_days) if expires_days is not None else None
    made = make_document(issued_on=today - timedelta(days=30), in_force_on=in_force,
                         expires_on=expires)  # fmt: skip

    info = info_table(client.get(made.url).text)

    assert info["Tình trạng"] == status
    dates = {"in_force": f"{in_force:%d/%m/%Y}" if in_force else "",
             "expires": f"{expires:%d/%m/%Y}" if expires else ""}  # fmt: skip
    assert info["Ngày có hiệu lực"] == in_force_text.format(**dates)
    assert info["Ngày hết hiệu lực"] == expires_text.format(**dates)


def test_document_without_signer_or_fields_omits_those_rows(make_document, client):
    made = make_document(signer=None)

    info = info_table(client.get(made.url).text)

    assert "Người ký" not in info
    assert "Lĩnh vực" not in info
    assert info["Số ký hiệu"] == made.code


def test_unpublished_document_is_nowhere_to_be_seen(make_document, client):
    hidden = make_document("99-CV/BTGTU", title="Công văn mật", published=False,
                           issued_on=local_today(), files=[(pdf_bytes(), "Mật.pdf")])  # fmt: skip
    make_document("1-CV/TEST", issued_on=local_today() - timedelta(days=1))
    (file_id,) = hidden.files

    assert_error_page(client.get(hidden.url), statuses=(404,))
    assert_error_page(client.get(f"/van-ban/tep/{file_id}", buffered=True), statuses=(404,))
    assert_error_page(client.get(f"/van-ban/tep/{file_id}/xem", buffered=True), statuses=(404,))
    assert "99-CV/BTGTU" not in client.get("/van-ban/").text
    assert listed(client.get("/van-ban/?q=cong+van+mat").text) == []
    assert [r["code"] for r in sidebar_block(client.get("/").text)] == ["1-CV/TEST"]


def test_unknown_document_is_a_vietnamese_404(client):
    assert_error_page(client.get("/van-ban/khong-co-van-ban-nay"), statuses=(404,))


# --- counting views -----------------------------------------------------------------------------


def test_document_views_count_once_per_visitor_per_visit(app, make_document):
    made = make_document(issued_on=local_today())
    item = f"document:{made.id}"
    first, second = visitor(app), visitor(app)

    assert shown(first.get(made.url).text, item) == 1
    assert shown(first.get(made.url).text, item) == 1  # same reader, same visit
    assert shown(second.get(made.url).text, item) == 2
    assert shown(first.get("/").text, item) == 2  # the sidebar says the same

    flush(app)

    assert stored_counts(app, made)[0] == 2
    assert shown(first.get(made.url).text, item) == 2  # SQL now, nothing pending
    assert shown(second.get(made.url).text, item) == 2
    assert shown(visitor(app).get(made.url).text, item) == 3
    flush(app)
    assert stored_counts(app, made)[0] == 3


def test_each_document_counts_its_own_views(app, make_document):
    one, two = make_document(issued_on=local_today()), make_document(issued_on=local_today())
    reader = visitor(app)

    reader.get(one.url)
    page = reader.get(two.url).text

    assert shown(page, f"document:{two.id}") == 1
    assert shown(page, f"document:{one.id}") == 1


def test_document_views_do_not_count_bots(app, make_document):
    made = make_document(issued_on=local_today())
    visitor(app, user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)").get(made.url)

    assert shown(visitor(app).get(made.url).text, f"document:{made.id}") == 1


def test_a_new_visit_counts_the_document_again(make_contextless_app, make_document):
    """With a one-second visit timeout, in real time, as production measures it."""
    app = make_contextless_app(VISIT_TIMEOUT_SECONDS=1)
    made = make_document(issued_on=local_today())
    item = f"document:{made.id}"
    reader = visitor(app)

    assert shown(reader.get(made.url).text, item) == 1
    for _ in range(3):  # a view every 0.5 s: the visit never lapses
        time.sleep(0.5)
        assert shown(reader.get(made.url).text, item) == 1
    time.sleep(1.3)

    assert shown(reader.get(made.url).text, item) == 2


def test_two_browsers_on_one_address_are_two_readers(app, make_document):
    """An office behind one address, everyone on the same browser version: each browser has
    its own cookie, and a view made with that cookie is that reader's."""
    made = make_document(issued_on=local_today())
    item = f"document:{made.id}"
    first, second = visitor(app, ip="198.51.100.20"), visitor(app, ip="198.51.100.20")
    first.get("/")
    second.get("/")  # each browser now holds its own visitor cookie
    assert first.get_cookie("vid").value != second.get_cookie("vid").value

    assert shown(first.get(made.url).text, item) == 1
    assert shown(second.get(made.url).text, item) == 2


# --- downloads ------------------------------------------------------------------------------------

GUIDE_DISPOSITION = (
    'attachment; filename="Huong dan so 118.pdf"; '
    "filename*=UTF-8''H%C6%B0%E1%BB%9Bng%20d%E1%BA%ABn%20s%E1%BB%91%20118.pdf"
)


@pytest.fixture
def guide_pdf() -> bytes:
    return document_pdf(BTG, "118-HD/BTGTU", "Hướng dẫn tuyên truyền",
                        ["Nội dung hướng dẫn."], "Phó Trưởng ban Đoàn Thị Mỹ Hạnh")  # fmt: skip


def test_download_sends_the_file_under_its_vietnamese_name(make_document, client, guide_pdf):
    made = make_document(files=[(guide_pdf, "Hướng dẫn số 118.pdf")])

    response = client.get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == GUIDE_DISPOSITION
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == guide_pdf
    assert response.data.startswith(b"%PDF")


def test_download_of_an_office_file_has_its_own_type(make_document, client):
    content = docx_bytes()
    made = make_document(files=[(content, "Phụ lục kèm theo.docx")])

    response = client.get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"].startswith(
        "attachment; filename=\"Phu luc kem theo.docx\"; filename*=UTF-8''Ph%E1%BB%A5%20l"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == content


def test_downloads_count_once_per_visitor_per_document_per_visit(app, make_document):
    made = make_document(
        issued_on=local_today(),
        files=[(pdf_bytes("một"), "Một.pdf"), (pdf_bytes("hai"), "Hai.pdf")],
    )
    item = f"document_download:{made.id}"
    first, second = visitor(app), visitor(app)
    onlooker = visitor(app)

    for file_id in (*made.files, made.files[0]):  # both files, one twice: one download
        assert first.get(f"/van-ban/tep/{file_id}", buffered=True).status_code == 200
    assert shown(onlooker.get("/").text, item) == 1
    second.get(f"/van-ban/tep/{made.files[1]}", buffered=True)
    assert shown(onlooker.get("/").text, item) == 2

    flush(app)

    assert stored_counts(app, made) == (0, 2)
    assert shown(onlooker.get("/").text, item) == 2
    first.get(f"/van-ban/tep/{made.files[1]}", buffered=True)
    assert shown(onlooker.get("/").text, item) == 2


def test_a_download_is_not_a_page_view(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    visitor(app).get("/")
    before = headline(app)
    assert before == (1, 1, 1)

    downloader = visitor(app)
    for _ in range(3):
        assert downloader.get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 200

    assert headline(app) == before
    assert stored_counts(app, made) == (0, 0)  # neither a view of the document
    assert shown(visitor(app).get(made.url).text, f"document:{made.id}") == 1


def test_downloads_by_crawlers_are_not_counted(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    crawler = visitor(app, user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)")

    response = crawler.get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    assert response.status_code == 200
    assert shown(visitor(app).get("/").text, f"document_download:{made.id}") == 0
    flush(app)
    assert stored_counts(app, made) == (0, 0)


def test_detail_page_shows_downloads_not_flushed_yet(app, make_document):
    """Like views, the page's download count is SQL's value plus what is still pending."""
    made = make_document(issued_on=local_today() - timedelta(days=60),
                         files=[(pdf_bytes(), "Tệp.pdf")])  # fmt: skip
    visitor(app).get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    page = visitor(app).get(made.url).text

    assert shown(page, f"document_download:{made.id}") == 1
    assert info_table(page)["Lượt xem / tải"] == "lượt xem: 1 | lượt tải: 1"


def test_preview_serves_the_pdf_without_counting_a_download(app, make_document, guide_pdf):
    made = make_document(issued_on=local_today(), files=[(guide_pdf, "Hướng dẫn số 118.pdf")])
    reader = visitor(app)

    response = reader.get(f"/van-ban/tep/{made.files[0]}/xem", buffered=True)

    assert response.status_code == 200
    # pdf.js fetches and draws it; a browser sent here saves it (its own viewer would run
    # the document's JavaScript).
    assert response.headers["Content-Disposition"] == GUIDE_DISPOSITION
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == guide_pdf
    assert shown(reader.get("/").text, f"document_download:{made.id}") == 0


def test_preview_of_a_file_that_is_not_a_pdf_is_not_found(make_document, client):
    made = make_document(files=[(docx_bytes(), "Phụ lục.docx")])

    assert_error_page(
        client.get(f"/van-ban/tep/{made.files[0]}/xem", buffered=True), statuses=(404,)
    )


@pytest.mark.parametrize(
    "path",
    [
        "/van-ban/tep/..%2f..%2fetc%2fpasswd",
        "/van-ban/tep/..%2F..%2F..%2Finstance%2Fportal.db",
        "/van-ban/tep/%2e%2e",
        "/van-ban/tep/%2e%2e/%2e%2e/etc/passwd",
        "/van-ban/tep/1%00",
        "/van-ban/tep/1%00/xem",
        "/van-ban/tep/-1",
        "/van-ban/tep//etc/passwd",
        "/van-ban/tep/99999",
        "/van-ban/tep/99999/xem",
        "/van-ban/tep/1.0",
        "/van-ban/tep/0x1",
        "/van-ban/tep/%31",  # "1", percent-encoded: the file exists, so this one is allowed
    ],
)
def test_paths_that_are_not_a_file_id_are_not_found(make_document, client, path):
    made = make_document(files=[(pdf_bytes(), "Tệp.pdf")])
    assert made.files == (1,)

    response = client.get(path, buffered=True)

    if path == "/van-ban/tep/%31":
        assert response.status_code == 200
        assert response.data == pdf_bytes()
        return
    assert_error_page(response, statuses=(404,))
    assert b"root:" not in response.data
    assert b"SQLite format" not in response.data


def test_file_missing_from_disk_is_not_found_and_not_counted(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    with app.app_context():
        stored = db.session.get(DocumentFile, made.files[0]).stored_name
    (Path(app.instance_path) / "uploads" / "documents" / stored).unlink()
    reader = visitor(app)

    assert_error_page(reader.get(f"/van-ban/tep/{made.files[0]}", buffered=True), statuses=(404,))
    assert_error_page(
        reader.get(f"/van-ban/tep/{made.files[0]}/xem", buffered=True), statuses=(404,)
    )
    assert reader.get(made.url).status_code == 200
    assert shown(reader.get("/").text, f"document_download:{made.id}") == 0


def test_file_missing_from_disk_says_so(app, make_document):
    made = make_document(files=[(pdf_bytes(), "Tệp.pdf")])
    with app.app_context():
        stored = db.session.get(DocumentFile, made.files[0]).stored_name
    (Path(app.instance_path) / "uploads" / "documents" / stored).unlink()

    response = visitor(app).get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    assert response.status_code == 404
    assert "Tệp đính kèm không còn tồn tại trên máy chủ." in response.text


# --- the "Văn bản mới" sidebar block ------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 3])
def test_sidebar_lists_the_newest_published_documents(make_contextless_app, make_document, count):
    app = make_contextless_app(DOCUMENTS_SIDEBAR_COUNT=count)
    today = local_today()
    for n, days_ago in enumerate([40, 3, 20, 1, 10]):
        make_document(f"{n + 1}-CV/TEST", issued_on=today - timedelta(days=days_ago))
    make_document("99-CV/TEST", issued_on=today, published=False)

    for path in ("/", "/van-ban/", "/van-ban/1-cv-test"):
        rows = sidebar_block(visitor(app).get(path).text)
        assert [r["code"] for r in rows] == ["4-CV/TEST", "2-CV/TEST", "5-CV/TEST"][:count], path


def test_sidebar_row_shows_code_summary_and_counts(make_document, client):
    make_document("118-HD/BTGTU", summary="Hướng dẫn tuyên truyền các ngày lễ lớn.",
                  issued_on=local_today())  # fmt: skip

    (row,) = sidebar_block(client.get("/").text)

    assert row["code"] == "118-HD/BTGTU"
    assert row["summary"] == "Hướng dẫn tuyên truyền các ngày lễ lớn."
    assert row["counts"] == "lượt xem: 0 | lượt tải: 0"


def test_sidebar_shows_the_title_when_there_is_no_summary(make_document, client):
    make_document("5/TB-UBND", title="Thông báo lịch tiếp công dân", summary="")

    (row,) = sidebar_block(client.get("/").text)

    assert row["summary"] == "Thông báo lịch tiếp công dân"


def test_sidebar_cuts_long_summaries_at_a_word(make_contextless_app, make_document):
    app = make_contextless_app(DOCUMENTS_SUMMARY_LENGTH=40)
    summary = (
        "Hướng dẫn nội dung, hình thức tuyên truyền kỷ niệm các ngày lễ lớn, sự kiện lịch sử "
        "quan trọng của đất nước và của tỉnh trong quý."
    )
    make_document("118-HD/BTGTU", summary=summary)

    (row,) = sidebar_block(visitor(app).get("/").text)

    assert row["summary"].endswith("…")
    assert len(row["summary"]) <= 40
    cut = row["summary"][:-1]
    assert summary.startswith(cut)
    assert summary[len(cut)] == " "  # at a word boundary


def test_sidebar_cuts_summaries_just_over_the_length(make_contextless_app, make_document):
    """A summary a few characters over DOCUMENTS_SUMMARY_LENGTH is cut too, like a long one;
    one at the length is shown whole."""
    app = make_contextless_app(DOCUMENTS_SUMMARY_LENGTH=40)
    just_over = "Kế hoạch tổ chức Hội thi báo cáo viên tỉnh An"
    at_length = "Kế hoạch tổ chức Hội thi báo cáo viên ab"
    assert (len(just_over), len(at_length)) == (45, 40)
    make_document("1-KH/TEST", summary=just_over)
    make_document("2-KH/TEST", summary=at_length)

    rows = {r["code"]: r["summary"] for r in sidebar_block(visitor(app).get("/").text)}

    assert rows["2-KH/TEST"] == at_length
    assert rows["1-KH/TEST"] == "Kế hoạch tổ chức Hội thi báo cáo viên…"


@pytest.mark.parametrize(
    ("new_days", "days_ago", "badge"),
    [(7, 0, True), (7, 6, True), (7, 7, True), (7, 8, False), (7, 90, False),
     (2, 2, True), (2, 3, False), (0, 0, True), (0, 1, False)],
)  # fmt: skip
def test_new_badge_only_for_recently_issued_documents(
    make_contextless_app, make_document, new_days, days_ago, badge
):
    app = make_contextless_app(DOCUMENTS_NEW_DAYS=new_days)
    make_document("1-CV/TEST", issued_on=local_today() - timedelta(days=days_ago))

    (row,) = sidebar_block(visitor(app).get("/").text)

    assert row["new"] is badge


def test_sidebar_without_documents_is_not_shown(client):
    page = client.get("/").text

    assert client.get("/").status_code == 200
    assert 'class="block block-documents"' not in page


def test_download_by_another_reader_shows_in_the_sidebar_and_api(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    item = f"document_download:{made.id}"
    reader = visitor(app)
    assert shown(reader.get("/").text, item) == 0
    assert api_stats(app)["items"][item] == 0

    assert visitor(app).get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 200

    page = reader.get("/").text
    assert shown(page, item) == 1
    (row,) = sidebar_block(page)
    assert row["counts"] == "lượt xem: 0 | lượt tải: 1"
    assert api_stats(app)["items"][item] == 1
    assert api_stats(app)["items"][f"document:{made.id}"] == 0


def test_sidebar_counts_use_thousands_separators(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    with app.app_context():
        document = db.session.get(Document, made.id)
        document.views, document.downloads = 12345, 1203
        db.session.commit()

    (row,) = sidebar_block(visitor(app).get("/van-ban/").text)

    assert row["counts"] == "lượt xem: 12,345 | lượt tải: 1,203"
