"""The laws module of a real NukeViet 4.5 dump imported: 3 documents with their codes
(unescaped), types, issuers, fields, signers (one person once), dates in the site zone and
counters; bodies as sanitised rich text (tables kept, scripts gone, images from uploads/ in
the media library) that the admin form saves back unchanged; attached files from
uploads/laws; a second run changes nothing, a dry run writes nothing, an interrupted run goes
on."""

from __future__ import annotations

from datetime import date

import pytest
from image_helpers import noise_png
from sqlalchemy import func, select

from app.documents import operations as document_ops
from app.documents.models import Document, DocumentType, Field, Issuer, Signer
from app.extensions import db
from app.html_sanitizer import sanitize_html
from app.media_library.models import MediaItem
from app.nukeviet import importer, laws
from app.nukeviet.models import ImportedRow
from app.nukeviet.source import open_source
from tests.nukeviet.source_helpers import Extended, fixture_path

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def run(*, uploads=None, dry_run=False, extra=None, changed=None):
    report = importer.Report(dry_run=dry_run)
    with open_source(str(fixture_path())) as source:
        ctx = importer.Context(
            source=Extended(source, extra, changed),
            uploads=uploads,
            dry_run=dry_run,
            report=report,
        )
        try:
            laws.import_documents(ctx)
        finally:
            if dry_run:
                db.session.rollback()
    return report


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def imported(old_id: int) -> Document:
    mapped = db.session.get(ImportedRow, ("document", str(old_id)))
    return db.session.get(Document, mapped.new_id)


def test_unescape_decodes_nukeviet_entities():
    assert laws.unescape("118-HD&#x2F;BTGTU") == "118-HD/BTGTU"
    assert laws.unescape("72&#x002F;2013&#x002F;NĐ-CP") == "72/2013/NĐ-CP"
    assert laws.unescape("A &amp;amp; B") == "A & B"  # escaped twice
    assert laws.unescape(None) == ""
    assert laws.body_html(" <p>a &lt; b</p>\n") == "<p>a &lt; b</p>"  # HTML as it is
    # stored escaped as a whole on some sites: the HTML one level down
    assert laws.body_html("&lt;p&gt;Một&lt;/p&gt;&lt;p&gt;Hai&lt;/p&gt;") == "<p>Một</p><p>Hai</p>"
    assert laws.body_html(None) == ""


def test_three_documents_with_codes_lists_dates_and_counters(app, client):
    report = run()
    assert report.kinds["document"].added == 3 and not report.kinds["document"].skipped
    assert count(Document) == 3
    signers = report.kinds["document_signer"]
    assert (signers.added, signers.existing) == (2, 1)  # signer 3 is signer 1 again

    first = imported(1)
    assert first.code == "72/2013/NĐ-CP"
    assert first.title.startswith("Nghị định về quản lý, cung cấp, sử dụng dịch vụ Internet")
    assert first.summary.startswith("Trích yếu: Nghị định")  # &#x3A; unescaped
    assert first.body == (
        "<p>Toàn văn 72/2013/NĐ-CP: Nghị định về quản lý, cung cấp, sử dụng dịch vụ Internet "
        "và thông tin trên mạng.</p>"
    )
    assert first.type.name == "Nghị định"
    assert first.issuer.name == "Công nghệ thông tin"  # _subject: "Cơ quan ban hành"
    assert [f.name for f in first.fields] == ["Chính phủ"]  # _area: "Lĩnh vực"
    assert first.signer.name == "Nguyễn Tấn Dũng"
    assert first.issued_on == date(2013, 7, 15)  # 1373821200 = 00:00 in Hà Nội
    assert first.in_force_on is None and first.expires_on is None
    assert first.published and (first.views, first.downloads) == (0, 0)

    second = imported(2)
    assert (second.code, second.type.name) == ("26/2009/TT-BTTTT", "Thông tư")
    assert second.issued_on == date(2009, 7, 31)
    assert [f.name for f in second.fields] == ["Bộ Thông tin và Truyền thông"]
    assert second.signer.name == "Lê Doãn Hợp"
    assert second.views == 1

    third = imported(3)
    assert third.code == "43/2011/NĐ-CP" and third.issued_on == date(2011, 6, 13)
    # NukeViet has "Nguyễn Tấn Dũng" twice (signers 1 and 3): one signer here.
    assert third.signer_id == first.signer_id
    assert count(Signer) == 2 and count(DocumentType) == 2 and count(Issuer) == 1
    assert count(Field) == 2
    assert db.session.get(ImportedRow, ("document_signer", "3")).new_id == first.signer_id
    assert db.session.get(ImportedRow, ("document", "1")).old_alias.endswith("-mang-1")

    page = client.get(f"/van-ban/{second.slug}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "26/2009/TT-BTTTT" in text and "31/07/2009" in text and "Lê Doãn Hợp" in text


TABLE_BODY = (
    '<p style="text-align: center;"><strong>CHÍNH PHỦ</strong></p>\r\n'
    '<table border="1" style="width: 100%;"><thead><tr><th>Điều</th><th>Nội dung</th></tr>'
    "</thead><tbody><tr><td>1</td><td>Phạm vi <em>điều chỉnh</em></td></tr>"
    '<tr><td colspan="2">Hiệu lực thi hành</td></tr></tbody></table>\r\n'
    '<p><img src="/uploads/laws/2013_07/so-do.png" alt="Sơ đồ" onerror="alert(1)" /></p>'
    '<script>alert("x")</script><p><a href="javascript:alert(1)">Xem</a></p>'
)


@pytest.fixture
def uploads(tmp_path):
    root = tmp_path / "uploads"
    (root / "laws" / "2013_07").mkdir(parents=True)
    (root / "laws" / "2013_07" / "so-do.png").write_bytes(noise_png((40, 30)))
    return root


def test_bodies_are_sanitised_rich_text_with_tables_and_images_in_the_media_library(
    app, client, uploads
):
    report = run(uploads=uploads, changed={("vi_laws_row", 1): {"bodytext": TABLE_BODY}})

    [item] = db.session.scalars(select(MediaItem)).all()
    body = imported(1).body
    assert body == (
        '<p class="align-center"><strong>CHÍNH PHỦ</strong></p>'
        "<table><thead><tr><th>Điều</th><th>Nội dung</th></tr></thead><tbody>"
        "<tr><td>1</td><td>Phạm vi <em>điều chỉnh</em></td></tr>"
        '<tr><td colspan="2">Hiệu lực thi hành</td></tr></tbody></table>'
        f'<p><img src="/media/{item.file_name}" alt="Sơ đồ"></p><p>Xem</p>'
    )
    assert body == sanitize_html(body)  # what the editor would save again
    assert report.kinds["image"].added == 1
    page = client.get(f"/van-ban/{imported(1).slug}").get_data(as_text=True)
    assert '<td colspan="2">Hiệu lực thi hành</td>' in page and "alert(" not in page


def test_a_body_stored_escaped_and_a_missing_image_are_handled(app, tmp_path):
    escaped = (
        "&lt;p&gt;Một &lt;b&gt;hai&lt;/b&gt;&lt;/p&gt;"
        "&lt;img src=&quot;/uploads/laws/x.png&quot;&gt;"
    )
    report = run(uploads=tmp_path, changed={("vi_laws_row", 1): {"bodytext": escaped}})

    assert imported(1).body == '<p>Một <b>hai</b></p><p><img src="/uploads/laws/x.png"></p>'
    assert report.kinds["image"].skipped == [
        ("laws/x.png", "không thấy tệp (ảnh trong văn bản #1)")
    ]


def test_a_body_over_the_limit_is_left_out_and_reported_not_the_document(app):
    long_body = "<p>" + "Điều khoản. " * (document_ops.BODY_MAX // 12 + 100) + "</p>"
    report = run(changed={("vi_laws_row", 1): {"bodytext": long_body}})

    assert report.kinds["document"].added == 3
    assert imported(1).body == "" and imported(1).code == "72/2013/NĐ-CP"
    assert report.kinds["document_body"].skipped == [("1", laws.BODY_LEFT_OUT)]
    assert laws.BODY_LEFT_OUT in db.session.get(ImportedRow, ("document", "1")).note


def test_a_dry_run_counts_the_body_images_and_writes_none(app, uploads):
    changed = {("vi_laws_row", 1): {"bodytext": TABLE_BODY}}
    report = run(uploads=uploads, dry_run=True, changed=changed)

    assert report.kinds["image"].added == 1 and report.kinds["document"].added == 3
    assert count(MediaItem) == 0 and count(Document) == 0


def test_second_run_changes_nothing_and_dry_run_writes_nothing(app):
    dry = run(dry_run=True)
    assert dry.kinds["document"].added == 3
    assert count(Document) == 0 and count(ImportedRow) == 0 and count(Signer) == 0

    run()
    before = [(d.id, d.code, d.updated_at) for d in db.session.scalars(select(Document))]
    maps = count(ImportedRow)
    again = run()
    assert again.kinds["document"].existing == 3 and again.kinds["document"].added == 0
    assert again.kinds["document_signer"].existing == 3
    assert [(d.id, d.code, d.updated_at) for d in db.session.scalars(select(Document))] == before
    assert count(ImportedRow) == maps and count(Signer) == 2


def test_an_interrupted_run_goes_on(app, monkeypatch):
    real = document_ops.save_document
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(document_ops, "save_document", failing)
    with pytest.raises(RuntimeError):
        run()
    db.session.rollback()
    assert count(Document) == 1
    monkeypatch.setattr(document_ops, "save_document", real)
    report = run()
    assert (report.kinds["document"].existing, report.kinds["document"].added) == (1, 2)
    assert count(Document) == 3
    assert sorted(imported(i).code for i in (1, 2, 3)) == sorted(
        ["72/2013/NĐ-CP", "26/2009/TT-BTTTT", "43/2011/NĐ-CP"]
    )


def test_signers_are_the_same_person_whatever_case_and_spaces(app):
    extra = {"vi_laws_signer": [{"id": 9, "title": "  nguyễn   TẤN dũng ", "positions": ""}]}
    changed = {("vi_laws_row", 2): {"sgid": 9}}
    run(extra=extra, changed=changed)
    assert count(Signer) == 2  # Nguyễn Tấn Dũng (1, 3 and 9) and Lê Doãn Hợp
    assert db.session.get(ImportedRow, ("document_signer", "9")).note
    assert imported(2).signer_id == imported(1).signer_id


def test_files_come_from_uploads_and_missing_ones_are_reported(app, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "laws" / "2013_07").mkdir(parents=True)
    (uploads / "laws" / "2013_07" / "nd-72.pdf").write_bytes(PDF)
    changed = {
        ("vi_laws_row", 1): {"files": "2013_07/nd-72.pdf,2013_07/missing.pdf"},
        ("vi_laws_row", 2): {"files": "../../etc/passwd"},
    }
    report = run(uploads=uploads, changed=changed)
    first = imported(1)
    assert [(f.original_name, f.content_type) for f in first.files] == [
        ("nd-72.pdf", "application/pdf")
    ]
    notes = [reason for _, reason in report.kinds["document_file"].skipped]
    assert any("missing.pdf" in n for n in notes)
    assert any("passwd" in n for n in notes)  # outside uploads: not read
    assert imported(2).files == []


def test_a_code_already_used_is_skipped_with_its_reason(app):
    run(changed={("vi_laws_row", 3): {"code": "72&#x2F;2013&#x2F;NĐ-CP"}})
    report = run()  # the map remembers the skip: nothing new the second time
    assert count(Document) == 2
    mapped = db.session.get(ImportedRow, ("document", "3"))
    assert mapped.new_id is None and "Số ký hiệu" in mapped.note
    assert report.kinds["document"].existing == 3


def test_rows_without_type_or_code_are_skipped_not_crashing(app):
    report = run(changed={("vi_laws_row", 1): {"cid": 99}, ("vi_laws_row", 2): {"code": ""}})
    reasons = dict(report.kinds["document"].skipped)
    assert reasons == {"1": "Không có thể loại", "2": "Không có số ký hiệu"}
    assert count(Document) == 1


def test_replacements_and_related_documents_follow_the_map(app):
    extra = {"vi_laws_set_replace": [{"id": 1, "oid": 1, "nid": 3}]}
    changed = {("vi_laws_row", 2): {"relatement": "1,99"}}
    run(extra=extra, changed=changed)
    assert [d.code for d in imported(3).replaces] == ["72/2013/NĐ-CP"]
    assert [d.code for d in imported(2).related_to] == ["72/2013/NĐ-CP"]  # 99 is unknown
    before = imported(3).updated_at
    run(extra=extra, changed=changed)
    assert imported(3).updated_at == before and len(imported(3).replaces) == 1


def test_a_replacement_loop_is_reported_once_and_written_once(app, monkeypatch):
    extra = {"vi_laws_set_replace": [{"id": 1, "oid": 1, "nid": 3}, {"id": 2, "oid": 3, "nid": 1}]}
    first = run(extra=extra)
    assert imported(1).replaces == [imported(3)]  # the first in id order wins
    assert imported(3).replaces == []
    assert first.kinds["document_loop"].skipped == [("3", "Thay thế vòng tròn, bỏ qua")]
    assert first.kinds["document"].added == 3 and not first.kinds["document"].skipped
    writes = []
    real = document_ops.update_document
    monkeypatch.setattr(document_ops, "update_document", lambda *a, **k: writes.append(a))
    second = run(extra=extra)
    monkeypatch.setattr(document_ops, "update_document", real)
    assert writes == [] and "document_loop" not in second.kinds
    assert imported(3).replaces == []


def test_odd_values_skip_one_document_not_the_run(app):
    extra = {
        "vi_laws_set_replace": [{"id": 1, "oid": None, "nid": 3}, {"id": 2, "oid": 1, "nid": 3}]
    }
    report = run(extra=extra, changed={("vi_laws_row", 2): {"view_hits": "nhiều"}})
    assert report.kinds["document"].added == 2
    [(old_id, reason)] = report.kinds["document"].skipped
    assert old_id == "2" and reason.startswith("dữ liệu không đọc được")
    assert [d.code for d in imported(3).replaces] == ["72/2013/NĐ-CP"]


def test_the_whole_run_brings_documents_banners_and_users_and_a_dry_run_nothing(app):
    from app.auth.models import User
    from app.blocks.models import Banner

    with open_source(str(fixture_path())) as source:
        dry = importer.run(source, uploads=None, dry_run=True)
    assert dry.kinds["document"].added == 3 and dry.kinds["banner"].added == 2
    assert count(Document) == count(Banner) == count(User) == count(ImportedRow) == 0
    with open_source(str(fixture_path())) as source:
        report = importer.run(source, uploads=None, dry_run=False)
    assert (count(Document), count(Banner), count(User)) == (3, 2, 1)
    assert any("Tổng lượt truy cập trên trang cũ: 12919" in line for line in report.lines())


def test_a_document_for_members_only_comes_over_unpublished(app):
    report = run(changed={("vi_laws_row", 2): {"groups_view": "4"}})
    assert not imported(2).published and imported(1).published
    assert "chưa đăng" in db.session.get(ImportedRow, ("document", "2")).note
    assert any("1 văn bản" in note for note in report.notes)
    assert "document_file" not in report.kinds
