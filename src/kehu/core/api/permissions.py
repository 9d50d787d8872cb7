"""Who may call an API route: the model permission of the method, or an action's own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.request import Request


class ModelPermissions(DjangoModelPermissions):
    """Model permissions for every method, reads included (view_*); an action that names its
    own needs that instead: an extra action by `@action(..., permission=...)`, one of DRF's
    (a correction of a payment, say) by the viewset's `action_permissions`.

    The model is the viewset's `model`, else its serializer's: asking the view for its
    queryset, as DRF does, would run a search's preparatory queries once more per request.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }

    def has_permission(self, request: Request, view: Any) -> bool:
        own = getattr(view, "permission", None) or getattr(view, "action_permissions", {}).get(
            getattr(view, "action", None)
        )
        if isinstance(own, Mapping):
            own = own.get(request.method)
        if own is not None:
            return bool(
                request.user and request.user.is_authenticated and request.user.has_perm(own)
            )
        return super().has_permission(request, view)

    def _queryset(self, view: Any) -> QuerySet[Any]:
        model = getattr(view, "model", None) or view.get_serializer_class().Meta.model
        return model._default_manager.all()
