"""Shared by the benchmarks: our gunicorn server (or the hello baseline) in a temp instance,
its worker processes, and its embedded Redis. Nothing here touches the repository's files:
every run gets its own INSTANCE_PATH, port and Redis.
"""

from __future__ import annotations

import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import psutil
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
# Lines in a gunicorn/app log that mean something went wrong.
PROBLEM = re.compile(
    r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Worker .* was sent|exception", re.I
)


def code_version() -> str:
    """The commit being measured (others commit while benchmarks run: record it per start)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, timeout=10).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "app", "templates",
             "wsgi.py", "gunicorn.conf.py"],
            cwd=ROOT, text=True, capture_output=True, timeout=10,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + (" + uncommitted changes in app/ or templates/" if dirty else "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile() -> tuple[int, int]:
    """Soft RLIMIT_NOFILE up to the hard limit (children inherit it); returns (soft, hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1_048_576
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def http_get(url: str, headers: dict | None = None, timeout: float = 10.0) -> tuple[int, bytes]:
    """One GET without cookies (urllib keeps none); returns (status, body)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def prepare_instance(instance: Path) -> None:
    """What `make run` does before serving: migrate, then seed the demo content."""
    env = portal_env(instance)
    for args in (["db", "upgrade"], ["seed-demo", "--if-empty"]):
        subprocess.run([PYTHON, "-m", "flask", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def portal_env(instance: Path) -> dict:
    env = dict(os.environ)
    for name in ("REDIS_URL", "DATABASE_URL", "ACCESS_LOG", "SECRET_KEY"):
        env.pop(name, None)
    env.update(FLASK_APP="wsgi.py", INSTANCE_PATH=str(instance))
    return env


def newest_article_slug(instance: Path) -> tuple[int, str]:
    db = sqlite3.connect(instance / "portal.db")
    try:
        row = db.execute(
            "SELECT id, slug FROM articles WHERE status = 'published' "
            "AND published_at <= datetime('now') "
            "ORDER BY published_at DESC LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    return int(row[0]), row[1]


def article_views_sql(instance: Path, article_id: int) -> int:
    db = sqlite3.connect(instance / "portal.db", timeout=10)
    try:
        row = db.execute("SELECT views FROM articles WHERE id = ?", (article_id,)).fetchone()
        return int(row[0])
    finally:
        db.close()


class Server:
    """One gunicorn (our gunicorn.conf.py: gevent workers) on a free loopback port."""

    def __init__(self, name: str, app: str, workdir: Path, *, workers: int = 2,
                 worker_connections: int | None = None, env: dict | None = None,
                 instance: Path | None = None) -> None:  # fmt: skip
        self.name = name
        self.app = app
        self.workdir = workdir
        self.workers = workers
        self.worker_connections = worker_connections
        self.instance = instance
        self.env = env if env is not None else dict(os.environ)
        self.port = free_port()
        self.version = ""
        self.log_path = workdir / f"{name}-gunicorn.log"
        self.proc: subprocess.Popen | None = None
        self._redis: redis.Redis | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str = "/healthz", timeout: float = 60) -> None:
        env = dict(self.env)
        env.update(HOST="127.0.0.1", PORT=str(self.port), WEB_CONCURRENCY=str(self.workers))
        if self.worker_connections:
            env["WORKER_CONNECTIONS"] = str(self.worker_connections)
        # --no-control-socket: gunicorn 27 otherwise binds ~/.gunicorn/gunicorn.ctl, shared
        # with any other gunicorn on the machine (tests, `make run`).
        args = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                "--no-control-socket", self.app]  # fmt: skip
        self.version = code_version()
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited; see {self.log_path}")
            try:
                status, _ = http_get(self.base + ready_path, timeout=2)
                if status == 200 and len(self.worker_procs()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: not ready after {timeout}s; see {self.log_path}")

    def worker_procs(self) -> list[psutil.Process]:
        if self.proc is None:
            return []
        try:
            children = psutil.Process(self.proc.pid).children()
        except psutil.NoSuchProcess:
            return []
        # The master's other child is the embedded redis-server (its own session).
        result = []
        for child in children:
            try:
                if "redis-server" not in child.name():
                    result.append(child)
            except psutil.NoSuchProcess:
                pass
        return result

    def rss(self) -> int:
        """Sum of the workers' resident set sizes, in bytes."""
        total = 0
        for proc in self.worker_procs():
            try:
                total += proc.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def cpu_seconds(self) -> float:
        total = 0.0
        for proc in self.worker_procs():
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def sockets_per_worker(self) -> dict[int, dict[str, int]]:
        """Per worker pid: its TCP sockets on our port, by state."""
        result = {}
        for proc in self.worker_procs():
            states: dict[str, int] = {}
            try:
                for conn in proc.net_connections(kind="tcp"):
                    if conn.laddr and conn.laddr.port == self.port and conn.raddr:
                        states[conn.status] = states.get(conn.status, 0) + 1
            except psutil.NoSuchProcess:
                continue
            result[proc.pid] = states
        return result

    # The embedded Redis our gunicorn master started under INSTANCE_PATH/redis.
    @property
    def redis_socket(self) -> Path:
        assert self.instance is not None
        return self.instance / "redis" / "redis.sock"

    def redis(self) -> redis.Redis:
        """A client named "bench", so it can be told apart from the server's connections."""
        if self._redis is None:
            self._redis = redis.Redis(unix_socket_path=str(self.redis_socket),
                                      decode_responses=True, client_name="bench")  # fmt: skip
        return self._redis

    def redis_clients(self) -> dict:
        """The server's connections to Redis (ours excluded): all, and pub/sub ones."""
        clients = [c for c in self.redis().client_list() if c.get("name") != "bench"]
        subs = [c for c in clients if int(c.get("sub", 0)) or int(c.get("psub", 0))]
        return {"connections": len(clients), "subscribers": len(subs)}

    def log_problems(self) -> list[str]:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return []
        return [line for line in lines if PROBLEM.search(line)]

    def log_lines(self, needle: str) -> list[str]:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return []
        return [line for line in lines if needle in line]

    def log_count(self, needle: str) -> int:
        try:
            return self.log_path.read_text(errors="replace").count(needle)
        except FileNotFoundError:
            return 0

    def stop(self) -> None:
        """SIGTERM the master (it stops the embedded Redis on exit), SIGKILL what is left."""
        if self._redis is not None:
            self._redis.close()
            self._redis = None
        if self.proc is not None and self.proc.poll() is None:
            workers = self.worker_procs()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            for proc in workers:
                if proc.is_running():
                    proc.kill()
        if self.instance is not None:
            pidfile = self.instance / "redis" / "redis.pid"
            try:
                pid = int(pidfile.read_text().strip())
                proc = psutil.Process(pid)
                if "redis-server" in proc.name() and str(self.instance) in " ".join(proc.cmdline()):
                    proc.terminate()
                    proc.wait(timeout=10)
            except (FileNotFoundError, ValueError, psutil.Error):
                pass
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None


def _our_cpu() -> float:
    """CPU seconds of this process, its live descendants and its reaped children."""
    me = psutil.Process()
    times = me.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in me.children(recursive=True):
        try:
            t = child.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def _busy(times) -> float:
    return sum(getattr(times, f, 0.0) for f in ("user", "nice", "system", "irq", "softirq",
                                                 "steal"))  # fmt: skip


class CpuAccount:
    """CPU used during a run: by us (servers, Redis, load generators) and by everything
    else on the machine (other sessions' tests share these 2 cores)."""

    def __init__(self) -> None:
        self.wall = time.monotonic()
        self.system = _busy(psutil.cpu_times())
        self.ours = _our_cpu()

    def result(self) -> dict:
        wall = time.monotonic() - self.wall
        busy = _busy(psutil.cpu_times()) - self.system
        ours = _our_cpu() - self.ours
        cores = psutil.cpu_count() or 1
        return {
            "wall": wall,
            "ours": ours,
            "others": max(0.0, busy - ours),
            "others_pct": 100 * max(0.0, busy - ours) / (wall * cores),
        }


def wait_quiet(max_wait: float = 180, threshold: float = 10.0, window: float = 3.0) -> float:
    """Wait (bounded) until processes other than ours use < `threshold` % of the machine
    for `window` seconds; returns the last measured share."""
    deadline = time.monotonic() + max_wait
    share = 100.0
    while time.monotonic() < deadline:
        account = CpuAccount()
        time.sleep(window)
        share = account.result()["others_pct"]
        if share < threshold:
            break
    return share


def finish(workdir: Path, failed: bool, problems: list[str] = ()) -> int:
    """The end of a bench run: the server's log problems said, its temp folder kept (logs)
    when it failed, removed otherwise; the exit status (1: failed)."""
    if problems:
        print(f"- log problems ({len(problems)}): {problems[:3]}")
    if failed or problems:
        print(f"\n(kept {workdir}: logs)")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list (NaN when empty)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def parse_bench_json(text: str) -> dict:
    for line in text.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON ") :])
    raise RuntimeError("no BENCH_JSON line in the load generator's output:\n" + text[-2000:])


# --- login floods (abuse.py, login_flood.py): attacker threads in a process of their own ----------

FLOOD_JSON = "FLOOD_JSON "


class FloodTally:
    """What a flood's threads were answered (statuses) and what failed (errors), counted under
    a lock. The flooding process prints them as a FLOOD_JSON line (`run`); the benchmark
    reads them back from its output (`read_flood`)."""

    def __init__(self) -> None:
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()
        self._lock = threading.Lock()

    def answered(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1

    def failed(self, what: str) -> None:
        with self._lock:
            self.errors[what] += 1

    def run(self, threads: list[threading.Thread]) -> None:
        """Start the attacker threads, wait for all of them, print the FLOOD_JSON line."""
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(FLOOD_JSON + json.dumps({"statuses": self.statuses, "errors": self.errors}),
              flush=True)  # fmt: skip


def read_flood(done: subprocess.CompletedProcess, what: str) -> dict:
    """The statuses and errors a flooding process printed (FloodTally.run); RuntimeError
    "`what` failed" with the end of its stderr when it printed none."""
    line = next((x for x in done.stdout.splitlines() if x.startswith(FLOOD_JSON)), None)
    if line is None:
        raise RuntimeError(f"{what} failed:\n" + done.stderr[-2000:])
    return json.loads(line[len(FLOOD_JSON) :])
