"""app/rate_limit.py on the real Redis, and in memory when Redis cannot be reached."""

from __future__ import annotations

import pytest
import redis

from app.extensions import redis_store
from app.rate_limit import MemoryWindows, RateLimiter, Verdict, hit, limiter


def test_limit_holds_in_redis_and_other_keys_are_apart(app):
    verdicts = [hit("test", "visitor-a", limit=3, window=60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 1 <= verdicts[-1].retry_after <= 60
    assert hit("test", "visitor-b", limit=3, window=60) == Verdict(True)
    assert hit("other", "visitor-a", limit=3, window=60) == Verdict(True)
    keys = redis_store.client.keys("rl:*")
    assert len(keys) == 3
    assert not any("visitor" in key for key in keys)  # keys are hashed, never in clear


def test_limit_is_shared_by_every_process_through_redis(app):
    first, second = RateLimiter(), RateLimiter()  # two workers' limiters
    assert first.hit("share", "ip", limit=2, window=60).allowed
    assert second.hit("share", "ip", limit=2, window=60).allowed
    refused = first.hit("share", "ip", limit=2, window=60)
    assert not refused.allowed and refused.retry_after >= 1
    assert len(first.memory) == 0  # Redis answered: nothing counted in memory


def test_window_end_lets_the_key_in_again(app):
    hit("short", "k", limit=1, window=60)
    assert not hit("short", "k", limit=1, window=60).allowed
    redis_store.client.delete(*redis_store.client.keys("rl:short:*"))  # the window ended
    assert hit("short", "k", limit=1, window=60).allowed


def test_redis_unreachable_falls_back_to_memory_that_still_limits(app):
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, socket_timeout=0.2)
    limiter_ = RateLimiter(client=lambda: dead)
    verdicts = [limiter_.hit("down", "ip-1", limit=2, window=30) for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert 1 <= verdicts[-1].retry_after <= 30
    assert not limiter_.redis_available()  # the breaker is open: no wait on the dead server
    assert limiter_.hit("down", "ip-2", limit=2, window=30).allowed
    assert len(limiter_.memory) == 2


def test_app_limiter_with_dead_redis_url_still_refuses(make_contextless_app):
    app = make_contextless_app(flush=False, REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        verdicts = [hit("post", "visitor", limit=1, window=60) for _ in range(2)]
        assert [v.allowed for v in verdicts] == [True, False]
        assert limiter() is app.extensions["rate_limit"]


def test_memory_windows_are_bounded_and_fail_closed_when_full():
    now = [100.0]
    memory = MemoryWindows(max_keys=3, clock=lambda: now[0])
    for key in "abc":
        assert memory.hit(key, 5, 10).allowed
    full = memory.hit("d", 5, 10)  # every window still live: a new key is refused
    assert not full.allowed and full.retry_after == 10
    assert memory.hit("a", 5, 10).allowed  # known keys keep counting
    now[0] += 10  # the windows end: they are purged to make room
    assert memory.hit("d", 5, 10).allowed
    assert len(memory) == 1
    now[0] += 3
    for _ in range(5):
        memory.hit("d", 5, 10)
    refused = memory.hit("d", 5, 10)
    assert not refused.allowed and refused.retry_after == 7


def test_bad_arguments_are_refused(app):
    with pytest.raises(ValueError):
        hit("x", "y", limit=1, window=0)
