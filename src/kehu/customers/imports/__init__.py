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

from kehu.customers.imports.columns import (
    TARGET_KEYS,
    TARGETS,
    Target,
    column_name,
    detect_columns,
    name_column_missing,
)
from kehu.customers.imports.jobs import (
    BATCH_SIZE,
    Prepared,
    Preview,
    import_files_sweep,
    import_prepare,
    import_preview,
    import_run,
    import_set_columns,
    import_start,
    job_columns,
    system_actor,
)
from kehu.customers.imports.reading import ImportFileError, Sheet, open_sheet

__all__ = [
    "BATCH_SIZE",
    "TARGETS",
    "TARGET_KEYS",
    "ImportFileError",
    "Prepared",
    "Preview",
    "Sheet",
    "Target",
    "column_name",
    "detect_columns",
    "import_files_sweep",
    "import_prepare",
    "import_preview",
    "import_run",
    "import_set_columns",
    "import_start",
    "job_columns",
    "name_column_missing",
    "open_sheet",
    "system_actor",
]
