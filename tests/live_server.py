"""A real portal server for end-to-end tests: migrated and seeded instance in a temp folder,
gunicorn with gevent workers on a free port, the embedded Redis its master starts, and
clients that read Server-Sent Events with bounded waits.

Not a test module: test_stats_stream.py, test_make_run.py, tests/browser.py and the browser
tests import it.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import random
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis
from run_database import server_database

from app.embedded_redis import EmbeddedRedis

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START_TIMEOUT = 40.0
STOP_TIMEOUT = 20.0
CLI_TIMEOUT = 120.0

# The administrator of the browser tests' servers (tests/browser.py): a server started with
# `commands=(CREATE_ADMIN,)` has it, made once with the prepared instance it copies.
ADMIN_USERNAME, ADMIN_PASSWORD = "quantri", "mây-trắng bay 27 lần"
CREATE_ADMIN = ("create-admin", "--username", ADMIN_USERNAME, "--display-name", "Quản trị viên",
                "--password", ADMIN_PASSWORD)  # fmt: skip

# A desktop Chrome: the server counts it as a person, not a crawler.
BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
_ua_counter = itertools.count(1)
_ua_salt = random.randrange(1000, 9999)  # noqa: S311 - uniqueness across runs, not security


def unique_browser_ua() -> str:
    """A desktop Chrome user agent no other request of this run uses: without cookies the
    server tells visitors apart by IP and user agent, so each one is a new visitor."""
    return (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/124.0.{_ua_salt}.{next(_ua_counter)} Safari/537.36"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float, step: float = 0.05):
    """The predicate's first truthy value within `timeout` seconds, else its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):  # gone between the two looks (ENOENT, or ESRCH while reaped)
        return False


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)


def http_get(url: str, headers: dict[str, str] | None = None, timeout: float = 5) -> HttpResult:
    """One GET without cookies (urllib keeps none); error statuses are returned, not raised."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - http only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return HttpResult(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return HttpResult(error.code, dict(error.headers.items()), error.read())


# --- Server-Sent Events over a raw socket -----------------------------------------------------


@dataclass
class SSEMessage:
    at: float  # time.monotonic() when its last byte arrived
    event: str | None = None
    data: str | None = None
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def is_stats(self) -> bool:
        return self.event == "stats" and self.data is not None

    @property
    def is_ping(self) -> bool:
        return self.event is None and self.data is None and bool(self.comments)

    def json(self) -> dict:
        assert self.data is not None, "not a data message"
        return json.loads(self.data)


class SSEClient:
    """A GET /stats/stream over one socket; every read waits at most the time it is given.

    Handles chunked transfer encoding and the text/event-stream framing (blank line between
    messages, `field: value` lines, `:` comments).
    """

    def __init__(
        self,
        host: str,
        port: int,
        path: str = "/stats/stream",
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 5.0,
        read_headers: bool = True,
    ) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.local_port = self.sock.getsockname()[1]
        self.closed = False  # the server closed the connection
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.first_bytes = b""  # the decoded body as it first arrived, for framing checks
        self.messages: list[SSEMessage] = []
        self._raw = b""
        self._body = b""
        self._chunked = False
        self._header_done = False
        self._cursor = 0  # messages already handed out by next_message()
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream",
                 "Cache-Control: no-cache", f"User-Agent: {BROWSER_UA}"]  # fmt: skip
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        if read_headers:
            self.read_headers(timeout)

    # Reading
    def _recv(self, deadline: float) -> bool:
        """Read what has arrived, waiting until `deadline` at most; False if nothing did."""
        if self.closed:
            return False
        remaining = max(0.0, deadline - time.monotonic())
        poller = select.poll()  # not select(): file descriptors above 1024 with many streams
        poller.register(self.sock, select.POLLIN)
        if not poller.poll(remaining * 1000):
            return False
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        if not data:
            self.closed = True
            return False
        self._raw += data
        self._decode()
        return True

    def read_headers(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not self._header_done:
            if not self._recv(deadline) and (self.closed or time.monotonic() >= deadline):
                if self._header_done:
                    break
                raise TimeoutError(f"no response headers on the stream within {timeout} s")

    def _decode(self) -> None:
        if not self._header_done:
            head, sep, rest = self._raw.partition(b"\r\n\r\n")
            if not sep:
                return
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            self.status = int(status_line.split()[1])
            for line in header_lines:
                name, _, value = line.partition(":")
                self.headers[name.strip().lower()] = value.strip()
            self._chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
            self._header_done = True
            self._raw = rest
        if self._chunked:
            while True:
                size_line, sep, rest = self._raw.partition(b"\r\n")
                if not sep:
                    break
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if len(rest) < size + 2:
                    break
                self._body += rest[:size]
                self._raw = rest[size + 2 :]
                if size == 0:
                    self.closed = True
                    break
        else:
            self._body += self._raw
            self._raw = b""
        if len(self.first_bytes) < 4096:
            self.first_bytes = (self.first_bytes + self._body)[:4096]
        self._parse()

    def _parse(self) -> None:
        now = time.monotonic()
        text = self._body.replace(b"\r\n", b"\n")
        *blocks, rest = text.split(b"\n\n")
        self._body = rest
        for block in blocks:
            message = SSEMessage(at=now)
            for line in block.decode().split("\n"):
                if line.startswith(":"):
                    message.comments.append(line[1:].strip())
                    continue
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "event":
                    message.event = value
                elif name == "data":
                    message.data = value if message.data is None else message.data + "\n" + value
                elif name == "retry":
                    message.retry = int(value)
            self.messages.append(message)

    def next_message(self, timeout: float) -> SSEMessage | None:
        """The next message not handed out yet, waiting at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self._cursor >= len(self.messages):
            if not self._recv(deadline) and (self.closed or time.monotonic() >= deadline):
                return None
        message = self.messages[self._cursor]
        self._cursor += 1
        return message

    def wait_for(self, predicate: Callable[[SSEMessage], bool], timeout: float):
        """The first new message matching `predicate` within `timeout` seconds, or None."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next_message(max(0.0, deadline - time.monotonic()))
            if message is None:
                return None
            if predicate(message):
                return message

    def drain(self, duration: float = 0.0) -> list[SSEMessage]:
        """Everything that arrives within `duration` seconds (at least what is buffered)."""
        deadline = time.monotonic() + duration
        while self._recv(deadline) or time.monotonic() < deadline:
            if self.closed:
                break
        new = self.messages[self._cursor :]
        self._cursor = len(self.messages)
        return new

    def stats_events(self, since: float = float("-inf")) -> list[SSEMessage]:
        """The `event: stats` messages received at or after `since` (monotonic time)."""
        return [m for m in self.messages if m.is_stats and m.at >= since]

    def last_stats(self) -> dict | None:
        events = self.stats_events()
        return events[-1].json() if events else None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    def __enter__(self) -> SSEClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def pump(streams: list[SSEClient], duration: float, until: Callable[[], bool] | None = None):
    """Read every stream as data arrives (so each message gets its true arrival time) for
    `duration` seconds, or until `until()` holds; returns whether it held."""
    deadline = time.monotonic() + duration
    selector = selectors.DefaultSelector()
    for stream in streams:
        if not stream.closed:
            selector.register(stream.sock, selectors.EVENT_READ, stream)
    try:
        while True:
            if until is not None and until():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.get_map():
                return bool(until is not None and until())
            for key, _ in selector.select(min(remaining, 0.05)):
                stream = key.data
                stream._recv(time.monotonic())  # readable: returns at once
                if stream.closed:
                    selector.unregister(key.fileobj)
    finally:
        selector.close()


# --- The server ---------------------------------------------------------------------------------


@dataclass
class LiveServer:
    host: str
    port: int
    instance: Path
    env: dict[str, str]
    process: subprocess.Popen
    log_path: Path
    workers: int
    _redis_started: list[EmbeddedRedis] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def log(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    @property
    def database_url(self) -> str:
        """The server's database: its own PostgreSQL one in PostgreSQL mode (or the one `env`
        named), else the SQLite file in its instance folder."""
        return self.env.get("DATABASE_URL") or f"sqlite:///{self.instance / 'portal.db'}"

    # HTTP
    def get(self, path: str, headers: dict[str, str] | None = None, timeout: float = 5):
        return http_get(self.url(path), headers, timeout)

    def page_view(self, path: str = "/", user_agent: str | None = None) -> HttpResult:
        """A page view by a new visitor: a browser user agent of its own, no cookies."""
        result = self.get(path, {"User-Agent": user_agent or unique_browser_ua()})
        assert result.status == 200, f"GET {path} answered {result.status}\n{self.log()}"
        return result

    def api_stats(self) -> dict:
        result = self.get("/api/stats", {"Accept": "application/json"})
        assert result.status == 200, f"/api/stats answered {result.status}\n{self.log()}"
        return result.json()

    def stream(self, **kwargs) -> SSEClient:
        return SSEClient(self.host, self.port, **kwargs)

    def flask(self, *args: str) -> str:
        """Run `flask <args>` on this server's instance and database; it must succeed. Its
        standard output."""
        return _run_cli(self.env, *args)

    # Processes
    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat[1]) == self.process.pid and "gunicorn" in _cmdline(entry):
                pids.append(int(entry.name))
        return sorted(pids)

    def connection_owner(self, client_port: int) -> int | None:
        """The worker pid holding the server side of our connection from `client_port`."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    parts = line.split()
                    local, remote, inode = parts[1], parts[2], parts[9]
                    if (int(local.rsplit(":", 1)[1], 16) == self.port
                            and int(remote.rsplit(":", 1)[1], 16) == client_port):  # fmt: skip
                        inodes.add(f"socket:[{inode}]")
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):
                        if os.readlink(fd) in inodes:
                            return pid
        return None

    # The embedded Redis the master started
    @property
    def redis_dir(self) -> Path:
        return self.instance / "redis"

    @property
    def redis_socket(self) -> Path:
        return self.redis_dir / "redis.sock"

    def redis_client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.redis_socket), socket_timeout=3,
                           socket_connect_timeout=3, decode_responses=True)  # fmt: skip

    def redis_pid(self) -> int:
        return int((self.redis_dir / "redis.pid").read_text().strip())

    def redis_connected_clients(self) -> int:
        client = self.redis_client()
        try:
            return int(client.info("clients")["connected_clients"])
        finally:
            client.close()

    def kill_redis(self, sig: int = signal.SIGKILL, timeout: float = 10) -> int:
        """Stop the running redis-server (a crash with SIGKILL); returns its old pid."""
        pid = self.redis_pid()
        os.kill(pid, sig)
        assert wait_until(lambda: not pid_alive(pid), timeout), f"redis {pid} still alive"
        return pid

    def start_redis(self) -> None:
        """Start the same redis-server again, same arguments and socket; stopped at exit."""
        # A killed server leaves its socket file behind, and EmbeddedRedis.is_running() then
        # spends ~4 s in redis-py's default connect retries before saying no: remove it, so
        # the outage lasts as long as the test means it to.
        with contextlib.suppress(OSError, ValueError):
            if not pid_alive(self.redis_pid()):
                self.redis_socket.unlink(missing_ok=True)
        embedded = EmbeddedRedis(self.redis_dir)
        embedded.ensure_running(stop_at_exit=False)
        self._redis_started.append(embedded)

    def restart_redis(self, down_for: float = 0.5) -> None:
        self.kill_redis()
        time.sleep(down_for)
        self.start_redis()


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _run_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own venv's flask
        [str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=CLI_TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stderr[-4000:]}"
    return result.stdout


# Migrated and seeded instance folders, by what the CLI saw and the commands run after the
# seed (SQLite only): a server whose variables and commands match one copies it instead of
# running `flask db upgrade`, `flask seed-demo` and its commands again (an interpreter start
# each and the whole demo, 4-5 s a server on these cores, 2-3 s more per command).
Commands = tuple[tuple[str, ...], ...]
_PREPARED: dict[tuple[frozenset, Commands], Path] = {}
# PYTEST_CURRENT_TEST names the test and its phase: a key with it would never match twice.
_VOLATILE = {"PORT", "HOST", "INSTANCE_PATH", "WEB_CONCURRENCY", "PYTEST_CURRENT_TEST"}
# Settings a running server reads as it serves, which neither the migrations, the demo seed
# nor create-admin look at: servers that differ only in these copy one prepared instance,
# prepared without them.
_SERVING_ONLY = ("FLASK_STATS_STREAM_", "FLASK_IDLE_TIMEOUT_SECONDS", "FLASK_IDLE_WARNING_SECONDS",
                 "FLASK_RATING_VOTES_PER_ADDRESS", "FLASK_SQLITE_LOCK_WAIT_SECONDS",
                 "FLASK_PAGE_CACHE_SECONDS")  # fmt: skip


def _prepare(env: dict[str, str], instance: Path, commands: Commands = ()) -> None:
    """Migrate and seed `instance` (the folder `env` names) and run `commands` on it, from a
    copy when one was made with the same variables and commands in this test process."""
    steps = (("db", "upgrade"), ("seed-demo", "--if-empty"), *commands)
    base = {k: v for k, v in env.items() if not k.startswith(_SERVING_ONLY)}
    key = (frozenset((k, v) for k, v in base.items() if k not in _VOLATILE), steps)
    if "DATABASE_URL" in env:  # a database of its own outside the folder: prepare it there
        for step in steps:
            _run_cli(env, *step)
        return
    template = _PREPARED.get(key)
    if template is None or not template.exists():
        folder = tempfile.mkdtemp(prefix="portal-prepared-")
        atexit.register(shutil.rmtree, folder, True)
        template = Path(folder) / "instance"
        made = dict(base, INSTANCE_PATH=str(template))
        for step in steps:
            _run_cli(made, *step)
        _PREPARED[key] = template
    # Regular files only: the embedded Redis' socket and lock stay behind.
    shutil.copytree(template, instance, ignore=lambda folder, names: [
        n for n in names if not (Path(folder, n).is_file() or Path(folder, n).is_dir())
        or n.endswith((".lock", ".sock"))])  # fmt: skip


def _clean_env() -> dict[str, str]:
    drop = {"REDIS_URL", "DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH", "WEB_CONCURRENCY"}
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("FLASK_")}


@contextlib.contextmanager
def live_server(workers: int = 2, env: dict[str, str] | None = None, *,
                prepare: bool = True, commands: Commands = ()) -> Iterator[LiveServer]:  # fmt: skip
    """Migrate and seed a fresh instance, serve it with gunicorn (gevent), stop it at exit.

    `env` adds variables, e.g. {"FLASK_STATS_STREAM_HEARTBEAT": "2"}: Flask reads FLASK_*
    into its config, as JSON when the value parses. `commands`: `flask` commands (argument
    tuples) run on the seeded instance before the server starts, part of the prepared copy.
    `prepare=False`: the database `env` names is migrated and seeded already
    (tests/cluster.py); `commands` then run on it as they are.
    """
    # A short path: the Redis unix socket path must stay under 108 bytes. In PostgreSQL mode
    # (tests/run_database.py) the server gets a new database of its own unless `env` names one.
    own_database = None if "DATABASE_URL" in (env or {}) else server_database()
    with own_database or contextlib.nullcontext() as database_url, \
            tempfile.TemporaryDirectory(prefix="portal-live-") as folder:  # fmt: skip
        instance = Path(folder) / "instance"
        port = free_port()
        full_env = _clean_env()
        full_env.update(
            HOST="127.0.0.1",
            PORT=str(port),
            WEB_CONCURRENCY=str(workers),
            INSTANCE_PATH=str(instance),
            FLASK_APP="wsgi.py",
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        if database_url:
            full_env["DATABASE_URL"] = database_url
        full_env.update(env or {})
        if prepare:
            _prepare(full_env, instance, commands)
        else:
            for command in commands:
                _run_cli(full_env, *command)

        log_path = Path(folder) / "gunicorn.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
                # No control socket: gunicorn 27 puts it at one path in $HOME, which
                # servers running side by side (and a developer's own) would fight over.
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket",
                 "wsgi:app"],  # fmt: skip
                cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        server = LiveServer("127.0.0.1", port, instance, full_env, process, log_path, workers)
        redis_pids: set[int] = set()
        try:

            def healthy() -> bool:
                assert process.poll() is None, f"gunicorn exited:\n{server.log()}"
                try:
                    return server.get("/healthz", timeout=2).status == 200
                except OSError:
                    return False

            assert wait_until(healthy, START_TIMEOUT, 0.2), (
                f"no healthy answer within {START_TIMEOUT} s:\n{server.log()}"
            )
            assert wait_until(lambda: len(server.worker_pids()) == workers, 10), (
                f"expected {workers} workers, found {server.worker_pids()}\n{server.log()}"
            )
            with contextlib.suppress(OSError, ValueError):
                redis_pids.add(server.redis_pid())
            yield server
        finally:
            with contextlib.suppress(OSError, ValueError):
                redis_pids.add(server.redis_pid())
            if process.poll() is None:
                # Quick shutdown: the test is over, so nothing waits for open requests. A gevent
                # worker notices SIGTERM only at its next one-second tick and then drains; with
                # SIGQUIT it exits at once (worker_exit and on_exit still run), saving ~1.5 s
                # a server. Tests of a graceful stop send SIGTERM themselves.
                process.send_signal(signal.SIGQUIT)
                try:
                    process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
            for embedded in server._redis_started:
                embedded.stop()
            for pid in redis_pids:  # never leave a redis-server behind
                if pid_alive(pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
