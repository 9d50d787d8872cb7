"""Forms of the ticket pages: a new ticket, the steps of its work, the queue's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kehu.core.forms import RecordForm
from kehu.core.models import User
from kehu.customers import selectors as customer_selectors
from kehu.customers.pickers import ContactChoiceField, CustomerChoiceField
from kehu.orders import selectors as order_selectors
from kehu.service import selectors
from kehu.service.models import (
    Satisfaction,
    ServiceTeam,
    Ticket,
)
from kehu.service.services.tickets import TICKET_FIELDS, WORKING_STATUSES

# Enough to find the order a call is about; an older one is named in the description.
ORDERS_OFFERED = 50


MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TicketForm(RecordForm):
    """A new ticket (with its team and assignee) or an edit of one (hand-overs are the
    assign step's)."""

    team = forms.ModelChoiceField(
        label=_("service team"), queryset=ServiceTeam.objects.none(), required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("assignee"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: the team's next member in turn."),
    )
    layout = (
        (
            (
                _("Who is calling"),
                (("customer", "col-12"), ("contact", "col-12"), ("channel", "col-md-6")),
            ),
            (
                _("Who takes it"),
                (("team", "col-md-6"), ("assignee", "col-md-6")),
            ),
        ),
        (
            (
                _("The problem"),
                (
                    ("kind", "col-md-6"),
                    ("priority", "col-md-6"),
                    ("subject", "col-12"),
                    ("description", "col-12"),
                    ("order", "col-md-6"),
                    ("product", "col-md-6"),
                    ("promise", "col-md-7"),
                    ("promised_by", "col-md-5"),
                ),
            ),
        ),
    )

    class Meta:
        model = Ticket
        fields = TICKET_FIELDS
        widgets = {
            # As the agent writes, the similar cases below are looked up (htmx).
            "description": forms.Textarea(
                attrs={
                    "rows": 5,
                    "hx-get": reverse_lazy("service:similar"),
                    "hx-trigger": "input changed delay:500ms, load",
                    "hx-target": "#similar-cases",
                }
            ),
            "promised_by": MOMENT,
        }
        field_classes = {"customer": CustomerChoiceField, "contact": ContactChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        fields: Any = self.fields
        fields["customer"].queryset = customer_selectors.customer_queryset(user=user)
        fields["contact"].queryset = customer_selectors.contact_queryset(user=user)
        fields["kind"].queryset = selectors.kinds_active()
        # A customer's own orders: the latest of the customer the form is about, once known.
        customer = (
            self.data.get("customer") or self.initial.get("customer") or self.instance.customer_id
        )
        orders = order_selectors.order_queryset(user=user)
        latest = (
            list(
                orders.filter(customer_id=customer)
                .order_by("-id")
                .values_list("pk", flat=True)[:ORDERS_OFFERED]
            )
            if str(customer or "").isdigit()
            else []
        )
        if self.instance.order_id:
            latest.append(self.instance.order_id)
        fields["order"].queryset = orders.filter(pk__in=latest).order_by("-id")
        fields["order"].help_text = _("The chosen customer's latest orders.")
        fields["product"].queryset = order_selectors.product_list(active_only=True)
        if self.instance.pk:
            del self.fields["team"], self.fields["assignee"]
        else:
            fields["team"].queryset = selectors.teams()
            fields["assignee"].queryset = selectors.service_people()
            self.initial.setdefault("team", selectors.teams().filter(members=user).first())


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(label=_("service team"), queryset=ServiceTeam.objects.none())
    assignee = forms.ModelChoiceField(
        label=_("assignee"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: the team's next member in turn."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["team"].queryset = selectors.teams()
        fields["assignee"].queryset = selectors.service_people()


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("message"), widget=forms.Textarea(attrs={"rows": 3}))
    from_customer = forms.BooleanField(
        label=_("The customer's words (taken by phone)"), required=False
    )
    internal = forms.BooleanField(label=_("Internal note"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), choices=[(s.value, s.label) for s in WORKING_STATUSES]
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("resolution"), widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("satisfaction"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    comment = forms.CharField(
        label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AttachForm(forms.Form):
    file = forms.FileField(label=_("file"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class QueueForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    team = forms.ModelChoiceField(
        label=_("service team"),
        queryset=ServiceTeam.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)
    late = forms.BooleanField(label=_("Late"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team: Any = self.fields["team"]
        team.queryset = selectors.teams()

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q", ""),
            "team": data.get("team"),
            "mine": bool(data.get("mine")),
            "late": bool(data.get("late")),
        }
