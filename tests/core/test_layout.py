"""The shape every app keeps (docs/architecture.md), checked so that it stays kept."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "kehu"
LONGEST = 400


def _modules() -> list[Path]:
    return [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]


def _thin(path: Path) -> bool:
    """Pages, viewsets and panels: they read through selectors and write through services."""
    parts = path.relative_to(PACKAGE).parts
    return (
        "views" in parts
        or parts[-1] in ("views.py", "panels.py")
        or parts[-2:] == ("api", "viewsets.py")
    )


def test_views_and_viewsets_query_no_model_themselves():
    querying = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in _modules()
        if _thin(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    assert querying == []


def test_no_module_passes_the_length_at_which_it_becomes_a_package():
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    assert long == {}
