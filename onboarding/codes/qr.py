"""QR images and the printable A4 sheet of 8 cards, as HTML data, SVG and PDF.

Error correction level H and a 4-module quiet zone, so a crumpled printout still scans.
"""

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
import qrcode.image.svg
from flask_babel import force_locale

from ..i18n import LANGUAGES, _l, bcp47

QUIET_ZONE = 4
CARDS_PER_PAGE = 8
FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
# The sheet in millimetres: A4, 2 x 4 cards.
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 8.0
CARD_W, CARD_H = (PAGE_W - 2 * MARGIN) / 2, (PAGE_H - 2 * MARGIN) / 4
QR_SIZE = 36.0
# i18n: printed under the QR code on the card a coordinator hands out, in all seven languages
INSTRUCTION = _l("Scan with your phone camera to start — connect to the house Wi-Fi first")


def _qr(url: str, **kwargs) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_H, border=QUIET_ZONE, **kwargs
    )
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_png(url: str, box_size: int = 10) -> bytes:
    """A PNG of the QR code."""
    buffer = io.BytesIO()
    _qr(url, box_size=box_size).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(url: str) -> str:
    """A standalone SVG of the QR code (one path, so it also inlines in HTML)."""
    image = _qr(url, image_factory=qrcode.image.svg.SvgPathImage).make_image()
    return image.to_string(encoding="unicode")


def qr_modules(url: str) -> list[list[bool]]:
    """The dark and light modules, quiet zone included."""
    return _qr(url).get_matrix()


@dataclass(frozen=True)
class Card:
    """One printed card: the QR code, where it is for, until when, and how to use it."""

    url: str
    location: str
    valid_until: date


def instructions() -> list[tuple[str, str]]:
    """The one-line instruction in every language, each in its own words."""
    lines = []
    for code in LANGUAGES:
        with force_locale(code):
            lines.append((bcp47(code), str(INSTRUCTION)))
    return lines


def pages(cards: list[Card]) -> list[list[Card]]:
    """Cards in sheets of eight."""
    return [cards[i : i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)]


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _card_origin(index: int) -> tuple[float, float]:
    return MARGIN + (index % 2) * CARD_W, MARGIN + (index // 2) * CARD_H


@dataclass(frozen=True)
class TextLine:
    """One line of text on a card, in millimetres from the card's top left corner."""

    x: float
    y: float
    size: float
    text: str
    language: str | None = None


# Text beside the QR code, then across the whole card below it.
_TEXT_X = QR_SIZE + 5
_INSTRUCTION_SIZE, _LINE = 2.4, 2.9
_NARROW, _WIDE = 36, 62  # characters per line at that size (DejaVu Sans is about 0.55 em wide)


def card_text(card: Card, valid_label: str, lines: list[tuple[str, str]]) -> list[TextLine]:
    """Where every text of a card goes: the same layout for the SVG and the PDF."""
    placed = [
        TextLine(_TEXT_X, 6.5, 3.6, card.location),
        TextLine(_TEXT_X, 11.5, 2.8, f"{valid_label} {card.valid_until.strftime('%d-%m-%Y')}"),
    ]
    y = 16.5
    for language, text in lines:
        beside = y < QR_SIZE + 3  # a language starts beside the QR, or across the card
        for part in _wrap(text, _NARROW if beside else _WIDE):
            placed.append(TextLine(_TEXT_X if beside else 3, y, _INSTRUCTION_SIZE, part, language))
            y += _LINE
    return placed


def sheet_svg(cards: list[Card], valid_label: str) -> str:
    """All cards as one SVG, A4 pages stacked top to bottom."""
    lines = instructions()
    sheets = pages(cards)
    height = PAGE_H * max(len(sheets), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W}mm" height="{height}mm" '
        f'viewBox="0 0 {PAGE_W} {height}" font-family="DejaVu Sans, sans-serif">',
        f'<rect width="{PAGE_W}" height="{height}" fill="#fff"/>',
    ]
    for page_index, sheet in enumerate(sheets):
        for index, card in enumerate(sheet):
            x, y = _card_origin(index)
            y += page_index * PAGE_H
            parts.append(
                f'<rect x="{x:.2f}" y="{y:.2f}" width="{CARD_W:.2f}" height="{CARD_H:.2f}" '
                'fill="none" stroke="#999" stroke-width="0.2" stroke-dasharray="2 1"/>'
            )
            modules = qr_modules(card.url)
            scale = QR_SIZE / len(modules)
            path = "".join(
                f"M{x + 2 + c * scale:.3f},{y + 2 + r * scale:.3f}"
                f"h{scale:.3f}v{scale:.3f}h-{scale:.3f}z"
                for r, row in enumerate(modules)
                for c, dark in enumerate(row)
                if dark
            )
            parts.append(f'<path d="{path}" fill="#000"/>')
            for line in card_text(card, valid_label, lines):
                lang = f' xml:lang="{line.language}"' if line.language else ""
                parts.append(
                    f'<text x="{x + line.x:.2f}" y="{y + line.y:.2f}" '
                    f'font-size="{line.size}"{lang}>{escape(line.text)}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


def sheet_pdf(cards: list[Card], valid_label: str) -> bytes:
    """All cards as an A4 PDF, eight to a page, with vector QR codes."""
    from fpdf import FPDF

    lines = instructions()
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_title("Aankomst")
    for sheet in pages(cards) or [[]]:
        pdf.add_page()
        for index, card in enumerate(sheet):
            x, y = _card_origin(index)
            pdf.set_draw_color(153)
            pdf.set_dash_pattern(dash=2, gap=1)
            pdf.rect(x, y, CARD_W, CARD_H)
            pdf.set_dash_pattern()
            modules = qr_modules(card.url)
            scale = QR_SIZE / len(modules)
            for r, row in enumerate(modules):
                for c, dark in enumerate(row):
                    if dark:
                        pdf.rect(x + 2 + c * scale, y + 2 + r * scale, scale, scale, style="F")
            for line in card_text(card, valid_label, lines):
                pdf.set_font("DejaVu", size=line.size / 0.3528)  # millimetres to points
                pdf.text(x + line.x, y + line.y, line.text)
    return bytes(pdf.output())
