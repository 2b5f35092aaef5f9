"""Which peers may speak for the client: the reverse proxies in front of the portal.

`TRUSTED_PROXIES` says how many proxies in a row set `X-Forwarded-*` (ProxyFix then takes the
client's address, scheme and host from them); `FORWARDED_ALLOW_IPS` says which peers those
proxies are (addresses or CIDR networks, comma-separated; `*` any; loopback by default, the
same name gunicorn reads). A request whose peer — the TCP connection's own address — is not
one of them comes straight from a client that reached the app server's port: its forwarded
headers and its `X-Request-ID` are dropped before anything reads them, so it cannot claim
another address (per-address limits, `/metrics`) or host.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# WSGI names of the headers only a trusted proxy may send.
FORWARDED_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_X_REQUEST_ID",
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def networks(value: str) -> tuple[Network, ...]:
    """ "10.0.0.0/8, ::1" -> its networks; ValueError for anything else."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in value.split(",") if part.strip())  # fmt: skip


def address_in(remote_addr: str | None, allowed: tuple[Network, ...]) -> bool:
    """Whether the address (an IPv4-mapped IPv6 one as its IPv4) is in one of the networks."""
    try:
        address = ipaddress.ip_address((remote_addr or "").split("%", 1)[0])
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(address in network for network in allowed)


class ProxyGate:
    """WSGI layer, outermost: forwarded headers survive only from the configured proxies."""

    def __init__(self, wsgi_app, allowed: tuple[Network, ...] | None) -> None:
        self.wsgi_app = wsgi_app
        self.allowed = allowed  # None: any peer ("*")

    def __call__(self, environ, start_response):
        if self.allowed is not None and not address_in(environ.get("REMOTE_ADDR"), self.allowed):
            for name in FORWARDED_HEADERS:
                environ.pop(name, None)
        return self.wsgi_app(environ, start_response)


def allowed_peers(app: Flask) -> tuple[Network, ...] | None:
    value = str(app.config["FORWARDED_ALLOW_IPS"]).strip()
    if value == "*":
        return None
    try:
        return networks(value)
    except ValueError as exc:
        raise RuntimeError(f"FORWARDED_ALLOW_IPS must be '*' or a comma-separated list of "
                           f"addresses or networks (CIDR): {exc}") from exc  # fmt: skip


def trust_proxies(app: Flask) -> None:
    """ProxyFix for TRUSTED_PROXIES hops (inside: the Host check sees the forwarded host)."""
    if app.config["TRUSTED_PROXIES"]:
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def guard(app: Flask) -> None:
    """The gate, put outside every other layer once they are all in (the request ids')."""
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyGate(app.wsgi_app, allowed_peers(app))
