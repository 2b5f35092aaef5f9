"""REDIS_KEY_PREFIX: two sites on ONE Redis DB count, rate-limit, throttle logins, publish
their live numbers and mark their pages stale apart, without FLUSHDB between them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from live_server import wait_until
from stats_helpers import headline, visitor

from app import rate_limit
from app.auth.operations import throttle
from app.extensions import redis_store
from app.news.editing import mark_editing
from app.page_cache import mark_pages_stale
from app.redis_keys import names

pytestmark = pytest.mark.contextless


@pytest.fixture
def sites(make_contextless_app):
    """Site A ("tinhA:") and site B ("tinhB:") on the test's Redis DB, emptied once."""
    site_a = make_contextless_app(REDIS_KEY_PREFIX="tinhA:")
    site_b = make_contextless_app(flush=False, REDIS_KEY_PREFIX="tinhB:")
    return site_a, site_b


def test_two_prefixed_sites_count_their_own_page_views(sites):
    site_a, site_b = sites

    for n in range(3):
        assert visitor(site_a, ip=f"203.0.113.{n + 1}").get("/").status_code == 200
    assert visitor(site_b, ip="198.51.100.1").get("/").status_code == 200

    assert headline(site_a) == (3, 3, 3)
    assert headline(site_b) == (1, 1, 1)
    client = redis_store.client
    assert client.get("tinhA:st:total") == "3"
    assert client.get("tinhB:st:total") == "1"
    assert client.get("st:total") is None  # the unprefixed site's keys stay untouched


def test_every_key_a_site_writes_starts_with_its_prefix(sites):
    site_a, _ = sites
    assert visitor(site_a).get("/").status_code == 200
    with site_a.app_context():
        assert rate_limit.hit("comment", "visitor-1", limit=5, window=60).allowed
        throttle().failure("admin", "203.0.113.9")
        throttle().ip_attempt("203.0.113.9", limit=30, window=60)
        mark_editing(1, SimpleNamespace(id=7, display_name="Biên tập viên"))
        mark_pages_stale()

    keys = sorted(redis_store.client.scan_iter(count=1000))
    assert keys, "site A wrote nothing to Redis"
    assert [key for key in keys if not key.startswith("tinhA:")] == []
    for family in ("tinhA:st:", "tinhA:rl:comment:", "tinhA:auth:", "tinhA:edit:article:1"):
        assert any(key.startswith(family) for key in keys), f"no {family}* key in {keys}"
    assert redis_store.client.get("tinhA:st:content:version") == "1"


def test_rate_limits_and_login_locks_of_one_site_leave_the_other_alone(sites):
    site_a, site_b = sites
    with site_a.app_context():
        verdicts = [rate_limit.hit("contact", "same-visitor", limit=2, window=60) for _ in "abc"]
        for _ in range(5):  # PAIR_LIMIT failures lock the username+IP pair
            throttle().failure("admin", "203.0.113.9")
        assert throttle().blocked("admin", "203.0.113.9")
    with site_b.app_context():
        other = rate_limit.hit("contact", "same-visitor", limit=2, window=60)
        assert not throttle().blocked("admin", "203.0.113.9")

    assert [v.allowed for v in verdicts] == [True, True, False]
    assert other.allowed


def test_live_numbers_go_out_on_each_sites_own_channel(sites):
    site_a, site_b = sites
    hub_a = site_a.extensions["stats_runner"].hub
    hub_b = site_b.extensions["stats_runner"].hub
    assert (hub_a.channel, hub_b.channel) == ("tinhA:st:channel", "tinhB:st:channel")
    assert names(site_a).channel == hub_a.channel
    hub_a.start()
    hub_b.start()
    assert hub_a.connected.wait(5) and hub_b.connected.wait(5)

    assert visitor(site_a).get("/").status_code == 200
    assert wait_until(lambda: '"total":1' in hub_a.payload, 5), hub_a.payload
    seen_a, seen_b = hub_a.version, hub_b.version
    assert seen_b == 0  # A's message reached none of B's streams
    assert visitor(site_b, ip="198.51.100.7").get("/").status_code == 200
    assert wait_until(lambda: hub_b.version > seen_b, 5)

    assert '"total":1' in hub_b.payload
    assert hub_a.version == seen_a  # nor B's any of A's


def test_content_change_on_one_site_leaves_the_others_pages_fresh(sites):
    site_a, site_b = sites
    with site_a.app_context():
        mark_pages_stale()
        mark_pages_stale()
    with site_b.app_context():
        mark_pages_stale()

    assert redis_store.client.get("tinhA:st:content:version") == "2"
    assert redis_store.client.get("tinhB:st:content:version") == "1"


def test_a_prefix_with_spaces_is_refused_at_start_up(make_app):
    with pytest.raises(RuntimeError, match="REDIS_KEY_PREFIX"):
        make_app(REDIS_KEY_PREFIX="tinh A:")
