"""The `kehu` command: one entry point for running, administering and analysing Kehu."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from django.utils.module_loading import import_string

from kehu.core.commands import CommandError, validation_messages

Handler = Callable[[argparse.Namespace], int]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")
    import django

    django.setup()


def _migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from kehu.core.server import serve

    serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        background_worker=args.background_worker,
    )
    return 0


def _worker(args: argparse.Namespace) -> int:
    from kehu.core.worker import run_worker

    run_worker()
    return 0


def _demo(args: argparse.Namespace) -> int:
    from kehu.demo import demo_load

    summary = demo_load()
    print(summary)
    return 0


def _summaries(args: argparse.Namespace) -> int:
    from kehu.orders.services.receivables import receivables_recompute
    from kehu.sales.services.pipeline_sums import pipeline_sums_recompute

    receivables_recompute()
    pipeline_sums_recompute()
    return 0


def _user_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from kehu.core.services import user_create

    try:
        user = user_create(
            username=args.username,
            password=args.password,
            role_code=args.role,
            department_name=args.department,
            manager_username=args.manager,
        )
    except ValidationError as error:
        raise CommandError("; ".join(validation_messages(error))) from error
    print(f"{user.username} ({user.role.code if user.role else '-'})")
    return 0


def _token(args: argparse.Namespace) -> int:
    from kehu.core.services import token_for_username

    try:
        print(token_for_username(username=args.username))
    except LookupError as error:
        raise CommandError(str(error)) from error
    return 0


def _manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kehu manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kehu", description="Kehu customer relationship management"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("-v", "--verbose", action="store_true")
    migrate.set_defaults(func=_migrate)

    serve = commands.add_parser("serve", help="serve Kehu with a production WSGI server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=int(os.environ.get("KEHU_WORKERS", "3")))
    serve.add_argument(
        "--no-background-worker",
        dest="background_worker",
        action="store_false",
        help="do not start `kehu worker` beside the web server (run it elsewhere)",
    )
    serve.set_defaults(func=_serve)

    worker = commands.add_parser("worker", help="run background tasks (imports, pool sweeps)")
    worker.set_defaults(func=_worker)

    demo = commands.add_parser("demo", help="load the demo company (safe to repeat)")
    demo.set_defaults(func=_demo)

    summaries = commands.add_parser(
        "summaries", help="rebuild the receivables' and the pipeline's sums from their rows"
    )
    summaries.set_defaults(func=_summaries)

    user = commands.add_parser("user", help="manage users")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_commands.add_parser("add", help="create a user")
    add.add_argument("username")
    add.add_argument("--password", required=True)
    add.add_argument("--role", required=True)
    add.add_argument("--department")
    add.add_argument("--manager")
    add.set_defaults(func=_user_add)

    token = commands.add_parser("token", help="print an API token for a user")
    token.add_argument("username")
    token.set_defaults(func=_token)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_manage)

    from kehu.analytics.cli import register as register_analytics

    register_analytics(commands)
    from kehu.customers.cli import register as register_customers

    register_customers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_django()
    # A command's handler may be named by its path, so that its module loads only to run it.
    handler: Handler = import_string(args.func) if isinstance(args.func, str) else args.func
    try:
        return handler(args)
    except CommandError as error:
        print(f"kehu: {error}", file=sys.stderr)
        return error.code


if __name__ == "__main__":
    sys.exit(main())
