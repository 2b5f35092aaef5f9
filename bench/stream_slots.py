"""Live-stats stream slots under abuse: HEAD floods, one address or visitor opening many
streams, every slot taken, and how pages answer meanwhile.

One gunicorn worker (gevent) with WORKER_CONNECTIONS connections (default 2,000, so the
stream cap is 2,000 - 500 = 1,500), TRUSTED_PROXIES=1 so that X-Forwarded-For gives each
simulated client its own address. Steps:

1. /api/stats and the newest article, 300 requests each, sequential: the baseline.
2. 2,000 HEAD /stats/stream from one address, then streams from that address until refused.
3. Streams of one visitor (a signed cookie) until refused.
4. Streams from distinct addresses until refused (503): every slot taken. Then step 1 again
   while they are all held.
5. Close one address's streams; how long until that address gets all its streams back.

    .venv/bin/python bench/stream_slots.py [--connections 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import secrets
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import (  # noqa: E402
    BROWSER_UA,
    Server,
    newest_article_slug,
    portal_env,
    prepare_instance,
    raise_nofile,
)

from app.stats.hub import page_reserve  # noqa: E402
from app.visitor import sign  # noqa: E402

PER_IP, PER_VISITOR = 200, 4  # the shipped defaults


class Stream:
    """A GET /stats/stream kept open; `status` is what the server answered."""

    def __init__(self, port: int, address: str, cookie: str | None = None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        lines = ["GET /stats/stream HTTP/1.1", f"Host: 127.0.0.1:{port}",
                 "Accept: text/event-stream", f"User-Agent: {BROWSER_UA}",
                 f"X-Forwarded-For: {address}"]  # fmt: skip
        if cookie:
            lines.append(f"Cookie: vid={cookie}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            head += chunk
        self.status = int(head.split(b" ", 2)[1]) if head else 0
        if self.status != 200:
            self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def timed_gets(port: int, path: str, n: int) -> dict:
    """n sequential GETs on one keep-alive connection: statuses and latency (ms)."""
    latencies, statuses = [], {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for _ in range(n):
            started = time.perf_counter()
            connection.request("GET", path, headers={"User-Agent": BROWSER_UA + " bench-pages"})
            response = connection.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[response.status] = statuses.get(response.status, 0) + 1
    finally:
        connection.close()
    latencies.sort()
    return {"statuses": statuses, "p50": statistics.median(latencies),
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "max": latencies[-1]}  # fmt: skip


def head(port: int, address: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("HEAD", "/stats/stream", headers={"X-Forwarded-For": address})
        return connection.getresponse().status
    finally:
        connection.close()


def open_until_refused(port: int, addresses, cookies, limit: int) -> tuple[list[Stream], int]:
    held: list[Stream] = []
    for n in range(limit):
        stream = Stream(port, next(addresses), next(cookies))
        if stream.status != 200:
            return held, stream.status
        held.append(stream)
        if n % 250 == 249:
            print(f"  {n + 1} streams open", file=sys.stderr)
    return held, 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=2000)
    args = parser.parse_args()
    raise_nofile()
    cap = args.connections - page_reserve(args.connections)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="portal-slots-") as tmp:
        workdir = Path(tmp)
        instance = workdir / "instance"
        prepare_instance(instance)
        _, slug = newest_article_slug(instance)
        article = f"/tin-tuc/{slug}"
        env = {**portal_env(instance), "TRUSTED_PROXIES": "1"}
        server = Server("slots", "wsgi:app", workdir, workers=1,
                        worker_connections=args.connections, env=env,
                        instance=instance)  # fmt: skip
        held: list[Stream] = []
        try:
            server.start("/healthz")
            secret = (instance / "secret_key").read_text().strip()

            def cookies():
                while True:
                    yield sign(secrets.token_urlsafe(18), secret)

            names = {"/api/stats": "`/api/stats`", article: "article page"}
            for path in ("/api/stats", article):
                timed_gets(server.port, path, 50)  # warm-up
                base = timed_gets(server.port, path, 300)
                rows.append((f"{names[path]}, no streams: p50 / p99 / max ms, statuses",
                             f"{base['p50']:.1f} / {base['p99']:.1f} / {base['max']:.1f}, "
                             f"{base['statuses']}"))  # fmt: skip

            heads = [head(server.port, "192.0.2.1") for _ in range(2000)]
            one, refused = open_until_refused(server.port, iter(lambda: "192.0.2.1", None),
                                              cookies(), PER_IP + 50)  # fmt: skip
            held += one
            rows.append(("2,000 `HEAD /stats/stream` from one address: statuses",
                         str({s: heads.count(s) for s in set(heads)})))  # fmt: skip
            rows.append(("then streams that address got (`STATS_STREAM_PER_IP` = 200)",
                         f"{len(one)}, then {refused}"))  # fmt: skip

            reader = next(cookies())
            mine, refused = open_until_refused(server.port, iter(lambda: "192.0.2.2", None),
                                               iter(lambda: reader, None), 20)  # fmt: skip
            held += mine
            rows.append(("streams one visitor got (`STATS_STREAM_PER_VISITOR` = 4)",
                         f"{len(mine)}, then {refused}"))  # fmt: skip

            addresses = (f"198.18.{n // 250}.{n % 250 + 1}" for n in range(10**6))
            rest, refused = open_until_refused(server.port, addresses, cookies(),
                                               args.connections)  # fmt: skip
            held += rest
            rows.append((f"streams held in all ({args.connections:,} worker connections, "
                         f"cap {cap:,})", f"{len(held):,}, then {refused}"))  # fmt: skip
            for path in ("/api/stats", article):
                busy = timed_gets(server.port, path, 300)
                rows.append((f"{names[path]}, every slot held: p50 / p99 / max ms, statuses",
                             f"{busy['p50']:.1f} / {busy['p99']:.1f} / {busy['max']:.1f}, "
                             f"{busy['statuses']}"))  # fmt: skip

            for stream in one:
                stream.close()
            closed = time.monotonic()
            back: list[Stream] = []
            while len(back) < PER_IP and time.monotonic() - closed < 60:
                stream = Stream(server.port, "192.0.2.1", next(cookies()))
                if stream.status == 200:
                    back.append(stream)
                else:
                    time.sleep(0.1)
            held += back
            rows.append((f"after closing that address's {len(one)} streams: all back within",
                         f"{time.monotonic() - closed:.1f} s ({len(back)} reopened)"))  # fmt: skip
            problems = server.log_problems()
        finally:
            for stream in held:
                stream.close()
            server.stop()
    print(f"Stream slots, one gevent worker, commit {server.version}\n")
    print("| what | result |")
    print("|---|---|")
    for what, result in rows:
        print(f"| {what} | {result} |")
    print(f"\nServer log problems: {len(problems)}")
    for line in problems[:10]:
        print("    " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
