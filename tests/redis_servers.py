"""Debian's own redis-server and redis-sentinel for tests of Redis as an outside service:
passwords, TLS, replicas and Sentinel, each instance on a free 127.0.0.1 port with its files
under the test's tmp_path, always stopped by the test.

    with RedisGroup(tmp_path) as group:
        master = group.redis(password="pw")
        replica = group.redis(password="pw", replicaof=master)
        sentinels = group.sentinels(master, count=3)
        ...                       # master.kill() is a real crash; master.restart() brings it back

`start_redis(tmp_path, **options)` starts one server outside a group (call `stop()` in a
`finally`). `make_tls(folder)` makes a CA and a server certificate with the openssl CLI.
Not a test module: tests/redis_outside/ and the multi-server tests import it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis
from live_server import free_port, pid_alive, wait_until

REDIS_SERVER = "/usr/bin/redis-server"
REDIS_SENTINEL = "/usr/bin/redis-sentinel"
OPENSSL = "/usr/bin/openssl"
START_TIMEOUT = 10.0
_names = itertools.count(1)


@dataclass(frozen=True)
class TlsFiles:
    """A CA and a certificate it signed for 127.0.0.1 (PEM files)."""

    ca: Path
    cert: Path
    key: Path


def make_tls(folder: Path, name: str = "ca") -> TlsFiles:
    """A fresh CA named `name` and a server certificate for 127.0.0.1/localhost it signed."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca = folder / f"{name}.key", folder / f"{name}.crt"
    key, csr, cert = (
        folder / f"{name}-server.key",
        folder / f"{name}-server.csr",
        folder / f"{name}-server.crt",
    )
    ext = folder / f"{name}-server.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")

    def run(*args: str) -> None:
        subprocess.run([OPENSSL, *args], check=True, capture_output=True, timeout=30)  # noqa: S603

    # EC keys: made in milliseconds, where RSA takes a good part of a second each.
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")
    run("req", "-x509", *ec, "-nodes", "-days", "2", "-subj",
        f"/CN=Test CA {name}", "-keyout", str(ca_key), "-out", str(ca))  # fmt: skip
    run("req", *ec, "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", str(key),
        "-out", str(csr))  # fmt: skip
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(cert))  # fmt: skip
    return TlsFiles(ca, cert, key)


@dataclass
class RedisProc:
    """One redis-server (or redis-sentinel) process on 127.0.0.1:port."""

    port: int
    directory: Path
    command: list[str]
    password: str | None = None
    tls: TlsFiles | None = None
    tls_clients: bool = False  # the server asks clients for a certificate its CA signed
    sentinel: bool = False
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The REDIS_URL of this server (DB 0), with its password and scheme."""
        auth = f":{self.password}@" if self.password else ""
        return f"{'rediss' if self.tls else 'redis'}://{auth}{self.address}/0"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self, **options) -> redis.Redis:
        """A plain client of this server (short timeouts, decoded replies)."""
        settings = {"host": "127.0.0.1", "port": self.port, "password": self.password,
                    "socket_timeout": 3, "socket_connect_timeout": 3,
                    "decode_responses": True}  # fmt: skip
        if self.tls:
            settings.update(ssl=True, ssl_ca_certs=str(self.tls.ca))
            if self.tls_clients:  # the server's own pair serves as a client certificate
                settings.update(ssl_certfile=str(self.tls.cert), ssl_keyfile=str(self.tls.key))
        settings.update(options)
        return redis.Redis(**settings)

    def log(self, tail: int = 3000) -> str:
        try:
            return (self.directory / "server.log").read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    def start(self) -> RedisProc:
        log = open(self.directory / "server.log", "ab")  # noqa: SIM115 - the process keeps it
        self.process = subprocess.Popen(  # noqa: S603 - Debian's redis-server
            self.command, cwd=self.directory, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        if not wait_until(self._answers, START_TIMEOUT, 0.05):
            self.stop()
            raise RuntimeError(f"{self.command[0]} on {self.address} did not start:\n{self.log()}")
        return self

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.command[0]} exited:\n{self.log()}")
        client = self.client(socket_timeout=0.5, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False
        finally:
            client.close()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """A crash (SIGKILL by default): the process is gone when this returns."""
        if self.alive:
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, sig)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """A clean stop (SIGTERM), else SIGKILL after a few seconds."""
        if not self.alive:
            return
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()

    def restart(self) -> RedisProc:
        """The same server again: same port, files and options."""
        self.kill()
        return self.start()


def _server_command(directory: Path, port: int, *, password: str | None, tls: TlsFiles | None,
                    tls_clients: bool, replicaof: RedisProc | None,
                    extra: tuple[str, ...]) -> list[str]:  # fmt: skip
    lines = [
        "bind 127.0.0.1",
        f"dir {directory}",
        'save ""',
        "appendonly no",
        "repl-diskless-sync-delay 0",  # a replica starts its sync at once, not after 5 s
        "daemonize no",
        f"pidfile {directory / 'redis.pid'}",
    ]
    if tls:
        lines += ["port 0", f"tls-port {port}", f"tls-cert-file {tls.cert}",
                  f"tls-key-file {tls.key}", f"tls-ca-cert-file {tls.ca}",
                  f"tls-auth-clients {'yes' if tls_clients else 'no'}",
                  "tls-replication yes"]  # fmt: skip
    else:
        lines.append(f"port {port}")
    if password:
        lines += [f"requirepass {password}", f"masterauth {password}"]
    if replicaof is not None:
        lines.append(f"replicaof 127.0.0.1 {replicaof.port}")
    lines += list(extra)
    config = directory / "redis.conf"
    config.write_text("\n".join(lines) + "\n")
    return [REDIS_SERVER, str(config)]


def start_redis(tmp_path: Path, *, password: str | None = None, tls: TlsFiles | None = None,
                tls_clients: bool = False, replicaof: RedisProc | None = None,
                extra: tuple[str, ...] = ()) -> RedisProc:  # fmt: skip
    """Start a redis-server on a free port, its files in a folder of `tmp_path`; the caller
    stops it. `tls_clients`: the server wants a client certificate (TLS only); `extra` adds
    config lines ("maxmemory 10mb")."""
    port = free_port()
    directory = tmp_path / f"redis-{next(_names)}-{port}"
    directory.mkdir(parents=True)
    command = _server_command(directory, port, password=password, tls=tls,
                              tls_clients=tls_clients, replicaof=replicaof,
                              extra=extra)  # fmt: skip
    return RedisProc(port, directory, command, password=password, tls=tls,
                     tls_clients=tls_clients).start()  # fmt: skip


def start_sentinel(tmp_path: Path, master: RedisProc, *, name: str = "mymaster",
                   quorum: int = 2, down_after_ms: int = 1000, failover_timeout_ms: int = 3000,
                   password: str | None = None) -> RedisProc:  # fmt: skip
    """Start a redis-sentinel monitoring `master` (its config file is rewritten by Sentinel
    itself, so each sentinel has its own folder). `password` protects the sentinel."""
    port = free_port()
    directory = tmp_path / f"sentinel-{next(_names)}-{port}"
    directory.mkdir(parents=True)
    lines = [
        "bind 127.0.0.1",
        f"port {port}",
        f"dir {directory}",
        "daemonize no",
        f"sentinel monitor {name} 127.0.0.1 {master.port} {quorum}",
        f"sentinel down-after-milliseconds {name} {down_after_ms}",
        f"sentinel failover-timeout {name} {failover_timeout_ms}",
        f"sentinel parallel-syncs {name} 1",
    ]
    if master.password:
        lines.append(f"sentinel auth-pass {name} {master.password}")
    if password:
        lines.append(f"requirepass {password}")
    config = directory / "sentinel.conf"
    config.write_text("\n".join(lines) + "\n")
    proc = RedisProc(port, directory, [REDIS_SENTINEL, str(config)], password=password,
                     sentinel=True)  # fmt: skip
    return proc.start()


class RedisGroup:
    """Servers and sentinels of one test, all stopped when the `with` block ends."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.procs: list[RedisProc] = []

    def redis(self, **options) -> RedisProc:
        proc = start_redis(self.tmp_path, **options)
        self.procs.append(proc)
        return proc

    def sentinels(self, master: RedisProc, count: int = 3, **options) -> list[RedisProc]:
        found = []
        for _ in range(count):
            proc = start_sentinel(self.tmp_path, master, **options)
            self.procs.append(proc)
            found.append(proc)
        return found

    def wait_replicated(self, master: RedisProc, replicas: int = 1, timeout: float = 10) -> None:
        """Until `master` reports `replicas` replicas online."""

        def online() -> bool:
            client = master.client()
            try:
                info = client.info("replication")
            except (redis.RedisError, OSError):
                return False
            finally:
                client.close()
            return int(info.get("connected_slaves", 0)) >= replicas and all(
                info[f"slave{i}"]["state"] == "online" for i in range(replicas)
            )

        assert wait_until(online, timeout, 0.1), f"no replica online:\n{master.log()}"

    def wait_sentinels_ready(self, sentinels: list[RedisProc], replicas: int = 1,
                             name: str = "mymaster", timeout: float = 15) -> None:  # fmt: skip
        """Until every sentinel knows the others and the replicas: a failover can start."""

        def ready(sentinel: RedisProc) -> bool:
            client = sentinel.client()
            try:
                state = client.sentinel_master(name)
            except (redis.RedisError, OSError):
                return False
            finally:
                client.close()
            return (int(state.get("num-other-sentinels", 0)) >= len(sentinels) - 1
                    and int(state.get("num-slaves", 0)) >= replicas)  # fmt: skip

        assert wait_until(lambda: all(ready(s) for s in sentinels), timeout, 0.1), (
            f"sentinels not ready:\n{sentinels[0].log()}"
        )

    def __enter__(self) -> RedisGroup:
        return self

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):
            proc.stop()
        for proc in self.procs:  # never leave one behind
            if proc.process is not None and pid_alive(proc.process.pid):
                proc.kill()


def sentinel_master(sentinel: RedisProc, name: str = "mymaster") -> tuple[str, int] | None:
    """The master address a sentinel announces for `name`, or None if it cannot say."""
    client = sentinel.client()
    try:
        host, port = client.sentinel_get_master_addr_by_name(name)
        return host, int(port)
    except (redis.RedisError, OSError, TypeError, ValueError):
        return None
    finally:
        client.close()


def wait_for_failover(sentinels: list[RedisProc], old: RedisProc, name: str = "mymaster",
                      timeout: float = 15.0) -> tuple[str, int]:  # fmt: skip
    """Until a sentinel announces another master than `old`; returns its address."""
    start = time.monotonic()

    def moved():
        for sentinel in sentinels:
            if sentinel.alive:
                found = sentinel_master(sentinel, name)
                if found and found[1] != old.port:
                    return found
        return None

    found = wait_until(moved, timeout, 0.1)
    assert found, f"no failover within {time.monotonic() - start:.1f} s:\n{sentinels[0].log()}"
    return found
