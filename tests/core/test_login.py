"""Log-in: pages behind it, lockout after repeated failures, production settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_pages_need_a_log_in(client):
    response = client.get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_user_logs_in_and_out(client, make_user):
    make_user("alice")
    response = client.post("/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/customers/").status_code == 200
    client.post("/logout/")
    assert client.get("/customers/").status_code == 302


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, make_user):
    make_user("alice")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/login/", {"username": "alice", "password": "guess"}).status_code == 200
    assert client.post("/login/", {"username": "alice", "password": "guess"}).status_code == 429
    locked = client.post("/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert client.get("/customers/").status_code == 302


def test_the_api_token_endpoint_is_locked_too(make_user):
    from rest_framework.test import APIClient

    make_user("alice")
    client = APIClient()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "alice", "password": "guess"})
    right = client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery"}
    )
    assert right.status_code == 429
    assert "token" not in right.json()
    assert right.json()["detail"]


def test_the_deployment_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "KEHU_SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-9f8e7d6c5b4a",
        "KEHU_DEBUG": "false",
        "KEHU_HTTPS": "true",
        "KEHU_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kehu.settings",
    }
    for development_only in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(development_only, None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _settings_loaded(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "KEHU_SECRET_KEY"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "kehu.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_a_secret_key_kehu_refuses_to_start_unless_debugging(tmp_path):
    refused = _settings_loaded(KEHU_DEBUG="false", KEHU_DATA_DIR=str(tmp_path))
    assert refused.returncode != 0
    assert "No secret key: set KEHU_SECRET_KEY" in refused.stderr
    assert _settings_loaded(KEHU_DEBUG="true", KEHU_DATA_DIR=str(tmp_path)).returncode == 0
    (tmp_path / "secret_key").write_text("an-installation-key-of-its-own-" + "x" * 30)
    assert _settings_loaded(KEHU_DEBUG="false", KEHU_DATA_DIR=str(tmp_path)).returncode == 0
