"""Small generated PDF files for the demo documents."""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from app.slugs import fold

# Debian's fonts-dejavu-core has the Vietnamese letters; reportlab's own fonts do not.
FONT_PATHS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
]


def _font() -> str | None:
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans"
    for path in FONT_PATHS:
        if path.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(path)))
            return "DejaVuSans"
    return None


def document_pdf(issuer: str, code: str, title: str, paragraphs: list[str], signer: str) -> bytes:
    font = _font()
    # Without a Vietnamese font, write plain letters rather than unreadable boxes.
    text = (lambda s: s) if font else fold
    font = font or "Helvetica"
    heading = ParagraphStyle("h", fontName=font, fontSize=14, leading=20, alignment=1)
    small = ParagraphStyle("s", fontName=font, fontSize=11, leading=15, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=12, leading=18, firstLineIndent=24)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2 * cm,
                            title=text(title), author=text(issuer))  # fmt: skip
    story = [
        Paragraph(text(issuer.upper()), small),
        Paragraph(text(f"Số: {code}"), small),
        Spacer(1, 0.6 * cm),
        Paragraph(text(title.upper()), heading),
        Spacer(1, 0.6 * cm),
    ]
    for paragraph in paragraphs:
        story += [Paragraph(text(paragraph), body), Spacer(1, 0.25 * cm)]
    story += [Spacer(1, 1 * cm), Paragraph(text(signer), small)]
    doc.build(story)
    return out.getvalue()
