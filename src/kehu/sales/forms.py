"""Forms of the sales pages. They validate input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.core import regions
from kehu.core.models import Department, User
from kehu.core.scopes import visible_users
from kehu.customers import selectors as customer_selectors
from kehu.customers.forms import ActivityForm
from kehu.customers.models import BusinessMode, Contact, Customer
from kehu.customers.pickers import ContactChoiceField, CustomerChoiceField
from kehu.sales import selectors
from kehu.sales.models import (
    DecisionMaker,
    Lead,
    LeadSource,
    LeadStatus,
    Milestone,
    Opportunity,
    PeriodKind,
    ProjectEvaluation,
    SalesTarget,
    Stage,
    TeamSettings,
)
from kehu.sales.services import LEAD_FIELDS, OPPORTUNITY_FIELDS, TARGET_FIELDS
from kehu.sales.services.config import SOURCE_FIELDS, STAGE_FIELDS
from kehu.sales.services.projects import EVALUATION_FIELDS


def _choices(names: list[str]) -> list[tuple[str, str]]:
    return [("", "---------"), *((n, n) for n in names)]


def _people(field: Any, user: Any) -> None:
    field.queryset = visible_users(user)
    field.label_from_instance = lambda u: u.display_name


def _people_choices(user: Any) -> list[tuple[str, str]]:
    return [("", _("All")), *((str(u.pk), u.display_name) for u in visible_users(user))]


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version


class LeadForm(VersionedForm):
    class Meta:
        model = Lead
        fields = LEAD_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "province": forms.Select,
            "city": forms.Select,
            "district": forms.Select,
        }
        field_classes = {
            "referred_by_customer": CustomerChoiceField,
            "referred_by_contact": ContactChoiceField,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["owner"], user)
        if not self.instance.pk:
            self.initial.setdefault("owner", user.pk)
        source: Any = self.fields["source"]
        source.queryset = LeadSource.objects.filter(is_active=True)
        referrer: Any = self.fields["referred_by_customer"]
        referrer.queryset = customer_selectors.customer_queryset(user=user).order_by("name")
        contact: Any = self.fields["referred_by_contact"]
        contact.queryset = customer_selectors.contact_queryset(user=user).order_by("name")
        province = self.data.get("province", self.instance.province)
        city = self.data.get("city", self.instance.city)
        self.fields["province"].widget.choices = _choices(regions.provinces())
        self.fields["city"].widget.choices = _choices(regions.cities(province or ""))
        self.fields["district"].widget.choices = _choices(
            regions.districts(province or "", city or "")
        )


class LeadFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    source = forms.ModelChoiceField(
        label=_("source"), queryset=LeadSource.objects.all(), required=False, empty_label=_("All")
    )
    owner = forms.ChoiceField(label=_("owner"), required=False)
    overdue = forms.BooleanField(label=_("Not followed up in time"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status: Any = self.fields["status"]
        status.choices = [("", _("All")), *LeadStatus.choices]
        owner: Any = self.fields["owner"]
        owner.choices = _people_choices(user)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status"),
            "source": data.get("source"),
            "owner_id": data.get("owner"),
        }


class AssignForm(forms.Form):
    owner: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Salesperson"), queryset=User.objects.none(), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Or round-robin within team"), queryset=Department.objects.all(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["owner"], user)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"),
        choices=[c for c in LeadStatus.choices if c[0] != LeadStatus.CONVERTED],
    )
    reason = forms.CharField(label=_("reason for disqualifying"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpForm(ActivityForm):
    """A follow-up on a lead: the same fields as a customer's."""


class ConvertForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    customer = forms.ModelChoiceField(
        label=_("Link to an existing customer"),
        queryset=Customer.objects.none(),
        required=False,
        help_text=_("Leave empty to create a new customer from the lead."),
    )
    allow_duplicate = forms.BooleanField(
        label=_("It is a different customer: create it anyway"), required=False
    )
    create_opportunity = forms.BooleanField(label=_("Also create an opportunity"), required=False)
    name = forms.CharField(label=_("opportunity name"), max_length=200, required=False)
    business_mode = forms.ChoiceField(
        label=_("business mode"), choices=BusinessMode.choices, required=False
    )
    amount = forms.DecimalField(
        label=_("expected amount"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    currency = forms.CharField(label=_("currency"), max_length=3, initial="CNY", required=False)
    expected_close_date = forms.DateField(
        label=_("expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, user: Any, candidates: list[Customer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customer: Any = self.fields["customer"]
        customer.queryset = customer_selectors.customer_queryset(user=user).filter(
            pk__in=[c.pk for c in candidates]
        )

    def opportunity(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("create_opportunity"):
            return None
        fields = ["name", "business_mode", "amount", "currency", "expected_close_date"]
        return {k: data[k] for k in fields if data.get(k) not in ("", None)}


class OpportunityForm(VersionedForm):
    customer = CustomerChoiceField(label=_("customer"))

    class Meta:
        model = Opportunity
        fields = ["customer", *OPPORTUNITY_FIELDS]
        widgets = {
            "expected_close_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "competitors": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["owner"], user)
        customer: Any = self.fields["customer"]
        customer.queryset = customer_selectors.customer_queryset(user=user).order_by("name")
        stage: Any = self.fields["stage"]
        stage.queryset = Stage.objects.all()
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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.choices = _people_choices(user)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def value(self, name: str, default: str = "") -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get(name) or default


class TargetForm(VersionedForm):
    class Meta:
        model = SalesTarget
        fields = TARGET_FIELDS
        widgets = {"period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["user"], user)
        department: Any = self.fields["department"]
        department.queryset = Department.objects.filter(
            pk__in=[
                d.pk
                for d in Department.objects.all()
                if selectors.team_visible(user=user, department=d)
            ]
        )


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("period"), choices=PeriodKind.choices, required=False)
    day = forms.DateField(
        label=_("containing the day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class LeadSourceForm(forms.ModelForm):
    class Meta:
        model = LeadSource
        fields = SOURCE_FIELDS


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = STAGE_FIELDS


class TeamSettingsForm(forms.ModelForm):
    class Meta:
        model = TeamSettings
        fields = ["lead_follow_up_days"]


class EvaluationForm(VersionedForm):
    class Meta:
        model = ProjectEvaluation
        fields = EVALUATION_FIELDS
        widgets = {
            "decision_process": forms.Textarea(attrs={"rows": 2}),
            "competitors": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class DecisionMakerForm(forms.ModelForm):
    contact = forms.ModelChoiceField(label=_("contact"), queryset=Contact.objects.none())

    class Meta:
        model = DecisionMaker
        fields = ["contact", "role", "attitude", "notes"]

    def __init__(self, *args: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact: Any = self.fields["contact"]
        contact.queryset = opportunity.customer.contacts.all()


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("file"))
