"""Server-side HTML sanitising with nh3, one allowlist for every rich-text field.

Beyond tags and attributes, two things a body could otherwise use against readers:
- `class`: any site class (`flash-error`, `idle-bar`…) would let a body dress up as the
  site's own messages; only the classes the editor itself writes are kept.
- images from other hosts: each reader's browser would fetch them, telling that host who
  reads what (a tracking pixel). They are kept only when ARTICLE_EXTERNAL_IMAGES allows it.
"""

from __future__ import annotations

import re

import nh3
from flask import current_app, has_app_context

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "figure", "figcaption", "img", "a", "table", "thead",
    "tbody", "tr", "th", "td", "caption", "span", "div", "pre", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "*": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# The classes Quill 2 writes for its formats (alignment, list indent, size, direction, font);
# the figure blot of static/js/article-editor.js writes none.
EDITOR_CLASS = re.compile(
    r"ql-(?:align-(?:center|right|justify)|indent-[1-8]|size-(?:small|large|huge)"
    r"|direction-rtl|font-(?:serif|monospace))",
    re.ASCII,
)
# What browsers drop from a URL before reading it (leading/trailing C0 controls and spaces,
# tabs and newlines anywhere); a backslash counts as a slash in http(s) URLs.
_URL_NOISE = re.compile(r"[\t\n\r]")
_EDGE_NOISE = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.IGNORECASE | re.ASCII)


def editor_classes(value: str) -> str | None:
    """The editor's own classes of a class attribute, or None when none is left."""
    kept = [name for name in value.split() if EDITOR_CLASS.fullmatch(name)]
    return " ".join(dict.fromkeys(kept)) or None


def is_local_url(value: str) -> bool:
    """True for a URL that stays on this site: a path, never `//host`, `/\\host` or a scheme."""
    url = _EDGE_NOISE.sub("", _URL_NOISE.sub("", value))
    url = url.replace("\\", "/")
    if not url or url.startswith("//") or _SCHEME.match(url):
        return False
    return True


def _external_images_allowed() -> bool:
    return has_app_context() and bool(current_app.config.get("ARTICLE_EXTERNAL_IMAGES", False))


def sanitize_html(html: str, *, external_images: bool | None = None) -> str:
    """Keep the allowlisted structure; drop scripts, handlers, unsafe URLs, foreign classes
    and (unless `external_images`, by default the ARTICLE_EXTERNAL_IMAGES setting) images
    from other hosts."""
    if external_images is None:
        external_images = _external_images_allowed()

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if attr == "class":
            return editor_classes(value)
        if tag == "img" and attr == "src" and not external_images and not is_local_url(value):
            return None
        return value

    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
