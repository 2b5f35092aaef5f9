"""The body sanitiser and video embeds without a browser: which addresses make an embed, which
iframes a body keeps (and how they are written again), alignment as classes, the sanitiser as
a fixed point of itself and of the editor's schema, the embed endpoint for the editor, and what
readers get on the article page."""

from __future__ import annotations

from pathlib import Path

import pytest
from pages import csrf_token_from, parse

from app import embeds
from app.html_sanitizer import (
    ALIGN_CLASSES,
    CLASSES,
    SCHEMA,
    editor_schema,
    sanitize_html,
)

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.html"))
NOCOOKIE = "https://www.youtube-nocookie.com/embed/"
FB_PLUGIN = "https://www.facebook.com/plugins/video.php?href="
VIDEO_ID = "dQw4w9WgXcQ"


# --- Addresses an editor gives ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "src"),
    [
        (f"https://www.youtube.com/watch?v={VIDEO_ID}", NOCOOKIE + VIDEO_ID),
        (f"https://m.youtube.com/watch?feature=share&v={VIDEO_ID}", NOCOOKIE + VIDEO_ID),
        (f"youtube.com/watch?v={VIDEO_ID}&t=90s", NOCOOKIE + VIDEO_ID + "?start=90"),
        (f"https://youtu.be/{VIDEO_ID}?si=abc", NOCOOKIE + VIDEO_ID),
        (f"https://youtu.be/{VIDEO_ID}?t=42", NOCOOKIE + VIDEO_ID + "?start=42"),
        (f"https://www.youtube.com/shorts/{VIDEO_ID}", NOCOOKIE + VIDEO_ID),
        (f"https://www.youtube.com/embed/{VIDEO_ID}?autoplay=1", NOCOOKIE + VIDEO_ID),
        (f"https://www.youtube-nocookie.com/embed/{VIDEO_ID}", NOCOOKIE + VIDEO_ID),
        (f"  https://www.youtube.com/live/{VIDEO_ID}  ", NOCOOKIE + VIDEO_ID),
        (
            "https://www.facebook.com/sotttt/videos/1234567890/?ref=share",
            FB_PLUGIN + "https%3A%2F%2Fwww.facebook.com%2Fsotttt%2Fvideos%2F1234567890%2F",
        ),
        (
            "https://www.facebook.com/watch/?v=987654321",
            FB_PLUGIN + "https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D987654321",
        ),
        (
            "https://fb.watch/aBc_12-x/",
            FB_PLUGIN + "https%3A%2F%2Ffb.watch%2FaBc_12-x%2F",
        ),
        (
            "https://www.facebook.com/reel/55555",
            FB_PLUGIN + "https%3A%2F%2Fwww.facebook.com%2Freel%2F55555",
        ),
    ],
)
def test_video_addresses_become_the_allowed_embed(url, src):
    found = embeds.from_url(url)
    assert found is not None and found.src == src
    html = found.html()
    assert html.startswith(f'<iframe src="{src.replace("&", "&amp;")}" title="Video ')
    assert 'loading="lazy"' in html and 'allowfullscreen="allowfullscreen"' in html


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://vimeo.com/123456",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example/?u=https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        'https://www.youtube.com/watch?v=dQw4w9WgXc"',
        "https://www.youtube.com/channel/UC123",
        "https://user:pw@www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
        "https://www.facebook.com/sotttt/posts/1234567890",
        "https://www.facebook.com/plugins/video.php?href=https://evil.example/videos/1/",
        "https://www.facebook.com/<script>/videos/1/",
        "https://fb.watch/",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n<script>",
    ],
)
def test_other_addresses_make_no_embed(url):
    assert embeds.from_url(url) is None


def test_an_iframe_src_reads_back_only_as_an_embed_address():
    assert embeds.from_src(f"https://www.youtube.com/embed/{VIDEO_ID}").src == NOCOOKIE + VIDEO_ID
    # A watch page is an address to give, not an iframe src.
    assert embeds.from_src(f"https://www.youtube.com/watch?v={VIDEO_ID}") is None
    assert embeds.from_src("https://www.facebook.com/sotttt/videos/1/") is None
    built = embeds.from_url("https://www.facebook.com/sotttt/videos/1234567890/")
    assert embeds.from_src(built.src) == built


# --- Iframes in bodies -------------------------------------------------------------------------


def test_a_body_keeps_only_allowed_embeds_written_by_the_server():
    body = (
        f'<iframe src="https://www.youtube.com/embed/{VIDEO_ID}" width="1" height="1" '
        'onload="alert(1)" srcdoc="<script>alert(1)</script>" style="display:none" '
        'sandbox="" name="x">&lt;/iframe&gt;<script>alert(2)</script></iframe>'
        '<iframe src="https://evil.example/embed/x"></iframe>'
        '<iframe src="javascript:alert(1)"></iframe>'
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>'
        "<iframe><p>không có nguồn</p></iframe>"
        '<object data="https://www.youtube.com/embed/x"></object>'
        '<embed src="https://www.youtube.com/embed/x">'
    )
    clean = sanitize_html(body)
    expected = embeds.from_src(NOCOOKIE + VIDEO_ID).html()
    assert clean == f"<p>{expected}</p>"
    assert "alert" not in clean and "evil" not in clean and "srcdoc" not in clean


def test_an_embed_left_as_pasted_iframe_text_is_text():
    clean = sanitize_html(f"<p>&lt;iframe src=&quot;{NOCOOKIE}{VIDEO_ID}&quot;&gt;</p>")
    assert "<iframe" not in clean and "&lt;iframe" in clean


# --- Alignment, classes, the fixed point --------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<p style="text-align: center;">A</p>', '<p class="align-center">A</p>'),
        ('<p style="color:red; TEXT-ALIGN:Right !important">A</p>', '<p class="align-right">A</p>'),
        ('<div align="justify">A</div>', '<div class="align-justify">A</div>'),
        ('<p class="ql-align-center">A</p>', '<p class="align-center">A</p>'),
        ('<td style="text-align:left">A</td>', "<p>A</p>"),  # no cell outside a table
        (
            '<table><tr><th style="text-align:center" scope="col">A</th></tr></table>',
            '<table><tbody><tr><th class="align-center" scope="col">A</th></tr></tbody></table>',
        ),
        ('<p style="text-align: expression(alert(1))">A</p>', "<p>A</p>"),
        ('<p style="background:url(javascript:alert(1))">A</p>', "<p>A</p>"),
        ('<p class="align-center flash-error ql-indent-1">A</p>', '<p class="align-center">A</p>'),
        ('<span class="align-center">A</span>', "<p>A</p>"),
        (
            '<figure><img src="/media/a.jpg" alt="a"><figcaption>c</figcaption></figure>',
            '<figure class="image"><img src="/media/a.jpg" alt="a"><figcaption>c</figcaption>'
            "</figure>",
        ),
        (
            '<img alt="a" width="10" src="/media/a.jpg">',
            '<p><img src="/media/a.jpg" alt="a" width="10"></p>',
        ),
    ],
)  # fmt: skip
def test_alignment_becomes_a_class_and_other_classes_go(body, expected):
    assert sanitize_html(body) == expected


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_sanitiser_is_a_fixed_point_of_itself(path):
    once = sanitize_html(path.read_text(encoding="utf-8"))
    assert sanitize_html(once) == once
    assert "style=" not in once and "<span" not in once


def test_the_editor_gets_the_servers_allowlist():
    schema = editor_schema()
    rules = {}
    for rule in schema["valid_elements"].split(","):
        name, _, attrs = rule.lstrip("#-").partition("[")
        rules[name] = tuple(attrs.rstrip("]").split("|")) if attrs else ()
    assert rules == SCHEMA
    assert {tag: tuple(v.split()) for tag, v in schema["valid_classes"].items()} == CLASSES
    assert set(ALIGN_CLASSES) <= set(CLASSES["p"])


# --- The embed endpoint -------------------------------------------------------------------------


def editor_token(client) -> str:
    return csrf_token_from(client.get("/admin/news/articles/new").text)


def test_the_embed_endpoint_builds_the_iframe_for_staff(admin_client):
    token = editor_token(admin_client)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}

    made = admin_client.post("/admin/news/embed", json={"url": f"https://youtu.be/{VIDEO_ID}"},
                             headers=headers)  # fmt: skip
    refused = admin_client.post("/admin/news/embed", json={"url": "https://vimeo.com/1"},
                                headers=headers)  # fmt: skip
    empty = admin_client.post("/admin/news/embed", json={"url": 5}, headers=headers)
    garbage = admin_client.post(
        "/admin/news/embed", data=b"\xff{", content_type="application/json", headers=headers
    )

    assert made.status_code == 200
    assert made.get_json()["html"] == embeds.from_url(f"https://youtu.be/{VIDEO_ID}").html()
    assert refused.status_code == 400 and "YouTube" in refused.get_json()["error"]
    assert empty.status_code == 400 and empty.get_json()["error"] == "Chưa nhập đường dẫn video."
    assert garbage.status_code == 400 and "error" in garbage.get_json()


def test_the_embed_endpoint_wants_a_token_and_a_login(app, admin_client):
    without_token = admin_client.post(
        "/admin/news/embed", json={"url": f"https://youtu.be/{VIDEO_ID}"},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    anonymous = app.test_client()
    token = csrf_token_from(anonymous.get("/auth/login").text)
    logged_out = anonymous.post(
        "/admin/news/embed", json={"url": f"https://youtu.be/{VIDEO_ID}"},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )  # fmt: skip

    assert without_token.status_code == 400
    assert "html" not in (without_token.get_json() or {})
    assert logged_out.status_code in (401, 302)
    assert "html" not in (logged_out.get_json(silent=True) or {})


# --- Readers --------------------------------------------------------------------------------------


def test_readers_see_tables_embeds_and_alignment_as_written(client, make_article):
    body = sanitize_html(
        "".join((Path(__file__).parent / "corpus" / name).read_text(encoding="utf-8")
                for name in ("table-merged.html", "embeds.html", "aligned.html"))
    )  # fmt: skip
    article = make_article(body=body)

    page = client.get(f"/tin-tuc/{article.slug}", headers={"User-Agent": "Mozilla/5.0 Chrome/120"})

    assert page.status_code == 200
    shown = parse(page.text).find("div", cls="article-body")
    assert [th.text() for th in shown.find("thead").find_all("th")][:3] == ["Thứ", "Buổi", "Sáng"]
    assert shown.find("th").get("rowspan") == "2"
    frames = shown.find_all("iframe")
    assert [f.get("src") for f in frames] == [
        NOCOOKIE + VIDEO_ID,
        NOCOOKIE + "aqz-KE-bpKQ?start=30",
        FB_PLUGIN + "https%3A%2F%2Fwww.facebook.com%2Fsotttt%2Fvideos%2F1234567890%2F",
    ]
    assert all(f.get("title") for f in frames)
    assert shown.find("p", cls="align-center") is not None
    assert "style=" not in page.text.split('class="article-body"', 1)[1].split("</article>")[0]
    policy = page.headers["Content-Security-Policy"]
    assert "frame-src 'self' https://www.youtube-nocookie.com https://www.facebook.com;" in policy
