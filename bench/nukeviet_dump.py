"""A NukeViet-4.5-shaped mysqldump of a big site, for `bench/nukeviet_import.py` and the
import tests: N articles (default 50,000) over 40 categories with Vietnamese bodies of 2–8 kB
(paragraphs, headings, tables, images under /uploads/news/…), tags, comments, M documents
(default 5,000) with codes such as `118-HD/BTGTU` HTML-escaped as NukeViet stores them,
their types, issuers, signers (the same person twice, as real sites have), fields and a
few attached PDFs, some users; and the `uploads/` folder the rows point into.

The CREATE TABLEs come from the real NukeViet 4.5.05 dump (`FIXTURE`), read at run time;
every other table of that dump (config, counter, modules, banners, about, menu…) is copied
as it is. Deterministic for a seed; written as it is generated (bounded memory), with
mysqldump's extended inserts: one `INSERT … VALUES (…),(…);` line per ~1 MB.

    .venv/bin/python bench/nukeviet_dump.py --articles 50000 --documents 5000 --out /tmp/nv
    → /tmp/nv/nukeviet-50000-5000.sql and /tmp/nv/uploads/
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FIXTURE = Path(
    os.environ.get(
        "NUKEVIET_FIXTURE",
        Path(__file__).resolve().parents[2] / "shared/fixtures/nukeviet-4.5-sample.sql",
    )
)
PREFIX = "nv4"
STATEMENT_BYTES = 1_000_000  # mysqldump's net_buffer_length: one INSERT line at most this long
BASE_TIME = 1_420_070_400  # 2015-01-01 00:00 UTC
SPAN = 11 * 365 * 86_400  # articles spread over eleven years

# --- Vietnamese text ----------------------------------------------------------------------------


def words(listed: str) -> tuple[str, ...]:
    """A comma-separated list of words and phrases as a tuple."""
    return tuple(part.strip() for part in listed.split(",") if part.strip())


WORDS = words(
    """
    cán bộ, công chức, viên chức, người dân, doanh nghiệp, ủy ban nhân dân, tỉnh, huyện, xã,
    phường, thị trấn, sở, ban, ngành, đoàn thể, mặt trận tổ quốc, chuyển đổi số,
    cải cách hành chính, dịch vụ công trực tuyến, thủ tục, hồ sơ, giải quyết, tiếp nhận,
    trả kết quả, một cửa, liên thông, kế hoạch, triển khai, thực hiện, nhiệm vụ, giải pháp,
    trọng tâm, năm, quý, tháng, tuần, hội nghị, tổng kết, sơ kết, đánh giá, kết quả, đạt được,
    hạn chế, tồn tại, nguyên nhân, phương hướng, chỉ đạo, điều hành, tăng cường, nâng cao,
    hiệu quả, chất lượng, công tác, tuyên truyền, phổ biến, giáo dục, pháp luật, an ninh,
    trật tự, an toàn giao thông, phòng chống, thiên tai, dịch bệnh, y tế, giáo dục đào tạo,
    văn hóa, thể thao, du lịch, nông nghiệp, nông thôn mới, xây dựng, đô thị, tài nguyên,
    môi trường, đất đai, quy hoạch, đầu tư, ngân sách, thu chi, kinh tế, xã hội, an sinh,
    việc làm, người có công, hộ nghèo, hỗ trợ, chính sách, đồng chí, chủ tịch, phó chủ tịch,
    giám đốc, bí thư, phát biểu, nhấn mạnh, yêu cầu, đề nghị, các đơn vị, địa phương, phối hợp,
    chặt chẽ, kịp thời, đầy đủ, nghiêm túc, khẩn trương, đúng quy định, thời gian tới,
    trong năm, vừa qua, hiện nay, bên cạnh đó, đồng thời, tiếp tục, đẩy mạnh, quan tâm,
    khó khăn, vướng mắc, tháo gỡ, kiến nghị, cử tri, đại biểu, hội đồng nhân dân, kỳ họp,
    nghị quyết, quyết định, thông báo, hướng dẫn, công văn, báo cáo, số liệu, thống kê, tỷ lệ,
    phần trăm, so với, cùng kỳ, tăng, giảm, ổn định, phát triển, bền vững, hạ tầng,
    công nghệ thông tin, cổng thông tin điện tử, dữ liệu, chữ ký số, văn bản điện tử,
    trường học, học sinh, giáo viên, bệnh viện, trạm y tế, thanh niên, phụ nữ, nông dân,
    cựu chiến binh, khuyến học
    """
)
TITLE_HEADS = words(
    """
    Hội nghị, Kế hoạch, Triển khai, Tăng cường, Đẩy mạnh, Thông báo về, Hướng dẫn, Tổ chức,
    Kết quả, Sơ kết, Tổng kết, Phát động, Kiểm tra, Tập huấn, Lễ ra mắt
    """
)
PLACES = words(
    """
    Phú Thọ, Lào Cai, Quảng Ninh, Thái Bình, Nghệ An, Hà Tĩnh, Quảng Nam, Bình Định, Đắk Lắk,
    Lâm Đồng, Đồng Nai, Cần Thơ, An Giang, Cà Mau, Sóc Trăng
    """
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý")  # fmt: skip
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Xuân", "Hoài")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm",
         "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến")  # fmt: skip
CATEGORY_NAMES = (
    ("Tin tức", ("Tin trong tỉnh", "Tin trong nước", "Tin quốc tế", "Tin ảnh")),
    ("Chính quyền", ("Hội đồng nhân dân", "Ủy ban nhân dân", "Lịch công tác", "Chỉ đạo điều hành")),
    ("Kinh tế", ("Nông nghiệp", "Công nghiệp", "Thương mại dịch vụ", "Đầu tư")),
    ("Văn hóa - Xã hội", ("Giáo dục", "Y tế", "Văn hóa thể thao", "Lao động việc làm")),
    ("Cải cách hành chính", ("Thủ tục hành chính", "Một cửa", "Dịch vụ công", "Chuyển đổi số")),
    ("Quốc phòng - An ninh", ("Quân sự", "Công an", "Biên phòng", "An toàn giao thông")),
    ("Đoàn thể", ("Mặt trận", "Thanh niên", "Phụ nữ", "Nông dân")),
    ("Thông tin cần biết", ("Thông báo", "Tuyển dụng", "Đấu thầu", "Hỏi đáp")),
)
TAG_WORDS = words(
    """
    chuyển đổi số, cải cách hành chính, nông thôn mới, an toàn giao thông, y tế, giáo dục,
    du lịch, đầu tư, môi trường, phòng chống thiên tai, dịch vụ công, thanh niên, phụ nữ,
    hội nghị, tuyển dụng, đấu thầu, bầu cử, biển đảo, khuyến nông, hộ nghèo, việc làm, văn hóa,
    thể thao, an ninh, quốc phòng
    """
)
SOURCES = ("Báo Nhân Dân", "Cổng TTĐT Chính phủ", "Báo địa phương", "Đài Phát thanh - Truyền hình",
           "Thông tấn xã Việt Nam")  # fmt: skip
DOC_TYPES = (  # (type name, code pattern); {n} the number, {y} the year
    ("Nghị định", "{n}/{y}/NĐ-CP"),
    ("Thông tư", "{n}/{y}/TT-BTTTT"),
    ("Quyết định", "{n}/QĐ-UBND"),
    ("Hướng dẫn", "{n}-HD/BTGTU"),
    ("Kế hoạch", "{n}/KH-UBND"),
    ("Công văn", "{n}/UBND-VX"),
    ("Chỉ thị", "{n}/CT-UBND"),
    ("Nghị quyết", "{n}/NQ-HĐND"),
)
ISSUERS = ("Chính phủ", "Bộ Thông tin và Truyền thông", "Ủy ban nhân dân tỉnh",
           "Hội đồng nhân dân tỉnh", "Ban Tuyên giáo Tỉnh ủy", "Sở Nội vụ", "Sở Tài chính",
           "Sở Giáo dục và Đào tạo")  # fmt: skip
FIELDS = (("Hành chính", ("Tổ chức bộ máy", "Cán bộ công chức")), ("Kinh tế", ("Tài chính",
          "Đầu tư")), ("Xã hội", ("Giáo dục", "Y tế", "Lao động")), ("Công nghệ thông tin", ()),
          ("Tài nguyên môi trường", ()))  # fmt: skip
POSITIONS = ("Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc", "Trưởng ban", "Bộ trưởng")


def ascii_fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def nv_alias(text: str) -> str:
    """NukeViet's change_alias(): diacritics off, case kept, words joined by '-'."""
    return "-".join(re.findall(r"[A-Za-z0-9]+", ascii_fold(text)))


def nv_escape(text: str) -> str:
    """What NukeViet's nv_htmlspecialchars() stores for titles and codes."""
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;").replace("'", "&#039;").replace("/", "&#x002F;"))  # fmt: skip


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def sentence(rng: random.Random, low: int = 8, high: int = 20) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
    return words[0].upper() + words[1:] + rng.choice((".", ".", ".", ";", "!"))


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


# --- SQL values ---------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\x00": "\\0", "\n": "\\n", "\r": "\\r",
            "\x1a": "\\Z"}  # fmt: skip
_ESCAPE_RE = re.compile(r"[\\'\"\x00\n\r\x1a]")


def sql(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + _ESCAPE_RE.sub(lambda m: _ESCAPES[m[0]], str(value)) + "'"


# --- The fixture's tables -----------------------------------------------------------------------

_SECTION_RE = re.compile(r"^--\n-- (Table structure|Dumping data) for table `([^`]+)`\n--\n", re.M)


@dataclass
class Section:
    kind: str  # "structure" | "data"
    table: str
    text: str  # from the "--" line up to the next section

    @property
    def columns(self) -> list[str]:
        body = self.text[self.text.index("CREATE TABLE") :]
        return re.findall(r"^  `([^`]+)` ", body, re.M)


def fixture_sections(path: Path = FIXTURE) -> tuple[str, list[Section]]:
    text = path.read_text(encoding="utf-8")
    marks = list(_SECTION_RE.finditer(text))
    head = text[: marks[0].start()]
    sections = []
    for mark, after in zip(marks, [*marks[1:], None], strict=True):
        end = after.start() if after else len(text)
        kind = "structure" if mark[1] == "Table structure" else "data"
        sections.append(Section(kind, mark[2], text[mark.start() : end]))
    return head, sections


# --- Writing ------------------------------------------------------------------------------------


class Writer:
    """The dump file: a table's rows as extended INSERT lines of at most STATEMENT_BYTES."""

    def __init__(self, out: io.TextIOBase):
        self.out = out
        self.rows: dict[str, int] = {}

    def table_data(self, table: str, columns: list[str], rows: Iterable[dict]) -> None:
        full = f"{PREFIX}_{table}"
        self.out.write(f"--\n-- Dumping data for table `{full}`\n--\n\n"
                       f"LOCK TABLES `{full}` WRITE;\n"
                       f"/*!40000 ALTER TABLE `{full}` DISABLE KEYS */;\n")  # fmt: skip
        self.tuples(full, (self.tuple(columns, row) for row in rows))
        self.out.write(f"/*!40000 ALTER TABLE `{full}` ENABLE KEYS */;\nUNLOCK TABLES;\n\n")

    @staticmethod
    def tuple(columns: list[str], row: dict) -> str:
        missing = set(columns) - set(row)
        if missing or len(row) != len(columns):
            raise ValueError(f"row does not match the table: {sorted(missing) or sorted(row)}")
        return "(" + ",".join(sql(row[c]) for c in columns) + ")"

    def tuples(self, full: str, tuples: Iterable[str]) -> None:
        head = f"INSERT INTO `{full}` VALUES "
        pending: list[str] = []
        size = 0
        count = 0
        for item in tuples:
            if pending and size + len(item) > STATEMENT_BYTES:
                self.out.write(head + ",".join(pending) + ";\n")
                pending, size = [], 0
            pending.append(item)
            size += len(item) + 1
            count += 1
        if pending:
            self.out.write(head + ",".join(pending) + ";\n")
        self.rows[full] = self.rows.get(full, 0) + count


@dataclass
class Plan:
    articles: int = 50_000
    documents: int = 5_000
    comments: int = 20_000
    images: int = 300
    users: int = 200
    document_files: float = 0.1  # share of documents with an attached PDF
    seed: int = 15

    @property
    def categories(self) -> list[dict]:
        cats: list[dict] = []
        for weight, (name, children) in enumerate(CATEGORY_NAMES, 1):
            cats.append({"title": name, "parentid": 0, "lev": 0, "weight": weight})
            parent = len(cats)
            for child_weight, child in enumerate(children, 1):
                cats.append({"title": child, "parentid": parent, "lev": 1,
                             "weight": child_weight})  # fmt: skip
        return cats


class Site:
    """The generated rows of every table, each table an iterator (streamed)."""

    def __init__(self, plan: Plan, uploads: Path):
        self.plan = plan
        self.uploads = uploads
        self.cats = plan.categories
        self.image_paths = [self._image_path(k) for k in range(1, plan.images + 1)]
        self.tags = self._tags()

    def _rng(self, *key: object) -> random.Random:
        return random.Random(":".join(map(str, (self.plan.seed, *key))))

    def _image_path(self, k: int) -> str:
        year = 2015 + k % 11
        return f"news/{year}_{k % 12 + 1:02d}/anh-{k}.jpg"

    def _tags(self) -> list[str]:
        rng = self._rng("tags")
        tags = list(TAG_WORDS)
        while len(tags) < 300:
            tag = f"{rng.choice(TAG_WORDS)} {rng.choice(PLACES).lower()}"
            if tag not in tags:
                tags.append(tag)
        return tags

    # News

    def categories(self) -> Iterator[dict]:
        for catid, cat in enumerate(self.cats, 1):
            children = [str(i) for i, c in enumerate(self.cats, 1) if c["parentid"] == catid]
            yield {
                "catid": catid, "parentid": cat["parentid"], "title": cat["title"],
                "titlesite": "", "alias": nv_alias(cat["title"]),
                "description": f"Chuyên mục {cat['title']}", "descriptionhtml": "", "image": "",
                "viewdescription": 0, "weight": cat["weight"], "sort": catid, "lev": cat["lev"],
                "viewcat": "viewcat_page_new", "numsubcat": len(children),
                "subcatid": ",".join(children), "numlinks": 3, "newday": 2, "featured": 0,
                "ad_block_cat": "", "layout_func": "", "keywords": "", "admins": "",
                "add_time": BASE_TIME, "edit_time": BASE_TIME, "groups_view": "6", "status": 1,
            }  # fmt: skip

    def article_row(self, i: int) -> dict:
        rng = self._rng("row", i)
        n = self.plan.articles
        catid = rng.randint(1, len(self.cats))
        listcat = [catid]
        if rng.random() < 0.3:
            listcat.append(rng.randint(1, len(self.cats)))
        if rng.random() < 0.01:  # the same title many times, as "Thông báo" is on real sites
            title = "Thông báo"
        else:
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8)))
            year = 2015 + 11 * i // max(n, 1)
            where = rng.choice(("", f"năm {year}", f"tại {rng.choice(PLACES)}"))
            title = f"{rng.choice(TITLE_HEADS)} {words} {where}".strip()
        addtime = BASE_TIME + SPAN * i // max(n, 1) + rng.randint(0, 3600)
        state = rng.choices((1, 0, 5, 6, 2), weights=(94, 2, 2, 1, 1))[0]
        image = rng.choice(self.image_paths) if rng.random() < 0.8 else ""
        votes = rng.randint(0, 20)
        return {
            "id": i, "catid": catid, "listcatid": ",".join(map(str, dict.fromkeys(listcat))),
            "topicid": 0, "admin_id": 1, "author": person(rng),
            "sourceid": rng.choice((0, 0, 0, 1, 2, 3, 4, 5)), "addtime": addtime,
            "edittime": addtime + rng.randint(0, 86_400), "status": state, "weight": i,
            "publtime": addtime + (30 * 86_400 if state == 2 else 0), "exptime": 0,
            "archive": 2, "title": nv_escape(title), "alias": nv_alias(title),
            "hometext": paragraph(rng)[:600], "homeimgfile": image.removeprefix("news/"),
            "homeimgalt": sentence(rng, 3, 6) if image else "", "homeimgthumb": 1 if image else 0,
            "inhome": 1, "allowed_comm": "6", "allowed_rating": 1, "external_link": 0,
            "hitstotal": rng.randint(0, 20_000), "hitscm": 0, "total_rating": votes * 4,
            "click_rating": votes, "instant_active": 0, "instant_template": "",
            "instant_creatauto": 0,
        }  # fmt: skip

    def article_rows(self) -> Iterator[dict]:
        for i in range(1, self.plan.articles + 1):
            yield self.article_row(i)

    def body(self, i: int) -> str:
        """2–8 kB of NukeViet editor HTML: paragraphs, a heading, a table, captioned images."""
        rng = self._rng("body", i)
        target = rng.randint(2000, 8000)
        parts: list[str] = []
        size = 0
        while size < target:
            roll = rng.random()
            if roll < 0.08:
                part = f"<h2>{sentence(rng, 4, 8)}</h2>"
            elif roll < 0.16:
                src = "/uploads/" + rng.choice(self.image_paths)
                part = (f'<figure class="image"><img alt="{sentence(rng, 2, 4)[:-1]}" '
                        f'height="360" src="{src}" width="640" />'
                        f"<figcaption>{sentence(rng, 4, 10)}</figcaption></figure>")  # fmt: skip
            elif roll < 0.21:
                rows = "".join(
                    f"<tr><td>{r}</td><td>{rng.choice(WORDS)}</td>"
                    f"<td>{rng.randint(1, 999)}</td><td>{rng.randint(1, 100)}%</td></tr>"
                    for r in range(1, rng.randint(3, 8))
                )
                part = ('<table border="1" cellpadding="1" cellspacing="1" style="width:100%;">'
                        "<thead><tr><th>STT</th><th>Nội dung</th><th>Số lượng</th>"
                        f"<th>Tỷ lệ</th></tr></thead><tbody>{rows}</tbody></table>")  # fmt: skip
            else:
                text = paragraph(rng)
                if rng.random() < 0.2:
                    text = text.replace(" ", " <strong>", 1) + "</strong>"
                part = f'<p style="text-align: justify;">{text}&nbsp;</p>'
            parts.append(part)
            size += len(part.encode())
        return "\n".join(parts)

    def details(self) -> Iterator[dict]:
        for i in range(1, self.plan.articles + 1):
            rng = self._rng("detail", i)
            yield {
                "id": i, "titlesite": "", "description": "", "bodyhtml": self.body(i),
                "voicedata": None, "keywords": "", "sourcetext": "", "files": "",
                "imgposition": rng.choice((0, 1, 1, 1, 2)), "layout_func": "", "copyright": 0,
                "allowed_send": 1, "allowed_print": 1, "allowed_save": 1,
            }  # fmt: skip

    def tag_rows(self) -> Iterator[dict]:
        for tid, tag in enumerate(self.tags, 1):
            yield {"tid": tid, "numnews": 0, "title": tag, "alias": nv_alias(tag).lower(),
                   "image": "", "description": "", "keywords": tag}  # fmt: skip

    def tag_links(self) -> Iterator[dict]:
        for i in range(1, self.plan.articles + 1):
            rng = self._rng("tags", i)
            for tid in sorted(set(rng.sample(range(1, len(self.tags) + 1), rng.randint(0, 4)))):
                yield {"id": i, "tid": tid, "keyword": self.tags[tid - 1]}

    def sources(self) -> Iterator[dict]:
        for sid, title in enumerate(SOURCES, 1):
            yield {"sourceid": sid, "title": title, "link": "", "logo": "", "weight": sid,
                   "add_time": BASE_TIME, "edit_time": BASE_TIME}  # fmt: skip

    def comments(self) -> Iterator[dict]:
        rng = self._rng("comments")
        last_on: dict[int, int] = {}  # article -> its latest comment (replies point at it)
        n = self.plan.articles
        for cid in range(1, self.plan.comments + 1):
            article = n - int(n * rng.random() ** 2)  # newer articles get more comments
            pid = last_on[article] if article in last_on and rng.random() < 0.2 else 0
            last_on.setdefault(article, cid)
            lines = "<br />".join(sentence(rng, 4, 14) for _ in range(rng.randint(1, 3)))
            name = person(rng)
            yield {
                "cid": cid, "module": "news", "area": 0, "id": article, "pid": pid,
                "content": lines, "attach": "",
                "post_time": BASE_TIME + SPAN * article // max(n, 1) + rng.randint(3600, 90_000),
                "userid": 0, "post_name": name,
                "post_email": f"{nv_alias(name).lower()}{cid}@example.vn",
                "post_ip": f"10.{cid % 250}.{cid // 250 % 250}.{cid % 7}",
                "status": 1 if rng.random() < 0.9 else 0, "likes": 0, "dislikes": 0,
            }  # fmt: skip

    # Documents

    def doc_types(self) -> Iterator[dict]:
        for cid, (name, _) in enumerate(DOC_TYPES, 1):
            yield {"id": cid, "parentid": 0, "alias": nv_alias(name), "title": name,
                   "introduction": "", "keywords": "", "newday": 5, "addtime": BASE_TIME,
                   "weight": cid}  # fmt: skip

    def doc_issuers(self) -> Iterator[dict]:
        for sid, name in enumerate(ISSUERS, 1):
            yield {"id": sid, "alias": nv_alias(name), "title": name, "introduction": "",
                   "keywords": "", "numcount": 0, "numlink": 5, "addtime": BASE_TIME,
                   "weight": sid}  # fmt: skip

    def _fields(self) -> list[tuple[int, int, str, int]]:
        out = []  # (id, parent, name, lev)
        for name, children in FIELDS:
            out.append((len(out) + 1, 0, name, 0))
            parent = len(out)
            out.extend((len(out) + 1 + k, parent, child, 1) for k, child in enumerate(children))
        return out

    def doc_fields(self) -> Iterator[dict]:
        for fid, parent, name, lev in self._fields():
            yield {"id": fid, "parentid": parent, "alias": nv_alias(name), "title": name,
                   "introduction": "", "keywords": "", "addtime": BASE_TIME, "weight": fid,
                   "sort": fid, "lev": lev, "numsubcat": 0, "subcatid": ""}  # fmt: skip

    def signer_names(self) -> list[tuple[str, str]]:
        rng = self._rng("signers")
        names = [(person(rng), rng.choice(POSITIONS)) for _ in range(30)]
        return names + names[:5]  # the same person entered twice, as on real sites

    def doc_signers(self) -> Iterator[dict]:
        for sgid, (name, position) in enumerate(self.signer_names(), 1):
            yield {"id": sgid, "title": name, "offices": "", "positions": position,
                   "addtime": BASE_TIME}  # fmt: skip

    def doc_file(self, i: int) -> str:
        return f"{2015 + i % 11}_{i % 12 + 1:02d}/van-ban-{i}.pdf"

    def document(self, i: int) -> dict:
        rng = self._rng("doc", i)
        cid = rng.randint(1, len(DOC_TYPES))
        type_name, pattern = DOC_TYPES[cid - 1]
        m = self.plan.documents
        publtime = BASE_TIME + SPAN * i // max(m, 1)
        year = 2015 + (publtime - BASE_TIME) // (365 * 86_400)
        code = pattern.format(n=i, y=year)
        title = f"{type_name} về {' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 10)))}"
        fields = self._fields()
        areas = sorted({rng.randint(1, len(fields)) for _ in range(rng.randint(1, 2))})
        body = "".join(f"<p>{paragraph(rng)}</p>" for _ in range(rng.randint(2, 6)))
        if rng.random() < 0.3:
            body += ("<table><tbody>" + "".join(
                f"<tr><td>Điều {k}</td><td>{sentence(rng)}</td></tr>" for k in range(1, 5))
                + "</tbody></table>")  # fmt: skip
        replacement = str(rng.randint(1, i - 1)) if i > 10 and rng.random() < 0.02 else ""
        return {
            "id": i, "replacement": replacement,
            "relatement": str(rng.randint(1, i - 1)) if i > 10 and rng.random() < 0.03 else "",
            "title": nv_escape(title)[:255], "alias": f"{nv_alias(title)[:200]}-{i}",
            "code": nv_escape(code), "area_ids": ",".join(map(str, areas)), "cid": cid,
            "sid": rng.randint(1, len(ISSUERS)), "eid": 0,
            "sgid": rng.randint(0, len(self.signer_names())), "note": "",
            "introtext": "Trích yếu&#x3A; " + nv_escape(title), "bodytext": body,
            "keywords": ",".join(rng.sample(TAG_WORDS, 3)), "groups_view": "6",
            "groups_download": "6",
            "files": self.doc_file(i) if self._has_file(i) else "",
            "status": 1, "approval": 0, "addtime": publtime, "edittime": publtime,
            "publtime": publtime, "start_comm_time": 0, "end_comm_time": 0,
            "startvalid": publtime + 15 * 86_400,
            "exptime": publtime + 5 * 365 * 86_400 if rng.random() < 0.2 else 0,
            "view_hits": rng.randint(0, 5000), "download_hits": rng.randint(0, 2000),
            "admin_add": 1, "admin_edit": 1,
        }  # fmt: skip

    def _has_file(self, i: int) -> bool:
        return self._rng("docfile", i).random() < self.plan.document_files

    def documents(self) -> Iterator[dict]:
        for i in range(1, self.plan.documents + 1):
            yield self.document(i)

    def doc_field_links(self) -> Iterator[dict]:
        for i in range(1, self.plan.documents + 1):
            for area in self.document(i)["area_ids"].split(","):
                yield {"row_id": i, "area_id": int(area)}

    def users(self) -> Iterator[dict]:
        for userid in range(2, self.plan.users + 2):  # 1 is the fixture's administrator
            rng = self._rng("user", userid)
            last, first = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)}", rng.choice(GIVEN)
            name = f"{nv_alias(first).lower()}{userid}"
            yield {
                "userid": userid, "group_id": 4, "username": name,
                "md5username": f"{userid:032x}", "password": "", "email": f"{name}@example.vn",
                "first_name": first, "last_name": last, "gender": "", "photo": "", "birthday": 0,
                "sig": None, "regdate": BASE_TIME + userid * 3600, "question": "", "answer": "",
                "passlostkey": "", "view_mail": 0, "remember": 1, "in_groups": "4", "active": 1,
                "active2step": 0, "secretkey": "", "checknum": "", "last_login": 0, "last_ip": "",
                "last_agent": "", "last_openid": "", "last_update": 0, "idsite": 0,
                "safemode": 0, "safekey": "", "email_verification_time": -1,
                "active_obj": "SYSTEM",
            }  # fmt: skip

    # Files

    def write_uploads(self, copied: list[str] = ()) -> int:
        """The images and PDFs the generated rows name, and a stand-in image for each file
        the fixture's copied tables name (`copied`: paths under uploads/)."""
        from PIL import Image

        count = 0
        for k, relative in enumerate([*self.image_paths, *copied], 1):
            path = self.uploads / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            rng = self._rng("image", k)
            image = Image.new("RGB", (48, 32), (rng.randrange(256), rng.randrange(256), k % 256))
            for _ in range(6):  # a few pixels of its own: no two images are the same bytes
                image.putpixel((rng.randrange(48), rng.randrange(32)), (k % 256, k // 256, 7))
            kind = {".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}.get(path.suffix.lower(), "JPEG")
            image.save(path, kind)
            count += 1
        for i in range(1, self.plan.documents + 1):
            if self._has_file(i):
                path = self.uploads / "laws" / self.doc_file(i)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(_pdf(f"Văn bản số {i}"))
                count += 1
        return count


def _pdf(text: str) -> bytes:
    """A small valid one-page PDF saying `text` (ASCII-folded)."""
    words = ascii_fold(text).encode()
    stream = b"BT /F1 18 Tf 72 720 Td (" + words + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    size = len(objects) + 1
    out += f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# Tables whose rows are generated (name without the prefix -> the Site method).
GENERATED = {
    "vi_news_cat": "categories",
    "vi_news_rows": "article_rows",
    "vi_news_detail": "details",
    "vi_news_tags": "tag_rows",
    "vi_news_tags_id": "tag_links",
    "vi_news_sources": "sources",
    "vi_comment": "comments",
    "vi_laws_cat": "doc_types",
    "vi_laws_subject": "doc_issuers",
    "vi_laws_area": "doc_fields",
    "vi_laws_signer": "doc_signers",
    "vi_laws_row": "documents",
    "vi_laws_row_area": "doc_field_links",
    "vi_laws_set_replace": None,  # none: replacements are in the rows' `replacement`
}
APPENDED = {"users": "users"}  # the fixture's rows, then generated ones
PER_CATEGORY = re.compile(rf"^{PREFIX}_vi_news_(\d+)$")
# Files the fixture's copied tables name: /uploads/<path> in a body, a banner's file name.
_UPLOADED = re.compile(r"/uploads/([\w./-]+?\.(?:png|jpe?g|gif|webp))\b", re.I)
_BANNER_FILE = re.compile(r"'([\w.-]+\.(?:png|jpe?g|gif|webp))'", re.I)


def _copied_files(section: Section) -> list[str]:
    found = _UPLOADED.findall(section.text)
    if section.table == f"{PREFIX}_banners_rows" and section.kind == "data":
        found += [f"banners/{name}" for name in _BANNER_FILE.findall(section.text)]
    return found


def _auto_increment(text: str, rows: int) -> str:
    return re.sub(r"AUTO_INCREMENT=\d+", f"AUTO_INCREMENT={rows + 1}", text)


def generate(out_dir: Path, plan: Plan | None = None, *, fixture: Path = FIXTURE,
             log=None) -> Path:  # fmt: skip
    """Write `<out_dir>/nukeviet-<articles>-<documents>.sql` and `<out_dir>/uploads/`."""
    plan = plan or Plan()
    out_dir.mkdir(parents=True, exist_ok=True)
    dump = out_dir / f"nukeviet-{plan.articles}-{plan.documents}.sql"
    site = Site(plan, out_dir / "uploads")
    started = time.monotonic()
    head, sections = fixture_sections(fixture)
    partial = dump.with_suffix(".sql.partial")
    with (
        tempfile.TemporaryDirectory(dir=out_dir) as scratch,
        partial.open("w", encoding="utf-8", newline="\n") as out,
    ):
        writer = Writer(out)
        per_cat = _per_category_rows(site, Path(scratch))
        out.write(head)
        skip_data: set[str] = set()
        copied: list[str] = []
        for section in sections:
            short = section.table.removeprefix(f"{PREFIX}_")
            if section.kind == "data" and section.table in skip_data:
                continue
            if PER_CATEGORY.match(section.table):
                if section.kind == "structure" and section.table == f"{PREFIX}_vi_news_1":
                    _write_per_category(writer, section, per_cat, len(site.cats))
                skip_data.add(section.table)
                continue
            if short in GENERATED:
                if section.kind == "structure":
                    out.write(section.text)
                    method = GENERATED[short]
                    rows = getattr(site, method)() if method else iter(())
                    writer.table_data(short, section.columns, rows)
                    if log:
                        log(f"{section.table}: {writer.rows.get(section.table, 0)} rows, "
                            f"{time.monotonic() - started:.0f} s")  # fmt: skip
                skip_data.add(section.table)
                continue
            if section.kind == "data" and short in APPENDED:
                columns = next(s.columns for s in sections
                               if s.kind == "structure" and s.table == section.table)  # fmt: skip
                rows = getattr(site, APPENDED[short])()
                extra = ",".join(Writer.tuple(columns, row) for row in rows)
                marker = f"/*!40000 ALTER TABLE `{section.table}` ENABLE KEYS */;"
                insert = f"INSERT INTO `{section.table}` VALUES {extra};\n" if extra else ""
                out.write(section.text.replace(marker, insert + marker, 1))
                continue
            out.write(section.text)
            copied += [name for name in _copied_files(section) if name not in copied]
    partial.replace(dump)
    files = site.write_uploads(copied)
    if log:
        log(f"{dump} ({dump.stat().st_size / 1e6:.0f} MB) and {files} files under "
            f"{site.uploads} in {time.monotonic() - started:.0f} s")  # fmt: skip
    return dump


def _per_category_rows(site: Site, scratch: Path) -> dict[int, Path]:
    """NukeViet keeps a copy of each article's row in `<lang>_news_<catid>` for each of its
    categories: the tuples, one a line, in a scratch file per category."""
    files = {catid: (scratch / f"{catid}.rows").open("w", encoding="utf-8")
             for catid in range(1, len(site.cats) + 1)}  # fmt: skip
    columns = None
    try:
        for row in site.article_rows():
            columns = columns or list(row)
            line = Writer.tuple(columns, row)
            for catid in row["listcatid"].split(","):
                files[int(catid)].write(line + "\n")
    finally:
        for f in files.values():
            f.close()
    return {catid: scratch / f"{catid}.rows" for catid in files}


def _write_per_category(writer: Writer, template: Section, files: dict[int, Path],
                        count: int) -> None:  # fmt: skip
    for catid in range(1, count + 1):
        full = f"{PREFIX}_vi_news_{catid}"
        path = files[catid]
        with path.open(encoding="utf-8") as lines:
            rows = sum(1 for _ in lines)
        writer.out.write(_auto_increment(template.text.replace(f"{PREFIX}_vi_news_1`", f"{full}`"),
                                         rows))  # fmt: skip
        writer.out.write(f"--\n-- Dumping data for table `{full}`\n--\n\n"
                         f"LOCK TABLES `{full}` WRITE;\n"
                         f"/*!40000 ALTER TABLE `{full}` DISABLE KEYS */;\n")  # fmt: skip
        with path.open(encoding="utf-8") as lines:
            writer.tuples(full, (line.rstrip("\n") for line in lines))
        writer.out.write(f"/*!40000 ALTER TABLE `{full}` ENABLE KEYS */;\nUNLOCK TABLES;\n\n")
        path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=Plan.articles)
    parser.add_argument("--documents", type=int, default=Plan.documents)
    parser.add_argument("--comments", type=int, default=Plan.comments)
    parser.add_argument("--images", type=int, default=Plan.images)
    parser.add_argument("--users", type=int, default=Plan.users)
    parser.add_argument("--seed", type=int, default=Plan.seed)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "nukeviet-bench")
    args = parser.parse_args(argv)
    plan = Plan(articles=args.articles, documents=args.documents, comments=args.comments,
                images=args.images, users=args.users, seed=args.seed)  # fmt: skip
    dump = generate(args.out, plan, log=lambda m: print(m, file=sys.stderr))
    print(dump)
    return 0


if __name__ == "__main__":
    sys.exit(main())
