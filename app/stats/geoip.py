"""Country of an address from a MaxMind database, only when STATS_GEOIP_DATABASE names one
(off by default): the raw address is looked up in memory and never stored.

The database (GeoLite2/GeoIP2 Country or City, or any .mmdb whose records carry
`country.iso_code`) is opened lazily once per process — after gunicorn's fork, so workers
never share a reader's state — memory-mapped: the pages are the kernel's, shared by every
worker, and a lookup is a few microseconds in maxminddb's C extension. Lookups are cached
per process by address. A missing or corrupt file is logged once and every lookup answers
"": a page view never breaks because of it. Nothing is downloaded: the operator installs
and updates the file (e.g. MaxMind's geoipupdate); a changed file (new mtime) is reopened.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from functools import lru_cache

log = logging.getLogger(__name__)

CACHE_SIZE = 4096
# Seconds between checks that the file changed (updated database) or came back (missing).
RECHECK_SECONDS = 300.0


class _Database:
    """One process's reader of one file, with its lookup cache."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.pid = os.getpid()
        self.reader = None
        self.mtime: float | None = None
        self.checked = 0.0
        self.failed: str | None = None  # the last error logged (logged once)
        self.lock = threading.Lock()
        self.lookup = lru_cache(maxsize=CACHE_SIZE)(self._lookup)

    def current(self):
        """The open reader, (re)opened when due; None when the file cannot be used."""
        now = time.monotonic()
        if self.checked and now - self.checked < RECHECK_SECONDS:
            return self.reader
        with self.lock:
            if self.checked and now - self.checked < RECHECK_SECONDS:
                return self.reader
            self.checked = now
            try:
                mtime = os.stat(self.path).st_mtime
                if self.reader is None or mtime != self.mtime:
                    self._open(mtime)
            except Exception as exc:  # noqa: BLE001 - any failure turns GeoIP off, logged
                self._fail(exc)
            return self.reader

    def _open(self, mtime: float) -> None:
        import maxminddb

        mode = getattr(maxminddb, "MODE_MMAP_EXT", maxminddb.MODE_MMAP)
        try:
            reader = maxminddb.open_database(self.path, mode)
        except ValueError:  # the C extension is missing: the pure-Python memory map
            reader = maxminddb.open_database(self.path, maxminddb.MODE_MMAP)
        reader.get("8.8.8.8")  # a corrupt tree fails here, not on a reader's page view
        old, self.reader, self.mtime = self.reader, reader, mtime
        self.lookup.cache_clear()
        if self.failed is not None:
            log.info("GeoIP database %s is readable again", self.path)
        self.failed = None
        if old is not None:
            _close(old)

    def _fail(self, exc: Exception) -> None:
        problem = f"{type(exc).__name__}: {exc}"
        if problem != self.failed:
            log.error("GeoIP database %s cannot be used, countries are off (%s)",
                      self.path, problem)  # fmt: skip
        self.failed = problem
        if self.reader is not None:
            _close(self.reader)
        self.reader = None
        self.lookup.cache_clear()

    def _lookup(self, address: str) -> str:
        reader = self.reader
        if reader is None:
            return ""
        try:
            record = reader.get(address)
        except ValueError:  # an IPv6 address in an IPv4-only database
            return ""
        except Exception as exc:  # noqa: BLE001 - a corrupt record must not break a page view
            self._fail(exc)
            return ""
        return _iso_code(record)


def _close(reader) -> None:
    try:
        reader.close()
    except Exception:  # noqa: BLE001, S110 - closing an unusable reader; nothing to do
        pass


def _iso_code(record) -> str:
    if not isinstance(record, dict):
        return ""
    for key in ("country", "registered_country"):
        part = record.get(key)
        code = part.get("iso_code") if isinstance(part, dict) else None
        if isinstance(code, str) and len(code) == 2 and code.isascii() and code.isalpha():
            return code.upper()
    return ""


_databases: dict[tuple[int, str], _Database] = {}
_lock = threading.Lock()


def _database(path: str) -> _Database:
    key = (os.getpid(), path)  # a forked worker opens its own reader
    found = _databases.get(key)
    if found is None:
        with _lock:
            found = _databases.setdefault(key, _Database(path))
    return found


@lru_cache(maxsize=CACHE_SIZE)
def _public(address: str) -> str:
    """The address in canonical form when it is a public one, else ""."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip) if ip.is_global else ""


def country_of(app, address: str) -> str:
    """ISO country code of `address`, "" when unknown or when no database is configured."""
    path = app.config.get("STATS_GEOIP_DATABASE") or ""
    if not path or not address:
        return ""
    address = _public(address)
    if not address:
        return ""
    database = _database(str(path))
    if database.current() is None:
        return ""
    return database.lookup(address)


def enabled(app) -> bool:
    """Whether countries are counted: a database is configured (readable or not)."""
    return bool(app.config.get("STATS_GEOIP_DATABASE"))


__all__ = ["country_of", "enabled"]
