"""Server-side HTML sanitising with nh3, one allowlist for every rich-text field, and the same
allowlist handed to the editor (TinyMCE's schema, `editor_schema`), so that what the editor
keeps the server keeps, and the other way round.

Beyond tags and attributes, three things a body could otherwise use against readers:
- `class`: any site class (`flash-error`, `idle-bar`…) would let a body dress up as the
  site's own messages; only the classes the editor itself writes are kept (alignment, the
  captioned-image figure).
- images from other hosts: each reader's browser would fetch them, telling that host who
  reads what (a tracking pixel). They are kept only when ARTICLE_EXTERNAL_IMAGES allows it.
- frames: an <iframe> is kept only when its src reads back to an allow-listed video embed
  (app/embeds.py), and is then written again by the server with fixed attributes.

After nh3 has made the markup safe, a second pass (`_normalise`) writes it the way TinyMCE
writes it (alignment as classes, whitespace, paragraphs at the top level, empty blocks,
attribute order, escaping): a saved body is a fixed point of the editor, so opening an
article and saving it unchanged changes nothing (tests/editor/test_roundtrip.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3
from flask import current_app, has_app_context

from app import embeds
from app.offload import offload

ALIGNMENTS = ("left", "center", "right", "justify")
ALIGN_CLASSES = tuple(f"align-{name}" for name in ALIGNMENTS)
# The figure TinyMCE's image plugin writes for a captioned image (`image_caption`).
FIGURE_CLASS = "image"

# Every element a body may hold, with its attributes in the order the editor writes them.
SCHEMA: dict[str, tuple[str, ...]] = {
    "p": ("class",), "h2": ("class",), "h3": ("class",), "h4": ("class",),
    "div": ("class",), "blockquote": ("class",), "pre": (), "hr": (), "br": (),
    "ul": (), "ol": (), "li": ("class",),
    "strong": (), "b": (), "em": (), "i": (), "u": (), "s": (), "sub": (), "sup": (),
    "code": (), "a": ("href", "rel", "title"),
    "figure": ("class",), "figcaption": (), "img": ("src", "alt", "width", "height", "title"),
    "table": ("class",), "caption": ("class",), "thead": (), "tbody": (), "tr": (),
    "th": ("class", "colspan", "rowspan", "scope"), "td": ("class", "colspan", "rowspan"),
    "iframe": embeds.IFRAME_ATTRIBUTES,
}  # fmt: skip
# The classes each element may carry.
ALIGNABLE = ("p", "h2", "h3", "h4", "div", "blockquote", "li", "figure", "table", "caption",
             "th", "td")  # fmt: skip
CLASSES: dict[str, tuple[str, ...]] = {tag: ALIGN_CLASSES for tag in ALIGNABLE}
CLASSES["figure"] = (FIGURE_CLASS, *ALIGN_CLASSES)
# Padded with a non-breaking space when empty, as TinyMCE does; removed when empty.
PAD_EMPTY = frozenset("p h2 h3 h4 div pre li th td caption".split())
REMOVE_EMPTY = frozenset(
    "strong b em i u s sub sup code a ul ol blockquote table tbody thead".split()
)

ALLOWED_TAGS = set(SCHEMA)


def _nh3_attributes() -> dict[str, set[str]]:
    """What nh3 lets through: the schema's attributes (rel is nh3's own link_rel, class goes
    through the filter, an iframe is written again from its src alone), plus the old ways of
    aligning text (`style="text-align:…"`, `align="…"`) that the second pass turns into
    classes."""
    allowed = {}
    for tag, attrs in SCHEMA.items():
        kept = {"src"} if tag == "iframe" else {a for a in attrs if a != "rel"}
        if tag in ALIGNABLE:
            kept |= {"style", "align"}
        if kept:
            allowed[tag] = kept
    return allowed


ALLOWED_ATTRIBUTES = _nh3_attributes()
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
# Quill's alignment classes, still in bodies written before TinyMCE.
LEGACY_ALIGN = re.compile(r"ql-align-(center|right|justify)", re.ASCII)
_TEXT_ALIGN = re.compile(r"(?:^|;)\s*text-align\s*:\s*([a-z]+)\s*(?:!important\s*)?(?:;|$)", re.I)

# What browsers drop from a URL before reading it (leading/trailing C0 controls and spaces,
# tabs and newlines anywhere); a backslash counts as a slash in http(s) URLs.
_URL_NOISE = re.compile(r"[\t\n\r]")
_EDGE_NOISE = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.IGNORECASE | re.ASCII)


def editor_classes(tag: str, value: str) -> str | None:
    """The editor's own classes of `tag`'s class attribute (Quill's alignment read as
    ours), sorted, or None when none is left."""
    allowed = CLASSES.get(tag, ())
    kept = set()
    for name in value.split():
        legacy = LEGACY_ALIGN.fullmatch(name)
        name = f"align-{legacy.group(1)}" if legacy else name
        if name in allowed:
            kept.add(name)
    return " ".join(sorted(kept)) or None


def alignment_of(attr: str, value: str) -> str | None:
    """The alignment a `style` or `align` attribute asks for, or None."""
    if attr == "style":
        found = _TEXT_ALIGN.findall(value)
        value = found[-1] if found else ""
    value = value.strip().lower()
    value = {"start": "left", "end": "right", "middle": "center"}.get(value, value)
    return value if value in ALIGNMENTS else None


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
    """Keep the allowlisted structure; drop scripts, handlers, unsafe URLs, foreign classes,
    frames other than allow-listed video embeds and (unless `external_images`, by default the
    ARTICLE_EXTERNAL_IMAGES setting) images from other hosts; write the rest as the editor
    writes it."""
    if external_images is None:
        external_images = _external_images_allowed()
    # A long body takes milliseconds of Python (the second pass): off the event loop.
    return offload(_sanitize, html or "", external_images, heavy=True)


def _sanitize(html: str, external_images: bool) -> str:
    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if attr == "class":
            return editor_classes(tag, value)
        if attr in ("style", "align"):
            # Only the alignment is kept, in one form the second pass reads back.
            align = alignment_of(attr, value)
            if align is None:
                return None
            return f"text-align: {align}" if attr == "style" else align
        if tag == "img" and attr == "src" and not external_images and not is_local_url(value):
            return None
        if tag == "iframe" and attr == "src":
            embed = embeds.from_src(value)
            return embed.src if embed else None
        return value

    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return _normalise(clean)


def editor_schema() -> dict[str, str]:
    """The allowlist as TinyMCE options (`valid_elements`, `valid_classes`): the editor keeps
    exactly what the server keeps, attributes in the same order."""
    rules = []
    for tag, attrs in SCHEMA.items():
        prefix = "#" if tag in PAD_EMPTY else "-" if tag in REMOVE_EMPTY else ""
        rules.append(f"{prefix}{tag}[{'|'.join(attrs)}]" if attrs else f"{prefix}{tag}")
    return {
        "valid_elements": ",".join(rules),
        "valid_classes": {tag: " ".join(names) for tag, names in CLASSES.items()},
    }


# --- The second pass: nh3's safe output written the way the editor writes it -------------------

VOID = frozenset({"br", "hr", "img"})
BLOCKS = frozenset(
    "p h2 h3 h4 div blockquote pre hr ul ol li figure figcaption table caption thead tbody "
    "tr th td".split()
)
# Whitespace inside these is content (TinyMCE's whitespace_elements among ours).
KEEP_WHITESPACE = frozenset({"pre", "code", "iframe"})
# An element with one of these inside is not empty.
NON_EMPTY = frozenset({"img", "br", "hr", "iframe", "td", "th", "pre", "code"})
_SPACES = re.compile(r"[ \t\r\n]+")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """Reads nh3's output (well formed, every element closed) into Elements; the text of an
    <iframe> (raw text in HTML) is dropped."""

    CDATA_CONTENT_ELEMENTS = ("iframe",)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("body", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if self.stack[-1].tag == "iframe":
            return
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def _fix_attributes(element: Element) -> Element | None:
    """Alignment into classes, the embed written again, attributes in schema order; None
    when the element must go (a frame that is no allowed embed, an image without source)."""
    attrs = element.attrs
    if element.tag == "img" and not attrs.get("src"):
        return None  # its source was refused: an <img> without one is no image
    if element.tag == "iframe":
        embed = embeds.from_src(attrs.get("src", ""))
        if embed is None:
            return None
        element.attrs = dict(embed.attributes())
        element.children = []
        return element
    classes = set(attrs.get("class", "").split())
    align = alignment_of("style", attrs.get("style", "")) or alignment_of(
        "align", attrs.get("align", "")
    )
    if align:
        classes = {c for c in classes if not c.startswith("align-")} | {f"align-{align}"}
    if element.tag == "figure" and any(
        isinstance(c, Element) and c.tag == "img" for c in element.children
    ):
        classes.add(FIGURE_CLASS)
    if classes:
        attrs["class"] = " ".join(sorted(classes))
    element.attrs = {name: attrs[name] for name in SCHEMA[element.tag] if name in attrs}
    return element


def _is_empty(element: Element) -> bool:
    for child in element.children:
        if isinstance(child, str):
            if child.strip(" \t\r\n") or "\xa0" in child:
                return False
        elif child.tag in NON_EMPTY or not _is_empty(child):
            return False
    return True


def _is_block(node: Element | str | None) -> bool:
    return isinstance(node, Element) and node.tag in BLOCKS


def _clean_children(element: Element, keep_whitespace: bool) -> None:
    """Depth first: whitespace collapsed and trimmed at block edges as TinyMCE's parser does,
    empty inline formatting removed, empty blocks padded."""
    keep = keep_whitespace or element.tag in KEEP_WHITESPACE
    fixed: list[Element | str] = []
    for child in element.children:
        if isinstance(child, Element):
            child = _fix_attributes(child)
            if child is None:
                continue
            _clean_children(child, keep)
            if child.tag == "a" and "href" not in child.attrs:
                fixed.extend(child.children)  # a link to nothing (its URL was refused)
                continue
        fixed.append(child)
    if element.tag in BLOCKS or element.tag == "body":
        fixed = _drop_trailing_br(fixed)
    if not keep:
        fixed = _trim_text(element, fixed)
    kept: list[Element | str] = []
    for child in fixed:
        if isinstance(child, Element) and child.tag in REMOVE_EMPTY and _is_empty(child):
            continue
        if isinstance(child, Element) and child.tag in PAD_EMPTY and _is_empty(child):
            child.children = ["\xa0"]
        kept.append(child)
    element.children = _merge_text(kept)
    if element.tag in BLOCKS:
        _pad_sole_br(element)


def _drop_trailing_br(children: list[Element | str]) -> list[Element | str]:
    """A <br> ending a block shows nothing: TinyMCE drops it, unless a <br> comes before
    it (`a<br><br>` is an empty line)."""
    if len(children) >= 1 and isinstance(children[-1], Element) and children[-1].tag == "br":
        before = children[-2] if len(children) >= 2 else None
        if not (isinstance(before, Element) and before.tag == "br"):
            return children[:-1]
    return children


def _pad_sole_br(block: Element) -> None:
    """`<p><b><br></b></p>` is `<p><b>&nbsp;</b></p>` to TinyMCE."""
    node = block
    while len(node.children) == 1 and isinstance(node.children[0], Element):
        child = node.children[0]
        if child.tag == "br":
            node.children = ["\xa0"]
            return
        if child.tag in BLOCKS:
            return
        node = child


def _trim_text(parent: Element, children: list[Element | str]) -> list[Element | str]:
    block_parent = parent.tag in BLOCKS or parent.tag == "body"
    out: list[Element | str] = []
    for index, child in enumerate(children):
        if not isinstance(child, str):
            out.append(child)
            continue
        text = _SPACES.sub(" ", child)
        prev = out[-1] if out else None
        if (
            (prev is None and block_parent)
            or _is_block(prev)
            or (isinstance(prev, Element) and prev.tag == "br")
        ):
            text = text.lstrip(" ")
        following = children[index + 1] if index + 1 < len(children) else None
        if (following is None and block_parent) or _is_block(following):
            text = text.rstrip(" ")
        if text:
            out.append(text)
    return out


def _merge_text(children: list[Element | str]) -> list[Element | str]:
    merged: list[Element | str] = []
    for child in children:
        if isinstance(child, str) and merged and isinstance(merged[-1], str):
            merged[-1] += child
        else:
            merged.append(child)
    return merged


def _wrap_inline_runs(root: Element) -> None:
    """Text and inline elements at the top level go into paragraphs (TinyMCE's
    forced_root_block)."""
    out: list[Element | str] = []
    run: list[Element | str] = []

    def flush():
        if run:
            paragraph = Element("p", {}, list(run))
            _clean_children(paragraph, False)
            if not _is_empty(paragraph) or any(isinstance(c, Element) for c in run):
                out.append(paragraph)
            run.clear()

    for child in root.children:
        if _is_block(child):
            flush()
            out.append(child)
        else:
            run.append(child)
    flush()
    root.children = out


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("`", "&#96;")
    )


def _serialise(element: Element, out: list[str]) -> None:
    for child in element.children:
        if isinstance(child, str):
            out.append(_escape_text(child))
            continue
        attrs = "".join(f' {name}="{_escape_attr(value)}"' for name, value in child.attrs.items())
        out.append(f"<{child.tag}{attrs}>")
        if child.tag in VOID:
            continue
        _serialise(child, out)
        out.append(f"</{child.tag}>")


def _normalise(clean: str) -> str:
    builder = _TreeBuilder()
    builder.feed(clean)
    builder.close()
    root = builder.root
    _clean_children(root, False)
    _wrap_inline_runs(root)
    out: list[str] = []
    _serialise(root, out)
    return "".join(out)
