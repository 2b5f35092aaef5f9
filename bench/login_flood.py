"""Login floods against the real server (gunicorn + gevent, 2 workers, migrated and seeded
instance in a temp folder, TRUSTED_PROXIES=1 so each request may claim its own address).

Three phases of `--seconds` each, `/api/stats` probed every 20 ms over one keep-alive
connection (p50/p99/max):

- baseline: nothing else;
- one address: `--flood` threads POST logins with random usernames from one address: after
  LOGIN_IP_LIMIT attempts a minute they get 429 before any hashing;
- many addresses: the same, each POST from a new random address (a botnet, or an attacker
  rotating addresses): every attempt costs an argon2id verification, which runs in the
  workers' thread pool at a lower CPU priority than the event loop.

    .venv/bin/python bench/login_flood.py [--seconds 15] [--flood 30]

The flooders run in a process of their own. Figures depend on what else the 2 cores do: the
CPU share of other processes is printed with each phase.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import (
    BROWSER_UA,
    PYTHON,
    CpuAccount,
    FloodTally,
    Server,
    percentile,
    portal_env,
    prepare_instance,
    read_flood,
)

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def random_address() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # noqa: S311


def flood_main(port: int, seconds: float, threads: int, many: bool) -> None:
    """Attackers, each with its own session and CSRF token; prints a JSON line of statuses."""
    tally = FloodTally()
    deadline = time.monotonic() + seconds

    def attacker() -> None:
        address = random_address() if many else "203.0.113.1"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"User-Agent": BROWSER_UA, "X-Forwarded-For": address}
        conn.request("GET", "/auth/login", headers=headers)
        response = conn.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        token = TOKEN.search(page).group(1)
        while time.monotonic() < deadline:
            if many:
                headers["X-Forwarded-For"] = random_address()
            body = (f"csrf_token={token}&username=u{random.getrandbits(40):x}"  # noqa: S311
                    f"&password=p{random.getrandbits(64):x}")  # noqa: S311  # fmt: skip
            try:
                conn.request("POST", "/auth/login", body=body, headers={
                    **headers, "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
                response = conn.getresponse()
                response.read()
            except OSError as exc:
                tally.failed(type(exc).__name__)
                conn.close()
                continue
            tally.answered(response.status)
        conn.close()

    tally.run([threading.Thread(target=attacker) for _ in range(threads)])


class Probe(threading.Thread):
    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.stop = threading.Event()
        self.ms: list[float] = []
        self.failures = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            start = time.perf_counter()
            try:
                conn.request("GET", "/api/stats", headers={"User-Agent": BROWSER_UA})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    self.failures += 1
            except OSError:
                self.failures += 1
                conn.close()
                continue
            self.ms.append((time.perf_counter() - start) * 1000)
            time.sleep(0.02)

    def report(self) -> dict:
        values = sorted(self.ms)
        top = values[-1] if values else float("nan")
        return {"n": len(values), "p50": percentile(values, 50), "p99": percentile(values, 99),
                "max": top, "failures": self.failures}  # fmt: skip


def phase(server: Server, seconds: float, threads: int, mode: str) -> dict:
    cpu = CpuAccount()
    probe = Probe(server.port)
    probe.start()
    flood = None
    if mode == "baseline":
        time.sleep(seconds)
    else:
        done = subprocess.run(  # noqa: S603 - this very script
            [PYTHON, __file__, "_flood", str(server.port), str(seconds), str(threads), mode],
            capture_output=True,
            text=True,
            timeout=seconds + 300,
            check=False,
        )
        flood = read_flood(done, "flood")
    probe.stop.set()
    probe.join()
    return {"api_stats": probe.report(), "flood": flood,
            "cpu_others_pct": cpu.result()["others_pct"]}  # fmt: skip


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_flood":
        _, _, port, seconds, threads, mode = sys.argv
        flood_main(int(port), float(seconds), int(threads), mode == "many")
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--flood", type=int, default=30, help="concurrent login POSTs")
    args = parser.parse_args()

    print(f"# bench/login_flood.py — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    with tempfile.TemporaryDirectory(prefix="bench-login-") as folder:
        work = Path(folder)
        instance = work / "instance"
        prepare_instance(instance)
        env = portal_env(instance)
        env["TRUSTED_PROXIES"] = "1"
        server = Server("portal", "wsgi:app", work, workers=2, env=env, instance=instance)
        server.start()
        try:
            results = {}
            for mode in ("baseline", "one", "many"):
                results[mode] = result = phase(server, args.seconds, args.flood, mode)
                s = result["api_stats"]
                print(f"== {mode:8} /api/stats p50/p99/max {s['p50']:.1f} / {s['p99']:.1f} / "
                      f"{s['max']:.1f} ms (n={s['n']}, failures={s['failures']}); "
                      f"other processes {result['cpu_others_pct']:.0f} % CPU")  # fmt: skip
                if result["flood"]:
                    print(f"   login POSTs answered: {result['flood']['statuses']}; "
                          f"socket errors: {result['flood']['errors']}")  # fmt: skip
                time.sleep(2)
            print(f"server log problems: {len(server.log_problems())}")
        finally:
            server.stop()
    print("BENCH_JSON " + json.dumps(results))


if __name__ == "__main__":
    main()
