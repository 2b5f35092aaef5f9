"""Responsiveness under abuse (issue 9 §1): the real server (gunicorn + gevent, 2 workers,
a migrated and seeded instance in a temp folder) while it is (a) flooded with logins,
(b) locked out of SQLite by an outside process, (c) sent big images by an editor.

During each scenario, probes measure `/api/stats` and a cached article page (p50/p99/max)
and walk the reader pages (an article, the documents list, a document, a banner click) counting
5xx answers; in (b) an editor keeps saving new categories and readers keep clicking banners,
and afterwards the script checks that every save acknowledged (302) is in the database, no
refused one (503) is, and how many acknowledged banner clicks were counted.

    .venv/bin/python bench/abuse.py [--seconds 15] [--flood 30] [--only login,lock,image]

Targets (DESIGN.md, issue 9): `/api/stats` and the cached article p99 <= 100 ms during the
login flood and the writer lock; 0 x 500 on reader pages; writes that cannot get the lock
answer 503 and lose nothing. Missing a target does not change the exit status; errors do.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import http.cookies
import itertools
import json
import os
import random
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from collections import Counter
from pathlib import Path

from benchlib import (
    BROWSER_UA,
    PYTHON,
    ROOT,
    CpuAccount,
    FloodTally,
    Server,
    percentile,
    portal_env,
    prepare_instance,
    read_flood,
    wait_quiet,
)

EDITOR = "bench-editor"
EDITOR_PASSWORD = "mây-trắng bay 27 lần trên đồi"
TARGET_MS = 100.0


# --- HTTP with cookies over one keep-alive connection --------------------------------------------


class Client:
    """One keep-alive connection with its own cookies (urllib would open one per request)."""

    def __init__(self, port: int, timeout: float = 30.0, user_agent: str = BROWSER_UA) -> None:
        self.port = port
        self.timeout = timeout
        self.user_agent = user_agent
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes]:  # fmt: skip
        all_headers = {"User-Agent": self.user_agent, "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # a keep-alive connection the server closed: once more, fresh
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, dict(response.getheaders()), data

    def get(self, path: str, headers: dict | None = None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict, headers: dict | None = None):
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type":
                            "application/x-www-form-urlencoded", **(headers or {})})  # fmt: skip

    def token(self, path: str) -> str:
        status, _, body = self.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        text = body.decode()
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text) or re.search(
            r'<meta name="csrf-token" content="([^"]+)"', text
        )
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


_visitors = itertools.count(1)


def visitor_ua(n: int | None = None) -> str:
    """A user agent no other request of this run uses (n=None), or the n-th fixed one:
    without cookies the server tells visitors apart by IP and user agent."""
    n = next(_visitors) if n is None else n
    return BROWSER_UA.replace("Chrome/124.0.0.0", f"Chrome/124.{os.getpid()}.{n}.0")


# --- Probes --------------------------------------------------------------------------------------


class Probe(threading.Thread):
    """GETs `paths` in turn, one at a time, `interval` seconds apart, until stopped; records
    (latency ms, status) per path. A new visitor for each request when `new_visitors`."""

    def __init__(self, port: int, paths: list[str], interval: float,
                 new_visitors: bool = False) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.port = port
        self.paths = paths
        self.interval = interval
        self.new_visitors = new_visitors
        self.stop = threading.Event()
        self.samples: dict[str, list[tuple[float, int]]] = {p: [] for p in paths}
        self.errors = Counter()

    def run(self) -> None:
        client = Client(self.port)
        while not self.stop.is_set():
            for path in self.paths:
                headers = {}
                if self.new_visitors:
                    client.close()
                    client.cookies.clear()
                    headers["User-Agent"] = visitor_ua()
                start = time.perf_counter()
                try:
                    status, _, _ = client.get(path, headers)
                except OSError as exc:
                    self.errors[type(exc).__name__] += 1
                    client.close()
                    status = 0
                self.samples[path].append(((time.perf_counter() - start) * 1000, status))
                self.stop.wait(self.interval)
        client.close()


def summary(samples: list[tuple[float, int]]) -> dict:
    latencies = sorted(ms for ms, _ in samples)
    statuses = Counter(status for _, status in samples)
    return {
        "n": len(samples),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else float("nan"),
        "5xx": sum(c for s, c in statuses.items() if s >= 500),
        "500": statuses.get(500, 0),
        "statuses": dict(sorted(statuses.items())),
    }


class Probes:
    def __init__(self, port: int, article: str, reader_paths: list[str]) -> None:
        self.stats = Probe(port, ["/api/stats"], 0.02)
        self.article = Probe(port, [article], 0.02)
        self.readers = Probe(port, reader_paths, 0.05, new_visitors=True)
        self.all = (self.stats, self.article, self.readers)

    def __enter__(self) -> Probes:
        for probe in self.all:
            probe.start()
        return self

    def __exit__(self, *exc) -> None:
        for probe in self.all:
            probe.stop.set()
        for probe in self.all:
            probe.join(timeout=60)

    def report(self) -> dict:
        readers = [s for samples in self.readers.samples.values() for s in samples]
        return {
            "api_stats": summary(self.stats.samples["/api/stats"]),
            "article": summary(next(iter(self.article.samples.values()))),
            "readers": summary(readers),
            "readers_by_path": {p: summary(s) for p, s in self.readers.samples.items()},
            "probe_errors": dict(self.stats.errors + self.article.errors + self.readers.errors),
        }


# --- Scenario (a): login flood, in a process of its own ------------------------------------------


def flood_main(port: int, seconds: float, concurrency: int) -> None:
    """30 threads (by default), each with its own session and valid CSRF token, POST logins
    with random usernames as fast as they are answered; prints a JSON line of statuses."""
    tally = FloodTally()
    deadline = time.monotonic() + seconds

    def attacker(n: int) -> None:
        client = Client(port, timeout=60, user_agent=visitor_ua(10_000 + n))
        try:
            token = client.token("/auth/login")
        except (OSError, RuntimeError) as exc:
            tally.failed(f"token: {type(exc).__name__}")
            return
        while time.monotonic() < deadline:
            fields = {"csrf_token": token, "username": f"u{random.getrandbits(40):x}",
                      "password": f"p{random.getrandbits(64):x}"}  # fmt: skip
            try:
                status, _, _ = client.post_form("/auth/login", fields)
            except OSError as exc:
                tally.failed(type(exc).__name__)
                client.close()
                continue
            tally.answered(status)
        client.close()

    tally.run([threading.Thread(target=attacker, args=(n,)) for n in range(concurrency)])


def scenario_login(server: Server, probes_args, seconds: float, concurrency: int) -> dict:
    with Probes(*probes_args) as probes:
        time.sleep(1)
        done = subprocess.run(
            [PYTHON, __file__, "_flood", str(server.port), str(seconds), str(concurrency)],
            capture_output=True, text=True, timeout=seconds + 120,
        )  # fmt: skip
        time.sleep(0.5)
    return {"probes": probes.report(), "flood": read_flood(done, "login flood")}


# --- Scenario (b): an outside process holds SQLite's lock ----------------------------------------

HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
db.execute("BEGIN " + sys.argv[2])
print("locked", flush=True)
time.sleep(float(sys.argv[3]))
db.execute("ROLLBACK")
print("released", flush=True)
"""


class Every(threading.Thread):
    """A daemon thread doing `once()` every `interval` seconds (after each is done) until
    `stop` is set."""

    def __init__(self, interval: float) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.stop = threading.Event()

    def once(self) -> None:
        raise NotImplementedError

    def run(self) -> None:
        while not self.stop.is_set():
            self.once()
            self.stop.wait(self.interval)


class Writer(Every):
    """The logged-in editor saving a new category every `interval` seconds."""

    def __init__(self, editor: Client, interval: float, tag: str) -> None:
        super().__init__(interval)
        self.editor = editor
        self.tag = tag
        self.token = ""
        self.results: list[tuple[str, int, float]] = []  # (name, status, ms)

    def run(self) -> None:
        self.token = self.editor.token("/admin/news/categories/new")
        super().run()

    def once(self) -> None:
        name = f"Bench {self.tag} {len(self.results) + 1}"
        fields = {"csrf_token": self.token, "name": name, "slug": "", "parent": "0"}
        start = time.perf_counter()
        try:
            status, _, _ = self.editor.post_form("/admin/news/categories/new", fields)
        except OSError:
            status = 0
            self.editor.close()
        self.results.append((name, status, (time.perf_counter() - start) * 1000))


class Clicker(Every):
    """New visitors clicking one banner; records how many redirects (acknowledged clicks)."""

    def __init__(self, port: int, path: str, interval: float) -> None:
        super().__init__(interval)
        self.port = port
        self.path = path
        self.statuses = Counter()

    def once(self) -> None:
        client = Client(self.port, user_agent=visitor_ua())
        try:
            status, _, _ = client.get(self.path)
        except OSError:
            status = 0
        client.close()
        self.statuses[status] += 1


def sql_one(database: Path, query: str, args=()) -> int:
    connection = sqlite3.connect(database, timeout=30)
    try:
        return connection.execute(query, args).fetchone()[0]
    finally:
        connection.close()


def scenario_lock(server: Server, probes_args, seconds: float, editor: Client,
                  banner: tuple[int, str]) -> dict:  # fmt: skip
    database = server.instance / "portal.db"
    banner_id, banner_path = banner
    results = {}
    for mode in ("EXCLUSIVE", "IMMEDIATE"):
        clicks_before = sql_one(database, "SELECT clicks FROM banners WHERE id = ?", (banner_id,))
        holder = subprocess.Popen(
            [PYTHON, "-c", HOLD_LOCK, str(database), mode, str(seconds)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert holder.stdout.readline().strip() == "locked"
        writer = Writer(editor, 0.5, mode.lower())
        clicker = Clicker(server.port, banner_path, 0.25)
        with Probes(*probes_args) as probes:
            writer.start()
            clicker.start()
            holder.stdout.readline()  # "released": the lock was held `seconds`
            holder.wait(timeout=30)
            holder.stdout.close()
            writer.stop.set()
            clicker.stop.set()
            writer.join(timeout=60)
            clicker.join(timeout=60)
        # After the lock: every acknowledged save is there, no refused one is.
        saved = {
            name: sql_one(database, "SELECT count(*) FROM categories WHERE name = ?", (name,))
            for name, _, _ in writer.results
        }
        acknowledged = [n for n, s, _ in writer.results if s == 302]
        refused = [n for n, s, _ in writer.results if s == 503]
        # Clicks the database could not take are spooled and replayed: give it a moment.
        # The reader probe clicks the same banner (a new visitor each time): its clicks count too.
        probe_clicks = sum(1 for _, s in probes.readers.samples[banner_path] if s == 302)
        answered_clicks = clicker.statuses.get(302, 0) + probe_clicks
        counted = 0
        for _ in range(40):
            counted = sql_one(database, "SELECT clicks FROM banners WHERE id = ?",
                              (banner_id,)) - clicks_before  # fmt: skip
            if counted >= answered_clicks:
                break
            time.sleep(0.5)
        write_ms = sorted(ms for _, s, ms in writer.results if s == 503)
        results[mode] = {
            "probes": probes.report(),
            "writes": dict(Counter(s for _, s, _ in writer.results)),
            "refused_wait_ms_p50": percentile(write_ms, 50),
            "acknowledged_saves_missing": sum(1 for n in acknowledged if saved[n] != 1),
            "refused_saves_present": sum(1 for n in refused if saved[n] != 0),
            "clicks": dict(clicker.statuses),
            "clicks_answered": answered_clicks,
            "clicks_counted": counted,
        }
    return results


# --- Scenario (c): big images uploaded by an editor ----------------------------------------------


def big_png(width: int, height: int) -> bytes:
    """An RGB PNG that compresses well (repeating rows of a gradient) but decodes to
    width x height pixels."""
    row = bytes((x * 7 + c * 85) % 256 for x in range(width) for c in range(3))
    raw = b"".join(b"\x00" + row for _ in range(height))
    compressed = zlib.compress(raw, 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", compressed)
            + chunk(b"IEND", b""))  # fmt: skip


def multipart(field: str, filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = f"----bench{random.getrandbits(64):x}"
    disposition = f'form-data; name="{field}"; filename="{filename}"'
    head = (f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode()  # fmt: skip
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload_png(editor: Client, token: str, filename: str, png: bytes) -> tuple[int, float, bytes]:
    """The article editor's image upload of one PNG: (status, ms, body)."""
    body, ctype = multipart("image", filename, png, "image/png")
    start = time.perf_counter()
    status, _, data = editor.request(
        "POST",
        "/admin/news/images",
        body,
        {"Content-Type": ctype, "X-CSRFToken": token, "Accept": "application/json"},
    )
    return status, (time.perf_counter() - start) * 1000, data


def scenario_image(server: Server, probes_args, seconds: float, editor: Client,
                   pixels: int) -> dict:  # fmt: skip
    side = int(pixels**0.5)
    width, height = side, pixels // side - 1  # just under the limit
    png = big_png(width, height)
    token = editor.token("/admin/news/articles/new")
    uploads: list[tuple[int, float, str]] = []
    rss_base = server.rss()
    rss_peak = rss_base
    stop = threading.Event()

    def sample_rss():
        nonlocal rss_peak
        while not stop.is_set():
            rss_peak = max(rss_peak, server.rss())
            stop.wait(0.05)

    sampler = threading.Thread(target=sample_rss, daemon=True)
    with Probes(*probes_args) as probes:
        sampler.start()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status, ms, data = upload_png(editor, token, "anh-lon.png", png)
            uploads.append((status, ms, data.decode()[:200]))
        stop.set()
        sampler.join(timeout=5)
    # The old limit's picture (6324 x 6324, the issue's) is refused now, from its header.
    old = big_png(6324, 6324)
    status, refused_ms, data = upload_png(editor, token, "anh-qua-lon.png", old)
    return {
        "image": f"{width}x{height} PNG ({width * height / 1e6:.1f} MP, {len(png) / 1e6:.1f} MB)",
        "probes": probes.report(),
        "uploads": dict(Counter(s for s, _, _ in uploads)),
        "upload_ms_p50": percentile(sorted(ms for _, ms, _ in uploads), 50),
        "upload_errors": [text for s, _, text in uploads if s != 200][:3],
        "rss_peak_delta_mb": (rss_peak - rss_base) / 1e6,
        "old_limit_image": {
            "status": status,
            "ms": refused_ms,
            "message": json.loads(data or b"{}").get("error"),
        },  # fmt: skip
    }


# --- Setup and report ----------------------------------------------------------------------------


def find_paths(port: int) -> tuple[str, str, tuple[int, str]]:
    client = Client(port)
    _, _, home = client.get("/")
    _, _, docs = client.get("/van-ban/")
    client.close()
    home_text, docs_text = home.decode(), docs.decode()
    article = re.search(r'href="(/tin-tuc/[^"#?]+)"', home_text).group(1)
    document = re.search(r'href="(/van-ban/(?!tep/)[^"#?/]+)"', docs_text).group(1)
    banner = re.search(r'href="(/lien-ket/(\d+))"', home_text)
    return article, document, (int(banner.group(2)), banner.group(1))


def login_editor(port: int) -> Client:
    editor = Client(port, user_agent=visitor_ua(99_999))
    token = editor.token("/auth/login")
    status, _, body = editor.post_form("/auth/login", {"csrf_token": token, "username": EDITOR,
                                                       "password": EDITOR_PASSWORD})  # fmt: skip
    if status != 302:
        raise RuntimeError(f"editor login answered {status}: {body[:500]!r}")
    return editor


def fmt(probe: dict) -> str:
    return (f"{probe['p50']:,.1f} / {probe['p99']:,.1f} / {probe['max']:,.1f} ms "
            f"(n={probe['n']}, 5xx={probe['5xx']})")  # fmt: skip


def print_probes(title: str, report: dict) -> list[str]:
    misses = []
    print(f"  {title}")
    print(f"    /api/stats        p50/p99/max {fmt(report['api_stats'])}")
    print(f"    cached article    p50/p99/max {fmt(report['article'])}")
    print(f"    reader pages      p50/p99/max {fmt(report['readers'])}")
    for path, by_path in report["readers_by_path"].items():
        print(f"      {path[:40]:<40} p50/p99/max {fmt(by_path)} {by_path['statuses']}")
    if report["probe_errors"]:
        print(f"    probe socket errors: {report['probe_errors']}")
    if report["readers"]["500"] or report["api_stats"]["500"] or report["article"]["500"]:
        misses.append(f"{title}: 500 answers on reader pages")
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15, help="length of each scenario")
    parser.add_argument("--flood", type=int, default=30, help="concurrent login POSTs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="baseline,login,lock,image")
    parser.add_argument("--quiet-wait", type=float, default=120)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, DB)")
    args = parser.parse_args()
    only = set(args.only.split(","))

    workdir = Path(tempfile.mkdtemp(prefix="bench-abuse-"))
    instance = workdir / "instance"
    print(f"# bench/abuse.py — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
          f"{os.cpu_count()} CPUs, temp dir {workdir}")  # fmt: skip
    prepare_instance(instance)
    env = portal_env(instance)
    subprocess.run([PYTHON, "-m", "flask", "create-admin", "--username", EDITOR],
                   cwd=ROOT, env=dict(env, ADMIN_PASSWORD=EDITOR_PASSWORD), check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    server = Server("portal", "wsgi:app", workdir, workers=args.workers, env=env,
                    instance=instance)  # fmt: skip
    results: dict = {}
    misses: list[str] = []
    try:
        server.start("/healthz")
        print(f"code: {server.version}")
        article, document, banner = find_paths(server.port)
        reader_paths = [article, "/van-ban/", document, banner[1]]
        probes_args = (server.port, article, reader_paths)
        editor = login_editor(server.port)
        with open(ROOT / "app" / "config.py") as fh:  # the shipped pixel limit
            pixels = int(re.search(r"IMAGE_MAX_PIXELS = ([\d_]+)", fh.read()).group(1))

        for name in ("baseline", "login", "lock", "image"):
            if name not in only:
                continue
            others = wait_quiet(args.quiet_wait)
            account = CpuAccount()
            if name == "baseline":
                with Probes(*probes_args) as probes:
                    time.sleep(args.seconds)
                results[name] = {"probes": probes.report()}
            elif name == "login":
                results[name] = scenario_login(server, probes_args, args.seconds, args.flood)
            elif name == "lock":
                results[name] = scenario_lock(server, probes_args, args.seconds, editor, banner)
            else:
                results[name] = scenario_image(server, probes_args, args.seconds, editor, pixels)
            cpu = account.result()
            results[name]["cpu_others_pct"] = cpu["others_pct"]
            results[name]["quiet_before_pct"] = others
        problems = server.log_problems()
    finally:
        server.stop()

    print()
    for name, result in results.items():
        print(f"== {name} (CPU used by other processes: {result['cpu_others_pct']:.0f} %)")
        if name == "lock":
            for mode, sub in result.items():
                if not isinstance(sub, dict):
                    continue
                misses += print_probes(f"BEGIN {mode} held {args.seconds:g} s", sub["probes"])
                print(f"    editor saves: {sub['writes']} (503 after a median "
                      f"{sub['refused_wait_ms_p50']:,.0f} ms); acknowledged but missing: "
                      f"{sub['acknowledged_saves_missing']}; refused but present: "
                      f"{sub['refused_saves_present']}")  # fmt: skip
                print(f"    banner clicks: {sub['clicks']} + the reader probe's; redirected "
                      f"(acknowledged) {sub['clicks_answered']}, counted in SQL afterwards "
                      f"{sub['clicks_counted']}")  # fmt: skip
                for key in ("api_stats", "article"):
                    if sub["probes"][key]["p99"] > TARGET_MS:
                        misses.append(f"lock {mode}: {key} p99 {sub['probes'][key]['p99']:.0f} ms")
                if sub["acknowledged_saves_missing"] or sub["refused_saves_present"]:
                    misses.append(f"lock {mode}: a write was lost or half-done")
            continue
        misses += print_probes(name, result["probes"])
        if name == "login":
            print(f"    login POSTs answered: {result['flood']['statuses']}; socket errors: "
                  f"{result['flood']['errors']}")  # fmt: skip
            for key in ("api_stats", "article"):
                if result["probes"][key]["p99"] > TARGET_MS:
                    misses.append(f"login flood: {key} p99 {result['probes'][key]['p99']:.0f} ms")
        if name == "image":
            print(f"    {result['image']}: uploads {result['uploads']}, median "
                  f"{result['upload_ms_p50']:,.0f} ms each; workers' RSS peak "
                  f"+{result['rss_peak_delta_mb']:,.0f} MB")  # fmt: skip
            if result["upload_errors"]:
                print(f"    upload errors: {result['upload_errors']}")
            old = result["old_limit_image"]
            print(f"    6324x6324 PNG (the issue's): {old['status']} in {old['ms']:,.0f} ms: "
                  f"{old['message']}")  # fmt: skip
    print()
    print(f"server log problems: {len(problems)}")
    for line in problems[:20]:
        print("   ", line)
    print("targets missed: " + ("; ".join(misses) if misses else "none"))
    print("BENCH_JSON " + json.dumps(results, default=str))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_flood":
        flood_main(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
        sys.exit(0)
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
