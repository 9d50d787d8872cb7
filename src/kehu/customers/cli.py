"""`kehu import customers FILE` and `kehu export customers FILE`: the wizard's engine and the
list's export, from the command line.

The command acts as the system (every customer, any owner); `kehu export customers --user`
exports what that user would see. Running an import of the same file again resumes it where
it stopped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from kehu.customers.models import ImportJob

# The parser is built before Django is set up, so it cannot read OnDuplicate's values.
_ON_DUPLICATE = ["skip", "update", "create"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `import customers` and `export customers` to the main `kehu` parser."""
    importing = commands.add_parser("import", help="import data from a file")
    what = importing.add_subparsers(dest="what", required=True, metavar="WHAT")
    customers = what.add_parser(
        "customers",
        help="import customers from a .csv or .xlsx file",
        description="Import customers; exits with status 1 when a row could not be imported.",
    )
    customers.add_argument("file", type=Path, help="a .csv or .xlsx file")
    customers.add_argument(
        "--dry-run", action="store_true", help="check every row and change nothing"
    )
    customers.add_argument(
        "--on-duplicate",
        choices=_ON_DUPLICATE,
        default="skip",
        help="what to do with a row that matches an existing customer (default: skip)",
    )
    customers.add_argument("--owner", metavar="USERNAME", help="owner of the new customers")
    customers.add_argument(
        "--encoding", default="", help="encoding of a .csv file (default: detect it)"
    )
    customers.set_defaults(func=_import_customers)

    exporting = commands.add_parser("export", help="export data to a file")
    what = exporting.add_subparsers(dest="what", required=True, metavar="WHAT")
    customers = what.add_parser("customers", help="export customers to a .csv or .xlsx file")
    customers.add_argument("file", type=Path, help="FILE.csv or FILE.xlsx")
    customers.add_argument(
        "--user", metavar="USERNAME", help="export only what this user sees, as they see it"
    )
    customers.set_defaults(func=_export_customers)

    reindex = commands.add_parser(
        "search-index", help="rebuild the customer and contact search index (SQLite)"
    )
    reindex.set_defaults(func=_search_index)


def _user(username: str) -> Any:
    from kehu.core.commands import CommandError
    from kehu.core.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("There is no active user “%(name)s”.") % {"name": username})
    return user


def _progress(job: ImportJob) -> None:
    print(f"\r{job.rows_done}/{job.total_rows}", end="", file=sys.stderr, flush=True)


def _import_customers(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from kehu.core.commands import CommandError, validation_messages
    from kehu.customers import imports

    actor = imports.system_actor()
    owner = _user(args.owner) if args.owner else None
    try:
        with args.file.open("rb") as stream:
            prepared = imports.import_prepare(
                actor=actor,
                stream=stream,
                name=args.file.name,
                encoding=args.encoding,
                on_duplicate=args.on_duplicate,
                owner=owner,
            )
        job = prepared.job
        if prepared.resumed:
            print(
                _("Resuming the import of this file after row %(row)d, with its own settings.")
                % {"row": job.mapping.get("header_row", 1) + job.rows_done},
                file=sys.stderr,
            )
        imports.import_start(job=job, dry_run=args.dry_run)
        job = imports.import_run(job=job, on_batch=_progress if sys.stderr.isatty() else None)
    except OSError as error:
        raise CommandError(
            _("cannot read %(path)s: %(reason)s")
            % {"path": error.filename, "reason": error.strerror}
        ) from error
    except imports.ImportFileError as error:
        raise CommandError(str(error)) from error
    except ValidationError as error:
        raise CommandError("; ".join(validation_messages(error))) from error
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if job.error:
        raise CommandError(job.error)
    for problem in job.problems.iterator():
        print(
            _("row %(row)d, %(column)s: “%(value)s”: %(message)s")
            % {
                "row": problem.row,
                "column": problem.column,
                "value": problem.value,
                "message": problem.message,
            }
        )
    print(_summary(job))
    return 1 if job.failed_count else 0


def _summary(job: ImportJob) -> str:
    counts = {
        "created": job.created_count,
        "updated": job.updated_count,
        "skipped": job.skipped_count,
        "failed": job.failed_count,
    }
    if job.dry_run:
        return (
            _(
                "Dry run, nothing changed: would create %(created)d, update %(updated)d, "
                "skip %(skipped)d; %(failed)d rows have problems."
            )
            % counts
        )
    return (
        _("Created %(created)d, updated %(updated)d, skipped %(skipped)d, failed %(failed)d.")
        % counts
    )


def _export_customers(args: argparse.Namespace) -> int:
    from kehu.core.commands import CommandError
    from kehu.core.replicas import replica_reads
    from kehu.core.roles import VIEW_CONTACT_DETAILS
    from kehu.customers import exports, imports, selectors

    fmt = args.file.suffix.lower().removeprefix(".")
    if fmt not in {"csv", "xlsx"}:
        raise CommandError(_("Name the file .csv or .xlsx."))
    user = _user(args.user) if args.user else imports.system_actor()
    customers = selectors.customer_list(user=user).order_by("name", "pk")
    try:
        with args.file.open("wb") as out, replica_reads():
            exports.write_export(
                customers, out, reveal=user.has_perm(VIEW_CONTACT_DETAILS), fmt=fmt
            )
    except OSError as error:
        raise CommandError(
            _("cannot write %(path)s: %(reason)s")
            % {"path": error.filename, "reason": error.strerror}
        ) from error
    print(
        _("Exported %(count)d customers to %(path)s.")
        % {"count": customers.count(), "path": args.file}
    )
    return 0


def _search_index(args: argparse.Namespace) -> int:
    from django.db import transaction

    from kehu.customers import search_index

    with transaction.atomic():
        search_index.rebuild()
    return 0
