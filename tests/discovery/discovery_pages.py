"""What the discovery tests read on pages: meta tags, share links, feeds as XML.

Not a test module: tests/discovery/ modules import it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pages import parse
from stats_helpers import visitor

SITE = "https://congthongtin.example.gov.vn"
ALIAS = "www.congthongtin.example.gov.vn"  # a host the site answers to, not its address
ATOM = "{http://www.w3.org/2005/Atom}"
# A title nobody should be able to break a page or a feed with: markup, an entity, quotes, a
# CDATA end, and a vertical tab (XML 1.0 has no way to carry it, escaped or not).
HOSTILE = 'Tin <b>nóng</b> & "mới" ]]> <script>alert(1)</script>\x0b cuối'
HOSTILE_IN_XML = 'Tin <b>nóng</b> & "mới" ]]> <script>alert(1)</script> cuối'


def meta(html: str) -> dict[str, str]:
    """The page's <meta property|name=... content=...> and its canonical link."""
    root = parse(html)
    found = {}
    for node in root.find_all("meta"):
        key = node.get("property") or node.get("name")
        if key:
            found[key] = node.get("content")
    canonical = root.find("link", rel="canonical")
    if canonical is not None:
        found["canonical"] = canonical.get("href")
    return found


def h1_count(html: str) -> int:
    return len(parse(html).find_all("h1"))


def reader(app, n: int = 1):
    """A reader with an address and a cookie jar of its own."""
    return visitor(app, ip=f"198.51.100.{n}")


def rss_items(body: bytes) -> tuple[ET.Element, list[ET.Element]]:
    """The feed's <channel> and its <item>s; the XML parser refuses anything malformed."""
    root = ET.fromstring(body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    return channel, channel.findall("item")
