"""Import jobs: one file being imported, its progress and the problems of its rows."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from kehu.core.models import Authored, Created, KehuModel
from kehu.core.scopes import Own, Visibility
from kehu.customers.models.choices import ImportStatus, OnDuplicate

# A batch takes seconds; a job that has not moved for this long is not going to.
IMPORT_STALLED_AFTER = timedelta(minutes=5)


class ImportJob(KehuModel, Authored, Created):
    """One import of a customer file: its settings, its progress and its outcome.

    `rows_done` is advanced in the same transaction as each batch it covers, so a killed
    import resumes after the last committed batch and never applies a row twice.
    """

    # An import is its maker's own: the file may hold what nobody else should read.
    visibility: ClassVar[Visibility] = Own("created_by")

    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    file_hash = models.CharField(max_length=64, db_index=True)
    encoding = models.CharField(max_length=20, blank=True)
    mapping = models.JSONField(default=dict)
    on_duplicate = models.CharField(
        max_length=10, choices=OnDuplicate.choices, default=OnDuplicate.SKIP
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # When the job last moved: readied to run, or a batch committed.
    moved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status == ImportStatus.RUNNING

    @property
    def is_done(self) -> bool:
        return self.status == ImportStatus.DONE

    @property
    def has_failed(self) -> bool:
        return self.status == ImportStatus.FAILED

    @property
    def stalled(self) -> bool:
        """Running, but not moved for longer than any batch takes: its worker died, or no
        worker is running."""
        return (
            self.status == ImportStatus.RUNNING
            and self.moved_at is not None
            and timezone.now() - self.moved_at > IMPORT_STALLED_AFTER
        )


class ImportProblem(models.Model):
    """A row the import could not apply: where, what value, and why."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=100, blank=True)
    value = models.TextField(blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["row", "id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row", "column"], name="one_problem_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.row}:{self.column}"
