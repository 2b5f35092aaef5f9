"""Redis made unresponsive (issue 13): a local TCP proxy between the portal and its Redis
that, on command, stops answering. One server (gunicorn, 2 gevent workers) on an outside
Redis (AOF) reached through the proxy; a steady load of new visitors on `/`; then, twice:

- `hang`: the proxy accepts connections but never answers (every byte held, both ways);
- `no-accept`: the proxy stops accepting (new connections wait in the kernel's queue, then
  time out when it is full) and holds what the open connections send;

each for --outage seconds, then answering again. Measures page latency before, during and
after (bounded by REDIS_SOCKET_TIMEOUT, then the circuit breakers), /api/stats during the
outage, a flood of ratings (app/rate_limit.py: its in-process fallback must still refuse) and
of logins with wrong passwords (their throttle falls back to stricter limits in each process's
memory: refused, then 429, never let through), and after: the time
until /api/stats follows the visits again, the hits spooled and replayed, and the counts
(every answered view of a new visitor is one visit, exactly).

    .venv/bin/python bench/redis_blackhole.py [--rate 40] [--outage 10]

Prints Markdown to stdout, progress to stderr; exit status 1 when a count is off, a request
answered 500, or a flood got through.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import (  # noqa: E402
    BROWSER_UA,
    Server,
    finish,
    free_port,
    newest_article_slug,
    percentile,
    portal_env,
)
from faults import (  # noqa: E402
    Load,
    OutsideRedis,
    prepare_instance_with,
    say,
    spool_emptied,
    total,
    wait_counted,
)

RATING_LIMIT = 10  # votes per address and window, for this run (RATING_VOTES_PER_ADDRESS)
FLOOD = 40  # attempts in each flood
REPLAYED = re.compile(r"replayed (\d+) spooled statistics records")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Proxy(threading.Thread):
    """127.0.0.1:port -> Redis' unix socket, in its own asyncio loop. `hang()` holds every
    byte both ways (new connections accepted and held too); `stop_accepting()` also leaves
    new connections in the kernel's queue; `answer()` lets everything flow again."""

    def __init__(self, upstream: str) -> None:
        super().__init__(daemon=True)
        self.upstream = upstream
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.connections = 0
        self.tasks: set[asyncio.Task] = set()

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self.flowing, self.accepting, self.paused = (asyncio.Event() for _ in range(3))
        self.flowing.set()
        self.accepting.set()
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.setblocking(False)
        self.ready.set()
        while True:
            await self.accepting.wait()
            accept = asyncio.ensure_future(self.loop.sock_accept(listener))
            pause = asyncio.ensure_future(self.paused.wait())
            await asyncio.wait({accept, pause}, return_when=asyncio.FIRST_COMPLETED)
            pause.cancel()
            if accept.done() and not accept.cancelled():
                task = self.loop.create_task(self._serve(accept.result()[0]))
                self.tasks.add(task)  # the loop keeps only a weak reference
                task.add_done_callback(self.tasks.discard)
            else:
                accept.cancel()

    async def _serve(self, client: socket.socket) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(self.upstream)
        except OSError:
            client.close()
            return
        reader, writer = await asyncio.open_connection(sock=client)
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer),
                             return_exceptions=True)  # fmt: skip

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self.flowing.wait()  # held while Redis "does not answer"
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    def _call(self, *calls) -> None:
        def apply() -> None:
            for call in calls:
                call()

        self.loop.call_soon_threadsafe(apply)

    def hang(self) -> None:
        self._call(self.flowing.clear)

    def stop_accepting(self) -> None:
        self._call(self.flowing.clear, self.accepting.clear, self.paused.set)

    def answer(self) -> None:
        self._call(self.paused.clear, self.accepting.set, self.flowing.set)


class TimedLoad(Load):
    """faults.Load (new visitors on `/` at a steady rate), with each answer's latency."""

    def __init__(self, server: Server, rate: float) -> None:
        super().__init__(server, rate)
        self.samples: list[tuple[float, float]] = []  # (sent at, seconds)

    def _one(self) -> None:
        started = time.monotonic()
        super()._one()
        self.samples.append((started, time.monotonic() - started))

    def window(self, start: float, end: float) -> dict:
        values = sorted(s for at, s in self.samples if start <= at < end)
        return {"n": len(values), "p50": percentile(values, 50), "p99": percentile(values, 99),
                "max": values[-1] if values else float("nan")}  # fmt: skip


class Reader:
    """One browser (its cookies) sending timed requests; returns (status, seconds)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def send(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"User-Agent": BROWSER_UA, **(headers or {})}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=15) as response:
                text = response.read().decode(errors="replace")
                status = response.status
        except urllib.error.HTTPError as exc:
            text, status = exc.read().decode(errors="replace"), exc.code
        except OSError as exc:
            return type(exc).__name__, time.monotonic() - started, ""
        return status, time.monotonic() - started, text


def flood(results: list) -> dict:
    statuses = Counter(str(status) for status, _, _ in results)
    times = sorted(seconds for _, seconds, _ in results)
    return {"statuses": dict(statuses), "p50": percentile(times, 50), "max": times[-1]}


def rating_flood(server: Server, article_id: int) -> dict:
    """FLOOD votes from one address (new readers, each with its token), 8 at a time."""

    def one(_):
        reader = Reader(server.base)
        status, _, text = reader.send("/api/csrf")
        token = json.loads(text)["token"] if status == 200 else ""
        return reader.send(f"/danh-gia/{article_id}", {"stars": "5"},
                           {"X-CSRFToken": token, "Accept": "application/json"})  # fmt: skip

    with ThreadPoolExecutor(8) as pool:
        return flood(list(pool.map(one, range(FLOOD))))


def login_flood(server: Server) -> dict:
    """FLOOD wrong passwords from one browser, 8 at a time."""
    reader = Reader(server.base)
    _, _, page = reader.send("/auth/login")
    match = TOKEN.search(page)
    token = match.group(1) if match else ""

    def one(n):
        return reader.send("/auth/login", {"csrf_token": token, "username": "khong-co",
                                           "password": f"sai-{n}"})  # fmt: skip

    with ThreadPoolExecutor(8) as pool:
        return flood(list(pool.map(one, range(FLOOD))))


def api_probes(server: Server, count: int = 20) -> dict:
    reader = Reader(server.base)
    results = []
    for _ in range(count):
        status, seconds, text = reader.send("/api/stats", headers={"Accept": "application/json"})
        shown = json.loads(text).get("total") if status == 200 else None
        results.append((status, seconds, shown))
        time.sleep(0.05)
    out = flood([(s, t, "") for s, t, _ in results])
    out["totals"] = sorted({shown for _, _, shown in results if shown is not None})
    return out


def outage(mode: str, server: Server, proxy: Proxy, article_id: int, args) -> dict:
    before = total(server)
    load = TimedLoad(server, args.rate)
    load.start()
    time.sleep(5)
    replayed_before = sum(int(m) for line in server.log_lines("replayed")
                          for m in REPLAYED.findall(line))  # fmt: skip
    down = time.monotonic()
    (proxy.hang if mode == "hang" else proxy.stop_accepting)()
    say(f"{mode}: Redis stops answering for {args.outage:g} s")
    time.sleep(1)
    out = {"mode": mode, "api": api_probes(server), "ratings": rating_flood(server, article_id),
           "logins": login_flood(server)}  # fmt: skip
    time.sleep(max(0.0, down + args.outage - time.monotonic()))
    proxy.answer()
    back = time.monotonic()
    say(f"{mode}: Redis answers again")
    seen = total(server)
    follows = None
    while time.monotonic() - back < 30:
        if total(server) > seen:
            follows = time.monotonic() - back
            break
        time.sleep(0.05)
    out["follows"] = follows
    out["spool_empty"] = spool_emptied(server.instance)
    time.sleep(max(0.0, back + 5 - time.monotonic()))
    load.stop()
    counted, _ = wait_counted(server, before + load.answered)
    replayed = sum(int(m) for line in server.log_lines("replayed")
                   for m in REPLAYED.findall(line)) - replayed_before  # fmt: skip
    out.update(
        before_window=load.window(down - 5, down), first_second=load.window(down, down + 1),
        rest=load.window(down + 1, back), after=load.window(back, back + 5),
        answered=load.answered, other=load.other, counted=counted - before, replayed=replayed,
        outage=back - down,
    )  # fmt: skip
    return out


def ms(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value * 1000:.0f} ms"


def report(results: list[dict], args, server: Server) -> bool:
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"### Redis unresponsive behind a TCP proxy (`redis_blackhole.py`), {stamp}")
    print()
    print(f"2 gevent workers, ~{args.rate:g} new visitors/s on `/`, Redis silent for "
          f"{args.outage:g} s (REDIS_SOCKET_TIMEOUT 0.2 s, breakers 2 s); commit "
          f"{server.version}.")  # fmt: skip
    print()
    print(
        "| outage | page p50 / p99 / max before | first second | rest of the outage | "
        "5 s after | /api/stats during (p50 / max) | follows visits again after |"
    )
    print("|---|---|---|---|---|---|---|")
    failed = False
    for r in results:
        cells = [
            f"{ms(w['p50'])} / {ms(w['p99'])} / {ms(w['max'])} ({w['n']})"
            for w in (r["before_window"], r["first_second"], r["rest"], r["after"])
        ]
        api = r["api"]
        follows = "—" if r["follows"] is None else f"{r['follows']:.2f} s"
        print(f"| {r['mode']} | {' | '.join(cells)} | {ms(api['p50'])} / {ms(api['max'])} "
              f"{api['statuses']} | {follows} |")  # fmt: skip
    print()
    print(
        "| outage | answered 200 | counted | spooled hits replayed | spool empty after | "
        f"ratings: {FLOOD} from one address, limit {RATING_LIMIT} | logins: {FLOOD} wrong "
        "passwords |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in results:
        spool = "—" if r["spool_empty"] is None else f"{r['spool_empty']:.2f} s"
        ratings, logins = r["ratings"], r["logins"]
        print(f"| {r['mode']} | {r['answered']} | {r['counted']} | {r['replayed']} | {spool} | "
              f"{ratings['statuses']} (max {ms(ratings['max'])}) | {logins['statuses']} (max "
              f"{ms(logins['max'])}) |")  # fmt: skip
        allowed = int(ratings["statuses"].get("200", 0))
        failed |= (r["counted"] != r["answered"] or bool(r["other"])
                   or any(s.startswith("5") and s != "503" for s in logins["statuses"])
                   or "500" in ratings["statuses"] or "500" in r["api"]["statuses"]
                   or allowed > RATING_LIMIT * args.workers
                   or int(logins["statuses"].get("200", 0)) > 0)  # fmt: skip
    print()
    for r in results:
        print(f"- {r['mode']}: /api/stats totals shown during the outage {r['api']['totals']}; "
              f"other answers to the load {r['other'] or 'none'}")  # fmt: skip
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=40.0, help="new visitors per second")
    parser.add_argument("--outage", type=float, default=10.0, help="seconds Redis is silent")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["hang", "no-accept"])
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-blackhole-"))
    redis_server = OutsideRedis(Path(tempfile.mkdtemp(prefix="r", dir="/tmp")), "everysec")
    redis_server.start()
    proxy = Proxy(str(redis_server.embedded.socket))
    proxy.start()
    proxy.ready.wait(5)
    instance = workdir / "instance"
    prepare_instance_with(instance, redis_server)
    env = portal_env(instance) | {
        "REDIS_URL": f"redis://127.0.0.1:{proxy.port}/0",
        "FLASK_RATING_VOTES_PER_ADDRESS": str(RATING_LIMIT),
    }
    server = Server("blackhole", "wsgi:app", workdir, workers=args.workers, env=env,
                    instance=instance)  # fmt: skip
    article_id, _ = newest_article_slug(instance)
    results = []
    try:
        server.start()
        warm_up = TimedLoad(server, args.rate)  # templates compiled, pools filled: not measured
        warm_up.start()
        time.sleep(3)
        warm_up.stop()
        spool_emptied(server.instance)
        time.sleep(2)
        for mode in ("hang", "no-accept"):
            if args.only in (None, mode):
                results.append(outage(mode, server, proxy, article_id, args))
                time.sleep(3)
    finally:
        server.stop()
        redis_server.stop()
    problems = [line for line in server.log_problems() if "Traceback" in line]
    return finish(workdir, report(results, args, server), problems)


if __name__ == "__main__":
    sys.exit(main())
