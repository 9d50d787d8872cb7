"""What the apps bring to the kernel, and the kernel importing none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db.models import ForeignKey

from kehu.core.models import Change
from kehu.core.registry import (
    customer_derived,
    customer_references,
    history_action_labels,
    kehu_apps,
    navigation_templates,
    periodic_tasks,
)
from kehu.customers.models import Customer

CORE = Path(__file__).resolve().parents[2] / "src" / "kehu" / "core"


def test_every_foreign_key_to_customers_is_declared_by_its_app():
    """A merge moves what its apps declared, or leaves it to be computed again: a foreign
    key nobody declared would keep pointing at a customer the merge deletes."""
    declared = {
        f"{field.model._meta.label}.{field.name}"
        for field in [*customer_references(), *customer_derived()]
    }
    pointing = {
        f"{model._meta.label}.{field.name}"
        for app in kehu_apps()
        for model in app.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, ForeignKey) and field.related_model is Customer
    }
    assert pointing - declared == set()


def test_the_kernel_imports_no_app():
    apps = {app.name for app in kehu_apps()} - {"kehu.core"}
    for path in CORE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not any(name == a or name.startswith(f"{a}.") for a in apps), (path, name)


def test_the_apps_bring_their_navigation_tasks_and_history_actions():
    assert navigation_templates()[-1] == "core/_nav.html"
    assert "customers/_nav.html" in navigation_templates()
    assert "kehu.customers.tasks.pool_sweep_task" in periodic_tasks()
    labels = history_action_labels()
    assert {"create", "update", "delete", "merge", "release", "claim", "transfer"} <= set(labels)


@pytest.mark.django_db
def test_a_change_is_shown_with_its_apps_label_for_its_action(english):
    assert str(Change(action="claim").action_label) == "Claimed from the pool"
    assert Change(action="unknown").action_label == "unknown"
