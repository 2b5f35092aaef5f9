"""Reading a NukeViet 4.x database: from a `.sql` dump file (mysqldump / mariadb-dump), or
from a live MySQL/MariaDB server through a connection URL. Both give the same rows.

Contract (the importers code against it):

    source = open_source("dump.sql")            # or "mysql://user:pass@host/db"
    source.prefix                               # "nv4"  (table prefix, found in the tables)
    source.language                             # "vi"   (the site language's tables)
    source.has(name)                            # name without prefix: "vi_news_rows", "counter"
    source.columns(name) -> list[str]
    source.rows(name) -> Iterator[dict[str, object]]   # str / int / float / None; in file order
    source.close()

`name` is the table's name after "<prefix>_", e.g. "vi_news_rows", "vi_laws_row", "users",
"counter"; `source.lang(name)` gives f"{language}_{name}" for the language tables
("news_rows" -> "vi_news_rows").

Values: text is `str`, integers `int`, decimals and floating numbers `float`, NULL `None`,
hexadecimal / `_binary` / `b'0101'` literals `bytes`; dates stay the text the dump holds
("2024-05-01 08:00:00"), from a server too.
"""

from __future__ import annotations

import datetime
import decimal
import gzip
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit


class SourceError(Exception):
    """A source that cannot be read; the message is for the user (Vietnamese)."""


class Source:
    """What both sources share: the table names, the prefix and the language."""

    prefix: str = ""
    language: str = ""
    _short: dict[str, str]  # name without the prefix -> the table's full name

    def tables(self) -> list[str]:
        """Every table's name without the prefix, in the source's order."""
        raise NotImplementedError

    def has(self, name: str) -> bool:
        return name in self._table_set()

    def columns(self, name: str) -> list[str]:
        raise NotImplementedError

    def rows(self, name: str) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    def lang(self, name: str) -> str:
        return f"{self.language}_{name}"

    def close(self) -> None:
        pass

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _table_set(self) -> set[str]:
        return set(self.tables())

    def _detect(self, full_names: list[str]) -> None:
        """Find the prefix (`<prefix>_config`) and the language (`<prefix>_<lang>_modules`)."""
        names = set(full_names)
        candidates = [
            n[: -len("_config")]
            for n in full_names
            if n.endswith("_config") and "_" not in n[: -len("_config")]
        ]
        prefix = next(
            (
                p
                for p in candidates
                if any(re.fullmatch(rf"{re.escape(p)}_[a-z]{{2}}_modules", n) for n in names)
            ),
            None,
        )
        if prefix is None:
            raise SourceError(
                "Không tìm thấy bảng cấu hình NukeViet (<tiền tố>_config và "
                "<tiền tố>_<ngôn ngữ>_modules): đây không phải cơ sở dữ liệu NukeViet 4."
            )
        self.prefix = prefix
        self._short = {s: f for f in full_names if (s := self._strip(f)) is not None}
        languages = [
            m.group(1)
            for n in full_names
            if (m := re.fullmatch(rf"{re.escape(prefix)}_([a-z]{{2}})_modules", n))
        ]
        site_lang = None
        if len(languages) > 1:
            for row in self.rows("config"):
                if row.get("module") == "global" and row.get("config_name") == "site_lang":
                    site_lang = row.get("config_value")
                    break
        if site_lang in languages:
            self.language = str(site_lang)
        elif "vi" in languages:
            self.language = "vi"
        else:
            self.language = languages[0]

    def _strip(self, full_name: str) -> str | None:
        start = self.prefix + "_"
        return full_name[len(start) :] if full_name.startswith(start) else None


# --- dump files -------------------------------------------------------------------------

_ESCAPES = {
    b"0": b"\x00",
    b"'": b"'",
    b'"': b'"',
    b"b": b"\x08",
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"Z": b"\x1a",
    b"\\": b"\\",
    # MySQL keeps the backslash of \% and \_ (they are LIKE escapes).
    b"%": b"\\%",
    b"_": b"\\_",
}
_ESCAPE_RE = re.compile(rb"\\(.)|''", re.S)

# The unrolled loop: far fewer steps than one alternative per character.
_STRING = rb"'([^'\\]*(?:(?:\\.|'')[^'\\]*)*)'"
# One value and the separator after it; the groups say which kind the value is.
_VALUE_RE = re.compile(
    rb"\s*(?:"
    + _STRING  # 1 string
    + rb"|(NULL)"  # 2
    + rb"|(-?\d+)(?=\s*[,)])"  # 3 integer
    + rb"|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"  # 4 decimal / float
    + rb"|0x([0-9A-Fa-f]*)"  # 5 hex
    + rb"|_binary\s*"
    + _STRING  # 6 _binary string
    + rb"|[xX]'([0-9A-Fa-f]*)'"  # 7 x'..'
    + rb"|[bB]'([01]*)'"  # 8 b'0101'
    + rb"|(_[a-z0-9]+\s*"
    + _STRING  # 9 other introducer, 10 its string
    + rb"))\s*([,)])",  # 11 separator
    re.S,
)
_TUPLE_START_RE = re.compile(rb"\s*\(")
_AFTER_TUPLE_RE = re.compile(rb"\s*([,;])")
_INSERT_RE = re.compile(
    rb"(?:INSERT|REPLACE)(?:\s+(?:IGNORE|DELAYED|LOW_PRIORITY|HIGH_PRIORITY))*\s+INTO\s+"
    rb"`((?:[^`]|``)+)`\s*(?:\(([^)]*)\))?\s*VALUES\s*",
    re.I,
)
_CREATE_RE = re.compile(rb"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`((?:[^`]|``)+)`", re.I)
_COLUMN_RE = re.compile(rb"\s*`((?:[^`]|``)+)`\s+(\w+)")
_FLOAT_TYPES = {b"float", b"double", b"real", b"decimal", b"numeric", b"dec", b"fixed"}
_BACKSLASH_PAIR_RE = re.compile(rb"\\.", re.S)
_MAX_PENDING = 256 * 1024 * 1024  # one line longer than this is not a dump


_COMMON_ESCAPES = [
    (b"\\'", b"'"),
    (b'\\"', b'"'),
    (b"\\n", b"\n"),
    (b"\\r", b"\r"),
    (b"\\t", b"\t"),
    (b"\\0", b"\x00"),
    (b"\\b", b"\x08"),
    (b"\\Z", b"\x1a"),
]


def _unescape(raw: bytes) -> bytes:
    if b"\\" not in raw and b"''" not in raw:
        return raw
    # What mysqldump writes, with C-speed replaces: `\\` parked on 0xFF (never in UTF-8
    # text), then each escape; anything rarer goes through the regex.
    if b"''" not in raw and b"\xff" not in raw:
        out = raw.replace(b"\\\\", b"\xff")
        for escape, char in _COMMON_ESCAPES:
            out = out.replace(escape, char)
        if b"\\" not in out:
            return out.replace(b"\xff", b"\\")
    return _ESCAPE_RE.sub(
        lambda m: _ESCAPES.get(m.group(1), m.group(1)) if m.group(1) else b"'", raw
    )


def _text(raw: bytes) -> str:
    data = _unescape(raw)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # latin1 tables of very old sites: keep every byte, never fail the import.
        return data.decode("latin-1")


def _quote_parity(line: bytes) -> int:
    if b"\\" in line:
        line = _BACKSLASH_PAIR_RE.sub(b"", line)
    return line.count(b"'") & 1


def _name(raw: bytes) -> str:
    return raw.replace(b"``", b"`").decode("utf-8", errors="replace")


@dataclass
class _Table:
    columns: list[str] = field(default_factory=list)
    # Columns whose whole numbers a dump writes bare ("12") but a server gives as numbers
    # with a fraction: read as float so both sources agree.
    floats: set[str] = field(default_factory=set)
    # Each run of INSERTs into the table, one right after the other: where it starts (byte
    # offset, line number) and the offset just past its last statement's `;` line. A reader
    # never reads past that end, so a value it cannot read fails within its own statements
    # instead of buffering the rest of the file.
    inserts: list[list[int]] = field(default_factory=list)  # [start, line number, end]


class DumpSource(Source):
    """A mysqldump / mariadb-dump file (`.sql`, or `.sql.gz`), read as a stream.

    Opening makes one pass that notes each table's columns and where its INSERT statements
    start; `rows(name)` then reads only those statements, one row at a time.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._gzip = self.path.name.endswith(".gz")
        self._tables: dict[str, _Table] = {}
        try:
            self._file = self._open()
        except OSError as exc:
            raise SourceError(f"Không mở được tệp {self.path}: {exc.strerror or exc}.") from exc
        try:
            self._index()
            self._detect(list(self._tables))
        except BaseException:
            self._file.close()
            raise

    def _open(self) -> IO[bytes]:
        if self._gzip:
            return gzip.open(self.path, "rb")  # type: ignore[return-value]
        return open(self.path, "rb")  # noqa: SIM115 - kept open until close()

    def close(self) -> None:
        self._file.close()

    def tables(self) -> list[str]:
        return list(self._short)

    def _table_set(self) -> set[str]:
        return set(self._short)

    def _table(self, name: str) -> _Table:
        full = self._short.get(name)
        if full is None or full not in self._tables:
            raise SourceError(f"Tệp sao lưu không có bảng {self.prefix}_{name}.")
        return self._tables[full]

    def columns(self, name: str) -> list[str]:
        return list(self._table(name).columns)

    # The one pass: CREATE TABLE columns, and each INSERT's offset and line.
    def _index(self) -> None:
        f = self._file
        offset = 0
        line_no = 0
        seen_statement = False
        creating: _Table | None = None
        create_line = 0
        in_insert = False
        in_string = 0
        ended_table, ended_line = "", 0  # the INSERT that ended last, and its last line
        table_name = ""
        table = _Table()  # the table of the INSERT being read
        insert_line = 0
        try:
            while line := _read_line(f, line_no + 1):
                line_no += 1
                start = offset
                offset += len(line)
                if in_insert:
                    in_string ^= _quote_parity(line)
                    if not in_string and line.rstrip().endswith(b";"):
                        in_insert = False
                        ended_table, ended_line = table_name, line_no
                        table.inserts[-1][2] = offset
                    continue
                if creating is not None:
                    if line.startswith(b")"):
                        creating = None
                        continue
                    m = _COLUMN_RE.match(line)
                    if m:
                        creating.columns.append(_name(m.group(1)))
                        if m.group(2).lower() in _FLOAT_TYPES:
                            creating.floats.add(creating.columns[-1])
                    continue
                head = line.lstrip()[:14].upper()
                if head.startswith((b"INSERT", b"REPLACE")):
                    m = _INSERT_RE.match(line.lstrip())
                    if not m:
                        raise SourceError(
                            f"Dòng {line_no}: câu lệnh INSERT không đọc được trong tệp sao lưu."
                        )
                    seen_statement = True
                    table_name = _name(m.group(1))
                    table = self._tables.setdefault(table_name, _Table())
                    # The rows reader goes on into an INSERT on the very next line for the
                    # same table: only the first of such a run needs its place noted.
                    if (ended_table, ended_line) != (table_name, line_no - 1):
                        table.inserts.append([start, line_no, offset])
                    insert_line = line_no
                    in_string = _quote_parity(line)
                    in_insert = not (not in_string and line.rstrip().endswith(b";"))
                    if not in_insert:
                        ended_table, ended_line = table_name, line_no
                        table.inserts[-1][2] = offset
                elif head.startswith(b"CREATE TABLE"):
                    m = _CREATE_RE.match(line.lstrip())
                    if not m:
                        raise SourceError(f"Dòng {line_no}: câu lệnh CREATE TABLE không đọc được.")
                    seen_statement = True
                    creating = self._tables.setdefault(_name(m.group(1)), _Table())
                    creating.columns = []
                    creating.floats = set()
                    create_line = line_no
                    if line.rstrip().endswith(b";"):  # CREATE TABLE ... LIKE / on one line
                        creating = None
                elif b"\x00" in line and not seen_statement:
                    raise SourceError(
                        f"Tệp {self.path.name} không phải tệp sao lưu SQL (dòng {line_no})."
                    )
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise SourceError(
                f"Không đọc được tệp {self.path.name} sau dòng {line_no}: {exc}."
            ) from exc
        if in_insert:
            raise SourceError(
                f"Tệp sao lưu bị cắt cụt: câu lệnh INSERT ở dòng {insert_line} "
                f"không kết thúc (tệp dừng ở dòng {line_no})."
            )
        if creating is not None:
            raise SourceError(
                f"Tệp sao lưu bị cắt cụt: CREATE TABLE ở dòng {create_line} không kết thúc."
            )
        if not seen_statement:
            raise SourceError(
                f"Tệp {self.path.name} không phải tệp sao lưu MySQL/MariaDB "
                "(không có CREATE TABLE hay INSERT nào)."
            )

    def rows(self, name: str) -> Iterator[dict[str, Any]]:
        table = self._table(name)
        # Its own handle: two tables can be read at once (a category map while reading rows).
        handle = self._open()
        return self._rows(handle, table)

    def _rows(self, handle: IO[bytes], table: _Table) -> Iterator[dict[str, Any]]:
        try:
            for offset, line_no, end in table.inserts:
                handle.seek(offset)
                rows = _StatementReader(handle, line_no, table.columns, end - offset).rows()
                if not table.floats:
                    yield from rows
                    continue
                for row in rows:
                    for column in table.floats:
                        if type(row.get(column)) is int:
                            row[column] = float(row[column])
                    yield row
        finally:
            handle.close()


def _read_line(f: IO[bytes], line_no: int, limit: int | None = None) -> bytes:
    """One line, never more than _MAX_PENDING bytes of it in memory: a dump that is one
    huge line (or a small .gz that inflates to one) is refused, not loaded. With `limit`,
    at most that many bytes (the end of a run of statements is always a line's end)."""
    line = f.readline(_MAX_PENDING + 1 if limit is None else min(limit, _MAX_PENDING + 1))
    if len(line) > _MAX_PENDING and not line.endswith(b"\n"):
        raise SourceError(f"Dòng {line_no}: dòng dài quá {_MAX_PENDING} byte trong tệp sao lưu.")
    return line


class _StatementReader:
    """Parses one INSERT statement's tuples from a file positioned at its start."""

    def __init__(self, handle: IO[bytes], line_no: int, columns: list[str], size: int):
        self.handle = handle
        self.line_no = line_no  # the line of buf[0]
        self.columns = columns
        self.left = size  # bytes of this run of statements not read yet
        self.buf = b""
        self.eof = False
        self.reads = 0  # how many times the buffer grew (tests check it stays small)

    def _more(self, want: int = 1) -> bool:
        # Whole lines (an INSERT on the next line must start a line), at least `want` bytes
        # of them, joined once: the buffer grows geometrically, so a value spread over many
        # lines is matched O(log n) times instead of once a line.
        self.reads += 1
        parts = [self.buf]
        got = 0
        while got < want:
            line = _read_line(self.handle, self.line_no, self.left) if self.left > 0 else b""
            if not line:
                self.eof = True  # the run's end: nothing after it belongs to its statements
                break
            parts.append(line)
            got += len(line)
            self.left -= len(line)
        if got:
            self.buf = b"".join(parts)
        return bool(got)

    def _where(self, pos: int) -> int:
        return self.line_no + self.buf.count(b"\n", 0, pos)

    def _error(self, pos: int, what: str) -> SourceError:
        return SourceError(f"Dòng {self._where(pos)}: {what} trong tệp sao lưu.")

    def _match(self, regex: re.Pattern[bytes], pos: int) -> re.Match[bytes] | None:
        while True:
            m = regex.match(self.buf, pos)
            # A match that reaches the end of the buffer may be cut short (a number, an
            # unfinished string): read on until the match ends before the buffer does.
            if m and (m.end() < len(self.buf) or self.eof):
                return m
            pending = len(self.buf) - pos
            if pending > _MAX_PENDING or not self._more(max(65536, pending)):
                return m

    def _trim(self, pos: int) -> int:
        # Drop what was parsed, so a long statement on one line never piles up.
        if pos > 65536:
            self.line_no += self.buf.count(b"\n", 0, pos)
            self.buf = self.buf[pos:]
            return 0
        return pos

    def rows(self) -> Iterator[dict[str, Any]]:
        """This statement's rows, then those of the INSERTs into the same table that follow
        it line after line (`--skip-extended-insert` dumps: one statement a row)."""
        self._more()
        table = None
        pos = 0
        while True:
            line = self.buf[pos:]
            head = _INSERT_RE.match(line.lstrip())
            if not head or table not in (None, head.group(1)):
                if table is None:
                    raise self._error(pos, "câu lệnh INSERT không đọc được")
                return
            table = head.group(1)
            pos += len(line) - len(line.lstrip()) + head.end()
            pos = yield from self._statement(head, pos)
            # Past the end of the `;` line: the next statement starts on the next line.
            end = self.buf.find(b"\n", pos)
            while end == -1 and self._more():
                end = self.buf.find(b"\n", pos)
            if end == -1:
                return
            pos = self._trim(end + 1)
            if pos >= len(self.buf) and not self._more():
                return

    def _statement(self, head: re.Match[bytes], pos: int) -> Generator[dict[str, Any], None, int]:
        columns = self.columns
        if head.group(2) is not None:
            columns = [_name(c.strip().strip(b"`")) for c in head.group(2).split(b",")]
        if not columns:
            raise self._error(pos, f"bảng {_name(head.group(1))} không có CREATE TABLE")
        width = len(columns)
        while True:
            pos = self._trim(pos)
            m = self._match(_TUPLE_START_RE, pos)
            if not m:
                raise self._error(pos, "thiếu dấu ( mở đầu một hàng")
            pos = m.end()
            values: list[Any] = []
            while True:
                m = self._match(_VALUE_RE, pos)
                if not m:
                    raise self._error(pos, "giá trị không đọc được")
                try:
                    values.append(_value(m))
                except ValueError:  # e.g. an integer past Python's 4300-digit limit
                    raise self._error(pos, "giá trị không đọc được") from None
                pos = m.end()
                if m.group(11) == b")":
                    break
            if len(values) != width:
                raise self._error(pos, f"hàng có {len(values)} giá trị nhưng bảng có {width} cột")
            yield dict(zip(columns, values, strict=True))
            m = self._match(_AFTER_TUPLE_RE, pos)
            if not m:
                raise self._error(pos, "thiếu dấu , hoặc ; sau một hàng")
            pos = m.end()
            if m.group(1) == b";":
                return pos


def _value(m: re.Match[bytes]) -> Any:
    g = m.groups()
    if g[0] is not None:
        return _text(g[0])
    if g[1] is not None:
        return None
    if g[2] is not None:
        return int(g[2])
    if g[3] is not None:
        return float(g[3])
    if g[4] is not None:
        return bytes.fromhex(g[4].decode())
    if g[5] is not None:
        return _unescape(g[5])
    if g[6] is not None:
        return bytes.fromhex(g[6].decode())
    if g[7] is not None:
        bits = g[7].decode() or "0"
        return int(bits, 2).to_bytes((len(bits) + 7) // 8 or 1, "big")
    if g[9] is not None:  # _utf8mb4'...' and other charset introducers
        return _text(g[9])
    raise AssertionError(m.group(0))


# --- live servers -----------------------------------------------------------------------

_URL_SCHEMES = ("mysql", "mysql+pymysql", "mariadb", "mariadb+pymysql")


class MySQLSource(Source):
    """A live MySQL/MariaDB server (PyMySQL); rows stream through a server-side cursor."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in _URL_SCHEMES or not parts.path.strip("/"):
            raise SourceError(
                "Địa chỉ cơ sở dữ liệu phải có dạng mysql://người_dùng:mật_khẩu@máy_chủ/tên_csdl."
            )
        try:
            import pymysql
            import pymysql.cursors
        except ImportError as exc:  # pragma: no cover - it is in requirements.txt
            raise SourceError("Thiếu thư viện PyMySQL để đọc máy chủ MySQL/MariaDB.") from exc
        self._pymysql = pymysql
        self.database = unquote(parts.path.strip("/"))
        self._connect_args = {
            "host": parts.hostname or "localhost",
            "port": parts.port or 3306,
            "user": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "database": self.database,
            "charset": "utf8mb4",
            "connect_timeout": 10,
        }
        try:
            self._conn = pymysql.connect(
                **self._connect_args, cursorclass=pymysql.cursors.DictCursor
            )
        except pymysql.MySQLError as exc:
            raise SourceError(
                f"Không kết nối được máy chủ MySQL/MariaDB {parts.hostname}: {exc.args[-1]}"
            ) from exc
        self._columns: dict[str, list[str]] = {}
        self._binary: dict[str, set[str]] = {}
        try:
            with self._conn.cursor() as cur:
                cur.execute("SHOW TABLES")
                full = [next(iter(r.values())) for r in cur.fetchall()]
            self._detect(full)
        except pymysql.MySQLError as exc:
            self._conn.close()
            raise SourceError(f"Lỗi khi đọc danh sách bảng: {exc.args[-1]}") from exc
        except BaseException:
            self._conn.close()
            raise

    def close(self) -> None:
        self._conn.close()

    def tables(self) -> list[str]:
        return list(self._short)

    def _table_set(self) -> set[str]:
        return set(self._short)

    def _full_name(self, name: str) -> str:
        full = self._short.get(name)
        if full is None:
            raise SourceError(f"Cơ sở dữ liệu không có bảng {self.prefix}_{name}.")
        return full

    def _describe(self, full: str) -> None:
        if full in self._columns:
            return
        try:
            with self._conn.cursor() as cur:
                cur.execute(f"SHOW COLUMNS FROM `{full.replace('`', '``')}`")
                described = cur.fetchall()
        except self._pymysql.MySQLError as exc:
            raise SourceError(f"Lỗi khi đọc bảng {full} trên máy chủ: {exc.args[-1]}") from exc
        self._columns[full] = [r["Field"] for r in described]
        self._binary[full] = {
            r["Field"]
            for r in described
            if re.match(r"(?:tiny|medium|long)?blob|(?:var)?binary|bit", r["Type"])
        }

    def columns(self, name: str) -> list[str]:
        full = self._full_name(name)
        self._describe(full)
        return list(self._columns[full])

    def rows(self, name: str) -> Iterator[dict[str, Any]]:
        full = self._full_name(name)
        self._describe(full)
        return self._rows(full)

    def _rows(self, full: str) -> Iterator[dict[str, Any]]:
        binary = self._binary[full]
        # A connection of its own: an unbuffered cursor holds its connection until read out,
        # and an importer may read two tables at once.
        conn = self._pymysql.connect(
            **self._connect_args, cursorclass=self._pymysql.cursors.SSDictCursor
        )
        cur = conn.cursor()
        try:
            quoted = full.replace("`", "``")  # a name SHOW TABLES gave
            cur.execute(f"SELECT * FROM `{quoted}`")  # noqa: S608
            for row in cur:
                yield {k: _server_value(v, k in binary) for k, v in row.items()}
            cur.close()
        except self._pymysql.MySQLError as exc:
            raise SourceError(f"Lỗi khi đọc bảng {full} trên máy chủ: {exc.args[-1]}") from exc
        finally:
            # Stopped early: detach the cursor and its result so neither reads the rest of
            # the table when closed or collected (PyMySQL's unbuffered results do), then drop
            # the connection, which ends the query on the server.
            result = getattr(conn, "_result", None)
            if result is not None:
                result.unbuffered_active = False
            cur.connection = None
            conn.close()


def _server_value(value: Any, binary: bool) -> Any:
    if isinstance(value, bytes | bytearray):
        if binary:
            return bytes(value)
        return value.decode("utf-8", errors="replace")
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else str(value)
    if isinstance(value, datetime.timedelta):  # TIME columns
        total = int(value.total_seconds())
        sign = "-" if total < 0 else ""
        total = abs(total)
        return f"{sign}{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return value


def open_source(spec: str | Path) -> Source:
    """A dump file path (`.sql`, `.sql.gz`) or a `mysql://` URL; else a `SourceError`."""
    text = str(spec).strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme:
        if scheme not in _URL_SCHEMES:
            raise SourceError(
                f"Không hỗ trợ loại địa chỉ {scheme}://: hãy dùng mysql://, mariadb:// "
                "hoặc đường dẫn tệp .sql / .sql.gz."
            )
        return MySQLSource(text)
    if text.lower().endswith((".sql", ".sql.gz")):
        if not Path(text).is_file():
            raise SourceError(f"Không tìm thấy tệp {text}.")
        return DumpSource(text)
    raise SourceError(
        f"Không nhận ra nguồn “{text}”: hãy đưa đường dẫn tệp sao lưu .sql (hoặc .sql.gz) "
        "hoặc địa chỉ mysql://người_dùng:mật_khẩu@máy_chủ/tên_csdl."
    )
