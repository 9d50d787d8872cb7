"""Reads of personal data worth an audit: a customer's page, its contact details unmasked
through the API, an export. The apps that serve them announce each read here with
`personal_data_read`; whichever app keeps the audit listens (the privacy app), so the
pages need not know it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.db import models
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from kehu.core.roles import VIEW_CONTACT_DETAILS

# Sent with `user`, `kind` (an AccessKind), `customer_id` (None for an export of many),
# `rows` (an export's, else None) and `path` (the URL's path, without its query).
personal_data_read = Signal()

Row = TypeVar("Row")


class AccessKind(models.TextChoices):
    VIEWED = "viewed", _("Viewed a customer, contact details masked")
    UNMASKED = "unmasked", _("Saw contact details unmasked")
    EXPORTED = "exported", _("Exported")


def access_record(
    request: HttpRequest | Request,
    *,
    kind: str,
    customer_id: int | None = None,
    rows: int | None = None,
) -> None:
    personal_data_read.send(
        sender=AccessKind,
        user=request.user,
        kind=kind,
        customer_id=customer_id,
        rows=rows,
        path=request.path,
    )


def customer_viewed(request: HttpRequest | Request, customer_id: int) -> None:
    """A customer's page was shown: unmasked if its reader sees contact details in full."""
    unmasked = request.user.has_perm(VIEW_CONTACT_DETAILS)
    kind = AccessKind.UNMASKED if unmasked else AccessKind.VIEWED
    access_record(request, kind=kind, customer_id=customer_id)


def details_shown(request: HttpRequest | Request, customer_id: int) -> None:
    """A record with a customer's contact details was read: kept when they were unmasked."""
    if request.user.has_perm(VIEW_CONTACT_DETAILS):
        access_record(request, kind=AccessKind.UNMASKED, customer_id=customer_id)


def exported(
    request: HttpRequest | Request, rows: Iterable[Row], *, header_rows: int = 1
) -> Iterator[Row]:
    """`rows` as they are read; once the reading ends, or the reader stops (a download cut
    short), the export is recorded with the rows read beyond the header."""
    read = 0
    try:
        for row in rows:
            read += 1
            yield row
    finally:
        access_record(request, kind=AccessKind.EXPORTED, rows=max(read - header_rows, 0))
