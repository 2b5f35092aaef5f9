"""Debian's nginx in front of test servers, with the site files of deploy/nginx/ rendered into
a temp folder exactly as an administrator renders them (their @MARKERS@ filled in), on free
ports of 127.0.0.1, with a self-signed certificate made by openssl.

Not a test module: tests/test_nginx.py and bench/fanout.py import it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX = "/usr/sbin/nginx"
NCHAN_MODULE = "/usr/lib/nginx/modules/ngx_nchan_module.so"
SITE = ROOT / "deploy" / "nginx" / "portal.conf"
NCHAN_SITE = ROOT / "deploy" / "nginx" / "portal-nchan.conf"
START_TIMEOUT = 10.0
MARKER = re.compile(r"@[A-Z_]+@")

# The main nginx.conf around the site files: Debian's own (/etc/nginx/nginx.conf) does the same
# for the site (mime types, include of sites-enabled/), with its paths under /var and /run.
MAIN = """{user}
{modules}
worker_processes {workers};
worker_rlimit_nofile {nofile};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{
    worker_connections {connections};
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
{sites}
}}
"""


def render(template: Path, values: dict[str, str]) -> str:
    """The site file with each @NAME@ replaced by values[NAME]; every marker must be given."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    # Comments may name markers (the instructions do); directives must have none left.
    directives = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    left = sorted(set(MARKER.findall(directives)))
    assert not left, f"{template.name}: no value for {left}"
    return text


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1 (and its key), valid for two days."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


@dataclass
class Nginx:
    folder: Path
    http_port: int
    https_port: int
    publish_port: int | None
    process: subprocess.Popen
    certificate: Path

    def url(self, path: str, https: bool = True) -> str:
        if https:
            return f"https://127.0.0.1:{self.https_port}{path}"
        return f"http://127.0.0.1:{self.http_port}{path}"

    @property
    def publish_url(self) -> str:
        return f"http://127.0.0.1:{self.publish_port}/stats/publish"

    def tls(self) -> ssl.SSLContext:
        """A client context that trusts exactly this server's certificate."""
        return ssl.create_default_context(cafile=str(self.certificate))

    def error_log(self, tail: int = 4000) -> str:
        with contextlib.suppress(OSError):
            return (self.folder / "error.log").read_text(errors="replace")[-tail:]
        return ""

    def access_log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.folder / "access.log").read_text(errors="replace")
        return ""

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(stat[1]) == self.process.pid:
                        pids.append(int(entry.name))
        return pids


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def nginx(folder: Path, app_port: int, *, streams: str = "app", workers: int = 1,
          connections: int = 1024, ports: tuple[int, ...] = ()) -> Iterator[Nginx]:  # fmt: skip
    """Debian's nginx with deploy/nginx/portal.conf (and, for streams="nchan", the nchan
    module and portal-nchan.conf) in front of the app server on `app_port`; stopped at exit.
    `ports`: the free ports to listen on (HTTP, HTTPS, and the nchan publisher)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "tmp" / name).mkdir(parents=True, exist_ok=True)
    http_port, https_port, publish_port = ports
    cert, key = self_signed_certificate(folder)
    sites = [
        render(
            SITE,
            {
                "SERVER_NAME": "localhost 127.0.0.1",
                "ROOT": str(ROOT),
                "APP_SERVER": f"127.0.0.1:{app_port}",
                "HTTP_LISTEN": f"127.0.0.1:{http_port}",
                "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
                "CERTIFICATE": str(cert),
                "CERTIFICATE_KEY": str(key),
                "CACHE_DIR": str(folder / "cache"),
                "STREAMS": streams,
            },
        )  # fmt: skip
    ]
    modules = ""
    if streams == "nchan":
        modules = f"load_module {NCHAN_MODULE};"
        sites.append(render(NCHAN_SITE, {"PUBLISH_LISTEN": f"127.0.0.1:{publish_port}"}))
    (folder / "portal.conf").write_text("\n".join(sites))
    conf = folder / "nginx.conf"
    conf.write_text(MAIN.format(
        # As root (this container), workers would run as "nobody", who cannot read the
        # temp folder: the same user as the test instead.
        user="user root;" if os.geteuid() == 0 else "",
        modules=modules, workers=workers, nofile=connections * 2 + 1024, folder=folder,
        connections=connections, sites=f"    include {folder / 'portal.conf'};",
    ))  # fmt: skip
    with open(folder / "stderr.log", "wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - Debian's nginx, our config
            [NGINX, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(conf),
             "-g", "daemon off;"],  # fmt: skip
            stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
        )  # fmt: skip
    server = Nginx(folder, http_port, https_port, publish_port, process, cert)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not (_listening(https_port) and _listening(http_port)):
            assert process.poll() is None, (
                f"nginx exited: {(folder / 'stderr.log').read_text()}\n{server.error_log()}"
            )
            assert time.monotonic() < deadline, f"nginx not listening\n{server.error_log()}"
            time.sleep(0.05)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # fast shutdown: streams never end by themselves
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
