"""A small sales team: a manager with two salespeople reporting to them, and finance."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def team(make_user: Any) -> dict[str, Any]:
    manager = make_user("liming", "sales_manager")
    return {
        "manager": manager,
        "alice": make_user("alice", manager=manager),
        "bob": make_user("bob", manager=manager),
        "finance": make_user("huangmin", "finance"),
    }
