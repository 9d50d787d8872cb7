"""Exporting customers as the reader sees them: .csv (UTF-8 with a byte-order mark, so Excel
opens it) or .xlsx, streamed in constant memory.

Callers pass a queryset from `selectors.customer_list`, so the data scope, search and filters
of the list page apply. Phones and e-mail addresses are masked for readers without the
contact-details permission, exactly as the list shows them. Text a spreadsheet would run as a
formula is neutralised. The headers are the import's column names, so an exported file
imports back without help.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from kehu.core.contact_details import email_mask, phone_display, phone_mask
from kehu.customers.imports import TARGETS
from kehu.customers.models import Contact, Customer
from kehu.customers.selectors import tag_names, with_tags

_CHUNK = 2000
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (tab and carriage return hide one); a leading quote makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text that no spreadsheet will evaluate as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _phone(value: str, reveal: bool) -> str:
    if not value:
        return ""
    return phone_display(value) if reveal else phone_mask(value)


def _email(value: str, reveal: bool) -> str:
    if not value:
        return ""
    return value if reveal else email_mask(value)


def _contact(customer: Customer) -> Contact | None:
    contacts = list(customer.contacts.all())  # prefetched, primary first
    return contacts[0] if contacts else None


def _contact_value(name: str) -> Callable[[Customer, bool], Any]:
    def value(customer: Customer, reveal: bool) -> Any:
        contact = _contact(customer)
        if contact is None:
            return ""
        if name == "phone":
            return _phone(contact.phone, reveal)
        if name == "email":
            return _email(contact.email, reveal)
        return getattr(contact, name)

    return value


def _customer_value(name: str) -> Callable[[Customer, bool], Any]:
    model_field: Any = Customer._meta.get_field(name)

    def value(customer: Customer, reveal: bool) -> Any:
        if name == "phone":
            return _phone(customer.phone, reveal)
        if name == "email":
            return _email(customer.email, reveal)
        if name == "owner":
            return customer.owner.display_name if customer.owner else ""
        if name == "tags":
            return ", ".join(sorted(tag_names(customer)))
        if model_field.choices:
            return getattr(customer, f"get_{name}_display")()
        return getattr(customer, name)

    return value


@dataclass(frozen=True)
class Column:
    label: str | Promise
    value: Callable[[Customer, bool], Any]  # (customer, reveal contact details) → cell


COLUMNS: tuple[Column, ...] = (
    *(
        Column(
            target.label,
            _contact_value(target.key.removeprefix("contact_"))
            if target.key.startswith("contact_")
            else _customer_value(target.key),
        )
        for target in TARGETS
    ),
    *(
        Column(Customer._meta.get_field(name).verbose_name, _customer_value(name))  # type: ignore[union-attr]
        for name in ("created_at", "updated_at")
    ),
)


def _cell(value: Any) -> Any:
    """A value as a spreadsheet cell: text neutralised, times in local time (Excel has no
    time zones), numbers as numbers."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        return neutralise(value)
    return value


def export_rows(customers: QuerySet[Customer], *, reveal: bool) -> Iterator[list[Any]]:
    """The header, then one row per customer, read in chunks so memory stays flat."""
    yield [capfirst(str(column.label)) for column in COLUMNS]
    chunked = with_tags(customers.select_related("owner").prefetch_related("contacts"))
    for customer in chunked.iterator(chunk_size=_CHUNK):
        yield [column.value(customer, reveal) for column in COLUMNS]


def csv_chunks(rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """CSV as UTF-8 with a byte-order mark, a few hundred rows per chunk, for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield codecs.BOM_UTF8
    for number, row in enumerate(rows, start=1):
        writer.writerow([_cell(v) for v in row])
        if number % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_xlsx(rows: Iterable[Sequence[Any]], out: IO[bytes], *, title: str) -> None:
    """An .xlsx workbook of `rows`; openpyxl's write-only mode keeps the rows on disk."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])  # Excel's limit for sheet names
    for row in rows:
        sheet.append([_cell(v) for v in row])
    book.save(out)


def write_export(customers: QuerySet[Customer], out: IO[bytes], *, reveal: bool, fmt: str) -> None:
    """Export to `out` as "csv" or "xlsx"."""
    rows = export_rows(customers, reveal=reveal)
    if fmt == "xlsx":
        write_xlsx(rows, out, title=str(_("Customers")))
    else:
        for chunk in csv_chunks(rows):
            out.write(chunk)
