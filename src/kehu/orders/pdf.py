"""Printable quotes and orders: A4 PDFs in the reader's language with the CJK font embedded
(a subset of it, so a one-page quote stays a few dozen kilobytes)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext as _

from kehu.core.money import money_text
from kehu.orders.models import Order, Quote

# Noto Sans CJK is a collection; face 2 is the Simplified Chinese one.
DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEFAULT_FONT_FACE = 2


class FontMissing(ImproperlyConfigured):
    pass


def _font() -> tuple[Path, int]:
    path = Path(getattr(settings, "KEHU_PDF_FONT", DEFAULT_FONT))
    if not path.is_file():
        raise FontMissing(
            _(
                "The font for printed documents is missing: %(path)s. Install the "
                "fonts-noto-cjk package or set KEHU_PDF_FONT to a font with Chinese characters."
            )
            % {"path": path}
        )
    return path, int(getattr(settings, "KEHU_PDF_FONT_FACE", DEFAULT_FONT_FACE))


@dataclass(frozen=True)
class _Document:
    title: str
    number: str
    facts: list[tuple[str, str]]
    lines: list[Any]
    total: Decimal
    currency: str
    notes: str
    specs: bool


def _describe(document: Quote | Order) -> _Document:
    customer = document.customer
    if isinstance(document, Quote):
        return _Document(
            title=_("Quote"),
            number=document.number,
            facts=[
                (_("Customer"), customer.name),
                (_("Date"), document.created_at.date().isoformat()),
                (_("Valid until"), document.valid_until.isoformat()),
                (_("Version"), str(document.revision)),
            ],
            lines=list(document.lines.select_related("product")),
            total=document.total,
            currency=document.currency,
            notes=document.notes,
            specs=False,
        )
    facts = [
        (_("Customer"), customer.name),
        (_("Date"), document.created_at.date().isoformat()),
        (_("Status"), str(document.get_status_display())),
    ]
    if document.dealer_id:
        facts.append((_("Dealer"), document.dealer.name if document.dealer else ""))
    if document.due_date:
        facts.append((_("Due date"), document.due_date.isoformat()))
    return _Document(
        title=_("Sales order"),
        number=document.number,
        facts=facts,
        lines=list(document.lines.select_related("product")),
        total=document.total,
        currency=document.currency,
        notes=document.notes,
        specs=True,
    )


def document_pdf(document: Quote | Order, *, language: str) -> bytes:
    """The quote or order as PDF bytes, worded in `language`."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    path, face = _font()
    with translation.override(language):
        described = _describe(document)
        pdf = FPDF(format="A4")
        pdf.set_title(f"{described.title} {described.number}")
        pdf.set_creator(_("Kehu"))
        pdf.add_font("cjk", fname=str(path), collection_font_number=face)
        pdf.set_margins(15, 15, 15)
        pdf.add_page()
        pdf.set_font("cjk", size=18)
        pdf.cell(0, 10, f"{described.title}  {described.number}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=10)
        for label, value in described.facts:
            pdf.cell(30, 6, label)
            pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        headings = [
            _("SKU"),
            _("Product"),
            _("Quantity"),
            _("Unit price"),
            _("Discount %"),
            _("Amount"),
        ]
        with pdf.table(
            col_widths=(22, 50, 24, 26, 26, 32),
            text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
            line_height=6,
            # The collection has no bold face loaded: headings stand out by their fill.
            headings_style=FontFace(emphasis="", fill_color=(232, 238, 247)),
        ) as table:
            table.row(headings)
            for line in described.lines:
                name = line.product.name
                if described.specs and line.specs:
                    name += "\n" + "；".join(f"{k}: {v}" for k, v in line.specs.items())
                table.row(
                    [
                        line.product.sku,
                        name,
                        f"{line.quantity.normalize():f} {line.product.get_unit_display()}",
                        money_text(line.unit_price),
                        money_text(line.discount_percent),
                        money_text(line.line_total),
                    ]
                )
        pdf.ln(3)
        pdf.set_font("cjk", size=12)
        total = f"{_('Total')}: {money_text(described.total)} {described.currency}"
        pdf.cell(0, 8, total, align="R", new_x="LMARGIN", new_y="NEXT")
        if described.notes:
            pdf.set_font("cjk", size=10)
            pdf.multi_cell(0, 6, described.notes)
        return bytes(pdf.output())
