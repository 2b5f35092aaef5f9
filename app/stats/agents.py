"""What a user agent and a referrer say: browser, OS, device type, bot name, search engine
(a maintained user-agent parser), and which referrer hosts are left out of the reports.

The parser is ua-parser 1.0 with its precompiled rules (ua-parser-builtins) and, when it is
installed, the Rust resolver (ua-parser-rs): about 30 times faster than the pure-Python one
(`bench/agents.py`). Every function is cached per process (bounded LRU): the reports job
classifies the same few thousand user agents of a day every minute.

Rules decided here (the reports show these values):

- Browser: ua-parser's family without version and without its "Mobile"/"iOS" variants,
  so one browser is one line whatever the device ("Chrome Mobile", "Chrome Mobile iOS" ->
  "Chrome"; "Mobile Safari" -> "Safari"; "Firefox Mobile"/"Firefox iOS" -> "Firefox";
  "Edge Mobile" -> "Edge"); the device column tells phones apart. "Coc Coc" -> "Cốc Cốc";
  Zalo's in-app browser (it says "Zalo" in its user agent) -> "Zalo"; Android's WebView ->
  "Android WebView"; unknown -> "" (Khác).
- OS: "Windows", "macOS", "iOS" (iPadOS too), "Android", "Linux" (every distribution),
  "ChromeOS", "Windows Phone", ... ; unknown -> "".
- Device: "tablet" for an iPad, a Kindle, Android without "Mobile" in the user agent, or a
  user agent that says "Tablet" (not Windows' old "Tablet PC" token); "mobile" for iPhone and
  iPod, Android with "Mobile", Windows Phone and other phone systems (KaiOS, BlackBerry,
  Symbian...) or a "Mobile" token; "desktop" for Windows, macOS, Linux and ChromeOS
  browsers; else "other". An iPad on iPadOS 13+ sends a Mac user agent and is counted as a
  desktop: the user agent cannot tell them apart.
- Bot name: ua-parser's family when it knows the crawler (device "Spider": "Googlebot",
  "bingbot", "AhrefsBot", "coccocbot"...), else the text the crawler-user-agents pattern
  matched ("curl", "python-requests", "Wget", "HeadlessChrome"), else "".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app

OTHER = ""  # shown as "Khác"

# Distinct user agents / hosts kept per process: a day's hash holds at most 5,000 of each.
UA_CACHE_SIZE = 8192
HOST_CACHE_SIZE = 8192
# Longest name a bot or a value gets (SQL value column is 255; a report line stays short).
NAME_MAX = 64


@dataclass(frozen=True)
class Agent:
    browser: str  # family without version: "Chrome", "Firefox", "Safari", "Cốc Cốc", "Edge"…
    os: str  # "Windows", "Android", "iOS", "macOS", "Linux"…
    device: str  # "desktop", "mobile", "tablet" or "other"


# --- the parser -------------------------------------------------------------------------

_parser = None
_parser_lock = threading.Lock()


def parser():
    """The process's ua-parser Parser (no cache of its own: ours below), built on first use."""
    global _parser
    if _parser is None:
        with _parser_lock:
            if _parser is None:
                from ua_parser import BasicResolver, Parser, RegexResolver, load_builtins

                if RegexResolver is not None:  # ua-parser-rs installed
                    from ua_parser import load_lazy_builtins

                    _parser = Parser(RegexResolver(load_lazy_builtins()))
                else:  # pragma: no cover - the pinned requirements install ua-parser-rs
                    _parser = Parser(BasicResolver(load_builtins()))
    return _parser


def resolver_name() -> str:
    """Which ua-parser resolver runs here ("regex" with ua-parser-rs, else "basic")."""
    from ua_parser import RegexResolver

    return "regex" if RegexResolver is not None else "basic"


_BROWSERS = {
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chromium": "Chromium",
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Safari": "Safari",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Firefox Beta": "Firefox",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
    "Opera Mini": "Opera Mini",
    "IE Mobile": "IE",
    "Coc Coc": "Cốc Cốc",
    "Chrome Mobile WebView": "Android WebView",
    "Samsung Internet": "Samsung Internet",
    "Facebook": "Facebook",
    "Other": OTHER,
}
_LINUXES = frozenset({
    "Linux", "Ubuntu", "Kubuntu", "Xubuntu", "Lubuntu", "Debian", "Fedora", "Red Hat",
    "CentOS", "SUSE", "openSUSE", "Mint", "Linux Mint", "Arch Linux", "Gentoo", "Slackware",
    "Mandriva", "PCLinuxOS", "Elementary OS",
})  # fmt: skip
_OSES = {
    "Mac OS X": "macOS",
    "Mac OS": "macOS",
    "Chrome OS": "ChromeOS",
    "iPadOS": "iOS",
    "Other": OTHER,
}
_PHONE_OSES = frozenset({
    "iOS", "Android", "Windows Phone", "KaiOS", "BlackBerry OS", "BlackBerry Tablet OS",
    "Symbian OS", "Symbian^3", "Firefox OS", "Tizen", "webOS", "Bada", "Sailfish", "HarmonyOS",
})  # fmt: skip
_DESKTOP_OSES = frozenset({"Windows", "macOS", "Linux", "ChromeOS", "FreeBSD", "OpenBSD"})
_ZALO = re.compile(r"\bZalo(?:\b|[/ ])")
_TABLET = re.compile(r"\bTablet\b(?! PC)|\bKindle\b|\bSilk/|\bKF[A-Z]{2,4}\b")
_MOBILE = re.compile(r"\bMobile\b|\bMobi\b|\biPhone\b|\biPod\b")


@lru_cache(maxsize=UA_CACHE_SIZE)
def classify(user_agent: str) -> Agent:
    """Browser, OS and device type of a (human) user agent; OTHER where unknown."""
    if not user_agent or not user_agent.strip():
        return Agent(OTHER, OTHER, "other")
    result = parser().parse(user_agent)
    family = result.user_agent.family if result.user_agent else "Other"
    browser = "Zalo" if _ZALO.search(user_agent) else _BROWSERS.get(family, family)
    os_family = result.os.family if result.os else "Other"
    os = "Linux" if os_family in _LINUXES else _OSES.get(os_family, os_family)
    device_family = result.device.family if result.device else ""
    return Agent(_short(browser), _short(os), _device(user_agent, os, device_family))


def _device(user_agent: str, os: str, device_family: str) -> str:
    if device_family == "Spider":
        return "other"
    if device_family.startswith("iPad") or (os != "Windows" and _TABLET.search(user_agent)):
        return "tablet"
    if os == "Android":
        return "mobile" if _MOBILE.search(user_agent) else "tablet"
    if os in _PHONE_OSES or device_family.startswith(("iPhone", "iPod")):
        return "mobile"
    if os in _DESKTOP_OSES:
        return "desktop"
    if _MOBILE.search(user_agent):
        return "mobile"
    return "other"


_NAME_CHARS = re.compile(r"[^\w .+/-]+")


def _short(name: str) -> str:
    """A name for the reports: ua-parser's families can carry text the visitor sent (a
    captured group), so only letters, digits, spaces and . + / - are kept, none leading
    (a CSV cell never starts with a formula sign), at most NAME_MAX characters."""
    if not name:
        return OTHER
    name = " ".join(_NAME_CHARS.sub(" ", name).split()).lstrip(" .+/-_")
    return name[:NAME_MAX].rstrip()


# --- bots ---------------------------------------------------------------------------------

_crawler_groups: list[tuple[re.Pattern, list[re.Pattern]]] | None = None
_GROUP_SIZE = 25


def _crawlers() -> list[tuple[re.Pattern, list[re.Pattern]]]:
    """The crawler-user-agents patterns in groups: one alternation per group finds the
    groups worth trying pattern by pattern (as the package's own is_crawler does)."""
    global _crawler_groups
    if _crawler_groups is None:
        from crawleruseragents import CRAWLER_USER_AGENTS_DATA

        patterns = [entry["pattern"] for entry in CRAWLER_USER_AGENTS_DATA]
        _crawler_groups = [
            (re.compile("|".join(group)), [re.compile(p) for p in group])
            for group in (
                patterns[i : i + _GROUP_SIZE] for i in range(0, len(patterns), _GROUP_SIZE)
            )
        ]
    return _crawler_groups


@lru_cache(maxsize=UA_CACHE_SIZE)
def bot_name(user_agent: str) -> str:
    """The crawler's name ("Googlebot", "bingbot"…), OTHER when it has none we know."""
    if not user_agent or not user_agent.strip():
        return OTHER
    result = parser()(user_agent, _ua_and_device())
    device = result.device.family if result.device else ""
    family = result.user_agent.family if result.user_agent else "Other"
    if device == "Spider" and family not in ("Other", ""):
        return _short(family)
    # The longest text any listed pattern matched: the most specific name for it.
    best = ""
    for group, patterns in _crawlers():
        if not group.search(user_agent):
            continue
        for pattern in patterns:
            found = pattern.search(user_agent)
            if found and len(found.group(0)) > len(best):
                best = found.group(0)
    return _short(best.strip(" ./-+_"))


def _ua_and_device():
    from ua_parser import Domain

    return Domain.USER_AGENT | Domain.DEVICE


# --- referrers ------------------------------------------------------------------------------

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise_host(host: str) -> str:
    """A host name as the reports compare it: lower case, no port, no trailing dot, IDN as
    punycode; "" for anything that is not a host name."""
    host = (host or "").strip().lower()
    if "://" in host or "/" in host:
        try:
            host = urlsplit(host if "://" in host else "//" + host).hostname or ""
        except ValueError:
            return ""
    elif host.count(":") == 1:  # host:port (an IPv6 address has more colons: left alone)
        host = host.split(":", 1)[0]
    host = host.strip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
    return host


def is_domain(name: str) -> bool:
    """A DNS name with at least two labels ("spam.example", "xn--bo-lja.vn")."""
    labels = name.split(".")
    return len(name) <= 253 and len(labels) >= 2 and all(map(_HOST_LABEL.match, labels))


# (engine, host pattern): the host and its subdomains; "<tld>" is any country ending.
_TLD = r"(?:com?\.)?[a-z]{2,3}"
_SEARCH_ENGINES = [
    ("Google", rf"google\.{_TLD}"),
    ("Bing", r"bing\.com"),
    ("Cốc Cốc", r"coccoc\.com|coccoc\.vn"),
    ("Yahoo", rf"search\.yahoo\.{_TLD}|yahoo\.co\.jp|search\.yahoo\.com"),
    ("DuckDuckGo", r"duckduckgo\.com"),
    ("Yandex", rf"yandex\.{_TLD}|ya\.ru"),
    ("Baidu", r"baidu\.com"),
    ("Ecosia", r"ecosia\.org"),
    ("Naver", r"search\.naver\.com"),
    ("Qwant", r"qwant\.com"),
    ("Startpage", r"startpage\.com"),
    ("Brave", r"search\.brave\.com"),
    ("Seznam", r"search\.seznam\.cz"),
    ("Sogou", r"sogou\.com"),
    ("Ask", r"ask\.com"),
    ("AOL", r"search\.aol\.com"),
]
_ENGINE_PATTERNS = [
    (name, re.compile(rf"^(?:[a-z0-9-]+\.)*(?:{pattern})$")) for name, pattern in _SEARCH_ENGINES
]


@lru_cache(maxsize=HOST_CACHE_SIZE)
def search_engine(host: str) -> str:
    """The search engine a referrer host belongs to ("Google", "Bing", "Cốc Cốc"…), else ""."""
    host = normalise_host(host)
    if not host:
        return ""
    for name, pattern in _ENGINE_PATTERNS:
        if pattern.match(host):
            return name
    return ""


def referrer_excluded(host: str, own_hosts: Iterable[str], blocklist: Iterable[str]) -> bool:
    """Whether a referrer host is the site's own or blocklisted (a listed domain and its
    subdomains). The own hosts match exactly, with or without "www."."""
    host = normalise_host(host)
    if not host:
        return False
    bare = host.removeprefix("www.")
    for own in own_hosts:
        own = normalise_host(own)
        if own and own.removeprefix("www.") == bare:
            return True
    listed = blocklist if isinstance(blocklist, frozenset | set) else frozenset(blocklist)
    if not listed:
        return False
    labels = host.split(".")
    for start in range(len(labels)):  # host, its parent domain, ... up to the last label
        if ".".join(labels[start:]) in listed:
            return True
    return False


def parse_domains(raw: str | Iterable[str]) -> tuple[frozenset[str], list[str]]:
    """(the domains, the entries that are not domains) of a comma- or space-separated list
    (a string) or a list of strings; URLs are accepted for their host."""
    items = re.split(r"[\s,;]+", raw) if isinstance(raw, str) else list(raw)
    good, bad = set(), []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        host = normalise_host(item)
        if host.startswith("*."):  # "*.spam.example": the domain already admits subdomains
            host = host[2:]
        if is_domain(host):
            good.add(host)
        else:
            bad.append(item)
    return frozenset(good), bad


@lru_cache(maxsize=64)
def _parsed(raw: str | tuple) -> frozenset[str]:
    return parse_domains(raw)[0]


def blocklist() -> frozenset[str]:
    """The blocklisted referrer domains: STATS_REFERRER_BLOCKLIST (config) and the
    "stats_referrer_blocklist" setting (needs an app context)."""
    from app.settings import store

    configured = current_app.config.get("STATS_REFERRER_BLOCKLIST") or ""
    if not isinstance(configured, str):
        configured = tuple(str(item) for item in configured)
    setting = store.get("stats_referrer_blocklist") or ""
    return _parsed(configured) | _parsed(str(setting))


def own_hosts() -> frozenset[str]:
    """The site's own host names (SITE_URL's host, SERVER_NAME), lower case, no port."""
    config = current_app.config
    names = [config.get("SERVER_NAME") or ""]
    if config.get("SITE_URL"):
        try:
            names.append(urlsplit(str(config["SITE_URL"])).hostname or "")
        except ValueError:
            pass
    trusted = config.get("TRUSTED_HOSTS") or ()
    if isinstance(trusted, str):
        trusted = trusted.split(",")
    names.extend(str(name).lstrip(".") for name in trusted)  # the site's aliases
    return frozenset(filter(None, map(normalise_host, names)))


__all__ = [
    "OTHER",
    "Agent",
    "blocklist",
    "bot_name",
    "classify",
    "is_domain",
    "normalise_host",
    "own_hosts",
    "parse_domains",
    "referrer_excluded",
    "search_engine",
]
