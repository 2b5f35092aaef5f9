"""Live-stats fan-out: N concurrent /stats/stream clients on our server (gunicorn + gevent,
2 workers), then K page views one after another; measures how long each new total takes to
reach every client, the server's RSS per connection, and the Redis connections it holds.

    .venv/bin/python bench/fanout.py [N ...]          (default: 1000 5000 10000)
    .venv/bin/python bench/fanout.py --via nginx --via nchan --idle-probes 0 1000 10000

The clients run in a few asyncio processes (raw sockets, no HTTP library), on the same
2 cores as the server: the latencies include the clients' own time to read the event.

`--via` (repeatable) says who holds the streams: `direct` (the default: clients connect to
gunicorn), `nginx` (Debian's nginx with deploy/nginx/portal.conf in front, over HTTPS,
proxying each stream to gunicorn) or `nchan` (the same site with its nchan variant: nginx
holds the streams itself and the app publishes each message once to nchan). Page views go to
gunicorn directly in every case; memory per connection is given for the app's workers and
for nginx's (master and workers), side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import http.client
import json
import multiprocessing as mp
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
from benchlib import (
    BROWSER_UA,
    ROOT,
    CpuAccount,
    Server,
    free_port,
    http_get,
    newest_article_slug,
    percentile,
    portal_env,
    prepare_instance,
    raise_nofile,
    wait_quiet,
)

sys.path.insert(0, str(ROOT / "tests"))
from nginx_server import nginx  # noqa: E402 - tests/ holds the nginx runner the tests use

TOTAL = re.compile(rb'"total":(\d+)')
STREAM_UA = BROWSER_UA + " bench-stream"


# The clients (each client process runs an asyncio loop with `count` of them)
class StreamClient(asyncio.Protocol):
    """One EventSource-like connection: sends the GET, decodes chunked transfer encoding,
    splits SSE frames and records (read time, total) of every `stats` event."""

    def __init__(self, request: bytes, first: asyncio.Future) -> None:
        self.request = request
        self.first = first
        self.transport: asyncio.Transport | None = None
        self.events: list[tuple[float, int]] = []
        self.head = b""
        self.headers_done = False
        self.status = 0
        self.chunked = False
        self.raw = b""
        self.chunk_left = 0
        self.need_crlf = False
        self.sse = b""
        self.closing = False
        self.lost: str | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        if not self.headers_done:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data = self.head[:end], self.head[end + 4 :]
            self.head = b""
            self.headers_done = True
            lines = head.split(b"\r\n")
            try:
                self.status = int(lines[0].split()[1])
            except (IndexError, ValueError):
                self.status = -1
            self.chunked = any(
                line.lower().startswith(b"transfer-encoding:") and b"chunked" in line.lower()
                for line in lines[1:]
            )
            if self.status != 200:
                self._fail(f"HTTP {self.status}")
                self.transport.close()
                return
        if self.chunked:
            self._dechunk(data, now)
        else:
            self._feed(data, now)

    def _dechunk(self, data: bytes, now: float) -> None:
        self.raw += data
        while self.raw:
            if self.chunk_left:
                take = self.raw[: self.chunk_left]
                self.raw = self.raw[len(take) :]
                self.chunk_left -= len(take)
                self.need_crlf = self.chunk_left == 0
                self._feed(take, now)
            elif self.need_crlf:
                if len(self.raw) < 2:
                    return
                self.raw = self.raw[2:]
                self.need_crlf = False
            else:
                end = self.raw.find(b"\r\n")
                if end < 0:
                    return
                size = int(self.raw[:end].split(b";")[0], 16)
                self.raw = self.raw[end + 2 :]
                if size == 0:
                    return
                self.chunk_left = size

    def _feed(self, data: bytes, now: float) -> None:
        self.sse += data
        while True:
            end = self.sse.find(b"\n\n")
            if end < 0:
                return
            frame, self.sse = self.sse[:end], self.sse[end + 2 :]
            match = TOTAL.search(frame)
            if match:
                self.events.append((now, int(match.group(1))))
                if not self.first.done():
                    self.first.set_result(now)

    def connection_lost(self, exc) -> None:
        if not self.closing:
            self.lost = repr(exc) if exc else "closed by the server"
        self._fail(self.lost or "closed")

    def _fail(self, reason: str) -> None:
        if not self.first.done():
            self.first.set_exception(ConnectionError(reason))
            self.first.exception()  # retrieved: no "never retrieved" warning


def client_process(conn, port: int, count: int, concurrency: int, timeout: float,
                   cafile: str | None = None) -> None:  # fmt: skip
    raise_nofile()
    asyncio.run(client_main(conn, port, count, concurrency, timeout, cafile))


async def client_main(conn, port: int, count: int, concurrency: int, timeout: float,
                      cafile: str | None = None) -> None:  # fmt: skip
    """`cafile`: connect over TLS (to nginx), trusting that certificate."""
    loop = asyncio.get_running_loop()
    tls = ssl.create_default_context(cafile=cafile) if cafile else None
    request = (
        f"GET /stats/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {STREAM_UA}\r\n"
        "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
    ).encode()
    errors: Counter = Counter()
    gate = asyncio.Semaphore(concurrency)  # connections between connect and first event
    deadline = loop.time() + timeout

    async def open_one() -> StreamClient | None:
        for attempt in range(5):
            client = StreamClient(request, loop.create_future())
            async with gate:
                try:
                    left = deadline - loop.time()
                    if left <= 0:
                        errors["no time left"] += 1
                        return None
                    await asyncio.wait_for(
                        loop.create_connection(lambda c=client: c, "127.0.0.1", port, ssl=tls),
                        left,
                    )
                    await asyncio.wait_for(client.first, max(0.1, deadline - loop.time()))
                    return client
                except (OSError, TimeoutError) as exc:
                    errors[type(exc).__name__ + (f": {exc}" if str(exc) else "")] += 1
                    if client.transport is not None:
                        client.closing = True
                        client.transport.abort()
            await asyncio.sleep(0.5 * (attempt + 1))
        return None

    started = time.monotonic()
    opened = await asyncio.gather(*(open_one() for _ in range(count)))
    clients = [c for c in opened if c is not None]
    conn.send(("ready", len(clients), dict(errors), time.monotonic() - started))
    while True:
        command, arg = await loop.run_in_executor(None, conn.recv)
        if command == "count":  # clients that have seen a total >= arg
            conn.send(sum(1 for c in clients if c.events and c.events[-1][1] >= arg))
        elif command == "collect":  # per client: first read time of each expected total
            firsts = []
            for c in clients:
                times = []
                for expected in arg:
                    times.append(next((t for t, total in c.events if total >= expected), None))
                firsts.append(times)
            lost = Counter(c.lost for c in clients if c.lost)
            conn.send((firsts, dict(lost)))
        elif command == "lowest":  # per client: the lowest total read at or after time arg
            conn.send([min((total for t, total in c.events if t >= arg), default=None)
                       for c in clients])  # fmt: skip
        elif command == "close":
            for c in clients:
                c.closing = True
                if c.transport is not None:
                    c.transport.close()
            await asyncio.sleep(0.5)
            conn.send("closed")
            return


# The coordinator
class ChannelListener(threading.Thread):
    """Our own subscriber on the stats channel: when each message was published."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.pubsub = server.redis().pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe("st:channel")
        self.messages: list[tuple[float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            message = self.pubsub.get_message(timeout=0.5)
            if message and message["type"] == "message":
                now = time.monotonic()
                self.messages.append((now, int(json.loads(message["data"])["total"])))

    def first_at_least(self, total: int) -> float | None:
        return next((t for t, value in self.messages if value >= total), None)

    def close(self) -> None:
        self.stop.set()
        self.join(timeout=3)
        self.pubsub.close()


def page_view(server: Server, path: str, user_agent: str) -> tuple[float, float, int]:
    """One cookie-less page view; returns (monotonic time just before sending, after the
    response was read, status)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.connect()
    started = time.monotonic()
    conn.request("GET", path, headers={"User-Agent": user_agent})
    response = conn.getresponse()
    response.read()
    finished = time.monotonic()
    conn.close()
    return started, finished, response.status


def api_total(server: Server) -> int:
    status, body = http_get(server.base + "/api/stats")
    if status != 200:
        raise RuntimeError(f"/api/stats answered {status}")
    return int(json.loads(body)["total"])


class Clients:
    """The client processes of one step."""

    def __init__(self, port: int, n: int, procs: int, concurrency: int, timeout: float,
                 cafile: str | None = None):  # fmt: skip
        ctx = mp.get_context("spawn")
        self.pipes, self.procs = [], []
        shares = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
        for share in shares:
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=client_process,
                args=(child, port, share, concurrency // procs, timeout, cafile),
            )
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def ask(self, command: str, arg=None, timeout: float = 60) -> list:
        for pipe in self.pipes:
            pipe.send((command, arg))
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"client process did not answer {command!r}")
            answers.append(pipe.recv())
        return answers

    def cpu_seconds(self) -> float:
        total = 0.0
        for proc in self.procs:
            try:
                times = psutil.Process(proc.pid).cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def close(self) -> None:
        try:
            self.ask("close", timeout=20)
        except (TimeoutError, OSError, EOFError):
            pass
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)


def wait_subscribers(server: Server, want: int, timeout: float) -> float:
    """Seconds until every worker has its stats subscriber on Redis (bounded)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.redis_clients()["subscribers"] >= want:
            break
        time.sleep(0.2)
    return time.monotonic() - started


def split_cpu(procs) -> tuple[float, float]:
    """(user, system) CPU seconds of `procs` (psutil or multiprocessing processes)."""
    user = system = 0.0
    for proc in procs:
        try:
            times = psutil.Process(proc.pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        user, system = user + times.user, system + times.system
    return user, system


class Profiler:
    """py-spy sampling of the given processes while the page views run (`--profile`): where
    the CPU goes, as collapsed stacks per process. Sampling is non-blocking (the profiled
    processes are never paused) and only counts samples where a thread is on the CPU."""

    def __init__(self, pyspy: str, outdir: Path, procs: dict[str, int], seconds: float) -> None:
        self.runs = []
        for name, pid in procs.items():
            path = outdir / f"profile-{name}-{pid}.txt"
            cmd = [pyspy, "record", "-p", str(pid), "-r", "200", "-f", "raw", "-o", str(path),
                   "-d", str(max(1, round(seconds))), "--nonblocking"]  # fmt: skip
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.runs.append((name, path, proc))

    def finish(self) -> dict[str, dict]:
        result = {}
        for name, path, proc in self.runs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if path.exists():
                result[name] = summarize_profile(path.read_text())
        return result


FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^():]*)(?::\d+)?\)$")


def frame_name(frame: str) -> str:
    """`func (path/to/file.py:12)` → `file.py:func` (lines merged)."""
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    return f"{Path(match['file']).name}:{match['func']}"


def summarize_profile(raw: str, top: int = 25) -> dict:
    """Self and inclusive sample counts per function from py-spy's collapsed stacks."""
    own: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [frame_name(f) for f in stack.split(";") if f.strip()]
        if not frames:
            continue
        own[frames[-1]] += n
        for name in set(frames):
            inclusive[name] += n
    return {"samples": total, "self": own.most_common(top), "inclusive": inclusive.most_common(top)}


def latency_stats(values: list[float]) -> dict:
    values = sorted(values)
    return {"n": len(values), "p50": percentile(values, 50), "p99": percentile(values, 99),
            "max": values[-1] if values else float("nan")}  # fmt: skip


def process_rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def nginx_rss(web) -> int:
    """nginx's master and workers, in bytes (0 without nginx)."""
    return 0 if web is None else process_rss([web.process.pid, *web.worker_pids()])


def wait_nchan_message(url: str, timeout: float = 20) -> bool:
    """Whether nchan's channel holds a message (the relay fills it) within `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _ = http_get(url, {"Accept": "text/json"})
        if status == 200:
            return True
        time.sleep(0.25)
    return False


def run_step(n: int, args, instance: Path, workdir: Path, path: str, first_step: bool,
             via: str = "direct") -> dict:  # fmt: skip
    out: dict = {"clients": n, "via": via}
    # All clients come from one address and browser without a cookie: no per-address or
    # per-visitor share; enough connections that n streams fit under the cap, which keeps a
    # tenth (at least 500) of them for pages.
    env = {**portal_env(instance), "FLASK_STATS_STREAM_PER_IP": "0",
           "FLASK_STATS_STREAM_PER_VISITOR": "0"}  # fmt: skip
    nginx_ports = (free_port(), free_port(), free_port())
    publish_url = f"http://127.0.0.1:{nginx_ports[2]}/stats/publish"
    if via == "nchan":
        env["STATS_NCHAN_PUBLISH_URL"] = publish_url
    if via != "direct":
        env["TRUSTED_PROXIES"] = "1"
    sites = contextlib.ExitStack()
    web = None
    server = Server(f"portal-{n}", "wsgi:app", workdir, workers=args.workers,
                    worker_connections=n * 10 // 9 + 1000, env=env,
                    instance=instance)  # fmt: skip
    clients: Clients | None = None
    listener: ChannelListener | None = None
    try:
        server.start("/healthz")
        out["version"] = server.version
        stream_port, cafile = server.port, None
        if via != "direct":
            # Each proxied stream is two connections of one nginx worker (reader, upstream).
            web = sites.enter_context(nginx(
                workdir / f"nginx-{via}-{n}", server.port, streams="app" if via == "nginx"
                else "nchan", workers=args.workers, connections=2 * n + 1000, ports=nginx_ports,
            ))  # fmt: skip
            stream_port, cafile = web.https_port, str(web.certificate)
        # Every worker starts its subscriber and background jobs on its first request, and
        # compiles the article's templates on its first view: warm both up.
        warm_headers = {"User-Agent": f"{BROWSER_UA} fanout-warmup"}
        with ThreadPoolExecutor(32) as pool:
            for url in ("/api/stats", path, "/api/stats", path):
                list(pool.map(lambda _, u=url: http_get(server.base + u, warm_headers), range(64)))
        out["subscriber_wait_start"] = wait_subscribers(server, args.workers, 20)
        listener = ChannelListener(server)
        listener.start()
        time.sleep(1.0)
        if via == "nchan" and not wait_nchan_message(publish_url):
            raise RuntimeError("the app did not fill nchan's channel")
        rss0, redis0 = server.rss(), server.redis_clients()
        nginx0 = nginx_rss(web)

        out["others_before_connect"] = wait_quiet(args.quiet_wait)
        print(f"[{n}] connecting ...", file=sys.stderr)
        t_connect = time.monotonic()
        clients = Clients(stream_port, n, args.client_procs, args.connect_concurrency,
                          args.connect_timeout, cafile)  # fmt: skip
        ready, samples = [], []
        deadline = t_connect + args.connect_timeout + 60
        pending = list(clients.pipes)
        while pending and time.monotonic() < deadline:
            samples.append(server.redis_clients()["subscribers"])
            for pipe in list(pending):
                if pipe.poll(0.25):
                    ready.append(pipe.recv())
                    pending.remove(pipe)
        if pending:
            raise TimeoutError(f"{len(pending)} client processes not ready in time")
        out["connect_s"] = max(r[3] for r in ready)
        out["connected"] = sum(r[1] for r in ready)
        out["connect_errors"] = dict(sum((Counter(r[2]) for r in ready), Counter()))
        out["subscribers_during_connect"] = (min(samples, default=0), max(samples, default=0))
        time.sleep(2.0)
        rss1, redis1 = server.rss(), server.redis_clients()
        nginx1 = nginx_rss(web)
        out["per_worker"] = [s.get("ESTABLISHED", 0) for s in server.sockets_per_worker().values()]

        # Page views, each from a new cookie-less visitor, > 1 s apart (one message each).
        print(f"[{n}] {out['connected']} connected; {args.hits} page views ...", file=sys.stderr)
        out["others_before_hits"] = wait_quiet(args.quiet_wait)
        out["subscriber_wait_hits"] = wait_subscribers(server, args.workers, 30)
        token = secrets.token_hex(3)
        page_view(server, path, f"{BROWSER_UA} fanout-prime-{token}")  # unmeasured
        time.sleep(args.spacing)
        total0 = api_total(server)
        profiler = None
        if args.profile:
            procs = {f"worker{k}": p.pid for k, p in enumerate(server.worker_procs())}
            procs.update({f"client{k}": p.pid for k, p in enumerate(clients.procs)})
            profiler = Profiler(args.profile, workdir, procs, args.hits * args.spacing + 1)
        cpu = CpuAccount()
        cpu_server, cpu_clients = server.cpu_seconds(), clients.cpu_seconds()
        split0 = split_cpu(server.worker_procs()), split_cpu(clients.procs)
        hits = []
        for i in range(1, args.hits + 1):
            started, finished, status = page_view(server, path, f"{BROWSER_UA} fanout-{token}-{i}")
            hits.append({"t0": started, "response_ms": (finished - started) * 1000,
                         "status": status, "expected": total0 + i,
                         "subscribers": server.redis_clients()["subscribers"]})  # fmt: skip
            time.sleep(max(0.0, started + args.spacing - time.monotonic()))
        final = total0 + args.hits
        wait_until = time.monotonic() + args.deliver_timeout
        while time.monotonic() < wait_until:
            if sum(clients.ask("count", final)) >= out["connected"]:
                break
            time.sleep(0.25)
        out["cpu_hits"] = {
            "server": server.cpu_seconds() - cpu_server,
            "clients": clients.cpu_seconds() - cpu_clients,
            **cpu.result(),
        }
        split1 = split_cpu(server.worker_procs()), split_cpu(clients.procs)
        for key, before, after in zip(("server_split", "clients_split"), split0, split1,
                                      strict=True):  # fmt: skip
            out["cpu_hits"][key] = (after[0] - before[0], after[1] - before[1])
        if profiler is not None:
            out["profile"] = profiler.finish()
        rss2, nginx2 = server.rss(), nginx_rss(web)
        answers = clients.ask("collect", [h["expected"] for h in hits])
        firsts = [times for part, _ in answers for times in part]
        out["lost"] = dict(sum((Counter(lost) for _, lost in answers), Counter()))
        all_lat, after_pub, undelivered = [], [], 0
        for k, hit in enumerate(hits):
            lat = [(times[k] - hit["t0"]) * 1000 for times in firsts if times[k] is not None]
            hit["undelivered"] = len(firsts) - len(lat)
            undelivered += hit["undelivered"]
            hit.update(latency_stats(lat))
            published = listener.first_at_least(hit["expected"])
            hit["publish_ms"] = (published - hit["t0"]) * 1000 if published else None
            if published:
                after_pub += [x - hit["publish_ms"] for x in lat]
            all_lat += lat
            del hit["t0"]
        out["hits"] = hits
        out["latency"] = latency_stats(all_lat + [float("inf")] * undelivered)
        out["after_publish"] = latency_stats(after_pub)
        out["undelivered"] = undelivered
        out["rss0"], out["rss1"], out["rss2"] = rss0, rss1, rss2
        out["rss_per_conn"] = (max(rss1, rss2) - rss0) / max(1, out["connected"])
        out["nginx_rss"] = (nginx0, nginx1, nginx2)
        out["nginx_per_conn"] = (max(nginx1, nginx2) - nginx0) / max(1, out["connected"])
        out["redis0"], out["redis1"] = redis0, redis1

        if args.idle_probes and first_step:
            # Page views on a quiet site: after `idle_lead` s without any message, then each
            # `idle_gap` s after the previous one (a small site: a visitor now and then).
            print(f"[{n}] quiet site: {args.idle_lead:.0f} s without messages, then "
                  f"{args.idle_probes} page views {args.idle_gap:.0f} s apart ...",
                  file=sys.stderr)  # fmt: skip
            probes, expected = [], final
            for k in range(args.idle_probes):
                gap = args.idle_lead if k == 0 else args.idle_gap
                samples, gap_end = [], time.monotonic() + gap
                while time.monotonic() < gap_end:
                    samples.append(server.redis_clients()["subscribers"])
                    time.sleep(0.25)
                subs_at_hit = server.redis_clients()["subscribers"]
                started, _, _ = page_view(server, path, f"{BROWSER_UA} fanout-{token}-q{k}")
                expected += 1
                wait_until = time.monotonic() + args.deliver_timeout
                while time.monotonic() < wait_until:
                    if sum(clients.ask("count", expected)) >= out["connected"]:
                        break
                    time.sleep(0.1)
                answers = clients.ask("collect", [expected])
                lat = [(t[0] - started) * 1000 for part, _ in answers for t in part if t[0]]
                missing = out["connected"] - len(lat)
                published = listener.first_at_least(expected)
                probes.append({
                    "after_s": gap,
                    **latency_stats(lat + [float("inf")] * missing),
                    "undelivered": missing,
                    "subscribers_at_hit": subs_at_hit,
                    "publish_ms": (published - started) * 1000 if published else None,
                    "unsubscribed_share": sum(x < args.workers for x in samples)
                    / max(1, len(samples)),
                })  # fmt: skip
            out["idle"] = probes
        clients.close()
        clients = None
        # Dead streams are noticed when written to: one more message, then count sockets.
        page_view(server, path, f"{BROWSER_UA} fanout-{token}-cleanup")
        time.sleep(3.0)
        out["sockets_after_close"] = sum(
            sum(states.values()) for states in server.sockets_per_worker().values()
        )
        out["rss_after_close"] = server.rss()
    finally:
        if clients is not None:
            clients.close()
        if listener is not None:
            listener.close()
        sites.close()
        server.stop()
    out["log_problems"] = server.log_problems()
    out["subscriber_lost_logged"] = server.log_count("stats subscriber lost Redis")
    out["breaker"] = server.log_lines("Redis unavailable for statistics")
    out["shutdown"] = server.log_lines("graceful timeout")
    out["log"] = str(server.log_path)
    return out


def ms(value: float) -> str:
    if value != value:  # NaN
        return "–"
    if value == float("inf"):
        return "undelivered"
    return f"{value:,.0f}"


def report(results: list[dict], args, started: dt.datetime, tool_note: str) -> None:
    print(f"\n### Live fan-out — {started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} CPUs shared by "
          f"server and clients, {args.workers} gevent workers, {args.client_procs} asyncio "
          f"client processes, {args.hits} page views {args.spacing} s apart per step"
          "\n")  # fmt: skip
    print("| streams held by | stream clients | held (first event received) | connect time | "
          "p50 ms | p99 ms | max ms | p99 ms from publish | undelivered | app RSS Δ per "
          "connection | nginx RSS Δ per connection | Redis connections: 0 clients → N "
          "(subscribers) | errors in server log | other processes' CPU during the views "
          "|")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for r in results:
        via = VIA_NAMES[r.get("via", "direct")]
        if "error" in r:
            print(f"| {via} | {r['clients']:,} | step failed: {r['error']} | | | | | | | | | | | |")
            continue
        lat = r["latency"]
        r0, r1 = r["redis0"], r["redis1"]
        nginx_kb = f"{r['nginx_per_conn'] / 1024:.1f} KB" if r.get("nginx_rss", (0,))[0] else "–"
        print(f"| {via} | {r['clients']:,} | {r['connected']:,} | {r['connect_s']:.1f} s | "
              f"{ms(lat['p50'])} | {ms(lat['p99'])} | {ms(lat['max'])} | "
              f"{ms(r['after_publish']['p99'])} | {r['undelivered']} | "
              f"{r['rss_per_conn'] / 1024:.1f} KB | {nginx_kb} | "
              f"{r0['connections']} ({r0['subscribers']}) → "
              f"{r1['connections']} ({r1['subscribers']}) | {len(r['log_problems'])} | "
              f"{r['cpu_hits']['others_pct']:.0f} % |")  # fmt: skip

    print(
        "\nPer page view (delivery latency to every client, ms from just before the request "
        "was sent; `published` = when our own subscriber saw the message on Redis):\n"
    )
    print("| via | clients | view | response ms | published ms | p50 | p99 | max | undelivered "
          "| worker subscribers on Redis |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        for i, h in enumerate(r.get("hits", []), 1):
            pub = f"{h['publish_ms']:,.0f}" if h["publish_ms"] is not None else "never"
            print(f"| {r.get('via', 'direct')} | {r['clients']:,} | {i} | "
                  f"{h['response_ms']:,.0f} | {pub} | {ms(h['p50'])} "
                  f"| {ms(h['p99'])} | {ms(h['max'])} | {h['undelivered']} | "
                  f"{h['subscribers']} |")  # fmt: skip

    print("\nDetails per step:\n")
    for r in results:
        if "error" in r:
            continue
        cpu = r["cpu_hits"]
        nginx_mb = " ".join(f"{v / 2**20:.0f}" for v in r.get("nginx_rss", ()))
        print(f"- **{r['clients']:,} clients, {VIA_NAMES[r.get('via', 'direct')]}** (code "
              f"{r['version']}): nginx RSS (MB: before, connected, after) {nginx_mb or '–'}; "
              f"app connections per worker "
              f"{r['per_worker']}; "
              f"worker RSS {r['rss0'] / 2**20:.0f} MB before, {r['rss1'] / 2**20:.0f} MB "
              f"connected, {r['rss2'] / 2**20:.0f} MB after the page views, "
              f"{r['rss_after_close'] / 2**20:.0f} MB after the clients left; server sockets "
              f"left 3 s after the clients closed (+1 message): {r['sockets_after_close']}; "
              f"CPU during the page views: server {cpu['server']:.1f} s "
              f"{split_note(cpu.get('server_split'))}, clients {cpu['clients']:.1f} s "
              f"{split_note(cpu.get('clients_split'))}, other processes "
              f"{cpu['others_pct']:.0f} % of the machine over {cpu['wall']:.1f} s; "
              f"connect errors (retried) "
              f"{r['connect_errors'] or 'none'}; clients dropped by the server "
              f"{r['lost'] or 'none'}; worker subscribers on Redis during the connect phase "
              f"min {r['subscribers_during_connect'][0]}, "
              f"'stats subscriber lost Redis' logged {r['subscriber_lost_logged']} ×.")  # fmt: skip
        for k, probe in enumerate(r.get("idle", []), 1):
            print(f"  Quiet-site view {k} (after {probe['after_s']:.0f} s without a message): "
                  f"p50 {ms(probe['p50'])} ms, max {ms(probe['max'])} ms, undelivered "
                  f"{probe['undelivered']} (within {args.deliver_timeout:.0f} s); worker "
                  f"subscribers on Redis when sent: {probe['subscribers_at_hit']}/{args.workers}; "
                  f"a worker was unsubscribed {100 * probe['unsubscribed_share']:.0f} % of the "
                  "quiet time before it.")  # fmt: skip
        if r["breaker"]:
            print(f"  Statistics circuit breaker tripped {len(r['breaker'])} × "
                  f"(`{r['breaker'][0][:120]}`).")  # fmt: skip
        if r["shutdown"]:
            print(f"  On SIGTERM at the end: `{r['shutdown'][0][:120]}`.")
        for line in r["log_problems"][:5]:
            print(f"  log: `{line[:200]}`")
        print_profile(r.get("profile"))
    side_by_side(results)
    targets(results)
    print(f"\n{tool_note}")


VIA_NAMES = {
    "direct": "gunicorn",
    "nginx": "nginx → gunicorn",
    "nchan": "nginx (nchan)",
}


def side_by_side(results: list[dict]) -> None:
    """Who should hold the streams: p99 and memory per connection per path, per size."""
    done = [r for r in results if "error" not in r]
    if len({r.get("via", "direct") for r in done}) < 2:
        return
    print("\n| streams | held by | p99 delivery ms | app KB per connection | nginx KB per "
          "connection | total KB per connection |")  # fmt: skip
    print("|---:|---|---:|---:|---:|---:|")
    for r in sorted(done, key=lambda r: (r["clients"], r.get("via", ""))):
        app_kb, nginx_kb = r["rss_per_conn"] / 1024, r.get("nginx_per_conn", 0) / 1024
        print(f"| {r['clients']:,} | {VIA_NAMES[r.get('via', 'direct')]} | "
              f"{ms(r['latency']['p99'])} | {app_kb:.1f} | {nginx_kb:.1f} | "
              f"{app_kb + nginx_kb:.1f} |")  # fmt: skip


def split_note(split) -> str:
    return f"(user {split[0]:.1f} s, system {split[1]:.1f} s)" if split else ""


def print_profile(profile: dict | None, top: int = 12) -> None:
    """Where the sampled processes spent their CPU during the page views (py-spy)."""
    for name, prof in sorted((profile or {}).items()):
        total = max(1, prof["samples"])
        print(
            f"\n  Profile of {name} ({prof['samples']:,} on-CPU samples at 200 Hz), "
            "self time (the function on top of the stack) and inclusive time:\n"
        )
        print("  | self % | function | | inclusive % | function |")
        print("  |---:|---|---|---:|---|")
        rows = zip(prof["self"][:top], prof["inclusive"][:top], strict=False)
        for (own_name, own), (inc_name, inc) in rows:
            print(f"  | {100 * own / total:.1f} | `{own_name}` | | {100 * inc / total:.1f} | "
                  f"`{inc_name}` |")  # fmt: skip


def targets(results: list[dict]) -> None:
    """DESIGN.md's fan-out targets, against the largest step that ran."""
    done = [r for r in results if "error" not in r and r.get("via", "direct") == "direct"]
    if not done:
        return
    big = max(done, key=lambda r: r["clients"])
    p99 = big["latency"]["p99"]
    kb = big["rss_per_conn"] / 1024
    r0, r1 = big["redis0"], big["redis1"]
    grew = r1["connections"] - r0["connections"]
    print(f"\n| target (DESIGN.md), at {big['clients']:,} clients | measured | result |")
    print("|---|---|---|")
    held = big["connected"] == big["clients"] and not big["lost"]
    print(f"| {big['clients']:,} stream clients held | {big['connected']:,} connected, "
          f"{sum(big['lost'].values())} dropped | {'PASS' if held else 'FAIL'} |")  # fmt: skip
    verdict = "PASS (stretch ≤ 250 ms: " + ("PASS" if p99 <= 250 else "not met") + ")"
    print(f"| p99 delivery ≤ 500 ms | {ms(p99)} ms, {big['undelivered']} undelivered (from "
          f"the moment Redis published: {ms(big['after_publish']['p99'])} ms) | "
          f"{verdict if p99 <= 500 else 'FAIL'} |")  # fmt: skip
    print(f"| ≤ 25 KB RSS per connection | {kb:.1f} KB | {'PASS' if kb <= 25 else 'FAIL'} |")
    print(f"| Redis connections grow with processes, never with clients | {r0['connections']} "
          f"with 0 clients → {r1['connections']} with {big['connected']:,} | "
          f"{'PASS' if grew <= 2 else 'FAIL'} |")  # fmt: skip
    probes = [p for r in done for p in r.get("idle", [])]
    if probes:
        worst = max(p["max"] for p in probes)
        quiet = min(p["after_s"] for p in probes)
        print(f"| quiet site: numbers change \"within about a second\" | {len(probes)} views "
              f"after ≥ {quiet:.0f} s without a message: worst client {ms(worst)} ms | "
              f"{'PASS' if worst <= 1000 else 'FAIL'} |")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clients", nargs="*", type=int, default=[1000, 5000, 10000])
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn's workers (and nginx's, --via nginx/nchan)")  # fmt: skip
    parser.add_argument("--via", action="append", choices=sorted(VIA_NAMES),
                        help="who holds the streams (repeat it; default: direct)")  # fmt: skip
    parser.add_argument("--hits", type=int, default=10, help="measured page views per step")
    parser.add_argument("--spacing", type=float, default=1.5, help="seconds between views")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--connect-concurrency", type=int, default=400)
    parser.add_argument("--connect-timeout", type=float, default=180)
    parser.add_argument("--deliver-timeout", type=float, default=15)
    parser.add_argument("--idle-lead", type=float, default=100,
                        help="quiet-site phase (first step only): seconds without messages "
                        "before the first view")  # fmt: skip
    parser.add_argument("--idle-gap", type=float, default=20,
                        help="quiet-site phase: seconds between the next views")  # fmt: skip
    parser.add_argument(
        "--idle-probes",
        type=int,
        default=3,
        help="page views on a quiet site, each after --idle-gap s without messages (0: skip)",
    )
    parser.add_argument("--quiet-wait", type=float, default=120,
                        help="max seconds to wait for other processes to go idle")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, DB)")
    parser.add_argument("--profile", nargs="?", const=shutil.which("py-spy") or "py-spy",
                        default=None, metavar="PY_SPY",
                        help="sample workers and clients with py-spy during the page views "
                        "(path to py-spy; default: the one on PATH)")  # fmt: skip
    args = parser.parse_args()
    soft, hard = raise_nofile()
    need = max(args.clients) + 1000  # nginx, started as root, raises its own limit
    if soft < need:
        print(f"RLIMIT_NOFILE is {soft} (hard {hard}): too low for {max(args.clients)} clients",
              file=sys.stderr)  # fmt: skip
        return 2
    started = dt.datetime.now().astimezone()
    workdir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    instance = workdir / "instance"
    print(f"# bench/fanout.py — temp dir {workdir}, RLIMIT_NOFILE {soft}", file=sys.stderr)
    prepare_instance(instance)
    _, slug = newest_article_slug(instance)
    path = f"/tin-tuc/{slug}"
    results = []
    for n in args.clients:
        for via in args.via or ["direct"]:
            try:
                results.append(run_step(n, args, instance, workdir, path, not results, via))
            except Exception as exc:  # report the step, go on with the next
                results.append({"clients": n, "via": via,
                                "error": f"{type(exc).__name__}: {exc}"})  # fmt: skip
                print(f"[{n} {via}] failed: {exc!r}", file=sys.stderr)
    (workdir / "fanout.json").write_text(json.dumps(results, indent=1, default=str))
    note = (
        f"RLIMIT_NOFILE {soft}; one server restarted per step (fresh RSS baseline); "
        "latencies include the client processes' own scheduling on the shared cores."
    )
    report(results, args, started, note)
    failed = any("error" in r or r.get("undelivered") or r.get("log_problems") for r in results)
    if args.keep or failed:
        print(f"\n(kept {workdir}: logs and raw results)")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
