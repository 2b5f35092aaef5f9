"""Counts under faults: page views answered 200 versus visits counted, whatever order things
fail in (issue 9 §2). Prints Markdown to stdout, progress to stderr; exit status 1 when a
scenario lost or double-counted a view.

Scenarios, each on a fresh instance under load of ~40 new visitors/s (each request a new
browser: no cookie, a user agent of its own, so each answered view is one new visit):

1. `restart`: Redis (an outside one, REDIS_URL) killed with SIGKILL; the portal stopped
   (SIGTERM) and started again while Redis is still down; Redis back.
2. `kill9`: Redis killed; every worker killed with SIGKILL while Redis is down (the master
   starts new ones); Redis back.
3. `embedded`: the embedded Redis the gunicorn master owns killed with SIGKILL: the master
   restarts it; time until /healthz answers 200 again.

The outside Redis runs like the embedded one (AOF, appendfsync everysec): Redis writes every
acknowledged command to its AOF before it answers, so a SIGKILL of Redis loses nothing it
acknowledged (everysec only matters when the machine itself goes down). `--appendfsync
always` is there to check that it makes no difference.

    .venv/bin/python bench/faults.py [--rate 40] [--appendfsync everysec|always] [--only NAME]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import ROOT, Server, http_get, portal_env, prepare_instance  # noqa: E402

from app.embedded_redis import EmbeddedRedis  # noqa: E402

COUNT_WAIT = 90.0  # seconds the replay may take before the scenario is called failed
_ua = itertools.count(1)
_salt = random.randrange(10_000, 99_999)  # noqa: S311 - uniqueness, not security


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def new_visitor_ua() -> str:
    return ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/124.0.{_salt}.{next(_ua)} Safari/537.36")  # fmt: skip


class Load:
    """New visitors opening `/` at `rate` per second until stopped; counts the answers."""

    def __init__(self, server: Server, rate: float) -> None:
        self.server = server
        self.rate = rate
        self.answered = 0
        self.other: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(32)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _one(self) -> None:
        try:
            status, _ = http_get(self.server.base + "/", {"User-Agent": new_visitor_ua()},
                                 timeout=15)  # fmt: skip
            key = "200" if status == 200 else str(status)
        except OSError as exc:  # the portal restarting: refused, never answered
            key = type(exc).__name__
        with self._lock:
            if key == "200":
                self.answered += 1
            else:
                self.other[key] = self.other.get(key, 0) + 1

    def _run(self) -> None:
        interval = 1.0 / self.rate
        due = time.monotonic()
        while not self._stop.is_set():
            self._pool.submit(self._one)
            due += interval
            self._stop.wait(max(0.0, due - time.monotonic()))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._pool.shutdown(wait=True)


def total(server: Server) -> int:
    status, body = http_get(server.base + "/api/stats", {"Accept": "application/json"})
    assert status == 200, status
    return int(json.loads(body)["total"])


def wait_counted(server: Server, expected: int) -> tuple[int, float]:
    """The total once it reached `expected` (or after COUNT_WAIT), and seconds waited; then
    a few seconds more, so that a double count would show."""
    started = time.monotonic()
    value = total(server)
    while value < expected and time.monotonic() - started < COUNT_WAIT:
        time.sleep(0.5)
        value = total(server)
    waited = time.monotonic() - started
    time.sleep(3)
    return total(server), waited


def spool_emptied(instance: Path, limit: float = 60.0) -> float | None:
    """Seconds until instance/spool/ is empty (every spooled hit replayed), or None."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if spool_left(instance) == 0:
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def spool_left(instance: Path) -> int:
    folder = instance / "spool"
    return len(list(folder.iterdir())) if folder.exists() else 0


class OutsideRedis:
    def __init__(self, folder: Path, appendfsync: str) -> None:
        self.embedded = EmbeddedRedis(folder)
        self.appendfsync = appendfsync

    def start(self) -> None:
        self.embedded.ensure_running(stop_at_exit=False)
        client = redis.Redis(unix_socket_path=str(self.embedded.socket))
        client.config_set("appendfsync", self.appendfsync)
        client.close()

    def kill(self) -> None:
        process, self.embedded.process = self.embedded.process, None
        process.kill()
        process.wait(timeout=10)

    def stop(self) -> None:
        self.embedded.stop()


def step(steps: list[str], message: str) -> None:
    """A scenario's step: kept for the report and said now."""
    steps.append(message)
    say(message)


def settle(
    server: Server, instance: Path, load: Load, before: int, back: float
) -> tuple[float | None, int]:
    """Once Redis is back (since monotonic time `back`): waits until the spool is empty, keeps
    the load on until 5 s after `back`, stops it and waits for the counts (wait_counted).
    Returns (seconds until the spool was empty or None, the total counted)."""
    replayed = spool_emptied(instance)
    time.sleep(max(0.0, 5 - (time.monotonic() - back)))
    load.stop()
    counted, _ = wait_counted(server, before + load.answered)
    return replayed, counted


Note = Callable[[], str]  # the report's note, made once the scenario is over


def scenario_outside(name: str, workdir: Path, rate: float, appendfsync: str,
                     while_down: Callable[[Server, list[str]], Note]) -> dict:  # fmt: skip
    """A portal on an outside Redis under load: Redis killed after 5 s; 5 s later
    `while_down(server, steps)`; 5 s later Redis started again (its AOF); the counts settled."""
    instance = workdir / name / "instance"
    redis_server = OutsideRedis(Path(tempfile.mkdtemp(prefix="r", dir="/tmp")), appendfsync)
    redis_server.start()
    prepare_instance_with(instance, redis_server)
    env = portal_env(instance) | {"REDIS_URL": redis_server.embedded.url}
    server = Server(name, "wsgi:app", workdir, workers=2, env=env, instance=instance)
    server.start()
    steps: list[str] = []
    try:
        before = total(server)
        load = Load(server, rate)
        load.start()
        time.sleep(5)
        redis_server.kill()
        step(steps, "Redis killed (SIGKILL) after 5 s of load")
        time.sleep(5)
        note = while_down(server, steps)
        time.sleep(5)
        redis_server.start()
        back = time.monotonic()
        step(steps, "Redis started again (its AOF) 5 s later")
        replayed, counted = settle(server, instance, load, before, back)
        return result(name, steps, load, before, counted, replayed, instance, note())
    finally:
        server.stop()
        redis_server.stop()


def restart_portal(server: Server, steps: list[str]) -> Note:
    old_pids = [p.pid for p in server.worker_procs()]
    server.stop()
    step(steps, "portal stopped (SIGTERM) after 5 s without Redis")
    server.start(ready_path="/")  # /healthz is 503 while Redis is down
    step(steps, "portal started again, Redis still down")
    return lambda: (f"old workers {old_pids}; {server.log_count('still spooled')} "
                    "'still spooled' log lines at their exit")  # fmt: skip


def kill_workers(server: Server, steps: list[str]) -> Note:
    killed = [p.pid for p in server.worker_procs()]
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    step(steps, f"every worker killed with SIGKILL after 5 s without Redis ({killed})")
    return lambda: ""


def scenario_restart(workdir: Path, rate: float, appendfsync: str) -> dict:
    return scenario_outside("restart", workdir, rate, appendfsync, restart_portal)


def scenario_kill9(workdir: Path, rate: float, appendfsync: str) -> dict:
    return scenario_outside("kill9", workdir, rate, appendfsync, kill_workers)


def scenario_embedded(workdir: Path, rate: float) -> dict:
    instance = workdir / "embedded" / "instance"
    prepare_instance(instance)
    server = Server("embedded", "wsgi:app", workdir, workers=2, env=portal_env(instance),
                    instance=instance)  # fmt: skip
    server.start()
    steps = []
    try:
        before = total(server)
        load = Load(server, rate)
        load.start()
        time.sleep(5)
        pid = int((instance / "redis" / "redis.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        step(steps, f"embedded Redis (pid {pid}) killed with SIGKILL after 5 s of load")
        back = None
        while time.monotonic() - killed_at < 30:
            try:
                if http_get(server.base + "/healthz", timeout=2)[0] == 200:
                    back = time.monotonic() - killed_at
                    break
            except OSError:
                pass
            time.sleep(0.05)
        step(steps, f"/healthz 200 again {back:.2f} s later" if back is not None
                    else "/healthz still not 200 after 30 s")  # fmt: skip
        replayed, counted = settle(server, instance, load, before, time.monotonic())
        note = server.log_lines("embedded Redis is down")
        return result("embedded", steps, load, before, counted, replayed, instance,
                      note[0].split("] ", 3)[-1] if note else "no restart line in the log",
                      back)  # fmt: skip
    finally:
        server.stop()


def prepare_instance_with(instance: Path, redis_server: OutsideRedis) -> None:
    """Migrate and seed with the outside Redis as the portal's (no embedded one started)."""
    env = portal_env(instance) | {"REDIS_URL": redis_server.embedded.url}
    for args in (["db", "upgrade"], ["seed-demo", "--if-empty"]):
        subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


# Connections a killed or stopping worker dropped: the view may have been counted (and spooled)
# without its answer reaching the client.
CUT_OFF = ("RemoteDisconnected", "ConnectionResetError", "IncompleteRead")


def result(name, steps, load, before, counted, replayed, instance, note, back=None) -> dict:
    delta = counted - before
    cut_off = sum(v for k, v in load.other.items() if k in CUT_OFF)
    return {
        "name": name, "steps": steps, "answered": load.answered, "other": load.other,
        "counted": delta, "cut_off": cut_off, "lost": max(0, load.answered - delta),
        "extra": max(0, delta - load.answered - cut_off), "replayed": replayed,
        "spool_left": spool_left(instance), "note": note, "back": back,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=40.0, help="new visitors per second")
    parser.add_argument("--appendfsync", choices=["always", "everysec"], default="everysec")
    parser.add_argument("--only", choices=["restart", "kill9", "embedded"])
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="faults-") as folder:
        workdir = Path(folder)
        if args.only in (None, "restart"):
            say("scenario: Redis down, portal restarted, Redis back")
            results.append(scenario_restart(workdir, args.rate, args.appendfsync))
        if args.only in (None, "kill9"):
            say("scenario: Redis down, workers killed with SIGKILL, Redis back")
            results.append(scenario_kill9(workdir, args.rate, args.appendfsync))
        if args.only in (None, "embedded"):
            say("scenario: embedded Redis killed, restarted by the gunicorn master")
            results.append(scenario_embedded(workdir, args.rate))

    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"### Counts under faults (`faults.py`), {stamp}")
    print()
    print(f"~{args.rate:g} new visitors/s on `/`, 2 gevent workers; outside Redis with "
          f"`appendfsync {args.appendfsync}`.")  # fmt: skip
    print()
    print(
        "| scenario | answered 200 | counted | lost | counted twice | answers cut off "
        "(maybe counted) | other failures | spool empty after Redis back | files left |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    failed = False
    for r in results:
        other = {k: v for k, v in r["other"].items() if k not in CUT_OFF}
        other_text = ", ".join(f"{k}: {v}" for k, v in sorted(other.items())) or "0"
        replayed = "—" if r["replayed"] is None else f"{r['replayed']:.1f} s"
        print(f"| {r['name']} | {r['answered']} | {r['counted']} | {r['lost']} | {r['extra']} | "
              f"{r['cut_off']} | {other_text} | {replayed} | {r['spool_left']} |")  # fmt: skip
        failed |= r["lost"] > 0 or r["extra"] > 0
    print()
    for r in results:
        note = f". {r['note']}" if r["note"] else ""
        print(f"- **{r['name']}**: " + "; ".join(r["steps"]) + note)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
