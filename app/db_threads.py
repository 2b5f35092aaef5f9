"""The database engine for reads that run in a real thread (app/offload.py), per process.

The app's own engine, its pool and its connection hooks belong to the event loop's thread;
a query sent to a thread of the pool opens a connection of its own here instead. No pool (a
SQLite connection costs ~0.1 ms, a PostgreSQL one a few milliseconds): nothing is shared
between threads. Used by the site search and the statistics reports.
"""

from __future__ import annotations

import os

from flask import current_app
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from app.extensions import db


def thread_engine() -> Engine:
    """This process's engine for reads in pool threads (made anew in a forked worker)."""
    app = current_app._get_current_object()
    key = ("thread_reader_engine", os.getpid())
    engine = app.extensions.get(key)
    if engine is None:
        engine = app.extensions[key] = create_engine(db.engine.url, poolclass=NullPool)
    return engine
