"""Forms of the lead pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.core import regions
from kehu.core.forms import RecordForm
from kehu.core.models import Department, User
from kehu.customers import selectors as customer_selectors
from kehu.customers.forms import ActivityForm
from kehu.customers.models import BusinessMode, Customer
from kehu.customers.pickers import ContactChoiceField, CustomerChoiceField
from kehu.sales import selectors
from kehu.sales.forms.choices import DATE, blank_and, people, people_choices
from kehu.sales.models import Lead, LeadSource, LeadStatus
from kehu.sales.services import LEAD_FIELDS


class LeadForm(RecordForm):
    layout = (
        (
            (
                _("Who"),
                (
                    ("company", "col-12"),
                    ("person", "col-md-6"),
                    ("owner", "col-md-6"),
                    ("phone", "col-md-6"),
                    ("email", "col-md-6"),
                    ("province", "col-md-4"),
                    ("city", "col-md-4"),
                    ("district", "col-md-4"),
                ),
            ),
        ),
        (
            (
                _("Where it came from"),
                (
                    ("source", "col-md-6"),
                    ("campaign", "col-md-6"),
                    ("referred_by_customer", "col-md-6"),
                    ("referred_by_contact", "col-md-6"),
                    ("notes", "col-12"),
                ),
            ),
        ),
    )

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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        people(self.fields["owner"], user)
        if not self.instance.pk:
            self.initial.setdefault("owner", user.pk)
        source: Any = self.fields["source"]
        source.queryset = selectors.active_lead_sources()
        referrer: Any = self.fields["referred_by_customer"]
        referrer.queryset = customer_selectors.customer_queryset(user=user).order_by("name")
        contact: Any = self.fields["referred_by_contact"]
        contact.queryset = customer_selectors.contact_queryset(user=user).order_by("name")
        province = self.data.get("province", self.instance.province)
        city = self.data.get("city", self.instance.city)
        self.fields["province"].widget.choices = blank_and(regions.provinces())
        self.fields["city"].widget.choices = blank_and(regions.cities(province or ""))
        self.fields["district"].widget.choices = blank_and(
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status: Any = self.fields["status"]
        status.choices = [("", _("All")), *LeadStatus.choices]
        owner: Any = self.fields["owner"]
        owner.choices = people_choices(user)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status"),
            "source": data.get("source"),
            "owner_id": data.get("owner"),
        }

    def overdue_only(self) -> bool:
        """Whether only the leads not followed up in time are asked for."""
        return self.is_valid() and bool(self.cleaned_data["overdue"])


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Salesperson"), queryset=User.objects.none(), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Or round-robin within team"), queryset=Department.objects.all(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people(self.fields["owner"], user)


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
        label=_("expected close date"), required=False, widget=DATE
    )

    def __init__(self, *args: Any, user: User, candidates: list[Customer], **kwargs: Any) -> None:
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
