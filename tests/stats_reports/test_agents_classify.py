"""What a user agent and a referrer say: browser, OS and device type of real user
agents, crawler names, search engines by referrer host, and the referrers left out (the
site's own hosts, blocklisted domains and their subdomains, from config and the setting)."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from app.settings.operations import save_settings
from app.settings.registry import InvalidValue
from app.stats import agents
from app.stats.agents import (
    Agent,
    bot_name,
    classify,
    own_hosts,
    referrer_excluded,
    search_engine,
)
from app.stats.settings import REFERRER_BLOCKLIST
from app.visitor import is_bot

UAS = {
    "chrome_windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "safari_iphone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "ipad": "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    "android_phone": "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36",
    "android_tablet": "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/131.0.6778.135 Safari/537.36",
    "coc_coc": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/128.0.230 Chrome/122.0.0.0 Safari/537.36",
    "coc_coc_android": "Mozilla/5.0 (Linux; Android 12; CPH2185) AppleWebKit/537.36 (KHTML, like "
    "Gecko) coc_coc_browser/127.0.194 Chrome/121.0.6167.194 Mobile Safari/537.36",
    "firefox_linux": "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 "
    "Firefox/133.0",
    "firefox_android_tablet": "Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 "
    "Firefox/133.0",
    "edge": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
    "safari_mac": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.6 Safari/605.1.15",
    "chromebook": "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/131.0.0.0 Safari/537.36",
    "zalo_android": "Mozilla/5.0 (Linux; Android 11; RMX2101 Build/RP1A.200720.011; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile "
    "Safari/537.36 Zalo android/12100573 ZaloTheme/light ZaloLanguage/vi",
    "chrome_iphone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    "windows_phone": "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; "
    "Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X "
    "AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537",
    "googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "googlebot_phone": "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 "
    "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "ahrefs": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "coccocbot": "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/"
    "searchengine)",
    "curl": "curl/8.5.0",
    "python": "python-requests/2.32.3",
    "headless": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36",
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("chrome_windows", Agent("Chrome", "Windows", "desktop")),
        ("safari_iphone", Agent("Safari", "iOS", "mobile")),
        ("ipad", Agent("Safari", "iOS", "tablet")),
        ("android_phone", Agent("Chrome", "Android", "mobile")),
        ("android_tablet", Agent("Chrome", "Android", "tablet")),
        ("coc_coc", Agent("Cốc Cốc", "Windows", "desktop")),
        ("coc_coc_android", Agent("Cốc Cốc", "Android", "mobile")),
        ("firefox_linux", Agent("Firefox", "Linux", "desktop")),
        ("firefox_android_tablet", Agent("Firefox", "Android", "tablet")),
        ("edge", Agent("Edge", "Windows", "desktop")),
        ("safari_mac", Agent("Safari", "macOS", "desktop")),
        ("chromebook", Agent("Chrome", "ChromeOS", "desktop")),
        ("zalo_android", Agent("Zalo", "Android", "mobile")),
        ("chrome_iphone", Agent("Chrome", "iOS", "mobile")),
        ("windows_phone", Agent("IE", "Windows Phone", "mobile")),
    ],
)
def test_browsers_systems_and_devices_of_real_user_agents(name, expected):
    assert not is_bot(UAS[name])
    assert classify(UAS[name]) == expected
    assert bot_name(UAS[name]) == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("googlebot", "Googlebot"),
        ("googlebot_phone", "Googlebot"),
        ("bingbot", "bingbot"),
        ("ahrefs", "AhrefsBot"),
        ("coccocbot", "coccocbot"),
        ("curl", "curl"),  # from the crawler-user-agents pattern
        ("python", "python-requests"),
        ("headless", "HeadlessChrome"),
    ],
)
def test_crawlers_are_named(name, expected):
    assert is_bot(UAS[name])
    assert bot_name(UAS[name]) == expected


@pytest.mark.parametrize(
    "user_agent",
    ["", "   ", "\x00\x01<script>alert(1)</script>", "x" * 20_000, "Mozilla/5.0 (" * 500],
)
def test_odd_user_agents_are_other_and_never_raise(user_agent):
    agent = classify(user_agent)
    assert agent.device in ("desktop", "mobile", "tablet", "other")
    assert len(agent.browser) <= agents.NAME_MAX and len(agent.os) <= agents.NAME_MAX
    assert len(bot_name(user_agent)) <= agents.NAME_MAX
    assert classify("") == Agent("", "", "other") and bot_name("") == ""


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; <b>evil</b>Bot/1.0; +http://evil.example)",
        "Mozilla/5.0 (compatible; <script>alert(1)</script>bot/1.0)",
        '=cmd|"/C calc"!A0 Spider/1.0',
        "@SUM(1+1)*cmd|' /C calc'!A0 crawler/2.0",
        '+HYPERLINK("http://evil.example") Spider/1',
    ],
)
def test_names_from_a_hostile_user_agent_keep_only_name_characters(user_agent):
    agent = classify(user_agent)
    for name in (agent.browser, agent.os, bot_name(user_agent)):
        assert not re.search(r"[<>\"'|!=@*()&;]", name), name
        assert not name.startswith(("=", "+", "-", "@")), name


def test_classification_is_cached_per_process():
    user_agent = UAS["edge"] + " cache-probe"
    before = classify.cache_info().hits
    first = classify(user_agent)
    assert classify(user_agent) is first
    assert classify.cache_info().hits == before + 1


@pytest.mark.parametrize(
    ("host", "engine"),
    [
        ("www.google.com", "Google"),
        ("www.google.com.vn", "Google"),
        ("google.com.vn", "Google"),
        ("WWW.GOOGLE.CO.UK.", "Google"),
        ("news.google.de", "Google"),
        ("www.bing.com", "Bing"),
        ("coccoc.com", "Cốc Cốc"),
        ("www.coccoc.com", "Cốc Cốc"),
        ("search.yahoo.com", "Yahoo"),
        ("vn.search.yahoo.com", "Yahoo"),
        ("duckduckgo.com", "DuckDuckGo"),
        ("yandex.ru", "Yandex"),
        ("www.baidu.com", "Baidu"),
        ("www.ecosia.org", "Ecosia"),
        ("google.com:443", "Google"),
        ("googleusercontent.com", ""),
        ("notgoogle.com", ""),
        ("google.com.evil.example", ""),
        ("facebook.com", ""),
        ("vnexpress.net", ""),
        ("", ""),
    ],
)
def test_search_engines_by_referrer_host(host, engine):
    assert search_engine(host) == engine


def test_referrers_left_out_own_hosts_and_blocklisted_domains_with_subdomains():
    own = ["congthongtin.example.gov.vn"]
    listed = frozenset({"spam.example", "seo-offers.example"})
    excluded = [
        "congthongtin.example.gov.vn",
        "www.congthongtin.example.gov.vn",
        "CongThongTin.Example.Gov.VN.",
        "spam.example",
        "a.b.SPAM.example.",
        "seo-offers.example",
    ]
    kept = ["notspam.example", "spam.example.org", "example.gov.vn", "other.example.gov.vn", ""]
    for host in excluded:
        assert referrer_excluded(host, own, listed), host
    for host in kept:
        assert not referrer_excluded(host, own, listed), host
    assert not referrer_excluded("spam.example", [], [])


def test_blocklist_from_config_and_the_setting(app, admin_user):
    app.config["STATS_REFERRER_BLOCKLIST"] = "Spam.Example, http://seo.example/x"
    assert agents.blocklist() == {"spam.example", "seo.example"}
    app.config["STATS_REFERRER_BLOCKLIST"] = ["list.example"]
    assert agents.blocklist() == {"list.example"}

    save_settings({"stats_referrer_blocklist": "bad.example  *.worse.example"}, by=admin_user)
    assert agents.blocklist() == {"list.example", "bad.example", "worse.example"}
    assert referrer_excluded("x.worse.example", [], agents.blocklist())
    save_settings({"stats_referrer_blocklist": ""}, by=admin_user)
    assert agents.blocklist() == {"list.example"}


@pytest.mark.parametrize("value", ["bad_domain", "localhost", "spam.example, ha ha", "-x.example"])
def test_the_blocklist_setting_refuses_what_is_not_a_domain(value):
    with pytest.raises(InvalidValue, match="Không phải tên miền"):
        REFERRER_BLOCKLIST.coerce(value)


def test_the_blocklist_setting_accepts_domains_and_idn():
    assert REFERRER_BLOCKLIST.coerce("spam.example, seo.example báo.vn") is not None


def test_the_blocklist_setting_is_refused_on_the_settings_page(app, admin_client):
    from pages import forms_on

    page = admin_client.get("/admin/cai-dat/").text
    [form] = [
        f for f in forms_on(page, "/admin/cai-dat/")
        if any(name == "stats_referrer_blocklist" for name, _ in f.fields)
    ]  # fmt: skip
    data = [(name, value) for name, value in form.fields if name != "stats_referrer_blocklist"]
    data.append(("stats_referrer_blocklist", "spam.example, <script>"))
    response = admin_client.post("/admin/cai-dat/", data=MultiDict(data))
    assert response.status_code == 400
    assert "Không phải tên miền" in response.text and "<script>" not in response.text


@pytest.mark.parametrize(
    ("config", "hosts"),
    [
        (
            {"SITE_URL": "https://CongThongTin.example.gov.vn:8443", "SERVER_NAME": None},
            {"congthongtin.example.gov.vn"},
        ),
        ({"SERVER_NAME": "portal.example:5000"}, {"portal.example"}),
        ({"SERVER_NAME": None, "TRUSTED_HOSTS": [".alias.example"]}, {"alias.example"}),
        ({"SERVER_NAME": None}, set()),
    ],
)
def test_own_hosts_from_site_url_and_server_name(app, config, hosts):
    app.config.update(config)
    assert own_hosts() == hosts
