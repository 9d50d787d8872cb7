"""Forms of the opportunity pages: the opportunity, the board, a project deal's parts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.core.forms import RecordForm
from kehu.core.models import User
from kehu.customers import selectors as customer_selectors
from kehu.customers.models import BusinessMode, Contact
from kehu.customers.pickers import CustomerChoiceField
from kehu.sales import selectors
from kehu.sales.forms.choices import DATE, people, people_choices
from kehu.sales.models import DecisionMaker, Milestone, Opportunity, ProjectEvaluation, Stage
from kehu.sales.services import (
    DECISION_MAKER_FIELDS,
    EVALUATION_FIELDS,
    MILESTONE_FIELDS,
    OPPORTUNITY_FIELDS,
)


class OpportunityForm(RecordForm):
    customer = CustomerChoiceField(label=_("customer"))
    layout = (
        (
            (
                _("Opportunity"),
                (
                    ("name", "col-12"),
                    ("customer", "col-12"),
                    ("owner", "col-md-6"),
                    ("business_mode", "col-md-6"),
                    ("stage", "col-12"),
                ),
            ),
        ),
        (
            (
                _("Amount and closing"),
                (
                    ("amount", "col-md-8"),
                    ("currency", "col-md-4"),
                    ("expected_close_date", "col-md-6"),
                    ("lost_reason", "col-12"),
                ),
            ),
            ("", (("competitors", "col-12"), ("notes", "col-12"))),
        ),
    )

    class Meta:
        model = Opportunity
        fields = ["customer", *OPPORTUNITY_FIELDS]
        widgets = {
            "expected_close_date": DATE,
            "competitors": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        people(self.fields["owner"], user)
        customer: Any = self.fields["customer"]
        customer.queryset = customer_selectors.customer_queryset(user=user).order_by("name")
        stage: Any = self.fields["stage"]
        stage.queryset = selectors.stages()
        stage.label_from_instance = lambda s: f"{s.get_business_mode_display()} · {s}"
        stage.required = False
        if self.instance.pk:
            customer.disabled = True
        else:
            self.initial.setdefault("owner", user.pk)


class BoardFilterForm(forms.Form):
    business_mode = forms.ChoiceField(
        label=_("business mode"), choices=BusinessMode.choices, required=False
    )
    owner = forms.ChoiceField(label=_("owner"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.choices = people_choices(user)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def value(self, name: str, default: str = "") -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get(name) or default


class MoveForm(forms.Form):
    """A card dropped on another column of the board."""

    stage = forms.ModelChoiceField(
        label=_("stage"),
        queryset=Stage.objects.all(),
        error_messages={"invalid_choice": _("No such stage."), "required": _("No such stage.")},
    )
    version = forms.IntegerField(required=False)
    lost_reason = forms.CharField(label=_("lost reason"), max_length=500, required=False)


class EvaluationForm(RecordForm):
    class Meta:
        model = ProjectEvaluation
        fields = EVALUATION_FIELDS
        widgets = {
            "decision_process": forms.Textarea(attrs={"rows": 2}),
            "competitors": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class DecisionMakerForm(RecordForm):
    contact = forms.ModelChoiceField(label=_("contact"), queryset=Contact.objects.none())

    class Meta:
        model = DecisionMaker
        fields = ["contact", *DECISION_MAKER_FIELDS]

    def __init__(self, *args: Any, user: User, opportunity: Opportunity, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        contact: Any = self.fields["contact"]
        contact.queryset = opportunity.customer.contacts.all()


class MilestoneForm(RecordForm):
    class Meta:
        model = Milestone
        fields = MILESTONE_FIELDS
        widgets = {"due_date": DATE}


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("file"))
