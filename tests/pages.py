"""Reading the pages the portal sends, as a browser would: one HTML parser (the standard
library's) building a small element tree, and the helpers tests use on it — elements by tag,
class and attribute, their text, form controls and what an editor sees in them, every form of
a page with the fields a browser would send, links, CSRF tokens, flash messages and field
errors.

Not a test module: any test imports what it needs (`from pages import parse, value_of`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that never have content, so never an end tag to wait for.
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
    "keygen",
    "frame",
    "isindex",
}
CONTROLS = {"input", "select", "textarea"}


# --- the element tree ----------------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """An element of a parsed page; `attrs` keeps duplicates, in order."""

    tag: str
    attrs: list[tuple[str, str]]
    children: list = field(default_factory=list)  # Node or text

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    def classes(self) -> list[str]:
        return (self.get("class") or "").split()

    def iter(self):
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Node]:
        """Elements inside this one by tag, class and attributes (`type_="x"` for `type`)."""
        found = []
        for node in self.iter():
            if node is self or (tag and node.tag != tag) or (cls and cls not in node.classes()):
                continue
            if all(node.get(k.rstrip("_")) == v for k, v in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Node | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child.text() if isinstance(child, Node) else child)
        return "".join(parts)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, [(k, v or "") for k, v in attrs])
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, [(k, v or "") for k, v in attrs]))

    def handle_endtag(self, tag):
        # An end tag closes the nearest open element of its name (and what is still open
        # inside it); a stray one is ignored, as browsers do.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    """The page as a tree of elements (the root is `#document`)."""
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def squash(text: str) -> str:
    """Text as a reader sees it: runs of white space made one space."""
    return " ".join(text.split())


# --- form controls -------------------------------------------------------------------------------


def form_field(page: str, name: str) -> Node:
    """The `.form-field` block holding the control called `name`."""
    for block in parse(page).find_all("div", cls="form-field"):
        if any(n.get("name") == name for n in block.iter() if n.tag in CONTROLS):
            return block
    raise AssertionError(f"no form field named {name!r} on the page")


def errors_next_to(page: str, name: str) -> list[str]:
    """The error messages shown in the field block of `name`."""
    return [squash(p.text()) for p in form_field(page, name).find_all("p", cls="field-error")]


def all_field_errors(page: str) -> list[str]:
    return [squash(p.text()) for p in parse(page).find_all("p", cls="field-error")]


def control(page: str, name: str) -> Node:
    node = next(
        (n for n in parse(page).iter() if n.tag in CONTROLS and n.get("name") == name), None
    )
    assert node is not None, f"no control named {name!r}"
    return node


def value_of(page: str, name: str) -> str:
    """What the editor sees in a field: input value, textarea text or selected option."""
    node = control(page, name)
    if node.tag == "textarea":
        return node.text().removeprefix("\r\n").removeprefix("\n")  # as browsers read it
    if node.tag == "select":
        chosen = [o.get("value") for o in node.find_all("option") if o.get("selected") is not None]
        return chosen[0] if chosen else ""
    return node.get("value", "")


def options_of(page: str, name: str) -> list[str]:
    return [o.get("value") for o in control(page, name).find_all("option")]


# --- forms and links, as a browser would send and follow them -----------------------------------


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def links_on(page: str) -> list[str]:
    """Every `href` of the page's links, in order."""
    return [a.get("href") for a in parse(page).find_all("a") if a.get("href")]


def forms_on(page: str, url: str) -> list[Form]:
    """The page's forms, each with the fields a browser would send untouched: named inputs
    (ticked boxes only, no buttons), textarea text, each select's chosen options (else its
    first), the value of a named button with a value; file inputs apart. A control belongs to
    the last form opened before it; `url` is the action of a form that names none."""
    forms: list[Form] = []
    for node in parse(page).iter():
        a = dict(node.attrs)  # the last of duplicate attributes wins
        if node.tag == "form":
            forms.append(
                Form(
                    action=a.get("action") or url,
                    method=(a.get("method") or "get").lower(),
                    multipart="multipart" in a.get("enctype", ""),
                )
            )
        elif not forms or not a.get("name"):
            continue
        elif node.tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                forms[-1].files.append(a["name"])
            elif kind in ("checkbox", "radio") and "checked" not in a:
                continue
            elif kind not in ("submit", "button", "image", "reset"):
                forms[-1].fields.append((a["name"], a.get("value", "")))
        elif node.tag == "button" and a.get("value"):
            forms[-1].fields.append((a["name"], a["value"]))
        elif node.tag == "select":
            options = [dict(o.attrs) for o in node.find_all("option")]
            chosen = [o.get("value", "") for o in options if "selected" in o]
            forms[-1].fields.extend((a["name"], value) for value in chosen)
            if not chosen and options:
                forms[-1].fields.append((a["name"], options[0].get("value", "")))
        elif node.tag == "textarea":
            forms[-1].fields.append((a["name"], node.text()))
    return forms


# --- what the portal's pages say -----------------------------------------------------------------


def csrf_token_from(page: str) -> str:
    """The CSRF token of the page's form, else of its `csrf-token` meta tag."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', page
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def flashes(page: str) -> list[str]:
    """The flash messages a page shows, as text."""
    found = re.findall(r'<p class="flash flash-\w+" role="status">(.*?)</p>', page, re.S)
    return [html.unescape(text) for text in found]


def field_errors(page: str) -> list[str]:
    """Every field error message on the page, as text (unescaped, not squashed)."""
    found = re.findall(r'<p class="field-error" role="alert">(.*?)</p>', page, re.S)
    return [html.unescape(text) for text in found]
