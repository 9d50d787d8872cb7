from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kehu.core import regions
from kehu.core.forms import RecordForm
from kehu.core.models import User
from kehu.core.scopes import visible_users
from kehu.customers import imports, selectors
from kehu.customers.models import Activity, Contact, Customer, CustomerKind, OnDuplicate
from kehu.customers.pickers import DealerChoiceField
from kehu.customers.services import CONTACT_FIELDS, CUSTOMER_FIELDS


def _choices(names: list[str]) -> list[tuple[str, str]]:
    return [("", "---------"), *((n, n) for n in names)]


class CustomerForm(RecordForm):
    tags = forms.CharField(
        label=_("tags"),
        required=False,
        help_text=_("Separate tags with commas."),
    )
    layout = (
        (
            (
                _("Basic information"),
                (
                    ("name", "col-12"),
                    ("kind", "col-md-6"),
                    ("owner", "col-md-6"),
                    ("phone", "col-md-6"),
                    ("email", "col-md-6"),
                    ("tags", "col-12"),
                ),
            ),
            (
                _("Region and address"),
                (
                    ("province", "col-md-4"),
                    ("city", "col-md-4"),
                    ("district", "col-md-4"),
                    ("address", "col-12"),
                ),
            ),
        ),
        (
            (
                _("Classification"),
                (
                    ("industry", "col-md-6"),
                    ("business_mode", "col-md-6"),
                    ("source_channel", "col-md-6"),
                    ("dealer", "col-md-6"),
                    ("relationship_level", "col-md-6"),
                    ("lifecycle_stage", "col-md-6"),
                ),
            ),
            (
                _("Credit and finance"),
                (
                    ("credit_rating", "col-md-6"),
                    ("credit_limit", "col-md-3"),
                    ("currency", "col-md-3"),
                    ("annual_revenue", "col-md-6"),
                    ("employee_count", "col-md-6"),
                    ("tax_id", "col-12"),
                ),
            ),
            ("", (("notes", "col-12"),)),
        ),
    )

    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "province": forms.Select,
            "city": forms.Select,
            "district": forms.Select,
        }
        field_classes = {"dealer": DealerChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = visible_users(user)
        owner.label_from_instance = lambda u: u.display_name
        dealer: Any = self.fields["dealer"]
        dealer.queryset = selectors.customer_queryset(user=user).filter(kind=CustomerKind.DEALER)
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(t.name for t in self.instance.tags.all()))
        else:
            self.initial.setdefault("owner", user.pk)
        province = self.data.get("province", self.initial.get("province", self.instance.province))
        city = self.data.get("city", self.initial.get("city", self.instance.city))
        self.fields["province"].widget.choices = _choices(regions.provinces())
        self.fields["city"].widget.choices = _choices(regions.cities(province or ""))
        self.fields["district"].widget.choices = _choices(
            regions.districts(province or "", city or "")
        )

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.replace("，", ",").split(",") if t.strip()]


class CreditForm(RecordForm):
    """A customer's credit terms, for finance."""

    class Meta:
        model = Customer
        fields = list(Customer.restricted_fields)


class ContactForm(RecordForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False)
    province = forms.ChoiceField(label=_("province"), required=False)
    industry = forms.ChoiceField(label=_("industry"), required=False)
    relationship_level = forms.ChoiceField(label=_("relationship level"), required=False)
    lifecycle_stage = forms.ChoiceField(label=_("lifecycle stage"), required=False)
    owner = forms.ChoiceField(label=_("owner"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ["kind", "industry", "relationship_level", "lifecycle_stage"]:
            model_field: Any = Customer._meta.get_field(name)
            self.fields[name].choices = [("", _("All")), *model_field.choices]  # type: ignore[attr-defined]
        self.fields["province"].choices = [("", _("All")), *((p, p) for p in regions.provinces())]  # type: ignore[attr-defined]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *((str(u.pk), u.display_name) for u in visible_users(user)),
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-control" if field is self.fields["q"] else "form-select"
            )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        filters = {
            k: data.get(k)
            for k in ["kind", "province", "industry", "relationship_level", "lifecycle_stage"]
        }
        filters["owner_id"] = data.get("owner")
        return filters


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "at", "subject", "notes"]
        widgets = {
            "at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        at: Any = self.fields["at"]
        at.required = False
        at.input_formats = ["%Y-%m-%dT%H:%M"]


class HandoverForm(forms.Form):
    from_user = forms.ModelChoiceField(label=_("From"), queryset=User.objects.none())
    to_user = forms.ModelChoiceField(label=_("To"), queryset=User.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=500)
    customers = forms.ModelMultipleChoiceField(
        label=_("Customers"),
        queryset=Customer.objects.none(),
        required=False,
        help_text=_("Leave all unticked to hand over every customer of the user."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = visible_users(user)
        for name in ("from_user", "to_user"):
            field: Any = self.fields[name]
            field.queryset = people
            field.label_from_instance = lambda u: u.display_name
        chosen: Any = self.fields["customers"]
        chosen.queryset = selectors.customer_queryset(user=user)


# Imports ---------------------------------------------------------------------------------

ENCODINGS = [
    ("", _("Detect automatically")),
    ("utf-8", "UTF-8"),
    ("gb18030", "GB18030 / GBK / GB2312"),
    ("big5", "Big5"),
    ("utf-16", "UTF-16"),
]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(".csv or .xlsx; of a workbook, the first sheet is read."),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        choices=ENCODINGS,
        required=False,
        help_text=_("Only for .csv files."),
    )
    on_duplicate = forms.ChoiceField(
        label=_("When a row matches an existing customer"),
        choices=OnDuplicate.choices,
        initial=OnDuplicate.SKIP,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("Customers match by name, phone or e-mail."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner of the new customers"),
        queryset=User.objects.none(),
        help_text=_("For rows that do not name an owner."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = visible_users(user)
        owner.label_from_instance = lambda u: u.display_name
        self.initial.setdefault("owner", user.pk)
        if not user.has_perm("customers.change_customer"):
            choices: Any = self.fields["on_duplicate"]
            choices.choices = [c for c in OnDuplicate.choices if c[0] != OnDuplicate.UPDATE]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)d MB.")
                % {"size": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ImportColumnsForm(forms.Form):
    """One select per column of the file: what it is imported into, if anything."""

    def __init__(self, *args: Any, preview: imports.Preview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("— do not import —")),
            *((t.key, capfirst(str(t.label))) for t in imports.TARGETS),
        ]
        chosen = {index: key for key, index in preview.columns.items()}
        for index in range(len(preview.headers)):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=imports.column_name(preview.headers, index),
                choices=choices,
                required=False,
                initial=chosen.get(index, ""),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        columns: dict[str, int] = {}
        for name, key in list(data.items()):
            if not key:
                continue
            if key in columns:
                label = capfirst(str(imports.TARGET_KEYS[key].label))
                self.add_error(
                    name, _("“%(target)s” is chosen for two columns.") % {"target": label}
                )
            columns[key] = int(name.removeprefix("column_"))
        if "name" not in columns:
            raise ValidationError(_("Choose the column that holds the customer name."))
        self.columns = columns
        return data
