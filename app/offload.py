"""Blocking or CPU-heavy calls run off the gevent event loop.

Under gunicorn's gevent workers every request, stream and background job of a worker shares
one OS thread: a C call that holds it (argon2, Pillow decoding, unpacking an archive, a
file-system call that may hang) freezes all of them. `offload()` runs such a call in a real
OS thread and lets the calling greenlet wait cooperatively. Without gevent (the dev server,
the CLI, tests) it simply calls the function.

CPU-heavy work goes to a small pool of its own (`heavy=True`) so that a flood of logins or
uploads queues there instead of taking every thread the hub has for other blocking calls.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Threads for CPU-heavy calls per worker process: more would only compete for the same cores.
HEAVY_THREADS = max(1, min(4, os.cpu_count() or 1))

_pools: dict[tuple[int, str], object] = {}
_lock = threading.Lock()


def gevent_active() -> bool:
    """True in a process whose threading module gevent has patched (a gevent worker)."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a runtime dependency
        return False
    return bool(monkey.is_module_patched("threading"))


def _pool(name: str):
    key = (os.getpid(), name)  # a forked worker builds its own pool
    pool = _pools.get(key)
    if pool is None:
        with _lock:
            pool = _pools.get(key)
            if pool is None:
                import gevent
                from gevent.threadpool import ThreadPool

                pool = gevent.get_hub().threadpool if name == "io" else ThreadPool(HEAVY_THREADS)
                _pools[key] = pool
    return pool


def offload(fn: Callable[..., T], *args, heavy: bool = False, **kwargs) -> T:
    """fn(*args, **kwargs) in a real thread when under gevent, else in place.

    Exceptions propagate to the caller as if the call had been made directly.
    """
    if not gevent_active():
        return fn(*args, **kwargs)
    # The exception travels back as a value: gevent would print the traceback of a task that
    # raises, and an expected error (a wrong password) is no incident worth a traceback.
    ok, value = _pool("heavy" if heavy else "io").apply(_capture, (fn, args, kwargs))
    if ok:
        return value
    raise value


def _capture(fn, args, kwargs) -> tuple[bool, object]:
    try:
        return True, fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - re-raised in the calling greenlet
        return False, exc
