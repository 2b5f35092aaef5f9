"""Speed of user-agent and referrer classification (app/stats/agents.py), the reports job's
per-minute work: up to 5,000 distinct user agents and referrer hosts a day, classified once
(cold) and then from the per-process cache.

    .venv/bin/python bench/agents.py [--distinct 5000] [--rounds 3]

User agents: real browser and crawler strings (the crawler-user-agents list's examples)
with their version numbers varied, so that each is distinct. Compares ua-parser's Rust
resolver (ua-parser-rs, the one pinned) with its pure-Python resolver, cold; then the cached
path; then bot names, search engines and referrer exclusion; and GeoIP lookups when
mmdb-writer (a test dependency) is installed to write a database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.stats import agents  # noqa: E402

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{a}.0.{b}.{c} Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/{a}.0.{b} Chrome/{a}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS {a}_{b} like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/{a}.{b} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android {b}; SM-A{c}F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{a}.0.{c}.{b} Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android {b}; RMX{c} Build/RP1A; wv) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Version/4.0 Chrome/{a}.0.{c}.1 Mobile Safari/537.36 Zalo android/{c}{b}",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:{a}.0) Gecko/20100101 Firefox/{a}.{b}",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_{b}) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/{a}.{b} Safari/605.1.15",
    "Mozilla/5.0 (iPad; CPU OS {a}_{b} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/{a}.{b} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{a}.0.0.0 Safari/537.36 Edg/{a}.0.{c}.{b}",
]
HOSTS = [
    "www.google.com.vn", "www.google.com", "coccoc.com", "www.bing.com", "facebook.com",
    "l.facebook.com", "zalo.me", "vnexpress.net", "baochinhphu.vn", "spam.example",
]  # fmt: skip


def browser_agents(count: int, rng: random.Random) -> list[str]:
    seen: set[str] = set()
    while len(seen) < count:
        template = rng.choice(BROWSERS)
        seen.add(template.format(a=rng.randint(9, 140), b=rng.randint(0, 15),
                                 c=rng.randint(100, 9999)))  # fmt: skip
    return list(seen)


def bot_agents(count: int, rng: random.Random) -> list[str]:
    from crawleruseragents import CRAWLER_USER_AGENTS_DATA

    examples = [ua for entry in CRAWLER_USER_AGENTS_DATA for ua in entry.get("instances", [])]
    found = list(dict.fromkeys(examples))
    while len(found) < count:
        found.append(rng.choice(examples) + f" r{len(found)}")
    return found[:count]


def rate(fn, items) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - start)


def cold(fn, items, rounds: int) -> float:
    rates = []
    for _ in range(rounds):
        fn.cache_clear()
        rates.append(rate(fn, items))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distinct", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(14)
    humans = browser_agents(args.distinct, rng)
    bots = bot_agents(min(args.distinct, 2000), rng)

    start = time.perf_counter()
    agents.parser().parse(humans[0])
    print(f"parser: ua-parser with the {agents.resolver_name()} resolver, "
          f"built in {1000 * (time.perf_counter() - start):.0f} ms")  # fmt: skip

    fast = cold(agents.classify, humans, args.rounds)
    print(f"classify, cold ({len(humans)} distinct UAs): {fast:,.0f} UAs/s")
    from ua_parser import BasicResolver, Parser, load_builtins

    kept = agents._parser
    agents._parser = Parser(BasicResolver(load_builtins()))
    try:
        sample = humans[: min(len(humans), 1000)]
        slow = cold(agents.classify, sample, 1)
        print(f"classify, cold, pure-Python resolver ({len(sample)} UAs): {slow:,.0f} UAs/s "
              f"({fast / slow:.0f}x slower)")  # fmt: skip
    finally:
        agents._parser = kept
        agents.classify.cache_clear()
    for ua in humans:
        agents.classify(ua)
    cached = statistics.median(rate(agents.classify, humans) for _ in range(args.rounds))
    print(f"classify, cached: {cached:,.0f} UAs/s")
    print(f"a day's {len(humans)} UAs: {1000 * len(humans) / fast:.0f} ms cold, "
          f"{1000 * len(humans) / cached:.1f} ms cached (every minute)")  # fmt: skip

    bot_cold = cold(agents.bot_name, bots, args.rounds)
    for ua in bots:
        agents.bot_name(ua)
    bot_cached = rate(agents.bot_name, bots)
    print(f"bot_name ({len(bots)} crawler UAs): {bot_cold:,.0f}/s cold, {bot_cached:,.0f}/s cached")

    hosts = [f"{rng.choice(['', 'www.', 'm.', 'a.b.'])}{h}" for h in HOSTS * 500]
    hosts = list(dict.fromkeys(hosts)) + [f"site{n}.example.vn" for n in range(5000)]
    engines = cold(agents.search_engine, hosts, args.rounds)
    listed = frozenset({"spam.example", "seo.example"})
    own = frozenset({"congthongtin.example.gov.vn"})
    excluded = rate(lambda h: agents.referrer_excluded(h, own, listed), hosts)
    print(f"search_engine ({len(hosts)} hosts): {engines:,.0f}/s cold; "
          f"referrer_excluded: {excluded:,.0f}/s")  # fmt: skip

    try:
        from mmdb_writer import MMDBWriter
        from netaddr import IPSet
    except ImportError:
        print("geoip: skipped (mmdb-writer not installed)")
        return
    from flask import Flask

    from app.stats.geoip import country_of

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.mmdb"
        writer = MMDBWriter(ip_version=6, database_type="GeoLite2-Country",
                            ipv4_compatible=True)  # fmt: skip
        for n in range(1, 200):
            writer.insert_network(IPSet([f"{n}.0.0.0/8"]), {"country": {"iso_code": "VN"}})
        writer.to_db_file(str(path))
        app = Flask(__name__)
        app.config["STATS_GEOIP_DATABASE"] = str(path)
        addresses = [f"{rng.randint(1, 199)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
                     f"{rng.randint(1, 254)}" for _ in range(20000)]  # fmt: skip
        country_of(app, "8.8.8.8")
        lookups = rate(lambda a: country_of(app, a), addresses)
        print(f"geoip country_of ({len(addresses)} mostly distinct addresses): {lookups:,.0f}/s")


if __name__ == "__main__":
    main()
