"""Importing customers from .csv and .xlsx files: one engine for the wizard, the `kehu import
customers` command and the background task.

- `import_prepare` stores a file as an ImportJob, detects its encoding, header row and columns
  (or finds the unfinished job of the same file, so running a file again resumes it);
- `import_start` readies a job for a dry run (check every row, change nothing) or the import;
- `import_run` streams the rows, checks them and records each problem as (row, column, value,
  message); the import applies the valid rows in batches.

Each batch of the import is one transaction that also advances the job's `rows_done`, so a
killed import resumes after the last committed batch and never applies a row twice. Rows are
checked with the model fields' own rules and messages, but without a full_clean per row, and
new customers are bulk-created with the history record `customer_create` would have written.
Duplicates of existing customers are skipped, updated through `customer_update`, or created
anyway, as the job says.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import Value
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kehu.core.contact_details import phone_normalise
from kehu.core.exceptions import VersionConflict
from kehu.core.history import ChangeAction, creation_changes, snapshot
from kehu.core.models import Change, User
from kehu.core.regions import region_problems
from kehu.core.scopes import visible_users
from kehu.customers import services
from kehu.customers.dedup import DuplicateKeys, find_duplicates
from kehu.customers.models import (
    Contact,
    Customer,
    ImportJob,
    ImportProblem,
    ImportStatus,
    OnDuplicate,
    Tag,
)
from kehu.customers.selectors import customer_queryset
from kehu.customers.text import pinyin_keys

BATCH_SIZE = 1000
PREVIEW_ROWS = 5
# A title row or two ("客户清单") above the header is common in Chinese spreadsheets.
_HEADER_SEARCH_ROWS = 5
_SHOWN_VALUE = 200  # characters of a bad value kept in its problem report
_READ_CHUNK = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in the user's language."""


def system_actor() -> User:
    """Who acts when no one is logged in (the `kehu` command): an unsaved superuser, which the
    services record as nobody and allow to see every customer and assign any owner."""
    return User(username="kehu", is_superuser=True)


# Columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Something a column can be imported into: a customer field, its tags, or one contact."""

    key: str
    label: str | Promise
    aliases: tuple[str, ...]  # usual headers besides the label
    # Recognised only for columns no usual alias of any target claims.
    fallback: tuple[str, ...] = ()


def _target(key: str, aliases: str, *, label: str | Promise = "", fallback: str = "") -> Target:
    """A target; `aliases` and `fallback` are separated by "|", the label defaults to the
    customer field's."""
    if not label:
        label = Customer._meta.get_field(key).verbose_name  # type: ignore[union-attr]
    return Target(key, label, tuple(aliases.split("|")), tuple(filter(None, fallback.split("|"))))


TARGETS: tuple[Target, ...] = (
    _target(
        "name",
        "客户名称|名称|公司名称|企业名称|单位名称|客户名|customer|customer name|company"
        "|company name",
        fallback="姓名|客户",
    ),
    _target("kind", "客户类型|类型|type|customer type"),
    _target("phone", "手机|电话|联系电话|手机号|手机号码|电话号码|座机|mobile|tel|telephone"),
    _target("email", "邮箱|电子邮件|电子邮箱|email|mail"),
    _target("province", "省份|省|所在省份"),
    _target("city", "城市|市|所在城市"),
    _target("district", "区县|区|县|county"),
    _target("address", "地址|详细地址|通讯地址|street"),
    _target("industry", "行业|所属行业"),
    _target("business_mode", "业务模式|经营模式"),
    _target("source_channel", "来源|客户来源|来源渠道|source"),
    _target("owner", "负责人|所属销售|销售|业务员|客户经理|归属人|sales rep|salesperson"),
    _target("tags", "标签|tag"),
    _target("credit_rating", "信用等级|信用评级"),
    _target("credit_limit", "信用额度|授信额度"),
    _target("currency", "币种|货币"),
    _target("annual_revenue", "年营业额|年收入|年销售额|营业额|revenue"),
    _target("employee_count", "员工数|员工人数|人数|employee count|staff"),
    _target("tax_id", "统一社会信用代码|信用代码|税号|纳税人识别号|tax id|tax number"),
    _target("relationship_level", "关系等级|客户关系|relationship"),
    _target("lifecycle_stage", "生命周期|生命周期阶段|客户阶段|lifecycle|stage"),
    _target("notes", "备注|说明|note|remarks|comments"),
    _target(
        "contact_name",
        "联系人|联系人姓名|联系人名称|contact|contact person",
        label=gettext_lazy("Contact name"),
    ),
    _target(
        "contact_phone",
        "联系人电话|联系人手机|联系人手机号|联系人联系电话",
        label=gettext_lazy("Contact phone"),
    ),
    _target(
        "contact_title",
        "职务|职位|联系人职务|联系人职位|title|job title|position",
        label=gettext_lazy("Contact title"),
    ),
    _target("contact_email", "联系人邮箱|联系人电子邮件", label=gettext_lazy("Contact e-mail")),
)
TARGET_KEYS = {target.key: target for target in TARGETS}
_CONTACT = "contact_"

_BRACKETED = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")
_NOT_IN_KEY = re.compile(r"[\s*:_\-·.]+")


def _header_key(text: str) -> str:
    """A header as compared with the aliases: width, case, notes in brackets ("手机（必填）"),
    asterisks, spaces and dashes ignored."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _NOT_IN_KEY.sub("", _BRACKETED.sub("", text))


@cache
def _alias_index() -> tuple[dict[str, str], dict[str, str]]:
    """(usual, fallback) header keys → target key. A target's label is an alias in every
    language, so a file Kehu exported comes back in without help."""
    usual: dict[str, str] = {}
    fallback: dict[str, str] = {}
    for target in TARGETS:
        labels = [target.key]
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                labels.append(str(target.label))
        for alias in (*labels, *target.aliases):
            usual.setdefault(_header_key(alias), target.key)
        for alias in target.fallback:
            fallback.setdefault(_header_key(alias), target.key)
    return usual, fallback


def detect_columns(headers: Sequence[str]) -> dict[str, int]:
    """Target key → index of the column it is read from, for the headers Kehu recognises."""
    columns: dict[str, int] = {}
    for index in _alias_index():
        for position, header in enumerate(headers):
            key = index.get(_header_key(header))
            if key and key not in columns and position not in columns.values():
                columns[key] = position
    return columns


def column_name(headers: Sequence[str], index: int) -> str:
    """The header of a column, or its spreadsheet letter when the header is empty."""
    header = headers[index] if index < len(headers) else ""
    return header or get_column_letter(index + 1)


def name_column_missing(headers: Sequence[str]) -> str:
    """What to say when no column is recognised as the customer name."""
    found = ", ".join(f"“{h}”" for h in headers if h) or "—"
    return _(
        "No column holds the customer name: name it 客户名称 or “name”, or choose it in the "
        "column mapping. The columns of the file are: %(headers)s."
    ) % {"headers": found}


# Reading files ---------------------------------------------------------------------------


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
        while chunk := stream.read(_READ_CHUNK):
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
        reader = csv.reader(text, delimiter=delimiter)
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


@contextmanager
def _xlsx_rows(stream: IO[bytes]) -> Iterator[Iterator[list[str]]]:
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("The file is not a valid Excel workbook (.xlsx).")) from error
    try:
        sheet = book.worksheets[0]
        yield ([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()


@contextmanager
def _records(
    stream: IO[bytes], *, name: str, encoding: str
) -> Iterator[tuple[str, Iterator[list[str]]]]:
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


def _filled(cells: Sequence[str]) -> bool:
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
            if (header_row and number == header_row) or (not header_row and _filled(cells)):
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


# Checking rows ---------------------------------------------------------------------------


@dataclass
class CheckedRow:
    number: int  # as the spreadsheet numbers it
    position: int  # the how-manieth row below the header
    values: dict[str, Any] = field(default_factory=dict)  # the Customer fields the row gives
    tags: list[str] = field(default_factory=list)
    contact: dict[str, Any] = field(default_factory=dict)  # the Contact fields it gives
    problems: dict[str, ImportProblem] = field(default_factory=dict)  # one per column


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _model_check(model_field: Any, value: Any) -> Any:
    """The field's own cleaning: its validators and their messages, as full_clean runs them."""
    return model_field.clean(value, None)


def _text(model_field: Any, raw: str) -> str:
    # Plain text passes the model's rules when it fits and has no NUL; only then is the
    # (slower) field validation skipped, so the messages are always the model's.
    limit = model_field.max_length  # None for a TextField
    if (limit is not None and len(raw) > limit) or "\x00" in raw:
        _model_check(model_field, raw)
    return raw


def _number(model_field: Any, raw: str) -> Any:
    # Spreadsheets write thousands with separators (200,000.00); the value is the same.
    return _model_check(model_field, raw.replace(",", ""))


def _phone(model_field: Any, raw: str) -> str:
    return _text(model_field, phone_normalise(raw))


def _choice_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


# Words people write for a kind of customer beyond its label.
_KIND_WORDS = {"公司": "company", "单位": "company", "企业客户": "company", "自然人": "individual"}


@cache
def _choice_index(model_field: Any) -> dict[str, str]:
    """Written forms of a field's choices → stored value: the value and its label in every
    language ("AA", "AA — very good", "AA（很好）")."""
    index: dict[str, str] = {}
    for value, label in model_field.flatchoices:
        index[_choice_key(str(value))] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                index.setdefault(_choice_key(str(label)), value)
    if model_field.name == "kind":
        index.update({_choice_key(word): value for word, value in _KIND_WORDS.items()})
    return index


def _choice(model_field: Any, raw: str) -> str:
    value = _choice_index(model_field).get(_choice_key(raw))
    return value if value is not None else _model_check(model_field, raw)


_TAG_SEPARATORS = re.compile(r"[,，;；、|]")


def _tags(raw: str) -> list[str]:
    name_field = Tag._meta.get_field("name")
    names = {name.strip() for name in _TAG_SEPARATORS.split(raw) if name.strip()}
    return sorted(_text(name_field, name) for name in names)


def _field_cleaner(key: str) -> Callable[[str], Any]:
    model: type[models.Model] = Contact if key.startswith(_CONTACT) else Customer
    model_field: Any = model._meta.get_field(key.removeprefix(_CONTACT))
    if model_field.name == "phone":
        return lambda raw: _phone(model_field, raw)
    if model_field.name == "email":
        return lambda raw: _model_check(model_field, raw.lower())
    if model_field.choices:
        return lambda raw: _choice(model_field, raw)
    if isinstance(model_field, models.DecimalField | models.IntegerField):
        return lambda raw: _number(model_field, raw)
    return lambda raw: _text(model_field, raw)


class _Owners:
    """Owners named in a file, by user name or display name, and whether the actor may give
    customers to them (the rule customer_create enforces)."""

    def __init__(self, actor: User) -> None:
        users = list(User.objects.filter(is_active=True))
        self._by_username = {u.username: u for u in users}
        names = Counter(u.display_name for u in users)
        self._by_name = {u.display_name: u for u in users if names[u.display_name] == 1}
        self._ambiguous = {name for name, count in names.items() if count > 1}
        self._assignable = set(visible_users(actor).values_list("pk", flat=True))

    def __call__(self, raw: str) -> User:
        user = self._by_username.get(raw) or self._by_name.get(raw)
        if user is None and raw in self._ambiguous:
            raise ValidationError(
                _("Several users are called “%(name)s”; write the user name instead.")
                % {"name": raw}
            )
        if user is None:
            raise ValidationError(_("There is no active user “%(name)s”.") % {"name": raw})
        if user.pk not in self._assignable:
            raise ValidationError(_("You cannot assign customers to %(user)s.") % {"user": user})
        return user


class RowChecker:
    """Checks one row at a time against the model's rules, without touching the database."""

    def __init__(self, *, headers: Sequence[str], columns: dict[str, int], actor: User) -> None:
        self._headers = list(headers)
        self._columns = columns
        cleaners: dict[str, Callable[[str], Any]] = {"owner": _Owners(actor), "tags": _tags}
        self._plan = [
            (key, index, cleaners.get(key) or _field_cleaner(key)) for key, index in columns.items()
        ]

    def column(self, key: str) -> str:
        """Where the problems of a target are reported: its column, or its name if unmapped."""
        index = self._columns.get(key)
        name = str(TARGET_KEYS[key].label) if index is None else column_name(self._headers, index)
        return name[: ImportProblem._meta.get_field("column").max_length]

    def problem(self, row: CheckedRow, key: str, value: Any, message: str) -> None:
        column = self.column(key)
        shown = "" if value is None else str(value)
        if len(shown) > _SHOWN_VALUE:
            shown = shown[:_SHOWN_VALUE] + "…"
        row.problems.setdefault(
            column, ImportProblem(row=row.number, column=column, value=shown, message=message)
        )

    def check(self, number: int, position: int, cells: Sequence[str]) -> CheckedRow:
        row = CheckedRow(number=number, position=position)
        for key, index, clean in self._plan:
            raw = cells[index].strip() if index < len(cells) else ""
            if not raw:
                continue  # an empty cell leaves the model's default
            try:
                value = clean(raw)
            except ValidationError as error:
                self.problem(row, key, raw, _message(error))
                continue
            if key == "tags":
                row.tags = value
            elif key.startswith(_CONTACT):
                row.contact[key.removeprefix(_CONTACT)] = value
            else:
                row.values[key] = value
        self._require(row, "name", Customer)
        if row.contact:
            self._require(row, "contact_name", Contact)
        return row

    def _require(self, row: CheckedRow, key: str, model: type[models.Model]) -> None:
        name = key.removeprefix(_CONTACT)
        given = row.contact if key.startswith(_CONTACT) else row.values
        if name not in given and self.column(key) not in row.problems:
            try:
                _model_check(model._meta.get_field(name), "")
            except ValidationError as error:
                self.problem(row, key, "", _message(error))

    def region_problems(self, row: CheckedRow, base: Customer | None) -> None:
        """The province, city and district the customer would have, checked together."""
        region = {
            name: row.values.get(name, getattr(base, name, ""))
            for name in ("province", "city", "district")
        }
        for name, message in region_problems(**region).items():
            self.problem(row, name, region[name], message)


# Applying rows ---------------------------------------------------------------------------


class _Superseded(Exception):
    """Another run of the same job moved it on; this one stops without touching it."""


class _SeenKeys:
    """Duplicate keys of the rows a dry run has let through, 8 bytes each, so that checking a
    million rows stays small: recent ones in a set, older ones folded into a sorted array."""

    _FOLD_AT = 65_536

    def __init__(self) -> None:
        self._old = np.empty(0, dtype=np.int64)
        self._recent: set[int] = set()

    def __contains__(self, key: str) -> bool:
        digest = hash(key)
        if digest in self._recent:
            return True
        at = int(np.searchsorted(self._old, digest))
        return at < len(self._old) and int(self._old[at]) == digest

    def add(self, key: str) -> None:
        self._recent.add(hash(key))
        if len(self._recent) >= self._FOLD_AT:
            recent = np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))
            self._old = np.union1d(self._old, recent)
            self._recent.clear()


def _key_strings(keys: DuplicateKeys) -> list[str]:
    return [
        f"{kind}:{value}"
        for kind, value in (("n", keys.name_key), ("p", keys.phone), ("e", keys.email))
        if value
    ]


@dataclass
class _Decision:
    row: CheckedRow
    action: str  # "create", "update", "skip" or "fail"
    target: Customer | None = None


def _search_keys(instance: Customer | Contact) -> None:
    """The pinyin keys Party.clean derives, cut to their columns."""
    full, initials = pinyin_keys(instance.name)
    pinyin_field: Any = type(instance)._meta.get_field("name_pinyin")
    initials_field: Any = type(instance)._meta.get_field("name_initials")
    instance.name_pinyin = full[: pinyin_field.max_length]
    instance.name_initials = initials[: initials_field.max_length]


class _Run:
    """One pass over a job's rows: checking them, and unless it is a dry run, applying them."""

    def __init__(self, job: ImportJob, checker: RowChecker, actor: User) -> None:
        self.job = job
        self.checker = checker
        self.actor = actor
        self.creator = actor if actor.pk else None
        self.default_owner = job.owner or self.creator
        # A dry run writes nothing, so it remembers which rows it would have created; a real
        # import finds them in the database instead.
        self.seen: _SeenKeys | None = _SeenKeys() if job.dry_run else None
        self.visible = customer_queryset(user=actor)

    def batch(self, rows: list[CheckedRow], *, start: int, end: int) -> None:
        """Decide and apply rows start+1 … end of the file. A real import commits up to the
        first row that repeats one earlier in the batch, then looks again from there, so the
        earlier row is in the database when its duplicate is decided."""
        while True:
            with transaction.atomic():
                self._claim(start)
                decisions, stop = self._decide(rows)
                cut = end if stop is None else rows[stop].position - 1
                self._apply(decisions, rows_done=cut)
            if stop is None:
                return
            rows, start = rows[stop:], cut

    def _claim(self, start: int) -> None:
        current = (
            ImportJob.objects.select_for_update()
            .filter(pk=self.job.pk)
            .values_list("rows_done", "dry_run")
            .first()
        )
        if current != (start, self.job.dry_run):
            raise _Superseded

    def _decide(self, rows: list[CheckedRow]) -> tuple[list[_Decision], int | None]:
        policy = self.job.on_duplicate
        keys = [
            DuplicateKeys.of(
                name=r.values.get("name", ""),
                phone=r.values.get("phone", ""),
                email=r.values.get("email", ""),
            )
            for r in rows
        ]
        valid = [i for i, r in enumerate(rows) if not r.problems]
        matches: dict[int, list[Customer]] = {}
        if policy != OnDuplicate.CREATE and valid:
            found = find_duplicates([keys[i] for i in valid])
            matches = dict(zip(valid, found, strict=True))
        visible_ids = self._visible_ids(matches)
        pending: set[str] | _SeenKeys = self.seen if self.seen is not None else set()
        decisions: list[_Decision] = []
        for i, row in enumerate(rows):
            earlier = any(k in pending for k in _key_strings(keys[i]))
            existing = matches.get(i, [])
            if row.problems:
                decisions.append(_Decision(row, "fail"))
            elif policy == OnDuplicate.SKIP and (existing or earlier):
                decisions.append(_Decision(row, "skip"))
            elif policy == OnDuplicate.UPDATE and earlier and self.seen is None:
                return decisions, i
            elif policy == OnDuplicate.UPDATE and (existing or earlier):
                decisions.append(self._update_decision(row, existing, visible_ids))
            else:
                self.checker.region_problems(row, None)
                decisions.append(_Decision(row, "fail" if row.problems else "create"))
            if decisions[-1].action == "create" and policy != OnDuplicate.CREATE:
                for key in _key_strings(keys[i]):
                    pending.add(key)
        return decisions, None

    def _visible_ids(self, matches: dict[int, list[Customer]]) -> set[int]:
        if self.job.on_duplicate != OnDuplicate.UPDATE:
            return set()
        ids = {c.pk for found in matches.values() for c in found}
        return set(self.visible.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()

    def _update_decision(
        self, row: CheckedRow, existing: list[Customer], visible_ids: set[int]
    ) -> _Decision:
        if len(existing) > 1:
            names = "、".join(c.name for c in existing[:5])
            message = _(
                "The row matches %(count)d existing customers (%(names)s); update them one by one."
            ) % {"count": len(existing), "names": names}
            self.checker.problem(row, "name", row.values["name"], message)
        elif existing and existing[0].pk not in visible_ids:
            message = _(
                "A customer with the same name, phone or e-mail exists outside your data "
                "scope; it was not updated."
            )
            self.checker.problem(row, "name", row.values["name"], message)
        target = existing[0] if existing else None
        if not row.problems:
            self.checker.region_problems(row, target)
        return _Decision(row, "fail" if row.problems else "update", target)

    def _apply(self, decisions: list[_Decision], *, rows_done: int) -> None:
        if not self.job.dry_run:
            self._create([d for d in decisions if d.action == "create"])
            for decision in decisions:
                if decision.action == "update" and not self._update(decision):
                    decision.action = "fail"
        counts = Counter(d.action for d in decisions)
        problems = [p for d in decisions for p in d.row.problems.values()]
        for problem in problems:
            problem.job = self.job
        ImportProblem.objects.bulk_create(problems)
        job = self.job
        job.rows_done = rows_done
        job.created_count += counts["create"]
        job.updated_count += counts["update"]
        job.skipped_count += counts["skip"]
        job.failed_count += counts["fail"]
        job.save(
            update_fields=[
                "rows_done",
                "created_count",
                "updated_count",
                "skipped_count",
                "failed_count",
            ]
        )

    def _create(self, decisions: list[_Decision]) -> None:
        """Bulk-create the customers, their tags and contacts, and what customer_create and
        contact_create would have recorded in the history."""
        if not decisions:
            return
        customers = []
        for decision in decisions:
            row = decision.row
            customer = Customer(
                **{"owner": self.default_owner, **row.values},
                created_by=self.creator,
                name_key=DuplicateKeys.of(name=row.values["name"]).name_key,
            )
            _search_keys(customer)
            customers.append(customer)
        Customer.objects.bulk_create(customers)
        tag_ids = _tag_ids({name for d in decisions for name in d.row.tags})
        through: Any = Customer.tags.through
        through.objects.bulk_create(
            through(customer_id=customer.pk, tag_id=tag_ids[name])
            for customer, d in zip(customers, decisions, strict=True)
            for name in d.row.tags
        )
        contacts = []
        for customer, decision in zip(customers, decisions, strict=True):
            if decision.row.contact:
                contact = Contact(customer=customer, is_primary=True, **decision.row.contact)
                _search_keys(contact)
                contacts.append(contact)
        Contact.objects.bulk_create(contacts)
        Change.objects.bulk_create(
            [
                *(
                    self._creation(customer, services.CUSTOMER_FIELDS, d.row.tags)
                    for customer, d in zip(customers, decisions, strict=True)
                ),
                *(self._creation(contact, services.CONTACT_FIELDS) for contact in contacts),
            ]
        )

    def _creation(
        self, instance: Customer | Contact, fields: list[str], tags: list[str] | None = None
    ) -> Change:
        state = snapshot(instance, fields)
        if tags is not None:
            state["tags"] = tags  # as snapshot() lists them, without a query per customer
        return Change(
            target_type=ContentType.objects.get_for_model(instance),
            target_id=instance.pk,
            target_repr=str(instance)[:255],
            customer_id=instance.pk if isinstance(instance, Customer) else instance.customer_id,
            actor=self.creator,
            action=ChangeAction.CREATE,
            changes=_json(creation_changes(state)),
        )

    def _update(self, decision: _Decision) -> bool:
        """Apply the row's filled-in cells to its customer through the services, all or
        nothing; on failure the row gets its problems."""
        customer, row = decision.target, decision.row
        assert customer is not None, "a real import decides updates against the database"
        # The file's tags join those the customer has; its other filled-in cells replace.
        tags = (
            sorted({*customer.tags.values_list("name", flat=True), *row.tags}) if row.tags else None
        )
        prefix, given = "", row.values
        try:
            with transaction.atomic():
                services.customer_update(
                    actor=self.actor,
                    customer=customer,
                    version=customer.version,
                    tags=tags,
                    **row.values,
                )
                prefix, given = _CONTACT, row.contact
                name = row.contact.get("name")
                if name and not customer.contacts.filter(name=name).exists():
                    services.contact_create(actor=self.actor, customer=customer, **row.contact)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = prefix + name if prefix + name in TARGET_KEYS else "name"
                self.checker.problem(row, key, given.get(name), " ".join(messages))
        except VersionConflict as conflict:
            self.checker.problem(row, "name", row.values["name"], str(conflict))
        else:
            return True
        # The service assigned the row's values before refusing them; a later row that
        # matches the same customer must start from what is stored.
        customer.refresh_from_db()
        return False


def _json(value: dict[str, Any]) -> Any:
    """A JSON value for bulk_create, as an expression: Django 5.2 otherwise bulk-inserts on
    PostgreSQL through UNNEST of arrays, whose text psycopg escapes in Python one quote and
    backslash at a time, and JSON of Chinese text is mostly quotes and backslashes (\\uXXXX).
    As an expression each value is a plain parameter, several times faster."""
    return Value(value, output_field=models.JSONField())


def _tag_ids(names: set[str]) -> dict[str, int]:
    existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    missing = names - existing.keys()
    if missing:
        Tag.objects.bulk_create([Tag(name=name) for name in missing], ignore_conflicts=True)
        existing.update(Tag.objects.filter(name__in=missing).values_list("name", "pk"))
    return existing


# Jobs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    job: ImportJob
    # An import of the same file had begun; it carries on with its own settings.
    resumed: bool


def _file_hash(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(_READ_CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def import_prepare(
    *,
    actor: User,
    stream: IO[bytes],
    name: str,
    encoding: str = "",
    on_duplicate: str = OnDuplicate.SKIP,
    owner: User | None = None,
) -> Prepared:
    """A job for the file in `stream`, named `name`, with its columns detected.

    The unfinished job of the same file (same contents, same person) is reused: resumed as it
    was if its import had begun, else given these settings.
    """
    if on_duplicate not in OnDuplicate.values:
        raise ValidationError({"on_duplicate": _("Choose skip, update or create.")})
    if on_duplicate == OnDuplicate.UPDATE and not actor.has_perm("customers.change_customer"):
        raise ValidationError({"on_duplicate": _("You may not change existing customers.")})
    if owner is not None and not visible_users(actor).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": _("You cannot assign customers to %(user)s.") % {"user": owner}}
        )
    file_hash = _file_hash(stream)
    creator = actor if actor.pk else None
    job = (
        ImportJob.objects.filter(file_hash=file_hash, created_by=creator)
        .exclude(dry_run=False, status=ImportStatus.DONE)
        .first()
    )
    if job is not None and not job.dry_run:
        return Prepared(job, resumed=True)
    # Read before writing anything: a file that cannot be imported leaves no trace.
    with open_sheet(stream, name=name, encoding=encoding) as sheet:
        if next((r for r in sheet.rows if _filled(r[1])), None) is None:
            raise ImportFileError(_("The file has no rows below its header."))
        mapping = {"header_row": sheet.header_row, "columns": detect_columns(sheet.headers)}
    if job is None:
        # `dry_run` stays set until the import itself starts: until then nothing is applied.
        job = ImportJob(
            created_by=creator, file_hash=file_hash, original_name=name[:255], dry_run=True
        )
        stream.seek(0)
        job.file.save(Path(name).name, File(stream), save=False)
    job.encoding = sheet.encoding
    job.on_duplicate = on_duplicate
    job.owner = owner
    job.mapping = mapping
    job.status = ImportStatus.PENDING  # the columns wait for confirmation again
    job.save()
    return Prepared(job, resumed=False)


@contextmanager
def _open_job(job: ImportJob) -> Iterator[Sheet]:
    header_row = job.mapping.get("header_row", 0)
    with (
        job.file.open("rb") as stream,
        open_sheet(
            stream, name=job.original_name, encoding=job.encoding, header_row=header_row
        ) as sheet,
    ):
        yield sheet


def _mapped(job: ImportJob, headers: Sequence[str]) -> dict[str, int]:
    return {
        key: int(index)
        for key, index in job.mapping.get("columns", {}).items()
        if key in TARGET_KEYS and 0 <= int(index) < len(headers)
    }


def job_columns(job: ImportJob, headers: Sequence[str]) -> dict[str, int]:
    """The job's column mapping, checked against the file's headers."""
    columns = _mapped(job, headers)
    if "name" not in columns:
        raise ImportFileError(name_column_missing(headers))
    return columns


def import_set_columns(*, job: ImportJob, columns: dict[str, int]) -> ImportJob:
    job.mapping = {**job.mapping, "columns": columns}
    job.save(update_fields=["mapping"])
    return job


@dataclass(frozen=True)
class Preview:
    headers: list[str]
    columns: dict[str, int]
    rows: list[list[str]]  # the first rows, one cell per header


def import_preview(*, job: ImportJob, rows: int = PREVIEW_ROWS) -> Preview:
    with _open_job(job) as sheet:
        width = len(sheet.headers)
        first = islice((cells for _n, cells in sheet.rows if _filled(cells)), rows)
        shown = [(cells + [""] * width)[:width] for cells in first]
        return Preview(headers=sheet.headers, columns=_mapped(job, sheet.headers), rows=shown)


def import_start(*, job: ImportJob, dry_run: bool) -> ImportJob:
    """Ready a job to run: a dry run starts from the top; so does the import after dry runs;
    an import that had begun resumes after its last committed batch."""
    if not job.dry_run and job.status == ImportStatus.DONE:
        raise ImportFileError(_("This file has been imported already."))
    if dry_run and not job.dry_run:
        # Checking from the top would forget how far the import got.
        raise ImportFileError(_("The import of this file has begun; it can only be resumed."))
    with _open_job(job) as sheet:
        job_columns(job, sheet.headers)
    with transaction.atomic():
        if job.dry_run:
            job.problems.all().delete()
            job.rows_done = 0
            job.created_count = job.updated_count = job.skipped_count = job.failed_count = 0
        job.dry_run = dry_run
        # Queued counts as running: "pending" is a job whose columns wait for confirmation.
        job.status = ImportStatus.RUNNING
        job.error = ""
        job.finished_at = None
        job.save()
    return job


def _batches(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def import_run(
    *,
    job: ImportJob,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[ImportJob], object] | None = None,
) -> ImportJob:
    """Run a job started with `import_start` to its end, from where it stopped.

    `on_batch` is called after each committed batch (progress output; tests stop runs there).
    """
    job.refresh_from_db()
    actor = job.created_by or system_actor()
    try:
        if not job.total_rows:
            with _open_job(job) as sheet:
                job.total_rows = sum(1 for _row in sheet.rows)
            job.save(update_fields=["total_rows"])
        with _open_job(job) as sheet:
            checker = RowChecker(
                headers=sheet.headers, columns=job_columns(job, sheet.headers), actor=actor
            )
            run = _Run(job, checker, actor)
            position = job.rows_done
            for batch in _batches(islice(sheet.rows, position, None), batch_size):
                rows = [
                    checker.check(number, position + offset, cells)
                    for offset, (number, cells) in enumerate(batch, start=1)
                    if _filled(cells)
                ]
                run.batch(rows, start=position, end=position + len(batch))
                position += len(batch)
                if on_batch is not None:
                    on_batch(job)
    except _Superseded:
        return job
    except ImportFileError as error:
        _finish(job, ImportStatus.FAILED, str(error))
        return job
    except Exception as error:
        _finish(job, ImportStatus.FAILED, _("The import stopped: %(error)s") % {"error": error})
        raise
    _finish(job, ImportStatus.DONE)
    return job


def _finish(job: ImportJob, status: str, error: str = "") -> None:
    job.refresh_from_db()  # a failed batch may have changed the counts in memory only
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def import_job_get(*, user: Any, pk: int) -> ImportJob:
    """The user's own import job; a 404 for anyone else's, as for customers."""
    job = ImportJob.objects.filter(pk=pk, created_by_id=user.pk).first()
    if job is None:
        raise Http404(_("No such import."))
    return job
