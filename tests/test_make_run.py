"""`make run` end to end: migrate, seed, serve with gunicorn, answer, and stop cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from live_server import BIN, ROOT, free_port, pid_alive

START_TIMEOUT = 30
STOP_TIMEOUT = 20

# `make run` without DATABASE_URL is the SQLite site, in either run of the suite.
pytestmark = pytest.mark.once


def fetch(url: str, timeout: float = 5) -> tuple[int, str, str]:
    """Status, content type and body of a GET, also for error statuses."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def wait_until(predicate, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@pytest.fixture
def run_env():
    # A short path: the Redis unix socket path must stay under 108 bytes.
    with tempfile.TemporaryDirectory(prefix="portal-run-") as folder:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"REDIS_URL", "DATABASE_URL", "SECRET_KEY"} and not k.startswith("FLASK_")
        }
        env.update(
            HOST="127.0.0.1",
            PORT=str(free_port()),
            INSTANCE_PATH=str(Path(folder) / "instance"),
            FLASK_APP="wsgi.py",
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        )
        yield env


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(BIN / "flask"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stderr}"
    return result


def test_make_run_serves_the_demo_site_and_stops_cleanly(run_env, tmp_path):
    run_cli(run_env, "db", "upgrade")
    seeded = run_cli(run_env, "seed-demo", "--if-empty")
    assert "Added" in seeded.stdout

    base = f"http://{run_env['HOST']}:{run_env['PORT']}"
    redis_dir = Path(run_env["INSTANCE_PATH"]) / "redis"
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=run_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def answers() -> bool:
            assert server.poll() is None, f"gunicorn exited:\n{log_path.read_text()}"
            try:
                return fetch(f"{base}/healthz", timeout=2)[0] == 200
            except OSError:
                return False

        assert wait_until(answers, START_TIMEOUT, 0.2), (
            f"no answer in {START_TIMEOUT} s:\n{log_path.read_text()}"
        )

        status, content_type, body = fetch(f"{base}/")
        assert status == 200, log_path.read_text()[-4000:]
        assert content_type.startswith("text/html")
        assert '<html lang="vi">' in body
        assert "Trang chủ" in body
        assert "Tin mới nhất" in body
        assert "Liên kết" in body

        status, content_type, body = fetch(f"{base}/healthz")
        assert status == 200, log_path.read_text()[-4000:]
        assert content_type.startswith("application/json")
        assert json.loads(body) == {"db": "ok", "redis": "ok", "disk": "ok"}

        assert (redis_dir / "redis.sock").exists()
        redis_pid = int((redis_dir / "redis.pid").read_text().strip())
        assert pid_alive(redis_pid)

        server.send_signal(signal.SIGTERM)
        returncode = server.wait(timeout=STOP_TIMEOUT)

        assert returncode == 0, log_path.read_text()
        assert wait_until(lambda: not pid_alive(redis_pid), 10), "embedded redis still running"
        assert not (redis_dir / "redis.sock").exists()
    finally:
        stop_everything(server, redis_dir)


def stop_everything(server: subprocess.Popen, redis_dir: Path) -> None:
    """After a failure too: gunicorn, then the Redis it started in a session of its own."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # lets on_exit stop Redis
        try:
            server.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    try:
        pid = int((redis_dir / "redis.pid").read_text().strip())
    except (FileNotFoundError, ValueError):
        return
    if pid_alive(pid) and "redis-server" in Path(f"/proc/{pid}/cmdline").read_text():
        os.kill(pid, signal.SIGKILL)
