"""What a test process does once that a production worker also does once: compiling the
templates and the URL builders of an app, and (cheaply) hashing passwords.

Every test builds a new app, so without this each one compiled the same templates again
(a new Jinja environment), the same ~230 URL builders again (Werkzeug turns each rule into
Python code when it is added to a map) and hashed its accounts' passwords with argon2id at
the production cost (~0.1 s of CPU each): together about a quarter of the suite's time.
`install()` is called by tests/conftest.py when it is imported.
"""

from __future__ import annotations

import argon2
from flask import Flask
from jinja2 import BytecodeCache
from werkzeug.routing import Rule

from app.auth import passwords

# Tests hash at argon2's lowest cost unless marked `real_password_hashing` (the tests of the
# stored parameters and their upgrade): tests/conftest.py, `password_hashing`.
REAL_HASHER = passwords.hasher
CHEAP_HASHER = argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


class SharedTemplateCache(BytecodeCache):
    """Compiled templates kept for every app of the process. Jinja checks each entry against
    its template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_compile_builder = Rule._compile_builder
_builders: dict[tuple, object] = {}


def _shared_builder(rule: Rule, append_unknown: bool = True):
    """Werkzeug's URL builder for `rule`, made once per rule of the same shape: the function
    depends only on the rule's parts, its defaults and its converters' types (it reads the
    converters from the rule it is bound to when it runs)."""
    key = (
        rule.rule,
        tuple(rule._trace),
        tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items())),
        tuple(sorted((name, type(conv)) for name, conv in rule._converters.items())),
        append_unknown,
    )
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(rule, append_unknown)
    return builder


def install() -> None:
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": SharedTemplateCache()}
    Rule._compile_builder = _shared_builder  # type: ignore[method-assign]
    passwords.hasher = CHEAP_HASHER
