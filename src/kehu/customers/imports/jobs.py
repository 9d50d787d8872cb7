"""Import jobs: preparing a file, starting a dry run or the import, and running it to
its end in resumable batches."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import queue
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kehu.core.models import User
from kehu.core.records import check_assignable
from kehu.customers.imports.applying import Run, Superseded
from kehu.customers.imports.checking import CheckedRow, RowChecker
from kehu.customers.imports.columns import TARGET_KEYS, detect_columns, name_column_missing
from kehu.customers.imports.reading import READ_CHUNK, ImportFileError, Sheet, filled, open_sheet
from kehu.customers.models import (
    ImportJob,
    ImportStatus,
    OnDuplicate,
)

T = TypeVar("T")

BATCH_SIZE = 1000
PREVIEW_ROWS = 5


def system_actor() -> User:
    """Who acts when no one is logged in (the `kehu` command): an unsaved superuser, which the
    services record as nobody and allow to see every customer and assign any owner."""
    return User(username="kehu", is_superuser=True)


@dataclass(frozen=True)
class Prepared:
    job: ImportJob
    # An import of the same file had begun; it carries on with its own settings.
    resumed: bool


def _file_hash(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(READ_CHUNK):
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
    check_assignable(actor=actor, owner=owner)
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
        if next((r for r in sheet.rows if filled(r[1])), None) is None:
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
        first = islice((cells for _n, cells in sheet.rows if filled(cells)), rows)
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
        job.moved_at = timezone.now()
        job.save()
    return job


def _batches(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _checked_batches(
    sheet: Sheet, run: Run, position: int, size: int
) -> Iterator[tuple[list[CheckedRow], int, int]]:
    """The file's rows after `position`, checked and prepared, a batch at a time with the
    positions of its first and last row."""
    for batch in _batches(islice(sheet.rows, position, None), size):
        rows = [
            run.checker.check(number, position + offset, cells)
            for offset, (number, cells) in enumerate(batch, start=1)
            if filled(cells)
        ]
        for row in rows:
            run.prepare(row)
        yield rows, position, position + len(batch)
        position += len(batch)


def _read_ahead(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """`items`, produced by a process forked for them, up to `depth` ahead of the consumer.

    Reading, checking and preparing the next batch is Python work, and so is much of writing
    this one: in one process the two take turns with the interpreter lock, in two they run
    on two cores. The reader touches no database (the checker and the writer are built, with
    the users and content types they need, before the fork) and speaks the caller's
    language, so the problems it finds read as the caller's would. It stops when the
    consumer does, or when its parent is gone.
    """
    context = multiprocessing.get_context("fork")
    buffer: Any = context.Queue(maxsize=depth)
    language = translation.get_language()
    parent = os.getpid()

    def put(entry: tuple[str, object]) -> None:
        while True:
            try:
                buffer.put(entry, timeout=0.5)
            except queue.Full:
                if os.getppid() != parent:
                    os._exit(0)
                continue
            return

    def produce() -> None:
        try:
            with translation.override(language):
                for item in items:
                    put(("item", item))
        except Exception as error:  # handed to the consumer, who decides
            put(("error", _picklable(error)))
        else:
            put(("end", None))
        buffer.close()
        buffer.join_thread()

    reader = context.Process(target=produce, name="import-reader", daemon=True)
    reader.start()
    try:
        while True:
            try:
                kind, item = buffer.get(timeout=0.5)
            except queue.Empty:
                if not reader.is_alive():
                    raise ImportFileError(_("The file's reader stopped.")) from None
                continue
            if kind == "error":
                raise item
            if kind == "end":
                return
            yield item
    finally:
        reader.kill()
        reader.join()
        buffer.close()


def _picklable(error: Exception) -> Exception:
    """The error as the consumer can receive it: itself, or its message."""
    try:
        pickle.dumps(error)
    except Exception:
        return RuntimeError(str(error))
    return error


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
            job.moved_at = timezone.now()
            job.save(update_fields=["total_rows", "moved_at"])
        with _open_job(job) as sheet:
            checker = RowChecker(
                headers=sheet.headers, columns=job_columns(job, sheet.headers), actor=actor
            )
            run = Run(job, checker, actor)
            for rows, start, end in _read_ahead(
                _checked_batches(sheet, run, job.rows_done, batch_size)
            ):
                run.batch(rows, start=start, end=end)
                if on_batch is not None:
                    on_batch(job)
    except Superseded:
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
    if status == ImportStatus.DONE and not job.dry_run:
        _file_drop(job)


def _file_drop(job: ImportJob) -> None:
    """Delete the uploaded file, a copy of customer data nothing needs any more; the job's
    counts and problems stay."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


# Uploads nobody carried on with are deleted after this long.
ABANDONED_AFTER = timedelta(days=7)


def import_files_sweep() -> int:
    """Delete the files of imports left unfinished for a week (never confirmed, checked but
    not imported, or stopped); how many were deleted."""
    cutoff = timezone.now() - ABANDONED_AFTER
    stale = (
        ImportJob.objects.exclude(file="")
        .filter(created_at__lt=cutoff)
        .filter(Q(moved_at__isnull=True) | Q(moved_at__lt=cutoff))
    )
    count = 0
    for job in stale:
        _file_drop(job)
        count += 1
    return count
