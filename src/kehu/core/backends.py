"""A user holds the permissions of their role, as well as Django's own user and group grants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet


class RoleBackend(ModelBackend):
    def _get_group_permissions(self, user_obj: Any) -> QuerySet[Permission]:
        # Each grant is looked up by its own key. One query joining both (groups OR role
        # through the users table) would read every user's every permission on every
        # request, and grow with the number of users.
        granted = Q(pk__in=Permission.objects.filter(group__user=user_obj).values("pk"))
        if user_obj.role_id is not None:
            granted |= Q(pk__in=Permission.objects.filter(roles=user_obj.role_id).values("pk"))
        return Permission.objects.filter(granted)
