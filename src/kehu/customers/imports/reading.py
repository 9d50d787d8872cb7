"""Reading .csv (any usual encoding) and .xlsx files as a header row and streamed rows."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from kehu.core.text import without_bidi_controls
from kehu.customers.imports.columns import detect_columns

# A title row or two ("客户清单") above the header is common in Chinese spreadsheets.
_HEADER_SEARCH_ROWS = 5
READ_CHUNK = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in the user's language."""


@dataclass
class Sheet:
    """An opened file: its header row and its data rows, streamed."""

    encoding: str
    header_row: int  # as the spreadsheet numbers rows, from 1
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number, cells) of every row below the header


def _decodes(stream: IO[bytes], codec: str) -> bool:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        while chunk := stream.read(READ_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_encoding(stream: IO[bytes], requested: str) -> str:
    """The codec the whole file decodes with: the one asked for, else UTF-8 (with or without a
    byte-order mark), UTF-16 with a byte-order mark, else GB18030 (a superset of GBK and
    GB2312). Every byte is checked first, so a wrong guess never shows as mojibake later."""
    if requested:
        try:
            codec = codecs.lookup(requested).name
        except LookupError as error:
            raise ImportFileError(
                _("Unknown encoding “%(encoding)s”.") % {"encoding": requested}
            ) from error
        candidates: tuple[str, ...] = ("utf-8-sig" if codec == "utf-8" else codec,)
    else:
        stream.seek(0)
        head = stream.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            candidates = ("utf-16",)
        else:
            candidates = ("utf-8-sig", "gb18030")
    for codec in candidates:
        if _decodes(stream, codec):
            return codec
    if requested:
        raise ImportFileError(
            _(
                "The file is not in the %(encoding)s encoding. Choose another encoding, or let "
                "Kehu detect it."
            )
            % {"encoding": requested}
        )
    raise ImportFileError(
        _(
            "The file is neither UTF-8 nor GB18030 (GBK) text. Save it from Excel as "
            "“CSV UTF-8”, or choose its encoding."
        )
    )


def _csv_rows(stream: IO[bytes], codec: str) -> Generator[list[str], None, None]:
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=codec, newline="")
    try:
        first_line = text.readline()
        text.seek(0)
        # Excel's "Unicode text" is tab-separated; some European exports use semicolons.
        delimiter = max(",\t;", key=first_line.count)
        # Cleaned a line at a time: the controls are no part of CSV's syntax, and a line is
        # one call where its cells would be a dozen.
        reader = csv.reader(map(without_bidi_controls, text), delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as error:
            raise ImportFileError(
                _("Line %(line)d of the file cannot be read: %(reason)s")
                % {"line": reader.line_num, "reason": error}
            ) from error
    finally:
        # The caller owns the stream; keep the wrapper from closing it.
        text.detach()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 13812345678.0 is a phone number, 120.0 a head count
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


# An .xlsx is a zip archive. Its parts are unpacked to be read, so one that unpacks far
# beyond any spreadsheet of customers (a "zip bomb": 1 MB that unpacks to 1 GiB) is refused
# from its directory, before a byte of it is inflated. Spreadsheet XML packs ~5-20 to 1.
XLSX_UNPACKED_LIMIT = 1 << 30
XLSX_RATIO_LIMIT = 100
XLSX_RATIO_FROM = 64 << 20  # small parts may pack tighter; ratios matter from this size


def _check_unpacked_size(stream: IO[bytes]) -> None:
    with zipfile.ZipFile(stream) as archive:
        parts = archive.infolist()
    unpacked = sum(part.file_size for part in parts)
    packed = max(sum(part.compress_size for part in parts), 1)
    if unpacked > XLSX_UNPACKED_LIMIT or (
        unpacked > XLSX_RATIO_FROM and unpacked / packed > XLSX_RATIO_LIMIT
    ):
        raise ImportFileError(
            _(
                "The workbook would unpack to %(size)d MB, more than a spreadsheet of customers "
                "holds; it was not read. Save it again from Excel, or split it."
            )
            % {"size": unpacked >> 20}
        )
    stream.seek(0)


@contextmanager
def _xlsx_rows(stream: IO[bytes]) -> Iterator[Iterator[list[str]]]:
    try:
        _check_unpacked_size(stream)
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("The file is not a valid Excel workbook (.xlsx).")) from error
    try:
        sheet = book.worksheets[0]
        yield (
            [without_bidi_controls(_cell_text(v)) for v in row]
            for row in sheet.iter_rows(values_only=True)
        )
    finally:
        book.close()


@contextmanager
def _records(
    stream: IO[bytes], *, name: str, encoding: str
) -> Iterator[tuple[str, Iterator[list[str]]]]:
    """The file's codec and its rows of cells, without bidirectional controls."""
    suffix = Path(name).suffix.lower()
    if suffix in {".csv", ".txt"}:
        codec = _csv_encoding(stream, encoding)
        lines = _csv_rows(stream, codec)
        try:
            yield codec, lines
        finally:
            lines.close()  # detach the text wrapper while the stream is still open
    elif suffix == ".xlsx":
        with _xlsx_rows(stream) as rows:
            yield "", rows
    else:
        raise ImportFileError(
            _(
                "Kehu imports .csv and .xlsx files; “%(name)s” is neither. Save it from Excel "
                "as one of these."
            )
            % {"name": name}
        )


def filled(cells: Sequence[str]) -> bool:
    return any(cell.strip() for cell in cells)


@contextmanager
def open_sheet(
    stream: IO[bytes], *, name: str, encoding: str = "", header_row: int = 0
) -> Iterator[Sheet]:
    """Open a .csv or .xlsx file (`name` tells which) at `header_row`, or at the first of its
    first non-empty rows that has a customer-name column."""
    with _records(stream, name=name, encoding=encoding) as (codec, records):
        numbered = enumerate(records, start=1)
        leading: list[tuple[int, list[str]]] = []
        for number, cells in numbered:
            if (header_row and number == header_row) or (not header_row and filled(cells)):
                leading.append((number, cells))
            if header_row and leading:
                break
            if not header_row and (
                "name" in detect_columns(cells) or len(leading) == _HEADER_SEARCH_ROWS
            ):
                break
        if not leading:
            raise ImportFileError(_("The file is empty."))
        header = next((row for row in leading if "name" in detect_columns(row[1])), leading[0])
        rest = [row for row in leading if row[0] > header[0]]
        yield Sheet(
            encoding=codec,
            header_row=header[0],
            headers=[cell.strip() for cell in header[1]],
            rows=chain(rest, numbered),
        )
