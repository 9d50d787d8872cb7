"""Every route of Kehu as the route-walking test sees it, read from the URL configuration and
the API router, and a small company whose records those routes are asked for."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone
from rest_framework.permissions import AllowAny
from rest_framework.viewsets import ViewSetMixin

from kehu.core.models import Department, Role, User
from kehu.core.pages import LOGGED_IN, PUBLIC, Access, access_of, url_patterns
from kehu.core.registry import kehu_apps
from kehu.core.scopes import Everyone, visibility_of

PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class Route:
    """A route and what it asks of its user, per HTTP method."""

    name: str
    pattern: str
    permissions: dict[str, str]  # method → a permission name, LOGGED_IN or PUBLIC
    records: dict[str, type[models.Model]] = field(default_factory=dict)  # URL kwarg → model
    api: bool = False
    list_model: type[models.Model] | None = None  # an API list's rows
    creates: bool = False  # an API route whose POST creates a record

    @property
    def scoped_records(self) -> dict[str, type[models.Model]]:
        """The URL's records whose rows belong to someone (not every-one's, as products)."""
        return {
            name: model
            for name, model in self.records.items()
            if not isinstance(visibility_of(model), Everyone)
        }

    def __str__(self) -> str:
        return self.name


# DRF adds "head" to a viewset's actions, beside "get", once it has served a request.
_VERBS = {
    "get": "view",
    "head": "view",
    "post": "add",
    "put": "change",
    "patch": "change",
    "delete": "delete",
}


def _api_route(name: str, pattern: str, callback: Any) -> Route:
    view = callback.cls
    actions: dict[str, str] = getattr(callback, "actions", None) or {}
    if not issubclass(view, ViewSetMixin):
        allowed = [m.upper() for m in view.http_method_names if hasattr(view, m)]
        opened = any(issubclass(p, AllowAny) for p in view.permission_classes)
        permission = PUBLIC if opened else LOGGED_IN
        return Route(name, pattern, dict.fromkeys(allowed, permission), api=True)
    model = view.serializer_class.Meta.model
    initkwargs = callback.initkwargs
    own = initkwargs.get("permission")
    named = getattr(view, "action_permissions", {})
    permissions = {
        method.upper(): (own.get(method.upper()) if isinstance(own, Mapping) else own)
        or named.get(action)
        or f"{model._meta.app_label}.{_VERBS[method]}_{model._meta.model_name}"
        for method, action in actions.items()
        if method in view.http_method_names
    }
    return Route(
        name,
        pattern,
        permissions,
        {"pk": model} if initkwargs.get("detail") else {},
        api=True,
        list_model=model if actions.get("get") == "list" else None,
        creates=actions.get("post") == "create",
    )


def _page_route(name: str, pattern: str, access: Access) -> Route:
    return Route(
        name,
        pattern,
        dict.fromkeys(access.methods, access.permission),
        {kwarg: loader.model for kwarg, loader in access.records.items()},
    )


def all_routes() -> tuple[list[Route], list[str]]:
    """Every route the kernel knows how to check, and the names of those it does not."""
    routes, undeclared = [], []
    for pattern, name, entry in url_patterns():
        callback = entry.callback
        access = access_of(callback)
        if access is not None:
            routes.append(_page_route(name, pattern, access))
        elif getattr(callback, "cls", None) is not None:
            routes.append(_api_route(name, pattern, callback))
        else:
            undeclared.append(f"{name or '(unnamed)'} at {pattern}")
    return routes, undeclared


def kehu_models() -> Iterator[type[models.Model]]:
    for app in kehu_apps():
        for model in app.get_models():
            if not model._meta.proxy:
                yield model


def fingerprint() -> dict[str, str]:
    """Every row of every Kehu table, as one digest per table: a write that changed
    anything changes a digest."""
    return {
        model._meta.label: hashlib.sha256(
            repr(list(model._base_manager.order_by("pk").values_list())).encode()
        ).hexdigest()
        for model in kehu_models()
    }


# The company --------------------------------------------------------------------------------


class World:
    """A salesperson's records, one of each kind a route may ask for, made through the
    services on first use. Asking for a model without a maker here fails the walk: a new
    app adds its makers below."""

    def __init__(self) -> None:
        self.made: dict[type[models.Model], models.Model] = {}
        self.department = Department.objects.create(name="华北销售部", path="")
        self.department.path = f"/{self.department.pk}/"
        self.department.save()
        self.owner = _person("world-owner", "sales", department=self.department)
        self.admin = _person("world-admin", "admin")

    def get(self, model: type[models.Model]) -> models.Model:
        if model not in self.made:
            maker = MAKERS.get(model._meta.label)
            if maker is None:
                raise LookupError(model._meta.label)
            self.made[model] = maker(self)
        return self.made[model]


def _person(username: str, role: str, **fields: Any) -> User:
    from kehu.core.services import user_save

    return user_save(
        username=username, password=PASSWORD, role=Role.objects.get(code=role), **fields
    )


def person_with(username: str, permissions: list[Any], *, scope: str) -> User:
    role = Role.objects.create(code=username, name=username, data_scope=scope)
    role.permissions.set(permissions)
    return User.objects.create_user(username=username, password=PASSWORD, role=role)


def _customer(world: World) -> models.Model:
    from kehu.customers.services import customer_create

    # A dealer, so that the dealer's own pages have one to show too.
    return customer_create(
        actor=world.owner, name="西安宏达食品有限公司", business_mode="project", kind="dealer"
    )


def _contact(world: World) -> models.Model:
    from kehu.customers.services import contact_create

    return contact_create(
        actor=world.owner, customer=world.get(_model("customers.Customer")), name="王建国"
    )


def _activity(world: World) -> models.Model:
    from kehu.customers.services import activity_create

    customer = world.get(_model("customers.Customer"))
    return activity_create(actor=world.owner, customer=customer, kind="call", subject="回访")


def _import_job(world: World) -> models.Model:
    from kehu.customers.imports import import_prepare

    content = "客户名称\n渭南金穗粮油有限公司\n".encode()
    return import_prepare(actor=world.owner, stream=io.BytesIO(content), name="c.csv").job


def _lead(world: World) -> models.Model:
    from kehu.sales.models import LeadSource
    from kehu.sales.services import lead_create

    source = LeadSource.objects.order_by("pk").first()
    return lead_create(actor=world.owner, company="咸阳饭店", person="李四", source=source)


def _opportunity(world: World) -> models.Model:
    from kehu.sales.services import opportunity_create

    customer = world.get(_model("customers.Customer"))
    return opportunity_create(
        actor=world.owner, customer=customer, name="中央厨房项目", amount=Decimal("50000")
    )


def _milestone(world: World) -> models.Model:
    from kehu.sales.services import milestone_add

    opportunity = world.get(_model("sales.Opportunity"))
    return milestone_add(
        actor=world.owner,
        opportunity=opportunity,
        name="样品",
        due_date=timezone.localdate() + timedelta(days=7),
    )


def _document(world: World) -> models.Model:
    from kehu.sales.services import document_add

    opportunity = world.get(_model("sales.Opportunity"))
    upload = SimpleUploadedFile("方案.txt", "方案".encode(), content_type="text/plain")
    return document_add(actor=world.owner, opportunity=opportunity, file=upload)


def _target(world: World) -> models.Model:
    from kehu.sales.services import target_create

    return target_create(
        actor=world.admin,
        user=world.owner,
        period="month",
        period_start=timezone.localdate().replace(day=1),
        amount=Decimal("100000"),
    )


def _product(world: World) -> models.Model:
    from kehu.orders.services import product_create

    return product_create(actor=None, sku="VX-100", name="不锈钢阀门", list_price=Decimal("250"))


def _group(world: World) -> models.Model:
    from kehu.orders.services import customer_group_save

    return customer_group_save(actor=None, name="经销商", payment_terms_days=30)


def _quote(world: World) -> models.Model:
    from kehu.orders.services import quote_create

    product = world.get(_model("orders.Product"))
    return quote_create(
        actor=world.owner,
        customer=world.get(_model("customers.Customer")),
        valid_until=timezone.localdate() + timedelta(days=30),
        lines=[{"product": product, "quantity": "2"}],
    )


def _order(world: World) -> models.Model:
    from kehu.orders.services import order_create

    product = world.get(_model("orders.Product"))
    return order_create(
        actor=world.owner,
        customer=world.get(_model("customers.Customer")),
        lines=[{"product": product, "quantity": "2"}],
    )


def _order_line(world: World) -> models.Model:
    order: Any = world.get(_model("orders.Order"))
    return order.lines.first()  # type: ignore[no-any-return]


def _confirmed_order(world: World) -> Any:
    from kehu.orders.services import order_confirm

    order: Any = world.get(_model("orders.Order"))
    if order.status == "draft":
        order = order_confirm(actor=world.owner, order=order)
        world.made[_model("orders.Order")] = order
    return order


def _delivery(world: World) -> models.Model:
    from kehu.orders.services import delivery_create

    order = _confirmed_order(world)
    line = order.lines.first()
    return delivery_create(
        actor=world.owner,
        order=order,
        shipped_on=timezone.localdate(),
        quantities={line.pk: "1"},
    )


def _payment(world: World) -> models.Model:
    from kehu.orders.services import payment_create

    order = _confirmed_order(world)
    return payment_create(
        actor=world.admin,
        order=order,
        amount=Decimal("10.00"),
        received_on=timezone.localdate(),
        method="bank_transfer",
    )


def _approval(world: World) -> models.Model:
    from kehu.customers.services import customer_update
    from kehu.orders.services import credit_approval_request, order_create

    customer: Any = world.get(_model("customers.Customer"))
    customer = customer_update(
        actor=None, customer=customer, version=customer.version, credit_limit=Decimal("1")
    )
    world.made[_model("customers.Customer")] = customer
    product = world.get(_model("orders.Product"))
    order = order_create(
        actor=world.owner, customer=customer, lines=[{"product": product, "quantity": "1"}]
    )
    return credit_approval_request(actor=world.owner, order=order, reason="老客户")


def _churn_action(world: World) -> models.Model:
    from kehu.analytics.services.churn_actions import churn_action_create

    return churn_action_create(
        actor=world.owner,
        customer=world.get(_model("customers.Customer")),
        description="上门回访",
        due_date=timezone.localdate() + timedelta(days=7),
    )


def _consent(world: World) -> models.Model:
    from kehu.privacy.services import consent_grant

    customer = world.get(_model("customers.Customer"))
    return consent_grant(
        actor=world.owner,
        customer=customer,  # type: ignore[arg-type]
        purpose="sms",
        channel="paper",
        wording_version="2026-01",
    )


def _erasure_request(world: World) -> models.Model:
    from kehu.privacy.services import erasure_request

    customer = world.get(_model("customers.Customer"))
    return erasure_request(actor=world.admin, customer=customer)  # type: ignore[arg-type]


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _stage(world: World) -> models.Model:
    return _model("sales.Stage").objects.order_by("pk").first()  # type: ignore[no-any-return]


def _source(world: World) -> models.Model:
    return _model("sales.LeadSource").objects.order_by("pk").first()  # type: ignore[no-any-return]


def _calendar(world: World) -> models.Model:
    from kehu.service.services.setup import calendar_create, weekly_from_text

    weekly = weekly_from_text(dict.fromkeys(range(5), "09:00-12:00, 13:30-18:00"))
    return calendar_create(
        actor=world.admin, name="客服日历", weekly=weekly, follows_national_holidays=False
    )


def _calendar_day(world: World) -> models.Model:
    from kehu.service.services.setup import calendar_day_set

    calendar = world.get(_model("service.BusinessCalendar"))
    return calendar_day_set(
        actor=world.admin, calendar=calendar, day=date(2026, 10, 10), kind="workday", name="调休"
    )  # type: ignore[arg-type]


def _team(world: World) -> models.Model:
    from kehu.service.services.setup import team_create

    calendar = world.get(_model("service.BusinessCalendar"))
    return team_create(
        actor=world.admin, name="售后服务组", calendar=calendar, members=[world.admin]
    )


def _policy(world: World) -> models.Model:
    from kehu.service.services.setup import policy_create

    return policy_create(
        actor=world.admin,
        name="标准服务",
        calendar=world.get(_model("service.BusinessCalendar")),
        first_response_minutes=120,
        resolution_minutes=960,
    )


def _ticket(world: World) -> models.Model:
    from kehu.service.services import ticket_create

    world.get(_model("service.SlaPolicy"))
    return ticket_create(
        actor=world.owner,
        customer=world.get(_model("customers.Customer")),
        kind=_model("service.TicketKind").objects.get(code="complaint"),
        subject="包装破损",
        description="收到的礼盒外包装压坏。",
    )


def _attachment(world: World) -> models.Model:
    from kehu.service.services import ticket_attach

    upload = SimpleUploadedFile("破损照片.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    ticket = world.get(_model("service.Ticket"))
    return ticket_attach(actor=world.owner, ticket=ticket, file=upload)  # type: ignore[arg-type]


def _article(world: World) -> models.Model:
    from kehu.service.services import article_create

    return article_create(
        actor=world.admin,
        title="礼盒破损的处理",
        problem="礼盒运输中压坏。",
        solution="补发并加护角。",
    )


MAKERS: dict[str, Callable[[World], models.Model]] = {
    "core.User": lambda world: world.owner,
    "core.Department": lambda world: world.department,
    "core.Role": lambda world: world.owner.role,  # type: ignore[arg-type,return-value]
    "customers.Customer": _customer,
    "customers.Contact": _contact,
    "customers.Activity": _activity,
    "customers.ImportJob": _import_job,
    "sales.Lead": _lead,
    "sales.LeadSource": _source,
    "sales.Stage": _stage,
    "sales.Opportunity": _opportunity,
    "sales.Milestone": _milestone,
    "sales.OpportunityDocument": _document,
    "sales.SalesTarget": _target,
    "orders.Product": _product,
    "orders.CustomerGroup": _group,
    "orders.Quote": _quote,
    "orders.Order": _order,
    "orders.OrderLine": _order_line,
    "orders.Delivery": _delivery,
    "orders.Payment": _payment,
    "orders.CreditApproval": _approval,
    "analytics.ChurnAction": _churn_action,
    "privacy.Consent": _consent,
    "privacy.ErasureRequest": _erasure_request,
    "service.BusinessCalendar": _calendar,
    "service.CalendarDay": _calendar_day,
    "service.SlaPolicy": _policy,
    "service.ServiceTeam": _team,
    "service.TicketKind": lambda world: _model("service.TicketKind").objects.order_by("pk").first(),
    "service.Ticket": _ticket,
    "service.TicketAttachment": _attachment,
    "service.Article": _article,
}
