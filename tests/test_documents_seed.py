"""`flask seed-demo` fills the documents library: types, issuers, PDFs that download, a
replacement chain and related documents; running it again adds nothing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.demo.loader import load
from app.documents.models import (
    Document,
    DocumentFile,
    DocumentType,
    Issuer,
    document_relations,
    document_replacements,
)
from app.extensions import db

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)


# conftest's `app` with no app context pushed: the CLI and each request push their own.
pytestmark = pytest.mark.contextless


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def reader(app):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = BROWSER
    return client


def library_counts(app) -> dict[str, int]:
    with app.app_context():
        count = db.session.scalar
        return {
            "documents": count(select(func.count(Document.id))),
            "files": count(select(func.count(DocumentFile.id))),
            "types": count(select(func.count(DocumentType.id))),
            "issuers": count(select(func.count(Issuer.id))),
            "replacements": count(select(func.count()).select_from(document_replacements)),
            "relations": count(select(func.count()).select_from(document_relations)),
        }


def stored_files(app) -> set[str]:
    folder = Path(app.instance_path) / "uploads" / "documents"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def section_codes(page: str, css_class: str, heading: str | None = None) -> list[str]:
    match = re.search(rf'<section class="{css_class}">(.*?)</section>', page, re.S)
    if not match:
        return []
    part = match.group(1)
    if heading:
        sub = re.search(rf"<p>{re.escape(heading)}</p>\s*<ul>(.*?)</ul>", part, re.S)
        part = sub.group(1) if sub else ""
    return re.findall(r'<a href="/van-ban/[^"]+">([^<]+)</a>', part)


def test_seed_creates_a_library_of_several_types_and_issuers(app, seeded):
    counts = library_counts(app)

    assert counts["documents"] >= 12
    assert counts["types"] >= 4
    assert counts["issuers"] >= 3
    assert counts["files"] >= counts["documents"]
    with app.app_context():
        used_types = db.session.scalar(select(func.count(func.distinct(Document.type_id))))
        used_issuers = db.session.scalar(select(func.count(func.distinct(Document.issuer_id))))
        without_file = db.session.scalars(select(Document).where(~Document.files.any())).all()
    assert used_types >= 4
    assert used_issuers >= 3
    assert without_file == []


def test_seeded_documents_are_listed_and_searchable(app, seeded, reader):
    with app.app_context():
        published = db.session.scalar(
            select(func.count(Document.id)).where(Document.published.is_(True))
        )

    page = reader.get("/van-ban/").text
    search = reader.get("/van-ban/?q=huong+dan").text

    assert f"Tìm thấy {published} văn bản." in page
    assert ">118-HD/BTGTU</a></td>" in search


def test_every_seeded_file_downloads_as_a_pdf(app, seeded, reader):
    with app.app_context():
        attached = [(f.id, f.original_name, f.size, f.document.slug)
                    for f in db.session.scalars(select(DocumentFile))]  # fmt: skip
    assert attached

    for file_id, name, size, slug in attached:
        page = reader.get(f"/van-ban/{slug}").text
        assert f'<a href="/van-ban/tep/{file_id}" download>{name}</a>' in page
        response = reader.get(f"/van-ban/tep/{file_id}", buffered=True)
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        assert name.endswith(".pdf")
        assert response.data.startswith(b"%PDF-"), name
        assert response.data.rstrip().endswith(b"%%EOF"), name
        assert len(response.data) == size > 1000


def test_seed_has_a_replacement_chain_shown_on_both_ends(app, seeded, reader):
    with app.app_context():
        chains = []
        for document in db.session.scalars(select(Document)):
            older, newer = document.replacement_chain()
            if len(older) >= 2:
                chains.append((document.slug, document.code, [d.code for d in older],
                               older[-1].slug))  # fmt: skip
    assert chains, "no document replaces a document that replaces another"

    newest_slug, newest_code, older_codes, oldest_slug = chains[0]
    newest_page = reader.get(f"/van-ban/{newest_slug}").text
    oldest_page = reader.get(f"/van-ban/{oldest_slug}").text

    assert section_codes(newest_page, "doc-chain", "Văn bản này thay thế:") == older_codes
    assert newest_code in section_codes(
        oldest_page, "doc-chain", "Văn bản này đã được thay thế bởi:"
    )
    assert len(section_codes(oldest_page, "doc-chain", "Văn bản này đã được thay thế bởi:")) >= 2


def test_seed_has_related_documents_listed_on_both_sides(app, seeded, reader):
    with app.app_context():
        pairs = [
            (d.slug, d.code, r.slug, r.code)
            for d in db.session.scalars(select(Document))
            for r in d.related_to
        ]
    assert len(pairs) >= 3

    for slug, code, other_slug, other_code in pairs:
        assert other_code in section_codes(reader.get(f"/van-ban/{slug}").text, "doc-related")
        assert code in section_codes(reader.get(f"/van-ban/{other_slug}").text, "doc-related")


def test_seeded_sidebar_lists_newest_documents(app, seeded, reader):
    page = reader.get("/").text

    block = re.search(r'<section class="block block-documents">(.*?)</section>', page, re.S)
    assert block, "no Văn bản mới block on the home page"
    codes = re.findall(r'class="doc-code"[^>]*>([^<]+)</a>', block.group(1))
    assert len(codes) == app.config["DOCUMENTS_SIDEBAR_COUNT"]
    with app.app_context():
        newest = db.session.scalars(
            select(Document.code)
            .where(Document.published.is_(True))
            .order_by(Document.issued_on.desc(), Document.id.desc())
            .limit(len(codes))
        ).all()
    assert codes == newest
    assert 'class="badge-new">Mới<' in block.group(1)  # one was issued this week


def test_seed_twice_adds_no_document(app, seeded):
    before, files_before = library_counts(app), stored_files(app)

    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "nothing added" in result.output
    assert library_counts(app) == before
    assert stored_files(app) == files_before
    assert len(files_before) == before["files"]


def test_seed_adds_documents_deleted_since_and_keeps_the_rest(app, seeded):
    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.code == "89/BC-UBND"))
        assert document is not None
        db.session.delete(document)
        db.session.commit()
    before = library_counts(app)

    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    after = library_counts(app)
    assert after["documents"] == before["documents"] + 1
    assert after["files"] == before["files"] + 1


def test_seeded_documents_are_the_data_files_with_dates_from_the_local_day(app):
    zone = ZoneInfo(app.config["SITE_TIMEZONE"])
    days = {datetime.now(zone).date()}
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    days.add(datetime.now(zone).date())  # the test may straddle midnight there
    assert result.exit_code == 0, result.output
    data = load()

    with app.app_context():
        seeded = {d.code: d for d in db.session.scalars(select(Document))}
        assert set(seeded) == {item.code for item in data.documents}
        assert [t.name for t in db.session.scalars(select(DocumentType).order_by(
            DocumentType.position))] == data.document_types  # fmt: skip
        for item in data.documents:
            document = seeded[item.code]
            # The data file's body is text: stored as rich text, one paragraph.
            assert (document.title, document.summary, document.body) == (
                item.title, item.summary, f"<p>{item.body}</p>" if item.body else ""
            ), item.code  # fmt: skip
            assert (document.type.name, document.issuer.name) == (item.type, item.issuer)
            assert (document.signer.name, document.signer.position) == (
                item.signer, item.signer_position
            )  # fmt: skip
            assert sorted(f.slug for f in document.fields) == sorted(item.fields)
            issued = document.issued_on
            assert issued in {day - timedelta(days=item.issued_days_ago) for day in days}
            assert document.in_force_on == issued + timedelta(days=item.in_force_days_after_issue)
            after = item.expires_days_after_issue
            assert document.expires_on == (None if after is None else issued + timedelta(after))
            assert [d.code for d in document.replaces] == ([item.replaces] if item.replaces else [])
            assert [f.original_name for f in document.files] == [item.file_name]
        related = {frozenset((d.code, r.code)) for d in seeded.values() for r in d.related_to}
    assert related == {frozenset((d.code, c)) for d in data.documents for c in d.related}
