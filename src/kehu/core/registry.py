"""What each app brings to the kernel, declared on its AppConfig, so that the kernel never
imports a feature app and an app is added by listing it in INSTALLED_APPS.

An app's config subclasses `KehuApp` and names, by paths inside the app (resolved when first
asked for, after every model is loaded):

- `url_prefix`, `api_urls`: its pages (from `<app>.urls`) and its API routes;
- `navigation`, `navigation_order`: the template of its entries in the top bar, and where;
- `role_grants`: what the built-in roles get of its permissions;
- `periodic_tasks`: tasks the worker enqueues, and how often;
- `lost_tasks`: for a task whose worker may be lost part-way, the function that recovers its
  work, called with the task's arguments (core.workers);
- `panels`: cards it adds to other pages, by slot ("home", "customer", …);
- `history_actions`: the TextChoices of the history actions it records beyond the kernel's;
- `customer_references`: its foreign keys to customers, which a merge moves to the survivor;
  `customer_derived`: those of records computed from a customer's own (one run's scores),
  which a merge leaves to go with the merged customer, to be computed again;
- `personal_data`: where its tables hold a person's personal information (`PersonalData`),
  which an erasure replaces and a data-subject export gathers;
- `subject_data`: what else a data-subject export gathers of a customer's records (a summary
  of its orders): a section's name → a function of the customer's id giving its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig, apps
from django.db import models
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.db.models.fields.related import ForeignKey

    from kehu.core.pages import UserRequest


@dataclass(frozen=True)
class PersonalData:
    """The columns of one table that hold personal information about a customer or its
    contacts. `customer` is the lookup from a row to its customer ("pk" for the customer
    itself, "customer" for a contact); `fields` are the text columns to replace, derived ones
    (search keys) included, since they spell the name too."""

    model: str
    customer: str
    fields: tuple[str, ...]


class KehuApp(AppConfig):
    url_prefix: str | None = None
    api_urls: str | None = None
    navigation: str | None = None
    navigation_order = 100
    role_grants: str | None = None
    periodic_tasks: dict[str, timedelta] = {}
    lost_tasks: dict[str, str] = {}
    panels: dict[str, tuple[str, ...]] = {}
    history_actions: str | None = None
    customer_references: tuple[str, ...] = ()
    customer_derived: tuple[str, ...] = ()
    personal_data: tuple[PersonalData, ...] = ()
    subject_data: dict[str, str] = {}

    def resolve(self, path: str) -> Any:
        """The object at `path` inside this app ("roles.GRANTS" → kehu.<app>.roles.GRANTS)."""
        return import_string(f"{self.name}.{path}")


def kehu_apps() -> Iterator[KehuApp]:
    for config in apps.get_app_configs():
        if isinstance(config, KehuApp):
            yield config


@dataclass(frozen=True)
class Panel:
    """A card one app adds to another's page. `context` gets the request and the page's
    objects (the customer, on a customer page) and returns the card's context, or None to
    leave the card out; `permission`, if set, is checked first."""

    template: str
    context: Callable[..., dict[str, Any] | None]  # (UserRequest, **objects)
    permission: str | None = None
    order: int = 100


@cache
def _panels(slot: str) -> tuple[Panel, ...]:
    found = [app.resolve(path) for app in kehu_apps() for path in app.panels.get(slot, ())]
    return tuple(sorted(found, key=lambda panel: panel.order))


def panels_render(slot: str, request: UserRequest, **objects: Any) -> list[SafeString]:
    """The cards of every app for `slot` that the user may see, rendered in their order."""
    rendered = []
    for panel in _panels(slot):
        if panel.permission and not request.user.has_perm(panel.permission):
            continue
        context = panel.context(request, **objects)
        if context is not None:
            html = render_to_string(panel.template, context, request=request)
            rendered.append(mark_safe(html))
    return rendered


@cache
def navigation_templates() -> tuple[str, ...]:
    ordered = sorted(kehu_apps(), key=lambda app: app.navigation_order)
    return tuple(app.navigation for app in ordered if app.navigation)


def role_grants() -> dict[str, set[str]]:
    """Every app's grants to the built-in roles: role code → permission names."""
    grants: dict[str, set[str]] = {}
    for app in kehu_apps():
        if app.role_grants:
            for code, names in app.resolve(app.role_grants).items():
                grants.setdefault(code, set()).update(names)
    return grants


def periodic_tasks() -> dict[str, timedelta]:
    """Dotted path of each app's periodic task → how often the worker enqueues it."""
    return {
        f"{app.name}.{path}": every
        for app in kehu_apps()
        for path, every in app.periodic_tasks.items()
    }


def lost_task_handlers() -> dict[str, str]:
    """Dotted path of each task whose lost work an app recovers → the function that does."""
    return {
        f"{app.name}.{task}": f"{app.name}.{handler}"
        for app in kehu_apps()
        for task, handler in app.lost_tasks.items()
    }


@cache
def history_action_labels() -> dict[str, str]:
    from kehu.core.models import ChangeAction

    labels: dict[str, Any] = dict(ChangeAction.choices)
    for app in kehu_apps():
        if app.history_actions:
            labels.update(app.resolve(app.history_actions).choices)
    return labels


def _fields(paths: tuple[str, ...]) -> list[ForeignKey[Any, Any]]:
    found = []
    for path in paths:
        label, name = path.rsplit(".", 1)
        model: type[models.Model] = apps.get_model(label)
        found.append(model._meta.get_field(name))
    return found  # type: ignore[return-value]


def customer_references() -> list[ForeignKey[Any, Any]]:
    """The foreign keys to customers that the apps declared for merges to move."""
    return [field for app in kehu_apps() for field in _fields(app.customer_references)]


def customer_derived() -> list[ForeignKey[Any, Any]]:
    """The foreign keys to customers of records a merge leaves to be computed again."""
    return [field for app in kehu_apps() for field in _fields(app.customer_derived)]


def personal_data() -> list[tuple[type[models.Model], PersonalData]]:
    """Every app's tables of personal information, each with its model."""
    return [
        (apps.get_model(declared.model), declared)
        for app in kehu_apps()
        for declared in app.personal_data
    ]


def subject_data() -> dict[str, Callable[[int], list[dict[str, Any]]]]:
    """Every app's sections of a data-subject export beyond its personal columns."""
    return {
        section: app.resolve(path)
        for app in kehu_apps()
        for section, path in app.subject_data.items()
    }
