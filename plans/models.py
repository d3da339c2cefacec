"""Children, their IEPs and provisions, school calendars and absences.

The arithmetic of design.md section 6 stands on three questions this module answers for one record
at a time: is a day a school day (``SchoolCalendar.is_school_day``), did the child attend
(``Absence``), and is a provision expected on a day (``Provision.is_expected_on``). Work across
many days lives in ``plans.schooldays``.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Household

US_STATES = [
    ("AL", _("Alabama")),
    ("AK", _("Alaska")),
    ("AZ", _("Arizona")),
    ("AR", _("Arkansas")),
    ("CA", _("California")),
    ("CO", _("Colorado")),
    ("CT", _("Connecticut")),
    ("DE", _("Delaware")),
    ("DC", _("District of Columbia")),
    ("FL", _("Florida")),
    ("GA", _("Georgia")),
    ("HI", _("Hawaii")),
    ("ID", _("Idaho")),
    ("IL", _("Illinois")),
    ("IN", _("Indiana")),
    ("IA", _("Iowa")),
    ("KS", _("Kansas")),
    ("KY", _("Kentucky")),
    ("LA", _("Louisiana")),
    ("ME", _("Maine")),
    ("MD", _("Maryland")),
    ("MA", _("Massachusetts")),
    ("MI", _("Michigan")),
    ("MN", _("Minnesota")),
    ("MS", _("Mississippi")),
    ("MO", _("Missouri")),
    ("MT", _("Montana")),
    ("NE", _("Nebraska")),
    ("NV", _("Nevada")),
    ("NH", _("New Hampshire")),
    ("NJ", _("New Jersey")),
    ("NM", _("New Mexico")),
    ("NY", _("New York")),
    ("NC", _("North Carolina")),
    ("ND", _("North Dakota")),
    ("OH", _("Ohio")),
    ("OK", _("Oklahoma")),
    ("OR", _("Oregon")),
    ("PA", _("Pennsylvania")),
    ("PR", _("Puerto Rico")),
    ("RI", _("Rhode Island")),
    ("SC", _("South Carolina")),
    ("SD", _("South Dakota")),
    ("TN", _("Tennessee")),
    ("TX", _("Texas")),
    ("UT", _("Utah")),
    ("VT", _("Vermont")),
    ("VA", _("Virginia")),
    ("WA", _("Washington")),
    ("WV", _("West Virginia")),
    ("WI", _("Wisconsin")),
    ("WY", _("Wyoming")),
]

# English, for what is recorded and exported (the ledger's payloads, the JSON of the numbers): never
# translated, a record's hash depends on it. Pages use weekday_name(), in the active language.
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONDAY_TO_FRIDAY = 0b0011111  # bit 0 = Monday ... bit 6 = Sunday


def weekday_set(mask: int) -> set[int]:
    """The weekdays (0 = Monday) whose bits are set in ``mask``."""
    return {day for day in range(7) if mask & (1 << day)}


def weekday_mask(days: set[int] | list[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << int(day)
    return mask


def weekday_name(day: int) -> str:
    """The name of a weekday (0 = Monday) in the active language: Django's."""
    return str(WEEKDAYS[day])


def weekday_phrase(mask: int) -> str:
    """ "Monday to Friday" for the usual school week, else the day names: "Tuesday, Thursday"."""
    if mask == MONDAY_TO_FRIDAY:
        return gettext("Monday to Friday")
    return ", ".join(weekday_name(day) for day in sorted(weekday_set(mask)))


class Child(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(max_length=120)
    date_of_birth = models.DateField(null=True, blank=True)
    school = models.CharField(max_length=160, blank=True)
    grade = models.CharField(max_length=40, blank=True)
    district = models.CharField(max_length=160, blank=True)
    state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return self.name

    def current_iep(self, day: date) -> Iep | None:
        """The version that speaks for the child on ``day`` (its case manager, its wording in letters):
        the latest to have started by then, else the first to come; drafts never count."""
        ieps = self.ieps.exclude(status=Iep.Status.DRAFT).order_by("-effective_from", "-pk")
        return ieps.filter(effective_from__lte=day).first() or ieps.last()

    def iep_on(self, day: date) -> Iep | None:
        """The active or superseded IEP version in force on ``day`` (drafts never count)."""
        return (
            self.ieps.exclude(status=Iep.Status.DRAFT)
            .filter(effective_from__lte=day)
            .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day))
            .order_by("-effective_from")
            .first()
        )


class Iep(models.Model):
    """One version of a child's IEP. An amendment is a new version, never an edit of the old one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        SUPERSEDED = "superseded", _("Superseded")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="ieps")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    effective_from = models.DateField(_("in effect from"))
    effective_to = models.DateField(
        _("in effect until"), null=True, blank=True, help_text=_("Leave empty while this version is current.")
    )
    meeting_date = models.DateField(_("IEP meeting date"), null=True, blank=True)
    annual_review_due = models.DateField(null=True, blank=True)
    reevaluation_due = models.DateField(null=True, blank=True)
    case_manager_name = models.CharField(max_length=120, blank=True)
    case_manager_email = models.EmailField(blank=True)
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        help_text=_("The version this one replaces."),
    )
    amendment_note = models.CharField(max_length=300, blank=True)
    # The IEP document itself: an evidence.Attachment (stored by content hash).
    source_file = models.ForeignKey(
        "evidence.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["child_id", "-effective_from"]
        verbose_name = _("IEP")
        verbose_name_plural = _("IEPs")

    def __str__(self) -> str:
        return f"IEP of {self.child} from {self.effective_from:%Y-%m-%d}"

    def is_in_force_on(self, day: date) -> bool:
        return (
            self.status != self.Status.DRAFT
            and self.effective_from <= day
            and (self.effective_to is None or day <= self.effective_to)
        )

    def entries_outside_dates(self) -> dict[int, list[date]]:
        """Days logged for this version's provisions outside its dates, by provision id.

        Such entries (e.g. after ``update_iep`` moved the start) count nowhere, minutes included
        (design.md section 6), unless another version of the same provision is in force that day.
        Withdrawn entries are left out. Reached through the reverse relation, as plans sits below
        the log (two queries).
        """
        outside = models.Q(date__lt=self.effective_from)
        if self.effective_to is not None:
            outside |= models.Q(date__gt=self.effective_to)
        rows = list(
            self.provisions.model.log_entries.rel.related_model.objects.filter(  # type: ignore[attr-defined]
                outside, provision__iep=self, retracted_at__isnull=True
            )
            .order_by("date")
            .values_list("provision_id", "provision__lineage", "date")
        )
        if not rows:
            return {}
        others = [
            (lineage, iep)
            for lineage, iep in (
                (p.lineage, p.iep)
                for p in Provision.objects.filter(lineage__in={row[1] for row in rows}, iep__child_id=self.child_id)
                .exclude(iep=self)
                .select_related("iep")
            )
        ]
        result: dict[int, list[date]] = {}
        for provision_id, lineage, day in rows:
            if not any(other_lineage == lineage and iep.is_in_force_on(day) for other_lineage, iep in others):
                result.setdefault(provision_id, []).append(day)
        return result


class Provision(models.Model):
    """One accommodation, modification, service or support, in the IEP's exact words."""

    class Kind(models.TextChoices):
        ACCOMMODATION = "accommodation", _("Accommodation")
        MODIFICATION = "modification", _("Modification")
        SERVICE = "service", _("Service")
        SUPPLEMENTARY_AID = "supplementary_aid", _("Supplementary aid")
        ASSISTIVE_TECHNOLOGY = "assistive_technology", _("Assistive technology")
        BEHAVIOR_SUPPORT = "behavior_support", _("Behavior support")
        STAFF_SUPPORT = "staff_support", _("Support for school staff")
        OTHER = "other", _("Other")

    class Schedule(models.TextChoices):
        EVERY_DAY = "every_day", _("Every school day the child attends")
        WEEKDAYS = "weekdays", _("Only on chosen weekdays")
        FLEXIBLE = "flexible", _("Flexible: the provider picks the days (e.g. “120 minutes a month”)")

    class Period(models.TextChoices):
        WEEK = "week", _("per week")
        MONTH = "month", _("per month")

    iep = models.ForeignKey(Iep, on_delete=models.CASCADE, related_name="provisions")
    # Copies of one provision across IEP versions share a lineage, so its history can be followed.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    label = models.CharField(
        _("short label"), max_length=80, help_text=_("A few words you will recognise, e.g. “Extended time”.")
    )
    wording = models.TextField(_("exact IEP wording"), help_text=_("Copy the words from the IEP exactly."))
    setting = models.CharField(_("where"), max_length=120, blank=True, help_text=_("e.g. general education classroom"))
    responsible_staff = models.CharField(_("who provides it"), max_length=120, blank=True)
    schedule = models.CharField(max_length=12, choices=Schedule.choices, default=Schedule.EVERY_DAY)
    weekdays = models.PositiveSmallIntegerField(
        default=MONDAY_TO_FRIDAY,
        help_text=_("Bit mask of weekdays (bit 0 = Monday) when the schedule is chosen weekdays."),
    )
    minutes = models.PositiveIntegerField(_("minutes required"), null=True, blank=True)
    period = models.CharField(max_length=8, choices=Period.choices, blank=True)
    # Where the IEP states them: "2 sessions of 30 minutes per week" (design.md section 4).
    sessions = models.PositiveIntegerField(
        _("number of sessions"),
        null=True,
        blank=True,
        help_text=_("Only if the IEP says how many sessions each week or month, e.g. 2."),
    )
    session_minutes = models.PositiveIntegerField(
        _("length of one session (minutes)"),
        null=True,
        blank=True,
        help_text=_("Only if the IEP says how long a session is. Used when you log a session as delivered."),
    )
    purpose = models.TextField(_("purpose or importance, as the IEP states it"), blank=True)

    class Meta:
        ordering = ["iep_id", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_service_with_minutes(self) -> bool:
        return self.minutes is not None and bool(self.period)

    @property
    def is_flexible(self) -> bool:
        """No fixed days: the provider picks them, so no day is ever expected (design.md section 6)."""
        return self.schedule == self.Schedule.FLEXIBLE

    @property
    def schedule_phrase(self) -> str:
        if self.schedule == self.Schedule.WEEKDAYS:
            return weekday_phrase(self.weekdays)
        if self.schedule == self.Schedule.FLEXIBLE:
            return gettext("Flexible (the provider picks the days)")
        return gettext("Every school day")

    @property
    def amount_phrase(self) -> str:
        """ "120 per month (4 sessions of 30 min)", "60 per week (sessions of 30 min)", or ""."""
        if not self.is_service_with_minutes:
            return ""
        if self.period == self.Period.MONTH:
            amount = gettext("%(minutes)s per month") % {"minutes": self.minutes}
        else:
            amount = gettext("%(minutes)s per week") % {"minutes": self.minutes}
        return self.with_sessions(amount)

    def with_sessions(self, amount: str) -> str:
        """``amount`` followed by the sessions the IEP states: "... (4 sessions of 30 min)", if any."""
        values = {"amount": amount, "sessions": self.sessions, "length": self.session_minutes}
        if self.sessions and self.session_minutes:
            return (
                ngettext(
                    "%(amount)s (%(sessions)s session of %(length)s min)",
                    "%(amount)s (%(sessions)s sessions of %(length)s min)",
                    self.sessions,
                )
                % values
            )
        if self.sessions:
            return (
                ngettext("%(amount)s (%(sessions)s session)", "%(amount)s (%(sessions)s sessions)", self.sessions)
                % values
            )
        if self.session_minutes:
            return gettext("%(amount)s (sessions of %(length)s min)") % values
        return amount

    def scheduled_weekdays(self) -> set[int]:
        """The weekdays the provision is owed on; none for a flexible schedule."""
        if self.schedule == self.Schedule.WEEKDAYS:
            return weekday_set(self.weekdays)
        if self.schedule == self.Schedule.FLEXIBLE:
            return set()
        return set(range(7))

    def is_expected_on(self, day: date, calendar: SchoolCalendar | None, absent: bool = False) -> bool:
        """Is this provision owed on ``day``: an attended school day, in force, on its schedule?

        Never for a flexible schedule: its sessions are logged when they happen, not expected.
        """
        return (
            not absent
            and calendar is not None
            and calendar.is_school_day(day)
            and self.iep.is_in_force_on(day)
            and day.weekday() in self.scheduled_weekdays()
        )


class SchoolCalendar(models.Model):
    """One school year for one child: first and last day, regular weekdays, non-school days."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="calendars")
    name = models.CharField(max_length=80, help_text=_("e.g. 2026-27 school year"))
    first_day = models.DateField()
    last_day = models.DateField()
    weekdays = models.PositiveSmallIntegerField(default=MONDAY_TO_FRIDAY, help_text=_("Bit mask, bit 0 = Monday."))

    class Meta:
        ordering = ["child_id", "-first_day"]

    def __str__(self) -> str:
        return self.name

    def regular_weekdays(self) -> set[int]:
        return weekday_set(self.weekdays)

    def is_school_day(self, day: date) -> bool:
        """A regular weekday inside the year that is not a named non-school day."""
        if not (self.first_day <= day <= self.last_day) or day.weekday() not in self.regular_weekdays():
            return False
        return not any(off.start <= day <= off.end for off in self.non_school_days.all())


class NonSchoolDay(models.Model):
    """A holiday, break or closure: one day (start = end) or a range."""

    calendar = models.ForeignKey(SchoolCalendar, on_delete=models.CASCADE, related_name="non_school_days")
    name = models.CharField(max_length=80)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["calendar_id", "start"]

    def __str__(self) -> str:
        return self.name


class Absence(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="absences")
    date = models.DateField()
    reason = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child_id", "-date"]
        constraints = [models.UniqueConstraint(fields=["child", "date"], name="one_absence_per_child_day")]

    def __str__(self) -> str:
        return f"{self.child} absent {self.date}"
