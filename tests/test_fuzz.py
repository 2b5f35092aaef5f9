"""A property-based fuzz (Hypothesis) of every route and every form: whatever a client sends,
the portal answers with a page or JSON of its own, never a 500.

Every rule of `app.url_map` (static files aside) gets a test per method. Its URL parameters
are drawn per converter (ids that exist, huge/negative/zero-padded/unicode numbers, path
traversal, NUL bytes, very long and odd text), with query strings made of the arguments the
code reads (found in its source). POSTs come from a logged-in administrator with a valid CSRF
token (mostly), starting from the real form the site shows for that endpoint (found by
crawling the seeded site as the administrator), then mutated: fields dropped, emptied,
duplicated, given hostile or oversized values, extra fields, empty or junk file uploads.

Every test starts from a copy of one seeded site (the demo content, an administrator), so the
examples of one route cannot break those of another. Hypothesis runs derandomized with no
example database: the same examples on every run and in CI.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from auth_helpers import Account, logged_in_client, new_account
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pages import Form, csrf_token_from, forms_on, links_on
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter

from app import create_app
from app.auth.models import Role
from app.errors.handlers import MESSAGES
from app.extensions import db, redis_store

ROOT = Path(__file__).resolve().parent.parent
CSRF_REFUSED = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ."
ADMIN = "fuzz-admin"
CRAWL_LIMIT = 250
PAGES_PER_ENDPOINT = 4
# Examples per (route, method): enough to hit each kind of bad value several times, few
# enough that the whole module stays well under a minute on two cores.
GET_EXAMPLES = 8
POST_EXAMPLES = 12

# The copies of the seeded site are SQLite files; tests/test_fuzz_postgresql.py sweeps the GET
# routes on PostgreSQL.
pytestmark = pytest.mark.sqlite_only("its site copies are SQLite files")

FUZZ_SETTINGS = settings(
    max_examples=GET_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    # No shrinking: the site changes under the examples (a POST may delete what a later one
    # names), so a shrunk example would not replay faithfully; `check` reports the request.
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one seeded site per test, shared by its examples
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


# --- what to send ------------------------------------------------------------------------------

EDGE_NUMBERS = [
    "0",
    "00",
    "01",
    "007",
    "-1",
    "-0",
    "+1",
    "1.5",
    "1e3",
    "0x10",
    " 1",
    "1 ",
    "١",
    "²",
    "٣٤",
    "2147483647",
    "2147483648",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "99999999999999999999999",
    "9" * 400,
]
EDGE_TEXT = [
    "",
    " ",
    "\t\n",
    "\x00",
    "a\x00b",
    "%00",
    "%",
    "%%",
    "%2e%2e%2f",
    "..",
    "../",
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd",
    "//evil.example",
    "http://evil.example/",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "' OR '1'='1",
    "'; DROP TABLE articles; --",
    "{{7*7}}",
    "${7*7}",
    "🙂",
    "\u202e\u200b",
    "Tiếng Việt có dấu",
    "đ" * 300,
    "a" * 5000,
    "x" * 70000,
    "null",
    "true",
    "[]",
    "{}",
    "2024-02-31",
    "31/02/2024",
    "01/01/99999",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2024-01-01T25:61",
    "con",
    "index.php",
    "a.jpg.php",
    "secret_key",
    "portal.db",
]
# Text any Flask test client can send: no lone surrogates (they have no UTF-8 form).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def number_text():
    return st.one_of(
        st.sampled_from(EDGE_NUMBERS),
        st.integers(-(2**70), 2**70).map(str),
        st.integers(0, 50).map(str),
    )


def any_value():
    return st.one_of(number_text(), st.sampled_from(EDGE_TEXT), TEXT)


def path_value(converter, known: list[str]):
    """Text to put in a URL where `converter` sits; `known` are values the site links to."""
    hostile = st.sampled_from(EDGE_TEXT[:30]) | TEXT.filter(bool)
    if isinstance(converter, IntegerConverter):
        drawn = number_text() | hostile
    elif isinstance(converter, AnyConverter):
        drawn = st.sampled_from(sorted(converter.items)) | hostile
    else:
        drawn = hostile | number_text()
    if known:
        drawn = st.sampled_from(known) | drawn
    return drawn


# --- the crawl: which forms and links the site shows ---------------------------------------


@dataclass
class SiteMap:
    """What the crawl saw: valid URL values per rule, and the forms posted to each endpoint."""

    values: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # rule -> arg -> values
    forms: dict[str, list[Form]] = field(default_factory=dict)  # endpoint -> forms
    pages: int = 0


def crawl(app, client, start: list[str], site: SiteMap | None = None) -> SiteMap:
    """Follow the site's links from `start`, a few pages per endpoint, recording forms."""
    site = site or SiteMap()
    adapter = app.url_map.bind("localhost")
    queue, seen, per_endpoint = list(start), set(), {}
    while queue and site.pages < CRAWL_LIMIT:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.path in seen:
            continue
        seen.add(parts.path)
        try:
            rule, args = adapter.match(parts.path, method="GET", return_rule=True)
        except Exception:  # noqa: BLE001 - a redirect or a 404: nothing to learn
            continue
        if rule.endpoint in ("static", "stats.stream", "media.image", "blocks.click"):
            continue
        per_endpoint[rule.endpoint] = per_endpoint.get(rule.endpoint, 0) + 1
        if per_endpoint[rule.endpoint] > PAGES_PER_ENDPOINT:
            continue
        for name, value in args.items():
            site.values.setdefault(rule.rule, {}).setdefault(name, set()).add(str(value))
        with client.get(url) as response:
            assert response.status_code < 500, (url, response.status_code)
            page = response.text if response.mimetype == "text/html" else None
        site.pages += 1
        if page is None:
            continue
        for form in forms_on(page, parts.path):
            if form.method != "post":
                continue
            action = urlsplit(form.action).path
            try:
                rule, args = adapter.match(action, method="POST", return_rule=True)
            except Exception:  # noqa: BLE001 - a form posting somewhere unknown is no target
                continue
            form.action = action
            site.forms.setdefault(rule.endpoint, []).append(form)
            for name, value in args.items():
                site.values.setdefault(rule.rule, {}).setdefault(name, set()).add(str(value))
        queue.extend(link for link in links_on(page) if link.startswith("/"))
    # Values of GET links count for the POST rules sharing the same argument names too.
    return site


# --- the seeded site ---------------------------------------------------------------------------


def base_config(instance: Path, redis_url: str) -> dict:
    return {
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'portal.db'}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "fuzz-secret",
        "TESTING": True,
        "SERVER_NAME": "localhost",
        "STATS_BACKGROUND": False,
        "PAGE_CACHE_SECONDS": 0,
    }


@dataclass
class Seeded:
    instance: Path
    site: SiteMap
    admin: Account


def seed_and_crawl(app, *editors: str) -> tuple[SiteMap, Account, object]:
    """Seed the demo content, the administrator ADMIN and `editors` into the app's database,
    then crawl the site as a visitor and as the administrator: the site map, the
    administrator, and the administrator's logged-in client."""
    from app.demo.seed import seed_demo

    with app.app_context():
        with app.test_request_context("/"):
            seed_demo()
        admin = new_account(ADMIN, role=Role.ADMIN)
        for username in editors:
            new_account(username)
        db.session.commit()
    redis_store.client.flushdb()
    site = crawl(app, app.test_client(), ["/auth/login"])
    client = logged_in_client(app, admin)
    crawl(app, client, ["/", "/admin/", "/van-ban/", "/auth/profile"], site)
    return site, admin, client


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, migrated_db, redis_url) -> Seeded:
    """The demo site plus an administrator, crawled once as that administrator."""
    instance = tmp_path_factory.mktemp("fuzz") / "instance"
    instance.mkdir()
    shutil.copy(migrated_db, instance / "portal.db")
    app = create_app(base_config(instance, redis_url))
    site, admin, _ = seed_and_crawl(app, "fuzz-editor")  # an account the fuzz may edit
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    app.extensions["stats_runner"].stop()
    redis_store.client.flushdb()
    return Seeded(instance, site, admin)


class Errors(logging.Handler):
    """The tracebacks the error handler logs, to show with a failing example."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def last(self) -> str:
        if not self.records:
            return ""
        record = self.records[-1]
        return logging.Formatter().format(record)


@dataclass
class Target:
    app: object
    client: object
    site: SiteMap
    errors: Errors
    admin: Account | None = None
    token: str | None = None  # the session's CSRF token, until a response suggests it changed


@contextmanager
def site_copy(seeded: Seeded, folder: Path, redis_url: str):
    """A Target on a fresh copy of the seeded site, logged in as its administrator."""
    instance = folder / "instance"
    shutil.copytree(seeded.instance, instance)
    app = create_app(base_config(instance, redis_url))
    redis_store.client.flushdb()
    with targeting(app, seeded.site, seeded.admin) as target:
        yield target


@contextmanager
def targeting(app, site: SiteMap, admin: Account, client=None):
    """A Target for the app: `client`, or a new one logged in as `admin`; the errors the app
    logs meanwhile collected. Afterwards the app's runner stopped, its database connections
    closed and the Redis DB emptied."""
    errors = Errors()
    logging.getLogger("app").addHandler(errors)
    try:
        if client is None:
            client = logged_in_client(app, admin)
        yield Target(app, client, site, errors, admin)
    finally:
        logging.getLogger("app").removeHandler(errors)
        app.extensions["stats_runner"].stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        redis_store.client.flushdb()


@pytest.fixture(scope="module")
def reader(seeded, tmp_path_factory, redis_url):
    """One copy for all the GET tests: a GET changes nothing another GET depends on."""
    with site_copy(seeded, tmp_path_factory.mktemp("fuzz-get"), redis_url) as target:
        yield target


@pytest.fixture
def target(seeded, tmp_path, redis_url):
    """A copy per POST test: its examples may delete or lock what another test needs."""
    with site_copy(seeded, tmp_path, redis_url) as target:
        yield target


# --- the routes --------------------------------------------------------------------------------


def _rules():
    """Every (rule, method) of the app, read from a throwaway app at collection time."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "INSTANCE_PATH": folder,
                "SECRET_KEY": "x",
                "TESTING": True,
                "STATS_BACKGROUND": False,
                "REDIS_URL": "unix:///nonexistent",
            }
        )
        found = []
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append(pytest.param(rule.rule, method, id=f"{method} {rule.rule}"))
        return sorted(found, key=lambda p: p.id)


RULES = _rules()

QUERY_ARG = re.compile(r"""(?:args|request\.args)(?:\.get|\.getlist)?[\[(]\s*["']([\w-]+)["']""")
FILTER_ARG = re.compile(r"""\bget\(\s*["']([\w-]+)["']\s*\)""")


def query_args() -> list[str]:
    """The query-string arguments the code reads: request.args[...]/get(...) anywhere, and
    the `get("...")` calls of the document filters."""
    names = set()
    for path in (ROOT / "app").rglob("*.py"):
        source = path.read_text()
        names.update(QUERY_ARG.findall(source))
        if path.name == "filters.py":
            names.update(FILTER_ARG.findall(source))
    return sorted(names | {"page", "r", "utm_source"})


QUERY_ARGS = query_args()


def build_path(rule: str, values: dict[str, str]) -> str:
    def sub(match):
        return values[match.group(2)]

    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", sub, rule)


def draw_path(data, app, rule: str, site: SiteMap) -> str:
    werkzeug_rule = next(r for r in app.url_map.iter_rules() if r.rule == rule)
    known = site.values.get(rule, {})
    values = {}
    for name, converter in werkzeug_rule._converters.items():
        raw = data.draw(path_value(converter, sorted(known.get(name, ()))), label=name)
        # Mostly percent-encoded as a browser would; sometimes raw, slashes and all.
        safe = "" if data.draw(st.booleans(), label=f"{name} encoded") else "/%"
        if isinstance(converter, PathConverter):
            safe = "/"
        values[name] = quote(raw, safe=safe)
    return build_path(rule, values)


def draw_query(data) -> list[tuple[str, str]]:
    names = st.sampled_from(QUERY_ARGS) | TEXT
    return data.draw(st.lists(st.tuples(names, any_value()), max_size=4), label="query")


def check(response, what: str, target: Target) -> None:
    """No 500 (nor any other 5xx but a 503 with its page); error pages are the portal's."""
    try:
        status = response.status_code
        detail = f"{what} answered {status}\n{target.errors.last()}"
        assert status < 500 or status == 503, detail
        if response.mimetype == "text/event-stream":
            return
        body = response.get_data()  # the whole body, so that a failing stream counts too
        note_session(target, response, body)
        if status >= 400 and response.mimetype == "text/html":
            body = body.decode()
            assert '<html lang="vi">' in body, detail
            if status in (404, 405, 413, 429, 503):
                assert MESSAGES[status][0] in body, detail
        if status >= 400 and response.is_json:
            assert response.get_json(silent=True) is not None, detail
    finally:
        response.close()
        # The test client spools a large multipart body to a temporary file it never closes.
        sent = getattr(response, "request", None)
        if sent is not None and hasattr(sent.environ.get("wsgi.input"), "close"):
            sent.environ["wsgi.input"].close()


def csrf_token(client) -> str:
    """The session's CSRF token: from the dashboard, or the login page once logged out."""
    page = client.get("/admin/")
    if page.status_code != 200:
        page = client.get("/auth/login")
    return csrf_token_from(page.text)


def session_token(target: Target) -> str:
    """The administrator's CSRF token, logging back in first if the session was lost."""
    if target.token is None:
        if target.admin and target.client.get("/auth/session").status_code != 200:
            logged_in_client(target.app, target.admin, target.client)
        target.token = csrf_token(target.client)
    return target.token


def note_session(target: Target, response, body: bytes) -> None:
    """Forget the token when a response says the session or its token changed."""
    location = response.headers.get("Location", "")
    if (
        response.status_code == 401
        or "/auth/login" in location
        or (response.status_code == 400 and CSRF_REFUSED.encode() in body)
    ):
        target.token = None


def test_every_rule_is_fuzzed_and_the_crawl_found_the_forms(seeded):
    """The fuzz covers every route (guards against a parametrization that lost some), and the
    crawl saw the site's admin forms, so POSTs start from real fields and ids."""
    app = create_app(
        {
            "INSTANCE_PATH": str(seeded.instance),
            "SECRET_KEY": "x",
            "TESTING": True,
            "STATS_BACKGROUND": False,
        }
    )
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert rules == {p.values[0] for p in RULES}
    assert seeded.site.pages >= 50
    for endpoint in (
        "auth.login",
        "news_admin.edit",
        "documents_admin.edit",
        "blocks_admin.edit",
        "category_admin.edit",
        "admin.user_edit",
        "documents_admin.lists",
    ):
        assert endpoint in seeded.site.forms, endpoint
    assert "page" in QUERY_ARGS and "nguoi-ky" in QUERY_ARGS


# --- GET ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "method"), [p for p in RULES if p.values[1] != "POST"])
@FUZZ_SETTINGS
@given(data=st.data())
def test_no_url_or_query_string_makes_a_get_answer_500(reader, rule, method, data):
    target = reader
    path = draw_path(data, target.app, rule, target.site)
    query = draw_query(data)
    anonymous = data.draw(st.booleans(), label="anonymous")
    client = target.app.test_client() if anonymous else target.client
    response = client.open(path, method=method, query_string=query)
    check(response, f"{method} {path} ? {query!r}", target)


# --- POST --------------------------------------------------------------------------------------

PNG_1x1 = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)
FILE_BODIES = [
    b"",
    b"\x00",
    PNG_1x1,
    PNG_1x1[:20],
    b"%PDF-1.4\n%%EOF",
    b"PK\x03\x04" + b"\0" * 26,
    b"<svg onload=alert(1)>",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"x" * 70000,
]
FILE_NAMES = [
    "",
    "a.png",
    "a.pdf",
    "a.docx",
    "../../x.png",
    "a.jpg.php",
    "\x00.png",
    "tệp.pdf",
    "a" * 300 + ".png",
    "noext",
]


def draw_files(data, names: list[str]) -> list[tuple[str, FileStorage]]:
    files = []
    for name in names + data.draw(
        st.lists(st.sampled_from(["image", "file", "files"]), max_size=1), label="extra files"
    ):
        if data.draw(st.booleans(), label=f"{name} absent"):
            continue
        body = data.draw(st.sampled_from(FILE_BODIES), label=f"{name} body")
        filename = data.draw(st.sampled_from(FILE_NAMES), label=f"{name} filename")
        kind = data.draw(st.sampled_from(["application/octet-stream", "image/png", ""]))
        files.append((name, FileStorage(io.BytesIO(body), filename=filename, content_type=kind)))
    return files


def draw_fields(data, forms: list[Form]) -> tuple[list[tuple[str, str]], list[str]]:
    """A real form of this endpoint (if the site shows one), then mutated."""
    form = data.draw(st.sampled_from(forms), label="form") if forms else Form("", "post", False)
    fields = [(k, v) for k, v in form.fields if k != "csrf_token"]
    names = sorted({k for k, _ in fields}) or ["ids", "action", "q"]
    operations = st.sampled_from(["drop", "empty", "replace", "duplicate", "add", "huge"])
    for operation in data.draw(st.lists(operations, max_size=5), label="mutations"):
        name = data.draw(st.sampled_from(names), label="field")
        if operation == "drop":
            fields = [(k, v) for k, v in fields if k != name]
        elif operation == "empty":
            fields = [(k, "" if k == name else v) for k, v in fields]
        elif operation == "replace":
            value = data.draw(any_value(), label="value")
            fields = [(k, value if k == name else v) for k, v in fields]
        elif operation == "duplicate":
            fields.append((name, data.draw(any_value(), label="value")))
        elif operation == "add":
            fields.append((data.draw(TEXT | st.sampled_from(names)), data.draw(any_value())))
        else:
            fields = [(k, "é" * 200_000 if k == name else v) for k, v in fields]
    return fields, form.files


@pytest.mark.parametrize(("rule", "method"), [p for p in RULES if p.values[1] == "POST"])
@settings(FUZZ_SETTINGS, max_examples=POST_EXAMPLES)
@given(data=st.data())
def test_no_form_post_makes_an_answer_500(target, rule, method, data):
    path = draw_path(data, target.app, rule, target.site)
    endpoint = next(r.endpoint for r in target.app.url_map.iter_rules() if r.rule == rule)
    fields, file_fields = draw_fields(data, target.site.forms.get(endpoint, []))
    token = session_token(target)
    csrf = data.draw(st.sampled_from(["valid"] * 6 + ["missing", "garbage", "twice", "header"]))
    headers = {}
    if csrf == "valid":
        fields.append(("csrf_token", token))
    elif csrf == "garbage":
        fields.append(("csrf_token", data.draw(any_value(), label="token")))
    elif csrf == "twice":
        fields += [("csrf_token", "x"), ("csrf_token", token)]
    elif csrf == "header":
        headers["X-CSRFToken"] = token
    files = draw_files(data, file_fields)
    payload = MultiDict(fields)
    for name, storage in files:
        payload.add(name, storage)
    if files or data.draw(st.booleans(), label="multipart"):
        kwargs = {"data": payload, "content_type": "multipart/form-data"}
    else:
        kwargs = {"data": payload}
    if data.draw(st.booleans(), label="json client"):
        headers["Accept"] = "application/json"
    response = target.client.open(path, method=method, headers=headers, **kwargs)
    what = f"POST {path} fields={[(k, v[:80]) for k, v in fields]!r} files={files!r}"
    check(response, what, target)


# --- a deterministic sweep of the edge values --------------------------------------------------
# Random examples may miss a given value; every parameter of every route gets each of these.

HUGE = ["9223372036854775808", "99999999999999999999999", "-1", "٣", "1e3"]
# The kinds of text that broke other sites' code: empty, NUL, stray percent signs, traversal,
# markup, SQL, emoji and right-to-left marks, impossible dates, length.
SWEEP_TEXT = ["", "\x00", "%", "%2e%2e%2f", "../../etc/passwd", "<script>alert(1)</script>",
              "'; DROP TABLE articles; --", "🙂\u202e", "31/02/2024", "2024-01-01T25:61",
              "a" * 5000]  # fmt: skip


def rule_of(app, rule: str):
    return next(r for r in app.url_map.iter_rules() if r.rule == rule)


def known_path_values(app, rule: str, site: SiteMap) -> dict[str, str]:
    """A value the site links to for each parameter (else one that fits the converter)."""
    known = site.values.get(rule, {})
    values = {}
    for name, converter in rule_of(app, rule)._converters.items():
        if known.get(name):
            # The newest record: the fuzz's own administrator is the oldest account.
            values[name] = max(known[name], key=lambda v: (len(v), v))
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "1" if isinstance(converter, IntegerConverter) else "x"
    return values


def swept_paths(app, rule: str, site: SiteMap) -> list[str]:
    """The rule with known values, then with each edge value in one parameter at a time."""
    base = known_path_values(app, rule, site)
    paths = [build_path(rule, base)]
    for name, converter in rule_of(app, rule)._converters.items():
        edges = EDGE_NUMBERS + (SWEEP_TEXT if not isinstance(converter, IntegerConverter) else [])
        for value in edges:
            if value:
                safe = "/" if isinstance(converter, PathConverter) else ""
                paths.append(build_path(rule, {**base, name: quote(value, safe=safe)}))
    return paths


@pytest.mark.parametrize(("rule", "method"), [p for p in RULES if p.values[1] != "POST"])
def test_every_edge_value_in_a_get_url_or_query_answers_without_500(reader, rule, method):
    sweep_get(reader, rule, method)


def sweep_get(target: Target, rule: str, method: str) -> None:
    """Each edge value in each URL parameter, then in `page` and in every query argument."""
    base = build_path(rule, known_path_values(target.app, rule, target.site))
    for path in swept_paths(target.app, rule, target.site):
        check(target.client.open(path, method=method), f"{method} {path}", target)
    queries = [{"page": value} for value in EDGE_NUMBERS]
    queries += [dict.fromkeys(QUERY_ARGS, value) for value in EDGE_NUMBERS + SWEEP_TEXT]
    for query in queries:
        response = target.client.open(base, method=method, query_string=query)
        check(response, f"{method} {base} ? {query!r}"[:300], target)


@pytest.mark.parametrize(("rule", "method"), [p for p in RULES if p.values[1] == "POST"])
def test_every_edge_value_in_a_form_or_its_url_answers_without_500(target, rule, method):
    endpoint = rule_of(target.app, rule).endpoint
    forms = target.site.forms.get(endpoint) or [Form("", "post", False)]
    fields = [(k, v) for k, v in forms[0].fields if k != "csrf_token"]

    def post(path: str, fields: list[tuple[str, str]]) -> None:
        data = MultiDict([*fields, ("csrf_token", session_token(target))])
        response = target.client.open(path, method=method, data=data)
        check(response, f"POST {path} {[(k, v[:40]) for k, v in fields]!r}", target)

    base = build_path(rule, known_path_values(target.app, rule, target.site))
    for name in sorted({k for k, _ in fields}):
        for value in HUGE + ["", "\x00"]:
            post(base, [(k, value if k == name else v) for k, v in fields])
    for path in swept_paths(target.app, rule, target.site):
        post(path, fields)


def test_the_fuzz_can_fail_on_a_route_that_answers_500(seeded, tmp_path, redis_url):
    """The property is real: a route raising an exception is reported by `check`."""
    instance = tmp_path / "instance"
    shutil.copytree(seeded.instance, instance)
    app = create_app(base_config(instance, redis_url))

    def broken(number: int):
        raise OverflowError(number)

    app.add_url_rule("/broken/<int:number>", "broken", broken)
    errors = Errors()
    target = Target(app, app.test_client(), SiteMap(), errors)
    logging.getLogger("app").addHandler(errors)
    try:
        with pytest.raises(AssertionError, match="answered 500"):
            check(app.test_client().get("/broken/1"), "GET /broken/1", target)
    finally:
        logging.getLogger("app").removeHandler(errors)
        app.extensions["stats_runner"].stop()
        with app.app_context():
            db.engine.dispose()
