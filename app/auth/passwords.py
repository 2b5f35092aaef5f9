"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 128
# argon2id, RFC 9106's second recommended profile (64 MiB, 3 passes): above OWASP ASVS L2.
hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
# Verified against when the username is unknown, so both answers take the same time.
_DUMMY_HASH = hasher.hash("not-a-real-password-for-timing")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher.check_needs_rehash(stored_hash)


def policy_errors(password: str, user_inputs: list[str] | None = None) -> list[str]:
    """Vietnamese reasons to refuse `password`; empty when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return [f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự."]
    if len(password) > MAX_LENGTH:
        return [f"Mật khẩu không được dài quá {MAX_LENGTH} ký tự."]
    # zxcvbn knows the common-password lists; it refuses inputs over 72 characters, and a
    # 72-character prefix that is not weak leaves nothing common about the whole.
    if zxcvbn(password[:72], user_inputs=[u for u in user_inputs or [] if u])["score"] < 2:
        return [
            "Mật khẩu quá phổ biến hoặc dễ đoán (hoặc chứa tên đăng nhập). "
            "Hãy chọn mật khẩu khác, ví dụ một câu ngắn dễ nhớ."
        ]
    return []
