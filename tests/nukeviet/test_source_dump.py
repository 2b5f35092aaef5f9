"""Reading a NukeViet database from a mysqldump / mariadb-dump file (app/nukeviet/source.py)."""

from __future__ import annotations

import gzip
import inspect
from pathlib import Path

import pytest
from source_helpers import fixture_path, sql_tuple

from app.nukeviet.source import DumpSource, SourceError, open_source

HEADER = """-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE `xy_config` (
  `lang` varchar(3) NOT NULL DEFAULT 'sys',
  `module` varchar(50) NOT NULL DEFAULT 'global',
  `config_name` varchar(30) NOT NULL DEFAULT '',
  `config_value` text DEFAULT NULL,
  UNIQUE KEY `lang` (`lang`,`module`,`config_name`)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4;
CREATE TABLE `xy_en_modules` (
  `title` varchar(50) NOT NULL
) ENGINE=MyISAM;
CREATE TABLE `xy_vi_modules` (
  `title` varchar(50) NOT NULL
) ENGINE=MyISAM;
INSERT INTO `xy_config` VALUES ('sys','global','site_lang','en');
"""

ITEMS = """CREATE TABLE `xy_en_items` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `title` text NOT NULL,
  `price` decimal(10,2) DEFAULT NULL,
  `size` double NOT NULL DEFAULT 0,
  `blob` blob DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=MyISAM;
"""


def write(tmp_path: Path, text: str, name: str = "dump.sql") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fixture_source():
    source = open_source(fixture_path())
    yield source
    source.close()


def test_the_fixture_is_a_nukeviet_4_site_in_vietnamese(fixture_source):
    assert isinstance(fixture_source, DumpSource)
    assert fixture_source.prefix == "nv4"
    assert fixture_source.language == "vi"
    assert fixture_source.lang("news_rows") == "vi_news_rows"
    tables = fixture_source.tables()
    assert len(tables) == 96
    for name in ("config", "counter", "users", "vi_news_rows", "vi_news_cat", "vi_laws_row"):
        assert fixture_source.has(name)
    assert not fixture_source.has("nv4_config")
    assert not fixture_source.has("vi_shops_rows")
    assert fixture_source.columns("vi_laws_row")[:6] == [
        "id",
        "replacement",
        "relatement",
        "title",
        "alias",
        "code",
    ]


def test_the_fixture_counts_27_articles_and_3_documents(fixture_source):
    assert sum(1 for _ in fixture_source.rows("vi_news_rows")) == 27
    assert [r["id"] for r in fixture_source.rows("vi_laws_row")] == [1, 2, 3]
    first = next(fixture_source.rows("vi_laws_row"))
    # Codes stay as NukeViet stored them (HTML entities); the laws importer unescapes them.
    assert first["code"] == "72&#x002F;2013&#x002F;NĐ-CP"
    assert first["title"].startswith("Nghị định về quản lý, cung cấp")
    assert isinstance(first["addtime"], int)


def test_fixture_escapes_quotes_newlines_and_entities(fixture_source):
    bodies = {r["id"]: r["bodyhtml"] for r in fixture_source.rows("vi_news_detail")}
    assert "\n" in bodies[7]
    # `\\\"` in the dump: a backslash then a quote, as the old editor stored it.
    assert '<a href=\\"https://nukeviet.vn/vi/news/Tin-tuc/' in bodies[14]
    assert (
        '<a href="https://github.com/nukeviet/nukeviet/blob/develop/CHANGELOG.txt">' in (bodies[15])
    )
    assert "&nbsp;" in bodies[15]
    assert "\\" not in bodies[15]


def test_fixture_nulls_are_none(fixture_source):
    row = next(fixture_source.rows("vi_news_detail"))
    assert row["id"] == 1
    assert row["voicedata"] is None


def test_rows_is_a_generator_and_reads_no_further_than_asked(tmp_path):
    rows = ",\n".join(sql_tuple([i, f"bài {i}", None, 0, None]) for i in range(1, 4))
    path = write(
        tmp_path,
        HEADER + ITEMS + "INSERT INTO `xy_en_items` VALUES\n" + rows + ",\n(4,oops,1,2,3);\n",
    )
    with open_source(path) as source:
        rows_iter = source.rows("en_items")
        assert inspect.isgenerator(rows_iter)
        assert next(rows_iter)["title"] == "bài 1"
        assert next(rows_iter)["title"] == "bài 2"
        assert next(rows_iter)["title"] == "bài 3"
        with pytest.raises(SourceError, match=r"Dòng 29: giá trị không đọc được"):
            next(rows_iter)


HOSTILE = [
    "),(",
    "a;b",
    "it's",
    'say "hi"',
    "back\\slash",
    "line\nbreak\r\n",
    "tab\there",
    "nul\x00byte",
    "ctrl-z\x1a",
    "bs\x08",
    "'),(9,'x');\nINSERT INTO `xy_en_items` VALUES (99,'evil',1,1,NULL);",
    "Tiếng Việt có dấu — 😀",
    "",
    "&quot;&amp;&#039;",
    "\\n is not a newline",
    "\\'\"\\\\\\",
]


def test_hostile_strings_come_back_exactly(tmp_path):
    values = [
        [i, text, -12.5 if i % 2 else None, i, text.encode()] for i, text in enumerate(HOSTILE)
    ]
    values[0][4] = b"\x00\xff\x10"
    body = ",".join(sql_tuple(v) for v in values[:5])  # one long line, like mysqldump
    tail = ",\n".join(sql_tuple(v) for v in values[5:])  # one row a line, like mariadb-dump
    path = write(
        tmp_path,
        HEADER
        + ITEMS
        + f"INSERT INTO `xy_en_items` VALUES {body};\n"
        + f"INSERT INTO `xy_en_items` VALUES\n{tail};\n",
    )
    with open_source(path) as source:
        rows = list(source.rows("en_items"))
    assert [r["title"] for r in rows] == HOSTILE
    assert [r["id"] for r in rows] == list(range(len(HOSTILE)))
    assert rows[1]["price"] == -12.5 and rows[2]["price"] is None
    assert rows[3]["size"] == 3.0 and isinstance(rows[3]["size"], float)
    assert rows[0]["blob"] == b"\x00\xff\x10"
    assert rows[11]["blob"] == HOSTILE[11].encode()


def test_every_literal_form_mysql_writes(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + ITEMS
        + "INSERT INTO `xy_en_items` (`id`, `title`, `blob`) VALUES "
        + r"(-7,'it''s \% \_ \Z',_binary 'a\0b'),"
        + "\n  ( 8 , 'raw\nnewline;', x'CAFE' ),"
        + "(9,_utf8mb4'ờ',b'101'),"
        + "(10,'e',0x);\n"
        + "INSERT INTO `xy_en_items` VALUES (11,'f',1.5e3,-0.25,NULL),(12,'g',.5,-3,NULL);\n",
    )
    with open_source(path) as source:
        assert source.language == "en"  # the site language in <prefix>_config
        rows = list(source.rows("en_items"))
    assert rows[0] == {"id": -7, "title": "it's \\% \\_ \x1a", "blob": b"a\x00b"}
    assert rows[1] == {"id": 8, "title": "raw\nnewline;", "blob": b"\xca\xfe"}
    assert rows[2] == {"id": 9, "title": "ờ", "blob": b"\x05"}
    assert rows[3] == {"id": 10, "title": "e", "blob": b""}
    assert rows[4]["price"] == 1500.0 and rows[4]["size"] == -0.25
    assert rows[5]["price"] == 0.5 and rows[5]["size"] == -3.0


def test_raw_bytes_in_a_binary_string(tmp_path):
    text = (
        HEADER
        + ITEMS
        + "INSERT INTO `xy_en_items` (`id`, `blob`) VALUES (1,_binary '@'),(2,'@');\n"
    )
    raw = text.encode().replace(b"'@'", b"'\xff\\0\\\\\xfe'")
    path = tmp_path / "binary.sql"
    path.write_bytes(raw)
    with open_source(path) as source:
        rows = list(source.rows("en_items"))
    assert rows[0]["blob"] == b"\xff\x00\\\xfe"
    assert rows[1]["blob"] == "\xff\x00\\\xfe"  # not UTF-8: kept byte for byte (latin-1)


def test_two_tables_read_at_once(fixture_source):
    cats = fixture_source.rows("vi_news_cat")
    articles = fixture_source.rows("vi_news_rows")
    pairs = list(zip(cats, articles, strict=False))
    assert pairs and all("catid" in c and "catid" in a for c, a in pairs)


def test_gzip_dump(tmp_path):
    path = tmp_path / "site.sql.gz"
    path.write_bytes(gzip.compress(fixture_path().read_bytes()))
    with open_source(path) as source:
        assert source.prefix == "nv4"
        assert sum(1 for _ in source.rows("vi_news_rows")) == 27


def test_a_truncated_dump_names_the_line(tmp_path):
    text = fixture_path().read_text(encoding="utf-8")
    cut = text.index("INSERT INTO `nv4_vi_news_detail`") + 5000
    path = write(tmp_path, text[:cut])
    line = text[:cut].count("\n") + 1
    with pytest.raises(SourceError) as caught:
        open_source(path)
    message = str(caught.value)
    assert "cắt cụt" in message and f"dòng {line}" in message


def test_a_file_that_is_not_a_dump(tmp_path):
    path = write(tmp_path, "Xin chào\nđây là một ghi chú\n", "notes.sql")
    with pytest.raises(SourceError, match="không phải tệp sao lưu"):
        open_source(path)
    png = tmp_path / "image.sql"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(SourceError, match="không phải tệp sao lưu"):
        open_source(png)


def test_a_dump_of_another_application(tmp_path):
    path = write(tmp_path, ITEMS.replace("xy_en_items", "wp_posts"))
    with pytest.raises(SourceError, match="không phải cơ sở dữ liệu NukeViet"):
        open_source(path)


def test_a_row_of_the_wrong_width_names_the_line(tmp_path):
    path = write(tmp_path, HEADER + ITEMS + "INSERT INTO `xy_en_items` VALUES\n(1,'a');\n")
    with open_source(path) as source, pytest.raises(SourceError, match="Dòng 26: hàng có 2"):
        list(source.rows("en_items"))


def test_open_source_refuses_what_it_cannot_read(tmp_path):
    with pytest.raises(SourceError, match="Không nhận ra nguồn"):
        open_source(tmp_path / "site.txt")
    with pytest.raises(SourceError, match="Không tìm thấy tệp"):
        open_source(tmp_path / "missing.sql")
    with pytest.raises(SourceError, match="postgresql://"):
        open_source("postgresql://u:p@localhost/site")
    with pytest.raises(SourceError, match="mysql://"):
        open_source("mysql://localhost")  # no database name


def test_an_unknown_table_is_a_source_error(fixture_source):
    with pytest.raises(SourceError, match="nv4_vi_shops_rows"):
        fixture_source.rows("vi_shops_rows")


def test_one_insert_a_row_dumps_and_interleaved_tables(tmp_path):
    text = (
        HEADER
        + ITEMS
        + "INSERT INTO `xy_en_items` VALUES (1,'a;',NULL,0,NULL);\n"
        + "INSERT INTO `xy_en_items` VALUES (2,'b\n"  # a raw line break inside the string
        + "INSERT INTO `xy_config` VALUES (',NULL,0,NULL);\n"
        + "INSERT INTO `xy_en_items` (`id`, `title`) VALUES (3,'c');\n"
        + "INSERT INTO `xy_config` VALUES ('vi','news','per_page','20');\n"
        + "INSERT INTO `xy_en_items` VALUES (4,'d',NULL,0,NULL);\n"
        + "\n"
        + "INSERT INTO `xy_en_items` VALUES (5,'e',NULL,0,NULL);\n"
    )
    with open_source(write(tmp_path, text)) as source:
        items = list(source.rows("en_items"))
        config = list(source.rows("config"))
    assert [r["id"] for r in items] == [1, 2, 3, 4, 5]
    assert items[1]["title"] == "b\nINSERT INTO `xy_config` VALUES ("
    assert items[2] == {"id": 3, "title": "c"}
    assert [r["config_name"] for r in config] == ["site_lang", "per_page"]


def _count_reads(monkeypatch) -> list[int]:
    """How many times a statement reader grew its buffer (each growth reruns the regex)."""
    from app.nukeviet import source as source_module

    calls = [0]
    original = source_module._StatementReader._more

    def counting(self, *args):
        calls[0] += 1
        return original(self, *args)

    monkeypatch.setattr(source_module._StatementReader, "_more", counting)
    return calls


def test_a_value_of_many_line_breaks_is_not_read_a_line_at_a_time(tmp_path, monkeypatch):
    reads = _count_reads(monkeypatch)
    breaks = "\n" * 20000
    row = f"INSERT INTO `xy_en_items` VALUES (1,'{breaks}',NULL,0,NULL);\n"
    path = write(tmp_path, HEADER + ITEMS + row)
    with open_source(path) as source:
        rows = list(source.rows("en_items"))
    assert rows[0]["title"] == breaks
    assert reads[0] < 30  # once a line before: 20 000


def test_an_unreadable_value_fails_without_reading_the_rest_line_by_line(tmp_path, monkeypatch):
    reads = _count_reads(monkeypatch)
    tail = "".join(f"('{'x' * 195}'),\n" for _ in range(2000))  # ~400 KB after the bad value
    text = HEADER + ITEMS + "INSERT INTO `xy_en_items` VALUES (1,foo,\n" + tail + "('y');\n"
    path = write(tmp_path, text)
    with open_source(path) as source, pytest.raises(SourceError, match="không đọc được"):
        list(source.rows("en_items"))
    assert reads[0] < 30  # once a line before: 2 000


def test_a_line_longer_than_the_limit_is_refused(tmp_path, monkeypatch):
    from app.nukeviet import source as source_module

    monkeypatch.setattr(source_module, "_MAX_PENDING", 1000)
    row = f"INSERT INTO `xy_en_items` VALUES (1,'{'a' * 5000}',NULL,0,NULL);\n"
    with pytest.raises(SourceError, match="dài quá"):
        open_source(write(tmp_path, HEADER + ITEMS + row))
    packed = tmp_path / "dump.sql.gz"
    packed.write_bytes(gzip.compress((HEADER + ITEMS).encode() + b"\0" * 50000))
    with pytest.raises(SourceError, match="dài quá"):
        open_source(packed)


def test_an_integer_too_long_for_python_is_a_source_error(tmp_path):
    row = f"INSERT INTO `xy_en_items` VALUES ({'9' * 5000},'a',NULL,0,NULL);\n"
    path = write(tmp_path, HEADER + ITEMS + row)
    with open_source(path) as source, pytest.raises(SourceError, match="Dòng 25: giá trị không"):
        list(source.rows("en_items"))


def test_an_unreadable_value_is_refused_within_its_own_statements(tmp_path):
    """Reading never goes past the end of the table's INSERTs: a value it cannot read costs
    at most its statements in memory, not the rest of the dump (up to 256 MB before)."""
    import tracemalloc

    other = ITEMS.replace("xy_en_items", "xy_en_other")
    filler = ",".join(sql_tuple([i, "x" * 1000, None, 0, None]) for i in range(1000))
    text = (
        HEADER
        + ITEMS
        + other
        + "INSERT INTO `xy_en_items` VALUES (1,'a',NULL,0,NULL),(2,foo,NULL,0,NULL);\n"
        + f"INSERT INTO `xy_en_other` VALUES {filler};\n" * 8  # 8 MB after the bad value
    )
    with open_source(write(tmp_path, text)) as source:
        assert sum(1 for _ in source.rows("en_other")) == 8000
        rows = source.rows("en_items")
        assert next(rows)["title"] == "a"
        tracemalloc.start()
        try:
            with pytest.raises(SourceError, match=r"Dòng 33: giá trị không đọc được"):
                next(rows)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 1_000_000  # before: the 8 MB after it, read and joined
