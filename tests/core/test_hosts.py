"""Two web hosts and a worker beside one of them, sharing only the database, the secret key
and the files directory: a user signs in on one host, uploads an import there, a worker
started with the other host's data directory runs it, and the other host shows the result
to the same browser session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from kehu.customers.models import Customer, ImportJob
from tests.conftest import PASSWORD
from tests.core.workers import database_url, until

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "one-key-for-every-host-of-this-test-0123456789-abcdefghijklmnop"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Starts `kehu <command>` as a host with its own data directory and the shared files."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(host: str, *command: str) -> None:
        environment = {
            "DATABASE_URL": database_url(),
            "KEHU_SECRET_KEY": SECRET,
            "KEHU_DATA_DIR": str(tmp_path / host),
            "KEHU_FILES_DIR": str(tmp_path / "shared"),
            "KEHU_LANGUAGE": "en",
        }
        code = "import sys; from kehu.cli import main; sys.argv = ['kehu', *sys.argv[1:]]; main()"
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", code, *command],
                env={**_inherited(), **environment},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def _inherited() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}


def _served(port: int) -> str:
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        try:
            return requests.get(f"{base}/healthz", timeout=5).ok
        except requests.ConnectionError:
            return False

    until(answering)
    return base


def test_an_import_uploaded_on_one_host_is_run_beside_another_and_shown_there(
    start, make_user, tmp_path
):
    alice = make_user("alice", "admin")
    # The hosts check passwords with the installation's hashers, not the tests' fast one.
    alice.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    alice.save(update_fields=["password"])
    first_port, second_port = _free_port(), _free_port()
    start("first", "serve", "--port", str(first_port), "--no-background-worker")
    start("second", "serve", "--port", str(second_port), "--no-background-worker")
    first, second = _served(first_port), _served(second_port)

    browser = requests.Session()
    browser.get(f"{first}/login/")
    signed_in = browser.post(
        f"{first}/login/",
        {
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": f"{first}/login/"},
    )
    assert signed_in.url.rstrip("/") == first

    csrf = {"X-CSRFToken": browser.cookies["csrftoken"]}
    uploaded = browser.post(
        f"{first}/customers/import/",
        data={"encoding": "", "on_duplicate": "skip", "owner": alice.pk},
        files={"file": ("customers.csv", "公司,电话\n宏达食品,13812345678\n".encode())},
        headers={**csrf, "Referer": f"{first}/customers/import/"},
    )
    job = ImportJob.objects.get()
    assert uploaded.url.endswith(f"/customers/import/{job.pk}/columns/")
    assert not (tmp_path / "first" / "media").exists()
    assert (tmp_path / "shared" / job.file.name).is_file()

    start("second", "worker")
    browser.post(
        f"{first}/customers/import/{job.pk}/columns/",
        {"column_0": "name", "column_1": "phone"},
        headers={**csrf, "Referer": f"{first}/customers/import/{job.pk}/columns/"},
    )
    until(lambda: ImportJob.objects.filter(pk=job.pk, dry_run=True, status="done").exists())
    browser.post(
        f"{second}/customers/import/{job.pk}/run/",
        headers={**csrf, "Referer": f"{second}/customers/import/{job.pk}/"},
    )
    until(lambda: ImportJob.objects.filter(pk=job.pk, dry_run=False, status="done").exists())
    assert Customer.objects.get().name == "宏达食品"

    report = browser.get(f"{second}/customers/import/{job.pk}/")
    assert report.url == f"{second}/customers/import/{job.pk}/"  # still signed in there
    assert 'data-testid="count-created">1<' in report.text
