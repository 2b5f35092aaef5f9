"""Article administration, revisions (issue 12): a revision compared with the one before it
and with the article as it stands (title, lead and body word by word, other fields one by
one, everything escaped), and restoring a revision, directly or as a pending change."""

from __future__ import annotations

import pytest
from article_admin import (
    ARTICLES,
    article_row,
    edit_page,
    form_data,
    public_status,
    revisions_of,
    save,
    submit,
)
from audit_log import audit_rows
from auth_helpers import logged_in_client, page_token
from pages import flashes, parse, squash

from app.news.models import RevisionState
from app.news.revision_diff import diff_words


def compare_page(client, article_id: int, revision_id: int, against: str = "") -> str:
    path = f"{ARTICLES}/{article_id}/revisions/{revision_id}/so-sanh"
    response = client.get(path, query_string={"voi": against} if against else {})
    assert response.status_code == 200, response.status_code
    return response.text


def restore(client, article_id: int, revision_id: int, *, token: bool = True):
    path = f"{ARTICLES}/{article_id}/revisions/{revision_id}"
    data = {"csrf_token": page_token(client, path)} if token else {}
    return client.post(f"{path}/khoi-phuc", data=data)


def marked(page: str, tag: str, cls: str) -> list[str]:
    """The texts inside <ins> or <del> in the part of the page of class `cls`."""
    part = parse(page).find(cls=cls)
    assert part is not None, cls
    return [node.text() for node in part.find_all(tag)]


@pytest.fixture
def two_versions(admin_client, cats) -> int:
    article_id = save(
        admin_client,
        form_data(cats.a, title="Lịch tiếp công dân tháng năm", author="Minh Anh",
                  body="<p>Buổi sáng thứ hai tiếp dân.</p>"),
    )  # fmt: skip
    save(
        admin_client,
        form_data(
            cats.a,
            title="Lịch tiếp công dân tháng sáu",
            slug="lich-tiep-cong-dan-thang-nam",
            author="Thu Hà",
            body="<p>Buổi chiều thứ hai tiếp dân.</p><ul><li>Phòng tiếp dân số 2</li></ul>",
        ),
        path=f"{ARTICLES}/{article_id}",
    )
    return article_id


def test_a_revision_is_compared_word_by_word_with_the_one_before(admin_client, two_versions):
    first, second = revisions_of(two_versions)

    page = compare_page(admin_client, two_versions, second.id)

    assert marked(page, "del", "diff-title") == ["năm"]
    assert marked(page, "ins", "diff-title") == ["sáu"]
    assert marked(page, "del", "diff-body") == ["sáng"]
    inserted = "".join(marked(page, "ins", "diff-body"))
    assert "chiều" in inserted
    # The HTML structure reads as source, a new list included.
    assert "<ul>" in inserted and "<li>Phòng" in inserted
    assert "&lt;ul&gt;" in page
    fields = parse(page).find("table", cls="diff-fields")
    rows = [[squash(c.text()) for c in tr.find_all(None) if c.tag in ("th", "td")]
            for tr in fields.find("tbody").find_all("tr")]  # fmt: skip
    assert ["Tác giả", "Minh Anh", "Thu Hà"] in rows
    # The first revision has nothing before it: all of it is new.
    first_page = compare_page(admin_client, two_versions, first.id)
    assert marked(first_page, "ins", "diff-title") == ["Lịch tiếp công dân tháng năm"]


def test_a_revision_is_compared_with_the_article_as_it_stands(admin_client, two_versions):
    first, _ = revisions_of(two_versions)

    page = compare_page(admin_client, two_versions, first.id, "hien-tai")

    assert "Bài viết hiện tại" in squash(parse(page).find("h1").text())
    assert marked(page, "del", "diff-title") == ["năm"]
    assert marked(page, "ins", "diff-title") == ["sáu"]


def test_what_editors_typed_is_escaped_in_the_diff():
    shown = diff_words("An toàn", 'An <img src=x onerror="alert(1)"> toàn', source=True)
    assert "<img" not in shown
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in shown
    assert shown.startswith("An <ins>")


def test_a_publisher_restores_a_revision_as_a_new_saved_revision(app, admin_client, two_versions):
    first, second = revisions_of(two_versions)

    response = restore(admin_client, two_versions, first.id)

    assert response.status_code == 302
    article = article_row(two_versions)
    assert (article.title, article.author) == ("Lịch tiếp công dân tháng năm", "Minh Anh")
    assert article.body == "<p>Buổi sáng thứ hai tiếp dân.</p>"
    added = revisions_of(two_versions)[-1]
    assert (added.state, added.note) == (RevisionState.SAVED, f"Khôi phục phiên bản #{first.id}")
    assert audit_rows(app, "article.restore")[-1].detail == f"revision={first.id}"
    assert f"Đã khôi phục phiên bản #{first.id}." in flashes(
        admin_client.get(response.headers["Location"]).text
    )
    # Nothing differs from the restored revision now.
    assert "Hai phiên bản giống nhau." in compare_page(
        admin_client, two_versions, first.id, "hien-tai"
    )


def test_an_editor_without_the_right_restores_a_published_article_as_a_pending_change(
    admin_client, category_editor_client, cats, visitor
):
    article_id = save(
        admin_client, form_data(cats.a, title="Thông báo nghỉ lễ", status="published")
    )
    save(
        admin_client,
        form_data(cats.a, title="Thông báo nghỉ lễ quốc khánh", slug="thong-bao-nghi-le",
                  status="published"),
        path=f"{ARTICLES}/{article_id}",
    )  # fmt: skip
    first = revisions_of(article_id)[0]

    response = restore(category_editor_client, article_id, first.id)

    assert response.status_code == 302
    assert article_row(article_id).title == "Thông báo nghỉ lễ quốc khánh"
    pending = revisions_of(article_id)[-1]
    assert (pending.state, pending.title) == (RevisionState.PENDING, "Thông báo nghỉ lễ")
    assert "Thông báo nghỉ lễ quốc khánh" in squash(
        parse(visitor.get("/tin-tuc/thong-bao-nghi-le").text).find("main").text()
    )
    assert "chờ duyệt" in " ".join(flashes(edit_page(category_editor_client, article_id)))


def test_restoring_needs_the_form_token_and_access_to_the_category(
    app, make_user, admin_client, two_versions
):
    first, _ = revisions_of(two_versions)
    assert restore(admin_client, two_versions, first.id, token=False).status_code == 400

    outsider = logged_in_client(app, make_user("bientapkhac"))
    response = outsider.post(f"{ARTICLES}/{two_versions}/revisions/{first.id}/khoi-phuc")
    assert response.status_code in (400, 403)
    assert article_row(two_versions).title == "Lịch tiếp công dân tháng sáu"
    assert outsider.get(
        f"{ARTICLES}/{two_versions}/revisions/{first.id}/so-sanh"
    ).status_code == 403  # fmt: skip


def test_a_pending_change_is_reviewed_not_restored(
    admin_client, category_editor_client, cats, published
):
    submit(
        category_editor_client,
        form_data(cats.a, title="Bản sửa chờ"),
        path=f"{ARTICLES}/{published.id}",
    )
    pending = revisions_of(published.id)[-1]
    assert pending.state == RevisionState.PENDING

    response = restore(admin_client, published.id, pending.id)

    assert response.status_code == 302
    assert article_row(published.id).title == "Thông báo lịch tiếp dân"
    assert public_status(admin_client, published.slug) == 200


def test_an_edit_in_a_long_repetitive_table_is_marked_where_it_was_made():
    row = "<tr><td>Lớp</td><td>40</td></tr>"
    before = f"<table><tbody>{row * 6000}</tbody></table>"
    edited = row.replace("40", "41")
    after = f"<table><tbody>{row * 3000}{edited}{row * 2999}</tbody></table>"

    shown = diff_words(before, after, source=True)

    assert shown.count("<del>") == 1 and shown.count("<ins>") == 1
    assert "<del>40</del><ins>41</ins>" in shown


def test_a_section_rewritten_whole_is_shown_removed_and_added():
    old = "<p>" + " ".join(["cũ"] * 3000) + "</p>"
    new = "<p>" + " ".join(["mới"] * 3000) + "</p>"

    shown = diff_words(old, new, source=True)

    assert shown == f"<del>{old}</del><ins>{new}</ins>".replace("<p>", "&lt;p&gt;").replace(
        "</p>", "&lt;/p&gt;"
    )
