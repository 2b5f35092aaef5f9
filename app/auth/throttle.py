"""Login throttling in Redis.

Three limits, all checked before any password is hashed:

- per IP address, on every login attempt: a flood from one address is answered 429 without
  costing an argon2 verification (the default leaves room for an agency's editors behind one
  NAT address);
- for browsers that logged in successfully before (a valid device cookie, see devices.py):
  failures are counted and locked per device only, so strangers cannot lock the owner out;
- for every other ("untrusted") client: per username+IP, and per account from anywhere. These
  locks never apply to a trusted device (OWASP, "Slow down online guessing attacks with device
  cookies").
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

import redis

from app.redis_keys import AUTH

PAIR_LIMIT = 5  # failures…
PAIR_WINDOW = 5 * 60  # …within this many seconds…
PAIR_LOCK = 30 * 60  # …lock the username+IP pair this long
ACCOUNT_LIMIT = 100  # failures of untrusted clients for one account within…
ACCOUNT_WINDOW = 3600  # …an hour, from anywhere
DEVICE_LIMIT = 5  # failures from one trusted device…
DEVICE_WINDOW = 5 * 60  # …within this many seconds…
DEVICE_LOCK = 30 * 60  # …lock that device cookie this long

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

# KEYS: device failures, device lock. ARGV: now, window, limit, lock seconds. Records one
# failure of a trusted device; returns {failures, locked}.
_DEVICE_FAIL = """
local fails, lock = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1])
redis.call('ZADD', fails, now, now .. ':' .. redis.call('INCR', fails .. ':seq'))
redis.call('ZREMRANGEBYSCORE', fails, '-inf', now - tonumber(ARGV[2]))
redis.call('EXPIRE', fails, ARGV[2])
redis.call('EXPIRE', fails .. ':seq', ARGV[2])
local count = redis.call('ZCARD', fails)
local locked = 0
if count >= tonumber(ARGV[3]) then
  redis.call('SET', lock, now + tonumber(ARGV[4]), 'EX', tonumber(ARGV[4]) + 60)
  redis.call('DEL', fails)
  locked = 1
end
return {count, locked}
"""

# KEYS: attempts of one IP, refusals of that IP. ARGV: now, window, limit. A sliding log
# that never holds more than `limit` entries, however long the flood. Returns {allowed,
# seconds until the oldest attempt leaves the window (a string: Lua numbers become
# integers), refusals in this window}.
_IP_ATTEMPT = """
local attempts, refused = KEYS[1], KEYS[2]
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', attempts, '-inf', now - window)
if redis.call('ZCARD', attempts) < limit then
  redis.call('ZADD', attempts, now, now .. ':' .. redis.call('INCR', attempts .. ':seq'))
  redis.call('EXPIRE', attempts, math.ceil(window))
  redis.call('EXPIRE', attempts .. ':seq', math.ceil(window))
  return {1, '0', 0}
end
local oldest = tonumber(redis.call('ZRANGE', attempts, 0, 0, 'WITHSCORES')[2])
local count = redis.call('INCR', refused)
if count == 1 then redis.call('EXPIRE', refused, math.ceil(window)) end
return {0, tostring(oldest + window - now), count}
"""


def _key(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).lower().encode()).hexdigest()[:32]


@dataclass(frozen=True)
class IpVerdict:
    allowed: bool
    retry_after: int = 0  # whole seconds, at least 1 when refused
    refusals: int = 0  # refused attempts of this address in the current window


class LoginThrottle:
    def __init__(self, client: redis.Redis, clock=time.time, prefix: str = AUTH) -> None:
        self.client = client
        self.prefix = prefix  # the site's "auth:" (REDIS_KEY_PREFIX)
        self.clock = clock
        self._fail = client.register_script(_FAIL)
        self._device_fail = client.register_script(_DEVICE_FAIL)
        self._ip_attempt = client.register_script(_IP_ATTEMPT)

    # Per IP: every attempt ----------------------------------------------------------------

    def ip_attempt(self, ip: str, *, limit: int, window: float) -> IpVerdict:
        """Count one login attempt from `ip`; refused once `limit` were made in `window` s."""
        key = _key("ip", ip)
        allowed, wait, refusals = self._ip_attempt(
            keys=[f"{self.prefix}ip:{key}", f"{self.prefix}ipref:{key}"],
            args=[self.clock(), window, limit],
        )
        if allowed:
            return IpVerdict(True)
        return IpVerdict(False, max(1, math.ceil(float(wait))), int(refusals))

    # Untrusted clients: per username+IP and per account -----------------------------------

    def _keys(self, username: str, ip: str) -> tuple[str, str, str]:
        pair = _key(username, ip)
        account = _key(username)
        p = self.prefix
        return f"{p}fail:{pair}", f"{p}acct:{account}", f"{p}lock:{pair}"

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

    # Trusted devices: per device cookie only ------------------------------------------------

    def _device_keys(self, device: str) -> tuple[str, str]:
        key = _key("device", device)
        return f"{self.prefix}devfail:{key}", f"{self.prefix}devlock:{key}"

    def device_blocked(self, device: str) -> bool:
        _, lock = self._device_keys(device)
        unlock_at = self.client.get(lock)
        return unlock_at is not None and float(unlock_at) > self.clock()

    def device_failure(self, device: str) -> tuple[int, bool]:
        """Record a failure from a trusted device; return (its failures, now locked)."""
        fails, lock = self._device_keys(device)
        count, locked = self._device_fail(
            keys=[fails, lock], args=[self.clock(), DEVICE_WINDOW, DEVICE_LIMIT, DEVICE_LOCK]
        )
        return int(count), bool(locked)

    def device_success(self, device: str) -> None:
        fails, _ = self._device_keys(device)
        self.client.delete(fails)
