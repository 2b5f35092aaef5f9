"""Video embeds from an allow-list, built by the server from a URL.

An editor gives a video's address (a YouTube watch, youtu.be, shorts or embed URL, a Facebook
video URL); `from_url` reads it and `Embed.html` writes the one iframe the site allows for it.
Bodies keep an iframe only when its src reads back to the same embed (`from_src`), and then the
sanitiser writes it again from here: no pasted iframe markup ever reaches a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from markupsafe import escape

YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/"
FACEBOOK_PLUGIN = "https://www.facebook.com/plugins/video.php?href="
# The hosts the readers' Content-Security-Policy lets frames come from.
FRAME_HOSTS = ("https://www.youtube-nocookie.com", "https://www.facebook.com")

WIDTH, HEIGHT = "560", "315"
ALLOW = "accelerometer; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share"
REFERRER_POLICY = "strict-origin-when-cross-origin"
TITLES = {"youtube": "Video YouTube", "facebook": "Video Facebook"}
# The attributes of every embed, in the order they are written (the editor's schema too).
IFRAME_ATTRIBUTES = (
    "src", "title", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy",
)  # fmt: skip

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_NOCOOKIE_HOSTS = {"youtube-nocookie.com", "www.youtube-nocookie.com"}
_FACEBOOK_HOSTS = {"facebook.com", "www.facebook.com", "m.facebook.com", "web.facebook.com"}
_SECONDS = re.compile(r"(\d{1,6})s?")
_DIGITS = re.compile(r"\d{1,30}")
_FB_NAME = re.compile(r"[A-Za-z0-9.\-_]{1,100}")
_FB_SHORT = re.compile(r"[A-Za-z0-9_-]{1,40}")


@dataclass(frozen=True)
class Embed:
    provider: str  # "youtube" or "facebook"
    src: str  # the canonical iframe src
    title: str

    def attributes(self) -> tuple[tuple[str, str], ...]:
        """The iframe's attributes, in IFRAME_ATTRIBUTES order."""
        return (
            ("src", self.src),
            ("title", self.title),
            ("width", WIDTH),
            ("height", HEIGHT),
            ("allow", ALLOW),
            ("allowfullscreen", "allowfullscreen"),
            ("loading", "lazy"),
            ("referrerpolicy", REFERRER_POLICY),
        )

    def html(self) -> str:
        """The iframe's markup, escaped."""
        attrs = "".join(f' {name}="{escape(value)}"' for name, value in self.attributes())
        return f"<iframe{attrs}></iframe>"


def _split(url: str):
    url = (url or "").strip()
    if len(url) > 2000 or any(c in url for c in "\x00\t\n\r"):
        return None
    if url.startswith("//"):
        url = "https:" + url
    elif "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    try:
        port = parts.port
    except ValueError:  # "host:alert(1)"
        return None
    if parts.scheme not in ("http", "https") or parts.username or parts.password or port:
        return None
    return parts


def _youtube(video_id: str, start: str | None) -> Embed | None:
    if not _YOUTUBE_ID.fullmatch(video_id or ""):
        return None
    src = YOUTUBE_EMBED + video_id
    match = _SECONDS.fullmatch(start or "")
    if match and int(match.group(1)):
        src += f"?start={int(match.group(1))}"
    return Embed("youtube", src, TITLES["youtube"])


def _first(query: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        if query.get(name):
            return query[name][0]
    return None


def _facebook_video_url(parts) -> str | None:
    """The canonical address of a Facebook video, or None for anything else."""
    host = (parts.hostname or "").lower()
    path = [p for p in parts.path.split("/") if p]
    query = parse_qs(parts.query)
    if host == "fb.watch":
        if len(path) == 1 and _FB_SHORT.fullmatch(path[0]):
            return f"https://fb.watch/{path[0]}/"
        return None
    if host not in _FACEBOOK_HOSTS:
        return None
    if path in (["watch"], ["video.php"]):
        video = _first(query, "v") or ""
        return f"https://www.facebook.com/watch/?v={video}" if _DIGITS.fullmatch(video) else None
    if len(path) == 2 and path[0] == "reel" and _DIGITS.fullmatch(path[1]):
        return f"https://www.facebook.com/reel/{path[1]}"
    if len(path) >= 3 and path[1] == "videos" and _FB_NAME.fullmatch(path[0]):
        video = path[-1]
        if _DIGITS.fullmatch(video) and all(_FB_NAME.fullmatch(p) for p in path[2:]):
            return f"https://www.facebook.com/{path[0]}/videos/{video}/"
    return None


def _facebook(video_url: str | None) -> Embed | None:
    if not video_url:
        return None
    return Embed("facebook", FACEBOOK_PLUGIN + quote(video_url, safe=""), TITLES["facebook"])


def from_url(url: str) -> Embed | None:
    """The embed for a video page's address an editor gives, or None when it is not one of
    the allowed kinds (YouTube, Facebook video)."""
    parts = _split(url)
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    path = [p for p in parts.path.split("/") if p]
    query = parse_qs(parts.query)
    start = _first(query, "start", "t")
    if host == "youtu.be":
        return _youtube(path[0], start) if len(path) == 1 else None
    if host in _YOUTUBE_HOSTS:
        if path == ["watch"]:
            return _youtube(_first(query, "v") or "", start)
        if len(path) == 2 and path[0] in ("shorts", "embed", "live", "v"):
            return _youtube(path[1], start)
        return None
    if host in _NOCOOKIE_HOSTS:
        return _youtube(path[1], start) if len(path) == 2 and path[0] == "embed" else None
    if host in _FACEBOOK_HOSTS and path == ["plugins", "video.php"]:
        return from_src(parts.geturl())
    return _facebook(_facebook_video_url(parts))


def from_src(src: str) -> Embed | None:
    """The embed an iframe's src stands for, or None: only embed addresses of the allowed
    providers (a YouTube /embed/ URL, Facebook's video plugin with a video's address)."""
    parts = _split(src)
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    path = [p for p in parts.path.split("/") if p]
    if host in _NOCOOKIE_HOSTS | _YOUTUBE_HOSTS:
        if len(path) == 2 and path[0] == "embed":
            return _youtube(path[1], _first(parse_qs(parts.query), "start"))
        return None
    if host in _FACEBOOK_HOSTS and path == ["plugins", "video.php"]:
        href = _first(parse_qs(parts.query), "href")
        inner = _split(href or "")
        return _facebook(_facebook_video_url(inner)) if inner is not None else None
    return None
