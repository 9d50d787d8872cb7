"""Forms of targets and of what administrators set up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.core.forms import Card, RecordForm
from kehu.core.models import User
from kehu.sales.forms.choices import DATE, people
from kehu.sales.models import (
    LeadSource,
    PeriodKind,
    SalesTarget,
    Stage,
    TeamSettings,
    visible_teams,
)
from kehu.sales.services import SOURCE_FIELDS, STAGE_FIELDS, TARGET_FIELDS


class TargetForm(RecordForm):
    layout = (
        (
            (
                "",
                (
                    ("user", "col-md-6"),
                    ("department", "col-md-6"),
                    ("period", "col-md-6"),
                    ("period_start", "col-md-6"),
                    ("amount", "col-md-8"),
                    ("currency", "col-md-4"),
                ),
            ),
        ),
    )

    class Meta:
        model = SalesTarget
        fields = TARGET_FIELDS
        widgets = {"period_start": DATE}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        people(self.fields["user"], user)
        department: Any = self.fields["department"]
        department.queryset = visible_teams(user)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("period"), choices=PeriodKind.choices, required=False)
    day = forms.DateField(
        label=_("containing the day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _one_card(*fields: tuple[str, str]) -> tuple[tuple[Card, ...], ...]:
    """A layout of one card without a title."""
    return ((("", fields),),)


class LeadSourceForm(RecordForm):
    layout = _one_card(
        ("name", "col-12"), ("channel", "col-md-6"), ("order", "col-md-6"), ("is_active", "col-12")
    )

    class Meta:
        model = LeadSource
        fields = SOURCE_FIELDS


class StageForm(RecordForm):
    layout = _one_card(
        ("business_mode", "col-md-6"),
        ("name", "col-md-6"),
        ("order", "col-md-6"),
        ("probability", "col-md-6"),
        ("is_won", "col-md-6"),
        ("is_lost", "col-md-6"),
    )

    class Meta:
        model = Stage
        fields = STAGE_FIELDS


class TeamSettingsForm(RecordForm):
    layout = _one_card(("lead_follow_up_days", "col-12"))

    class Meta:
        model = TeamSettings
        fields = ["lead_follow_up_days"]
