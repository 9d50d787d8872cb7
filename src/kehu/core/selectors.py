"""Reads of the organisation."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from kehu.core.models import Department, Role, User


def user_list() -> QuerySet[User]:
    return User.objects.select_related("role", "department", "manager").order_by(
        "-is_active", "username"
    )


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("parent").annotate(member_count=Count("members"))


def role_list() -> QuerySet[Role]:
    return Role.objects.annotate(user_count=Count("users"))
