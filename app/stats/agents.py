"""What a user agent and a referrer say: browser, OS, device type, bot name, search engine
(a maintained user-agent parser), and which referrer hosts are left out of the reports.

Owner: agents/import engineer (issue 14). The signatures below are the contract the
counting engineer (app/stats/derive.py) and the reports engineer code against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

OTHER = ""  # shown as "Khác"


@dataclass(frozen=True)
class Agent:
    browser: str  # family without version: "Chrome", "Firefox", "Safari", "Cốc Cốc", "Edge"…
    os: str  # "Windows", "Android", "iOS", "macOS", "Linux"…
    device: str  # "desktop", "mobile", "tablet" or "other"


def classify(user_agent: str) -> Agent:
    """Browser, OS and device type of a (human) user agent; OTHER where unknown."""
    return Agent(OTHER, OTHER, "other")


def bot_name(user_agent: str) -> str:
    """The crawler's name ("Googlebot", "bingbot"…), OTHER when it has none we know."""
    return OTHER


def search_engine(host: str) -> str:
    """The search engine a referrer host belongs to ("Google", "Bing", "Cốc Cốc"…), else ""."""
    return ""


def referrer_excluded(host: str, own_hosts: Iterable[str], blocklist: Iterable[str]) -> bool:
    """Whether a referrer host is the site's own or blocklisted (a listed domain and its
    subdomains)."""
    return False


def blocklist() -> frozenset[str]:
    """The blocklisted referrer domains: STATS_REFERRER_BLOCKLIST (config) and the
    "stats_referrer_blocklist" setting (needs an app context)."""
    return frozenset()


def own_hosts() -> frozenset[str]:
    """The site's own host names (SITE_URL's host, SERVER_NAME), lower case, no port."""
    return frozenset()
