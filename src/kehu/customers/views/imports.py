"""The import wizard (upload → columns → check → import → report) and the list's exports.

Thin over `imports` and `exports`: the pages collect choices, the services do the work, and
the checking and importing run in the background while the progress card polls.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kehu.core.access import exported
from kehu.core.pages import EDITS, WRITES, UserRequest, page
from kehu.core.replicas import reads_alias, reads_replica
from kehu.core.roles import VIEW_CONTACT_DETAILS
from kehu.customers import exports, imports
from kehu.customers.forms import ENCODINGS, ImportColumnsForm, ImportUploadForm
from kehu.customers.models import ImportJob, ImportStatus
from kehu.customers.tasks import import_enqueue
from kehu.customers.views.customers import listed_customers

SHOWN_PROBLEMS = 200


@page("customers.add_customer", methods=EDITS)
def import_upload(request: UserRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            prepared = imports.import_prepare(
                actor=request.user,
                stream=upload,
                name=upload.name,
                encoding=form.cleaned_data["encoding"],
                on_duplicate=form.cleaned_data["on_duplicate"],
                owner=form.cleaned_data["owner"],
            )
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            job = prepared.job
            if not prepared.resumed:
                return redirect("customers:import-columns", job=job.pk)
            messages.info(
                request, _("This file's import had begun; it carries on where it stopped.")
            )
            return _start(request, job, dry_run=False)
    return render(request, "customers/import_upload.html", {"form": form, "step": 1})


def _start(request: UserRequest, job: ImportJob, *, dry_run: bool) -> HttpResponse:
    try:
        imports.import_start(job=job, dry_run=dry_run)
    except imports.ImportFileError as error:
        messages.error(request, str(error))
    else:
        import_enqueue(job)
    return redirect("customers:import-job", job=job.pk)


@page("customers.add_customer", methods=EDITS, job=ImportJob)
def import_columns(request: UserRequest, job: ImportJob) -> HttpResponse:
    if not job.dry_run:
        return redirect("customers:import-job", job=job.pk)  # the import has begun
    preview = imports.import_preview(job=job)
    form = ImportColumnsForm(request.POST or None, preview=preview)
    if request.method == "POST" and form.is_valid():
        imports.import_set_columns(job=job, columns=form.columns)
        return _start(request, job, dry_run=True)
    context = {
        "job": job,
        "form": form,
        "columns": [
            (form[f"column_{i}"], [row[i] for row in preview.rows if row[i]])
            for i in range(len(preview.headers))
        ],
        "preview": preview,
        "encoding": dict(ENCODINGS).get(job.encoding.removesuffix("-sig"), job.encoding),
        "name_missing": "name" not in preview.columns
        and imports.name_column_missing(preview.headers),
        "step": 2,
    }
    return render(request, "customers/import_columns.html", context)


@page("customers.add_customer", job=ImportJob)
def import_job(request: UserRequest, job: ImportJob) -> HttpResponse:
    if job.status == ImportStatus.PENDING:
        return redirect("customers:import-columns", job=job.pk)
    context = {
        "job": job,
        "problems": job.problems.all()[:SHOWN_PROBLEMS],
        "problem_count": job.problems.count(),
        "step": 3 if job.dry_run else 4 if job.status == ImportStatus.RUNNING else 5,
    }
    return render(request, "customers/import_job.html", context)


@page("customers.add_customer", job=ImportJob)
def import_progress(request: UserRequest, job: ImportJob) -> HttpResponse:
    """The progress card, which htmx polls; once the run is over, the whole page reloads to
    show the report."""
    response = render(request, "customers/import_progress.html", {"job": job})
    if job.status != ImportStatus.RUNNING:
        response["HX-Refresh"] = "true"
    return response


@page("customers.add_customer", methods=WRITES, job=ImportJob)
def import_run(request: UserRequest, job: ImportJob) -> HttpResponse:
    """Start the import after a dry run, or resume one that stopped."""
    return _start(request, job, dry_run=False)


@page("customers.add_customer", methods=WRITES, job=ImportJob)
def import_resume(request: UserRequest, job: ImportJob) -> HttpResponse:
    """Run a stalled job again: a dry run from the top, an import from its last batch."""
    if not job.stalled:
        return redirect("customers:import-job", job=job.pk)
    return _start(request, job, dry_run=job.dry_run)


@page("customers.add_customer", job=ImportJob)
def import_problems(request: UserRequest, job: ImportJob) -> HttpResponseBase:
    header = [_("Row"), _("Column"), pgettext("a cell's content", "Value"), _("Problem")]
    rows = job.problems.values_list("row", "column", "value", "message").iterator()
    return _streamed_csv(exports.csv_chunks([header, *rows]), f"problems-{job.pk}.csv")


def _streamed_csv(chunks: Any, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@reads_replica
@page("customers.view_customer")
def customer_export(request: UserRequest, fmt: str) -> HttpResponseBase:
    _form, _sort, customers = listed_customers(request)
    # A CSV is read while it streams, after the view has returned.
    customers = customers.using(reads_alias())
    reveal = request.user.has_perm(VIEW_CONTACT_DETAILS)
    filename = f"customers-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    rows = exported(request, exports.export_rows(customers, reveal=reveal))
    if fmt == "csv":
        return _streamed_csv(exports.csv_chunks(rows), filename)
    # A workbook is a zip archive, complete only at the end: it is built in a temporary
    # file (rows on disk, not in memory), then streamed; the response closes it.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    exports.write_xlsx(rows, out, title=str(_("Customers")))
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename)
