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
