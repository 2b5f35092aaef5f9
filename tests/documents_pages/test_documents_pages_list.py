"""What a reader sees in the documents library list: filters, search, pagination, and clear
answers to bad input.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from document_factory import MadeDocument
from document_pages import (
    BTG,
    HANH,
    UBND,
    VINH,
    assert_error_page,
    found,
    listed,
    local_today,
    text_of,
    visitor,
)

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- the list: filters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Library:
    guide: MadeDocument  # 118-HD/BTGTU
    dispatch: MadeDocument  # 1383-CV/BTGTU, expired
    decision: MadeDocument  # 45/QĐ-UBND
    pending: MadeDocument  # 2356/UBND-VX, not in force yet
    hidden: MadeDocument  # unpublished
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


def test_list_shows_published_documents_newest_issue_first(library, reader_client):
    response = reader_client.get("/van-ban/")

    assert response.status_code == 200
    assert listed(response.text) == ALL_PUBLISHED
    assert found(response.text) == 4
    assert "99-CV/BTGTU" not in response.text


def test_list_shows_issue_date_and_status_of_each_row(library, reader_client):
    page = reader_client.get("/van-ban/").text
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
def test_each_filter_alone(library, reader_client, query, codes):
    url = "/van-ban/?" + query.format(hanh=library.hanh, vinh=library.vinh)

    response = reader_client.get(url)

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
def test_filters_combined(library, reader_client, query, codes):
    response = reader_client.get("/van-ban/?" + query.format(hanh=library.hanh, vinh=library.vinh))

    assert response.status_code == 200
    assert listed(response.text) == codes
    if not codes:
        assert "Không có văn bản nào phù hợp." in response.text


def input_value(page: str, name: str) -> str | None:
    """The value of the list's own filter field `name` (the header's site search is apart)."""
    page = page[page.index("<main") :]
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


def test_filtered_url_opens_with_the_filters_filled_in(library, reader_client):
    page = reader_client.get(
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


def test_list_without_filters_selects_nothing(library, reader_client):
    page = reader_client.get("/van-ban/").text

    for name in ("loai", "co-quan", "nguoi-ky", "linh-vuc", "hieu-luc"):
        assert selected(page, name) == [], name
    assert input_value(page, "q") == ""
    assert "Bỏ lọc" not in page


def test_filter_choices_offer_every_type_issuer_signer_and_field(library, reader_client):
    page = reader_client.get("/van-ban/").text

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
def test_search_ignores_diacritics_and_case(library, reader_client, q, codes):
    response = reader_client.get("/van-ban/", query_string={"q": q})

    assert response.status_code == 200
    assert listed(response.text) == codes


def test_search_query_is_shown_escaped(library, reader_client):
    response = reader_client.get("/van-ban/", query_string={"q": '<script>alert("x")</script>'})

    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(" in response.text


def test_query_of_two_hundred_characters_is_accepted(library, reader_client):
    response = reader_client.get("/van-ban/", query_string={"q": "a" * 200})

    assert response.status_code == 200
    assert listed(response.text) == []


# --- the list: pagination ------------------------------------------------------------------------


def next_link(page: str) -> str | None:
    match = re.search(r'rel="next" href="([^"]+)"', page)
    return htmllib.unescape(match.group(1)) if match else None


def test_list_pages_through_fifteen_at_a_time(make_document, reader_client):
    made = [make_document(f"{n}/TB-UBND", issued_on=date(2024, 1, n)) for n in range(1, 18)]
    newest_first = [m.code for m in reversed(made)]

    first = reader_client.get("/van-ban/")
    second = reader_client.get("/van-ban/?page=2")

    assert listed(first.text) == newest_first[:15]
    assert found(first.text) == 17
    assert next_link(first.text) == "/van-ban/?page=2"
    assert listed(second.text) == newest_first[15:]
    assert 'rel="prev" href="/van-ban/?page=1"' in second.text
    assert next_link(second.text) is None
    assert reader_client.get("/van-ban/?page=3").status_code == 404


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


# --- the list: bad input -------------------------------------------------------------------------


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
def test_bad_filter_input_is_a_vietnamese_400_page(library, reader_client, query):
    assert_error_page(reader_client.get("/van-ban/?" + query), statuses=(400,))


@pytest.mark.parametrize("query", ["page=0", "page=9999", "page=2"])
def test_page_out_of_range_is_a_vietnamese_404_page(library, reader_client, query):
    assert_error_page(reader_client.get("/van-ban/?" + query), statuses=(404,))


@pytest.mark.parametrize("query", ["page=²", "nam=²⁰²⁴", "nguoi-ky=¹", "page=¹&loai=cong-van"])
def test_unicode_digits_are_refused_not_a_server_error(library, reader_client, query):
    """`'²'.isdigit()` is True but `int('²')` raises: such input must not become a 500."""
    assert_error_page(reader_client.get("/van-ban/?" + query))


def test_odd_query_text_never_breaks_the_list(library, reader_client):
    for q in ["\x00", "'; DROP TABLE documents; --", "\\", "%%%%", "🙂", "đ" * 200]:
        response = reader_client.get("/van-ban/", query_string={"q": q})
        assert response.status_code in (200, 400), (q, response.status_code)
        assert '<html lang="vi">' in response.text


def test_unknown_parameters_are_ignored(library, reader_client):
    response = reader_client.get("/van-ban/?utm_source=zalo&fbclid=abc")

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
def test_bad_filter_page_says_what_is_wrong(library, reader_client, query, message):
    """The filters name the problem for the reader (filters.InvalidFilter's message)."""
    response = reader_client.get("/van-ban/?" + query)

    assert response.status_code == 400
    assert message in htmllib.unescape(response.text)
