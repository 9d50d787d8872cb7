"""The service desk's setup pages: business calendars and their days, service-level
policies, and teams."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.core.pages import WRITES, Loader, RecordPages, UserRequest, page, step_taken
from kehu.core.records import Writes
from kehu.service import selectors
from kehu.service.forms import CalendarDayForm, CalendarForm, KindForm, PolicyForm, TeamForm
from kehu.service.models import BusinessCalendar, CalendarDay, ServiceTeam, SlaPolicy, TicketKind
from kehu.service.services import setup

SETUP = "service.view_businesscalendar"


@page(SETUP)
def setup_overview(request: UserRequest) -> HttpResponse:
    context = {
        "calendars": selectors.calendars(),
        "policies": selectors.policies(),
        "teams": selectors.teams(),
        "kinds": selectors.kinds(),
    }
    return render(request, "service/setup.html", context)


def _back(_record: object) -> str:
    return reverse("service:setup")


calendar_new, calendar_edit = RecordPages(
    form=CalendarForm,
    writes=Writes.named(setup, "calendar"),
    template="service/setup_form.html",
    titles=(gettext_lazy("New business calendar"), gettext_lazy("Edit business calendar")),
    saved=gettext_lazy("Calendar “%(name)s” saved."),
    done=lambda calendar: reverse("service:calendar", args=[calendar.pk]),
    back=_back,
    record="calendar",
    loader=BusinessCalendar,
).views(add="service.add_businesscalendar", change="service.change_businesscalendar")

policy_new, policy_edit = RecordPages(
    form=PolicyForm,
    writes=Writes.named(setup, "policy"),
    template="service/setup_form.html",
    titles=(gettext_lazy("New service-level policy"), gettext_lazy("Edit service-level policy")),
    saved=gettext_lazy("Policy “%(name)s” saved."),
    done=_back,
    back=_back,
    record="policy",
    loader=SlaPolicy,
).views(add="service.add_slapolicy", change="service.change_slapolicy")

team_new, team_edit = RecordPages(
    form=TeamForm,
    writes=Writes.named(setup, "team"),
    template="service/setup_form.html",
    titles=(gettext_lazy("New service team"), gettext_lazy("Edit service team")),
    saved=gettext_lazy("Team “%(name)s” saved."),
    done=_back,
    back=_back,
    record="team",
    loader=ServiceTeam,
).views(add="service.add_serviceteam", change="service.change_serviceteam")


kind_new, kind_edit = RecordPages(
    form=KindForm,
    writes=Writes.named(setup, "kind"),
    template="service/setup_form.html",
    titles=(gettext_lazy("New ticket kind"), gettext_lazy("Edit ticket kind")),
    saved=gettext_lazy("Ticket kind “%(name)s” saved."),
    done=_back,
    back=_back,
    record="kind",
    loader=TicketKind,
).views(add="service.add_ticketkind", change="service.change_ticketkind")


def _year(request: UserRequest) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 1900 < int(text) < 3000 else timezone.localdate().year


@page(SETUP, calendar=BusinessCalendar)
def calendar_detail(request: UserRequest, calendar: BusinessCalendar) -> HttpResponse:
    year = _year(request)
    context = {
        "calendar": calendar,
        "year": year,
        "days": selectors.calendar_days(calendar, year),
        "day_form": CalendarDayForm(),
    }
    return render(request, "service/calendar_detail.html", context)


@page("service.change_businesscalendar", methods=WRITES, calendar=BusinessCalendar)
def calendar_day_add(request: UserRequest, calendar: BusinessCalendar) -> HttpResponseBase:
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("service:calendar", calendar=calendar.pk)
    year = form.cleaned_data["day"].year
    return step_taken(
        request,
        lambda: setup.calendar_day_set(actor=request.user, calendar=calendar, **form.cleaned_data),
        done=_("Day saved. Open tickets' deadlines follow."),
        back=f"{reverse('service:calendar', args=[calendar.pk])}?year={year}",
    )


@page(
    "service.change_businesscalendar",
    methods=WRITES,
    calendar=BusinessCalendar,
    day=Loader(CalendarDay, of="calendar"),
)
def calendar_day_delete(
    request: UserRequest, calendar: BusinessCalendar, day: CalendarDay
) -> HttpResponseBase:
    setup.calendar_day_delete(actor=request.user, day=day)
    messages.success(request, _("Day removed."))
    return redirect(f"{reverse('service:calendar', args=[calendar.pk])}?year={day.date.year}")


@page("service.change_businesscalendar", methods=WRITES, calendar=BusinessCalendar)
def calendar_national_load(request: UserRequest, calendar: BusinessCalendar) -> HttpResponseBase:
    year = _year(request)
    loaded = setup.national_days_load(calendar=calendar, years=range(year, year + 1))
    if loaded:
        messages.success(
            request, _("%(count)d public holidays and make-up days loaded.") % {"count": loaded}
        )
    else:
        messages.warning(
            request,
            _("The public holiday calendar does not know %(year)d yet: add its days by hand.")
            % {"year": year},
        )
    return redirect(f"{reverse('service:calendar', args=[calendar.pk])}?year={year}")
