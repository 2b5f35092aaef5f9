"""Login throttling in Redis: per username+IP, and per account from anywhere."""

from __future__ import annotations

import hashlib
import time

import redis

PREFIX = "auth:"
PAIR_LIMIT = 5  # failures…
PAIR_WINDOW = 5 * 60  # …within this many seconds…
PAIR_LOCK = 30 * 60  # …lock the username+IP pair this long
ACCOUNT_LIMIT = 100  # failures for one account within…
ACCOUNT_WINDOW = 3600  # …an hour, from anywhere

# KEYS: pair failures, account failures, pair lock. ARGV: now, pair window, account window,
# pair limit, lock seconds. Records one failure; returns {pair failures, account failures,
# locked}.
_FAIL = """
local pair, account, lock = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
redis.call('ZADD', pair, now, now .. ':' .. redis.call('INCR', pair .. ':seq'))
redis.call('ZREMRANGEBYSCORE', pair, '-inf', now - tonumber(ARGV[2]))
redis.call('EXPIRE', pair, ARGV[2])
redis.call('EXPIRE', pair .. ':seq', ARGV[2])
redis.call('ZADD', account, now, now .. ':' .. redis.call('INCR', account .. ':seq'))
redis.call('ZREMRANGEBYSCORE', account, '-inf', now - tonumber(ARGV[3]))
redis.call('EXPIRE', account, ARGV[3])
redis.call('EXPIRE', account .. ':seq', ARGV[3])
local pairs, accounts = redis.call('ZCARD', pair), redis.call('ZCARD', account)
local locked = 0
if pairs >= tonumber(ARGV[4]) then
  -- The value is the unlock time (by the caller's clock); the TTL only cleans up.
  redis.call('SET', lock, now + tonumber(ARGV[5]), 'EX', tonumber(ARGV[5]) + 60)
  redis.call('DEL', pair)
  locked = 1
end
return {pairs, accounts, locked}
"""


def _key(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).lower().encode()).hexdigest()[:32]


class LoginThrottle:
    def __init__(self, client: redis.Redis, clock=time.time) -> None:
        self.client = client
        self.clock = clock
        self._fail = client.register_script(_FAIL)

    def _keys(self, username: str, ip: str) -> tuple[str, str, str]:
        pair = _key(username, ip)
        account = _key(username)
        return f"{PREFIX}fail:{pair}", f"{PREFIX}acct:{account}", f"{PREFIX}lock:{pair}"

    def blocked(self, username: str, ip: str) -> bool:
        """True while the pair is locked or the account had too many failures this hour."""
        pair, account, lock = self._keys(username, ip)
        now = self.clock()
        pipe = self.client.pipeline(transaction=False)
        pipe.get(lock)
        pipe.zcount(account, now - ACCOUNT_WINDOW, "+inf")
        unlock_at, recent = pipe.execute()
        return (unlock_at is not None and float(unlock_at) > now) or recent >= ACCOUNT_LIMIT

    def failure(self, username: str, ip: str) -> tuple[int, int, bool]:
        """Record a failed attempt; return (pair failures, account failures, now locked)."""
        pair, account, lock = self._keys(username, ip)
        pairs, accounts, locked = self._fail(
            keys=[pair, account, lock],
            args=[self.clock(), PAIR_WINDOW, ACCOUNT_WINDOW, PAIR_LIMIT, PAIR_LOCK],
        )
        return int(pairs), int(accounts), bool(locked)

    def success(self, username: str, ip: str) -> None:
        pair, _, _ = self._keys(username, ip)
        self.client.delete(pair)
