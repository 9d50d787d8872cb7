"""The analytics' mathematics stays free of Django and of Kehu's apps, as its package says.

Read from the source, not by importing it: an import hidden inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kehu.analytics.maths

MATHS = Path(kehu.analytics.maths.__file__).parent
# Of Kehu, the mathematics may import only itself.
ALLOWED_KEHU = "kehu.analytics.maths"


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an import statement names, with its line; relative imports resolved
    against the mathematics package."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            package = ALLOWED_KEHU.split(".")[: len(ALLOWED_KEHU.split(".")) - node.level + 1]
            base = ".".join(package) if node.level else ""
            name = ".".join(part for part in (base, node.module or "") if part)
            names.append((node.lineno, name))
    return names


def _forbidden(name: str) -> bool:
    root = name.split(".")[0]
    if root in ("django", "rest_framework", "django_tasks"):
        return True
    return root == "kehu" and not (name == ALLOWED_KEHU or name.startswith(ALLOWED_KEHU + "."))


MODULES = sorted(MATHS.rglob("*.py"))


def test_the_package_has_its_modules() -> None:
    assert {path.stem for path in MODULES} >= {"transactions", "rfm", "churn", "scores"}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_a_maths_module_imports_neither_django_nor_kehu_apps(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [f"line {line}: {name}" for line, name in _imported(tree) if _forbidden(name)]
    assert not bad, f"{path.name} imports {', '.join(bad)}"


@pytest.mark.parametrize(
    "source",
    [
        "import django",
        "from django.db import models",
        "def f():\n    from kehu.core.models import User",
        "from kehu.customers import selectors",
        "from kehu.analytics import services",
        "import kehu.analytics.models",
        "from .. import services",
    ],
)
def test_the_check_catches_a_forbidden_import(source: str) -> None:
    assert any(_forbidden(name) for _line, name in _imported(ast.parse(source)))


def test_the_check_lets_the_package_import_itself() -> None:
    source = "from kehu.analytics.maths.rfm import rfm_table\nfrom . import mle\nimport polars"
    assert not any(_forbidden(name) for _line, name in _imported(ast.parse(source)))
