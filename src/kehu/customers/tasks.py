"""Background work of the customers app, run by `kehu worker` (django-tasks)."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django_tasks import task

from kehu.customers import imports, services
from kehu.customers.models import ImportJob, ImportStatus


@task()
def import_customers(job_id: int, language: str) -> None:
    """Check or apply an import job's rows, from where it stopped. Its problems are stored as
    text, so they are written in the language of the person who started it."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:  # deleted while it waited
        return
    with translation.override(language):
        imports.import_run(job=job)


def import_customers_lost(job_id: int, language: str) -> None:
    """The import's worker was lost (core.workers): it resumes after its last committed
    batch, on whichever worker takes it."""
    if ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).exists():
        import_customers.enqueue(job_id, language)


def import_enqueue(job: ImportJob) -> None:
    """Run the job in the background once the transaction that readied it has committed, so
    the worker never picks up a job it cannot see yet."""
    language = translation.get_language()
    transaction.on_commit(lambda: import_customers.enqueue(job.pk, language))


@task()
def pool_sweep_task() -> int:
    """Return customers nobody followed up to the pool; `kehu worker` enqueues it hourly."""
    return services.pool_sweep()


@task()
def import_files_sweep_task() -> int:
    """Delete uploads of imports abandoned for a week; `kehu worker` enqueues it hourly."""
    return imports.import_files_sweep()
