"""Template filters that show personal data as the viewer is allowed to see it."""

from __future__ import annotations

from typing import Any

from django import template

from kehu.core import selectors
from kehu.core.contact_details import email_mask, phone_display, phone_mask
from kehu.core.models import User
from kehu.core.roles import VIEW_CONTACT_DETAILS

register = template.Library()


@register.filter
def phone_for(value: str, user: User) -> str:
    if not value:
        return ""
    return phone_display(value) if user.has_perm(VIEW_CONTACT_DETAILS) else phone_mask(value)


@register.filter
def email_for(value: str, user: User) -> str:
    if not value:
        return ""
    return value if user.has_perm(VIEW_CONTACT_DETAILS) else email_mask(value)


@register.filter
def field_class(bound_field: Any) -> str:
    """The Bootstrap class for a form field's widget, marked invalid when it has errors."""
    widget = bound_field.field.widget
    kind = getattr(widget, "input_type", "")
    if kind in ("checkbox", "radio"):
        base = "form-check-input"
    elif kind == "select" or widget.__class__.__name__.endswith("Select"):
        base = "form-select"
    else:
        base = "form-control"
    return f"{base} is-invalid" if bound_field.errors else base


@register.simple_tag
def render_widget(bound_field: Any) -> str:
    return bound_field.as_widget(attrs={"class": field_class(bound_field)})


@register.inclusion_tag("core/_worker_notice.html")
def worker_notice() -> dict[str, bool]:
    """A warning, on a page that hands work to the background, that no worker is running."""
    return {"missing": selectors.worker_missing()}
