"""Password hashing (argon2id) and the password policy.

argon2id is deliberately slow (64 MiB, 3 passes: tens of milliseconds of one core). Under
gevent a call made on the event loop would freeze every request and stream of the worker, so
every hash and verification runs through offload(..., heavy=True), in the small pool of
threads kept for CPU-heavy work.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from app.offload import gevent_active, offload

MIN_LENGTH = 8
MAX_LENGTH = 128
# argon2id, RFC 9106's second recommended profile (64 MiB, 3 passes): above OWASP ASVS L2.
hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
# The stored hash of an account that has no password yet (app/auth/password_links.py).
UNUSABLE_PREFIX = "!"
# Niceness of the threads that hash under gevent (0 = normal priority, 19 = lowest).
HASH_NICENESS = 10


def unusable_hash() -> str:
    """A stored hash no password matches (an account waiting for its password link):
    cheaper than hashing a random password, and recognisable by its prefix."""
    return UNUSABLE_PREFIX + secrets.token_urlsafe(24)


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so both answers take the same time.
    Made on first use (not at import), and off the event loop like every other hash."""
    return hash_password("not-a-real-password-for-timing")


def _yield_to_the_loop() -> None:
    """Lower this pool thread's CPU priority (Linux: nice is per thread; the threads argon2
    starts for its lanes inherit it). Offloading keeps the event loop free, but on a
    machine with few cores a flood of hashes would still starve it of CPU time: pages and
    live statistics must win over logins. Only in a gevent worker, where offload() runs us
    in a pool thread: elsewhere this is the main thread and keeps its priority."""
    if gevent_active() and hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, 0, HASH_NICENESS)


def _hash(password: str) -> str:
    _yield_to_the_loop()
    return hasher.hash(password)


def _verify(stored_hash: str, password: str) -> bool:
    _yield_to_the_loop()
    try:
        return hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def hash_password(password: str) -> str:
    return offload(_hash, password, heavy=True)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no hash (unknown user) or no usable one (an account
    still waiting for its password link) the same work, then False: the time taken tells
    nothing about the account."""
    usable = stored_hash is not None and not stored_hash.startswith(UNUSABLE_PREFIX)
    ok = offload(_verify, stored_hash if usable else _dummy_hash(), password, heavy=True)
    return ok and usable


def needs_rehash(stored_hash: str) -> bool:
    # Parses the parameters written in the hash: no hashing, cheap enough for the loop.
    return hasher.check_needs_rehash(stored_hash)


def policy_errors(password: str, user_inputs: list[str] | None = None) -> list[str]:
    """Vietnamese reasons to refuse `password`; empty when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return [f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự."]
    if len(password) > MAX_LENGTH:
        return [f"Mật khẩu không được dài quá {MAX_LENGTH} ký tự."]
    # zxcvbn knows the common-password lists; it refuses inputs over 72 characters, and a
    # 72-character prefix that is not weak leaves nothing common about the whole.
    inputs = [u for u in user_inputs or [] if u]
    # zxcvbn's dictionary matching takes milliseconds of CPU: off the loop too.
    if offload(zxcvbn, password[:72], user_inputs=inputs, heavy=True)["score"] < 2:
        return [
            "Mật khẩu quá phổ biến hoặc dễ đoán (hoặc chứa tên đăng nhập). "
            "Hãy chọn mật khẩu khác, ví dụ một câu ngắn dễ nhớ."
        ]
    return []
