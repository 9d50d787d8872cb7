"""A user holds the permissions of their role, as well as Django's own user and group grants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet


class RoleBackend(ModelBackend):
    def _get_group_permissions(self, user_obj: Any) -> QuerySet[Permission]:
        return Permission.objects.filter(
            Q(group__user=user_obj) | Q(roles__users=user_obj)
        ).distinct()
