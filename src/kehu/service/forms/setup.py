"""Forms of the service setup: calendars and their days, policies, teams, kinds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kehu.core.forms import RecordForm
from kehu.core.models import User
from kehu.customers.models import RelationshipLevel
from kehu.service.models import (
    WAITING_STATUSES,
    BusinessCalendar,
    Channel,
    DayKind,
    Priority,
    ServiceTeam,
    SlaPolicy,
    TicketKind,
)
from kehu.service.models.calendars import WEEKDAYS, hours_text
from kehu.service.services.setup import (
    KIND_FIELDS,
    POLICY_FIELDS,
    TEAM_FIELDS,
    weekly_from_text,
)


class CalendarForm(RecordForm):
    """A calendar with its week's hours, one line per weekday ("09:00-12:00, 13:30-18:00")."""

    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "follows_national_holidays"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        weekly = self.instance.weekly_intervals() if self.instance.pk else {}
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label,
                required=False,
                initial=hours_text(weekly.get(day, ())),
                help_text=_("Empty: no working hours.") if day == 6 else "",
            )

    layout = (
        (
            (
                None,
                (
                    ("name", "col-12"),
                    ("time_zone", "col-md-6"),
                    ("follows_national_holidays", "col-12"),
                ),
            ),
        ),
        ((_("Working hours"), tuple((f"hours_{day}", "col-12") for day in range(7))),),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        texts = {day: data.pop(f"hours_{day}", "") or "" for day in range(7)}
        try:
            data["weekly"] = weekly_from_text({day: t for day, t in texts.items() if t.strip()})
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                self.add_error(name, problems)
        return data


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), choices=DayKind.choices)
    hours = forms.CharField(
        label=_("hours"),
        required=False,
        help_text=_("A working day's own hours; empty: a normal working day's."),
    )
    name = forms.CharField(label=_("name"), required=False, max_length=100)


ANY = _("None ticked: any.")


def _any_of(label: Any, choices: Any, help_text: Any = ANY) -> Any:
    """A policy's condition: the values it holds for, none for any."""
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class PolicyForm(RecordForm):
    priorities = _any_of(_("priorities"), Priority.choices)
    channels = _any_of(_("channels"), Channel.choices)
    customer_levels = _any_of(_("customer relationship levels"), RelationshipLevel.choices)
    pause_statuses = _any_of(
        _("statuses that pause the clock"), [(s.value, s.label) for s in WAITING_STATUSES], ""
    )
    layout = (
        (
            (
                _("When it applies"),
                (
                    ("name", "col-md-8"),
                    ("order", "col-md-4"),
                    ("is_active", "col-12"),
                    ("kinds", "col-12"),
                    ("priorities", "col-12"),
                    ("channels", "col-12"),
                    ("customer_levels", "col-12"),
                ),
            ),
        ),
        (
            (
                _("Targets"),
                (
                    ("calendar", "col-12"),
                    ("first_response_minutes", "col-md-4"),
                    ("next_response_minutes", "col-md-4"),
                    ("resolution_minutes", "col-md-4"),
                    ("pause_statuses", "col-12"),
                    ("acceptance_days", "col-12"),
                ),
            ),
        ),
    )

    class Meta:
        model = SlaPolicy
        fields = [*POLICY_FIELDS, "kinds"]
        widgets = {"kinds": forms.CheckboxSelectMultiple}


class TeamForm(RecordForm):
    layout = (
        ((None, (("name", "col-12"), ("lead", "col-md-6"), ("calendar", "col-md-6"))),),
        ((None, (("members", "col-12"),)),),
    )

    class Meta:
        model = ServiceTeam
        fields = [*TEAM_FIELDS, "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        people: Any = User.objects.filter(is_active=True).order_by("username")
        for name in ("lead", "members"):
            field: Any = self.fields[name]
            field.queryset = people


class KindForm(RecordForm):
    layout = (
        (
            (
                None,
                (
                    ("code", "col-md-6"),
                    ("name", "col-md-6"),
                    ("order", "col-md-6"),
                    ("needs_reply", "col-12"),
                    ("is_active", "col-12"),
                ),
            ),
        ),
    )

    class Meta:
        model = TicketKind
        fields = KIND_FIELDS
