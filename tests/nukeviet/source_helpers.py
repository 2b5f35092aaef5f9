"""The NukeViet fixture's path and a writer of mysqldump-style values, for the source tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURE = Path(
    os.environ.get(
        "NUKEVIET_FIXTURE",
        Path(__file__).resolve().parents[3] / "shared/fixtures/nukeviet-4.5-sample.sql",
    )
)


def fixture_path() -> Path:
    if not FIXTURE.is_file():
        pytest.skip(f"the NukeViet fixture is not at {FIXTURE} (set NUKEVIET_FIXTURE)")
    return FIXTURE


_ESCAPE = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\x00": "\\0",
    "\n": "\\n",
    "\r": "\\r",
    "\x1a": "\\Z",
    "\t": "\\t",
    "\x08": "\\b",
}


def sql_value(value: object) -> str:
    """A value as mysqldump writes it."""
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "0x" + value.hex().upper() if value else "''"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + "".join(_ESCAPE.get(ch, ch) for ch in str(value)) + "'"


def sql_tuple(values: list[object]) -> str:
    return "(" + ",".join(sql_value(v) for v in values) + ")"


class Extended:
    """The dump's source with rows added to some tables and some rows changed."""

    def __init__(self, source, extra=None, changed=None):
        self.source, self.extra, self.changed = source, extra or {}, changed or {}

    def __getattr__(self, name):
        return getattr(self.source, name)

    def has(self, name):
        return name in self.extra or self.source.has(name)

    def rows(self, name):
        for row in self.source.rows(name):
            yield {**row, **self.changed.get((name, row.get("id")), {})}
        yield from self.extra.get(name, [])
