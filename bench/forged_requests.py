"""What one visitor's made-up request can do to the pages others get (issue 9 §5), against
a real gunicorn server (gevent, ONE worker, so every request meets the same page cache).

1. Forged Host, no SITE_URL (the demo): 4 requests with `Host: evil.example` (home, an
   article, a category, a document), then normal requests for the same pages: does
   `evil.example` appear anywhere (canonical, og:image)? And `/van-ban` with the forged Host:
   where does its redirect point?
2. Junk query parameters: 200 sequential `GET /?r=<random>` against 200 `GET /` on one
   keep-alive connection (one cookie-less reader). Before the fix every `r` was a new cache
   entry rendered from scratch (the issue measured 5.5 s against 0.4 s).
3. The same Host check with SITE_URL set (a second server): a forged Host is a 400, the
   site's own host is served, links name SITE_URL.

    .venv/bin/python bench/forged_requests.py [--requests 200]
"""

from __future__ import annotations

import argparse
import http.client
import re
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchlib import (
    BROWSER_UA,
    CpuAccount,
    Server,
    newest_article_slug,
    percentile,
    portal_env,
    prepare_instance,
    wait_quiet,
)

EVIL = "evil.example"
SITE = "http://congthongtin.example.gov.vn"


class Connection:
    """One keep-alive HTTP/1.1 connection; get() returns (status, headers, body, seconds)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str, host: str | None = None):
        headers = {"User-Agent": BROWSER_UA}
        if host:
            headers["Host"] = host
        start = time.perf_counter()
        self.conn.request("GET", path, headers=headers)
        response = self.conn.getresponse()
        body = response.read().decode(errors="replace")
        return response.status, dict(response.getheaders()), body, time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()


def pages(instance: Path) -> dict[str, str]:
    import sqlite3

    _, article = newest_article_slug(instance)
    db = sqlite3.connect(instance / "portal.db")
    try:
        first = "SELECT slug FROM {} ORDER BY id LIMIT 1"
        category = db.execute(first.format("categories")).fetchone()[0]
        document = db.execute(first.format("documents WHERE published")).fetchone()[0]
    finally:
        db.close()
    return {"home": "/", "article": f"/tin-tuc/{article}", "category": f"/chuyen-muc/{category}",
            "document": f"/van-ban/{document}"}  # fmt: skip


def links(body: str) -> list[str]:
    return re.findall(r'(?:rel="canonical" href|property="og:image" content)="([^"]+)"', body)


def forged_host(server: Server, urls: dict[str, str]) -> list[tuple[str, str]]:
    rows = []
    conn = Connection(server.port)
    try:
        for path in urls.values():
            status, _, _, _ = conn.get(path, EVIL)
            assert status == 200, (path, status)
        leaked = []
        for name, path in urls.items():
            status, _, body, _ = conn.get(path)
            if EVIL in body:
                leaked.append(name)
            rows.append((f"normal visitor after the forged ones: {name}",
                         f"{status}; links {', '.join(links(body)) or '(none)'}"))  # fmt: skip
        status, headers, _, _ = conn.get("/van-ban", EVIL)
        rows.append((f"`/van-ban` with `Host: {EVIL}`", f"{status} → `{headers.get('Location')}`"))
        rows.append(("**pages naming the forged host to normal visitors**",
                     f"**{len(leaked)}** {leaked or ''}"))  # fmt: skip
    finally:
        conn.close()
    return rows


def timed(conn: Connection, paths: list[str]) -> dict:
    seconds, statuses = [], set()
    start = time.perf_counter()
    for path in paths:
        status, _, _, took = conn.get(path)
        statuses.add(status)
        seconds.append(took)
    total = time.perf_counter() - start
    seconds.sort()
    return {"total": total, "p50": percentile(seconds, 50), "p99": percentile(seconds, 99),
            "statuses": sorted(statuses)}  # fmt: skip


def junk_queries(server: Server, urls: dict[str, str], n: int) -> list[tuple[str, str]]:
    conn = Connection(server.port)
    rows = []
    try:
        for path in (urls["home"], urls["category"]):
            conn.get(path)  # warm: the page is in the cache
            plain = timed(conn, [path] * n)
            junk = timed(conn, [f"{path}?r={secrets.token_hex(8)}" for _ in range(n)])
            ratio = junk["total"] / plain["total"]
            rows.append((f"{n} × `{path}`", fmt(plain)))
            rows.append((f"{n} × `{path}?r=<random>`", fmt(junk) + f"; **{ratio:.2f} ×** plain"))
    finally:
        conn.close()
    return rows


def fmt(result: dict) -> str:
    return (f"{result['total']:.2f} s total, p50 {result['p50'] * 1000:.1f} ms, "
            f"p99 {result['p99'] * 1000:.1f} ms, statuses {result['statuses']}")  # fmt: skip


def with_site_url(server: Server, urls: dict[str, str]) -> list[tuple[str, str]]:
    conn = Connection(server.port)
    try:
        forged = [conn.get(path, EVIL)[0] for path in urls.values()]
        status, _, body, _ = conn.get(urls["article"], SITE.split("//")[1])
        redirect = conn.get("/van-ban", SITE.split("//")[1])[1].get("Location")
    finally:
        conn.close()
    return [
        (f"`Host: {EVIL}` on {len(forged)} pages", f"statuses {sorted(set(forged))}"),
        ("the site's own host, an article", f"{status}; links {', '.join(links(body))}"),
        ("`/van-ban` on the site's host", f"→ `{redirect}`"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-forged-"))
    rows: list[tuple[str, str]] = []
    failed = False
    try:
        instance = work / "instance"
        print("preparing instance…", file=sys.stderr)
        prepare_instance(instance)
        urls = pages(instance)
        server = Server("portal", "wsgi:app", work, workers=1, env=portal_env(instance),
                        instance=instance)  # fmt: skip
        server.start()
        try:
            rows += forged_host(server, urls)
            print(f"waiting for a quiet machine… ({wait_quiet():.0f} % busy)", file=sys.stderr)
            account = CpuAccount()
            rows += junk_queries(server, urls, args.requests)
            others = account.result()["others_pct"]
            rows.append(("CPU used by other processes during the timed part", f"{others:.0f} %"))
            problems = server.log_problems()
        finally:
            server.stop()
        env = portal_env(instance)
        env["SITE_URL"] = SITE
        guarded = Server("portal-site-url", "wsgi:app", work, workers=1, env=env,
                         instance=instance)  # fmt: skip
        guarded.start()
        try:
            rows += with_site_url(guarded, urls)
            problems += guarded.log_problems()
        finally:
            guarded.stop()
        failed = any(EVIL in value for _, value in rows) or bool(problems)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    print("| what | result |")
    print("|---|---|")
    for what, value in rows:
        print(f"| {what} | {value} |")
    if failed:
        print("\nFAILED: a forged host reached another visitor, or the server logged problems.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
