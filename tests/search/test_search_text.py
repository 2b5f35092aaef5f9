"""Folding, query words and highlighting, without the database."""

from __future__ import annotations

import unicodedata

from app.search.queries import fts5_match, tsquery
from app.search.text import Matcher, html_to_text, index_text, query_terms


def test_query_words_are_folded_and_stripped_of_syntax():
    assert query_terms('"Tư TƯỞNG" Hồ-Chí*Minh NEAR(x) đ:Đ', 10) == [
        "tu", "tuong", "ho", "chi", "minh", "near", "x", "d",
    ]  # fmt: skip
    assert query_terms("a b c d e f g h i j k l", 10) == list("abcdefghij")
    assert query_terms("tu tu TƯ", 10) == ["tu"]
    assert query_terms("\"*:-^()'", 10) == []


def test_match_expressions_quote_every_word():
    assert fts5_match(["tu", "tuong"], "tuong") == '"tu" "tuong"*'
    assert fts5_match(["or", "near"], "") == '"or" "near"'
    assert tsquery(["tu", "tuong"], "tuong") == "tu & tuong:*"
    assert tsquery(["or", "near"], "") == "or & near"


def test_body_html_becomes_words_between_blocks():
    html = "<p>Đoạn một</p><p>đoạn&nbsp;hai &amp; <b>ba</b></p><script>x()</script><li>bốn</li>"
    assert html_to_text(html) == "Đoạn một đoạn hai & ba bốn"
    assert index_text("Đoạn một, ĐOẠN_hai!") == "doan mot doan hai"


def test_marks_land_on_the_original_letters_even_when_decomposed():
    matcher = Matcher(("tu", "tuong"))
    decomposed = unicodedata.normalize("NFD", "Bàn về tư tưởng lớn")

    marked = str(matcher.highlight(decomposed))

    assert marked.count("<mark>") == 2
    assert unicodedata.normalize("NFC", marked) == "Bàn về <mark>tư</mark> <mark>tưởng</mark> lớn"


def test_highlighting_escapes_everything_else_and_only_whole_words():
    matcher = Matcher(("script", "tu"), prefix="")

    marked = str(matcher.highlight('<script>alert("tư")</script> tuần'))

    assert marked == (
        "&lt;<mark>script</mark>&gt;alert(&#34;<mark>tư</mark>&#34;)&lt;/<mark>script</mark>&gt;"
        " tuần"
    )


def test_the_last_word_is_marked_as_a_prefix():
    assert str(Matcher(("tu", "tuo"), "tuo").highlight("Tư tưởng, tuổi")) == (
        "<mark>Tư</mark> <mark>tưởng</mark>, <mark>tuổi</mark>"
    )


def test_a_snippet_is_cut_around_the_first_match():
    text = " ".join(f"từ{n}" for n in range(200)) + " Đảng bộ " + "kết thúc " * 100
    snippet = str(Matcher(("dang",)).snippet(text))

    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>Đảng</mark> bộ" in snippet
    assert len(snippet) < 300
    assert str(Matcher(("khong",)).snippet("Ngắn gọn.")) == "Ngắn gọn."
