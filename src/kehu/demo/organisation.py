"""The demo company's departments and people."""

from __future__ import annotations

from dataclasses import dataclass

from kehu.core.models import Role, User
from kehu.core.services import department_save, user_save

ADMIN_USERNAME = "admin"
DEMO_PASSWORD = "kehu-demo-2026"


@dataclass
class Team:
    admin: User
    manager: User
    finance: User
    salespeople: list[User]
    users: list[User]


# username, family name, given name, role, department, reports to the manager
_PEOPLE = [
    ("admin", "系统", "管理员", "admin", None, False),
    ("liming", "李", "明", "sales_manager", "销售中心", False),
    ("zhaolei", "赵", "磊", "sales", "华北销售部", True),
    ("sunli", "孙", "丽", "sales", "华北销售部", True),
    ("zhoujie", "周", "杰", "sales", "华南销售部", True),
    ("wufang", "吴", "芳", "sales", "华南销售部", True),
    ("chenjing", "陈", "静", "service", "客户服务部", False),
    ("huangmin", "黄", "敏", "finance", None, False),
]


def organisation_load() -> Team:
    centre = department_save(name="销售中心", parent=None)
    departments = {
        "销售中心": centre,
        "华北销售部": department_save(name="华北销售部", parent=centre),
        "华南销售部": department_save(name="华南销售部", parent=centre),
        "客户服务部": department_save(name="客户服务部", parent=None),
    }
    roles = {role.code: role for role in Role.objects.all()}
    users: dict[str, User] = {}
    for username, family, given, role, department, reports in _PEOPLE:
        users[username] = user_save(
            username=username,
            password=DEMO_PASSWORD,
            role=roles[role],
            department=departments[department] if department else None,
            manager=users["liming"] if reports else None,
            last_name=family,
            first_name=given,
            email=f"{username}@demo.kehu.example",
        )
    return Team(
        admin=users["admin"],
        manager=users["liming"],
        finance=users["huangmin"],
        salespeople=[u for u in users.values() if u.role and u.role.code == "sales"],
        users=list(users.values()),
    )
