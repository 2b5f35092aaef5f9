"""Writes of the media library: add an uploaded image (or find the same picture already
there), register the files already in the media folder, edit the texts, delete. Each audits
what an editor did and commits."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.operations import record as audit
from app.extensions import db
from app.media import (
    IMAGE_NAME,
    ImageRejected,
    header_dimensions,
    image_dir,
    save_uploaded_image,
    thumbnail_name,
)
from app.media_library.models import ALT_MAX, ORIGINAL_NAME_MAX, TITLE_MAX, MediaItem
from app.media_library.usage import Usage, banner_pictures, usages
from app.offload import offload
from app.search.text import index_text

if TYPE_CHECKING:
    from app.auth.models import User

log = logging.getLogger(__name__)


class TooLarge(ImageRejected):
    """The upload is over IMAGE_MAX_BYTES (a 413, not a 400)."""


class InUse(Exception):
    """The image is shown somewhere: deleting it would leave a broken picture there."""

    def __init__(self, places: list[Usage]) -> None:
        super().__init__(f"used in {len(places)} place(s)")
        self.places = places


def too_large_message(max_bytes: int) -> str:
    megabytes = f"{max_bytes / (1024 * 1024):g}".replace(".", ",")
    return f"Ảnh vượt quá dung lượng cho phép ({megabytes} MB)."


def clean_original_name(raw: str | None) -> str:
    """The base name of what the browser called the file, without control characters."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return unicodedata.normalize("NFC", name).strip()[:ORIGINAL_NAME_MAX]


def title_from(original_name: str) -> str:
    """A first title from the file name: `hoi-thao_2024.jpg` -> `hoi thao 2024`."""
    stem = original_name.rsplit(".", 1)[0] if "." in original_name else original_name
    return " ".join(stem.replace("_", " ").replace("-", " ").split())[:TITLE_MAX]


def search_text_of(item: MediaItem) -> str:
    folded = index_text(f"{item.title} {item.alt} {item.original_name}")
    return f"{folded} {item.file_name}".strip()[:1000]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored_facts(path: Path) -> tuple[int, int, int]:
    """(width, height, bytes) of a stored image, from its header (no decoding)."""
    data = path.read_bytes()
    width, height = header_dimensions(data) or (0, 0)
    return width, height, len(data)


def find_by_hash(digest: str) -> MediaItem | None:
    return db.session.scalar(select(MediaItem).where(MediaItem.content_hash == digest))


def add_upload(
    stream: BinaryIO, original_name: str | None, *, by: User | None
) -> tuple[MediaItem, bool]:
    """Check, re-encode and store an uploaded image and add it to the library; (item, True).
    The same bytes uploaded before give the existing item and no new file: (item, False).

    ImageRejected (TooLarge) with a message for the editor when it is no acceptable image."""
    max_bytes = int(current_app.config["IMAGE_MAX_BYTES"])
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(too_large_message(max_bytes))
    if not data:
        raise ImageRejected("Tệp rỗng, không phải là ảnh.")
    digest = offload(_digest, data)  # hashlib lets go of the GIL: a real thread helps
    existing = find_by_hash(digest)
    if existing is not None:
        return existing, False
    name = save_uploaded_image(io.BytesIO(data), max_bytes)
    folder = image_dir()
    width, height, size = offload(_stored_facts, folder / name)
    original = clean_original_name(original_name)
    item = MediaItem(file_name=name, content_hash=digest, title=title_from(original) or name,
                     original_name=original, width=width, height=height, file_size=size,
                     uploaded_by_id=getattr(by, "id", None))  # fmt: skip
    item.search_text = search_text_of(item)
    db.session.add(item)
    try:
        db.session.flush()
    except IntegrityError:
        # The same picture, uploaded at the same moment by another request, won the race:
        # keep its item and drop the files just written.
        db.session.rollback()
        log.info("media library: %s was uploaded at the same time; kept once", digest[:12])
        _remove_files(name)
        existing = find_by_hash(digest)
        if existing is None:
            raise
        return existing, False
    audit("media.upload", item, f"{name} ({original})", by=by, commit=False)
    db.session.commit()
    log.info("media library: %s added (%s)", name, item.id)
    return item, True


def update_texts(item: MediaItem, *, title: str, alt: str, by: User | None) -> MediaItem:
    """Change the title and the alternative text of an image."""
    item.title = title.strip()[:TITLE_MAX]
    item.alt = alt.strip()[:ALT_MAX]
    item.search_text = search_text_of(item)
    audit("media.edit", item, item.title, by=by, commit=False)
    db.session.commit()
    return item


def delete_item(item: MediaItem, *, by: User | None) -> None:
    """Remove an image from the library and its files from the disk; InUse (nothing
    changed) while a page still shows it."""
    places = usages(item.file_name)
    if places:
        raise InUse(places)
    name = item.file_name
    db.session.delete(item)
    audit("media.delete", item, name, by=by, commit=False)
    db.session.commit()
    _remove_files(name)


def _remove_files(name: str) -> None:
    folder = image_dir()
    for path in (folder / name, folder / thumbnail_name(name)):
        try:
            offload(path.unlink, missing_ok=True)
        except OSError:  # the row is gone; a file left over is only disk space
            log.warning("media library: could not remove %s", path, exc_info=True)


def index_folder(*, by: User | None = None) -> int:
    """Register the images of the media folder the library does not know yet (article
    pictures, images in bodies, banners uploaded before it existed); return how many were
    added. Thumbnails and files that are not stored images are skipped, as is a file with
    the same content as one already registered. Running it again adds nothing."""
    folder = image_dir()
    described = _described()
    known = set(db.session.scalars(select(MediaItem.file_name)))
    hashes = set(db.session.scalars(select(MediaItem.content_hash)))
    names = sorted(offload(_stored_names, folder))
    added = 0
    for name in names:
        if name in known:
            continue
        try:
            data = offload((folder / name).read_bytes)
        except OSError:
            log.warning("media library: cannot read %s", name, exc_info=True)
            continue
        digest = _digest(data)
        if digest in hashes:
            continue
        width, height = header_dimensions(data) or (0, 0)
        title, alt = described.get(name, (name, ""))
        item = MediaItem(file_name=name, content_hash=digest, title=title[:TITLE_MAX],
                         alt=alt[:ALT_MAX], width=width, height=height, file_size=len(data),
                         uploaded_by_id=getattr(by, "id", None))  # fmt: skip
        item.search_text = search_text_of(item)
        db.session.add(item)
        hashes.add(digest)
        added += 1
    if added:
        audit("media.index", None, f"{added} ảnh", by=by, commit=False,
              object_type="mediaitem")  # fmt: skip
    db.session.commit()
    return added


# An image of the media folder in an article body.
MEDIA_SRC = re.compile(r"/media/([0-9a-f]{31}[0-9a-f]\.(?:jpg|png|webp|gif))")


def _described() -> dict[str, tuple[str, str]]:
    """File name -> (title, alt) for the images articles and banners show: an illustration
    is titled after its article and described by its caption, an image in a body by the
    article, a banner's picture or a link's logo by the banner's title (its alt text)."""
    from app.news.models import Article

    found: dict[str, tuple[str, str]] = {}
    for title, image in banner_pictures():
        found.setdefault(image, (title, title))
    query = select(Article.title, Article.image, Article.image_caption, Article.body)
    for title, image, caption, body in db.session.execute(query.order_by(Article.id)):
        if image:
            found.setdefault(image, (title, caption or ""))
        for name in MEDIA_SRC.findall(body or ""):
            found.setdefault(name, (title, ""))
    return found


def _stored_names(folder: Path) -> list[str]:
    return [
        p.name
        for p in folder.iterdir()
        if IMAGE_NAME.fullmatch(p.name) and not p.stem.endswith("t") and p.is_file()
    ]


__all__ = [
    "InUse",
    "TooLarge",
    "add_upload",
    "clean_original_name",
    "delete_item",
    "index_folder",
    "title_from",
    "update_texts",
]
