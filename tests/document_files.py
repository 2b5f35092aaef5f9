"""Files as an agency attaches them to a document, built in memory: a PDF, Office Open XML and
OpenDocument archives, an old OLE2 Office file. Small, but with the bytes the portal checks
(`app/documents/files.py` recognises a file by its content, never by its name).

Not a test module: the document tests import what they need.
"""

from __future__ import annotations

import io
import zipfile

OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CONTENT_TYPES_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def pdf_bytes(text: str = "Văn bản", size: int = 0) -> bytes:
    """A PDF holding `text`, padded with spaces to `size` bytes when that is longer."""
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + text.encode() + b"\ntrailer<<>>\n%%EOF\n"
    return pdf.ljust(size, b" ")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip with `members` in order; `mimetype` stored uncompressed, as ODF requires."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return out.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": b"<w:document/>"}
    )


def xlsx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES_XML, "xl/workbook.xml": b"<wb/>"})


def odf_bytes(mimetype: str) -> bytes:
    return zip_bytes({"mimetype": mimetype.encode(), "content.xml": b"<office:document/>"})


def ole2_bytes() -> bytes:
    return OLE2_HEADER + b"\x00" * 504
