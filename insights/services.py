"""What the insights pages need, computed in one place: the range, the choices and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from insights.charts import Chart, heatmap_chart, minutes_chart, monthly_delivery_chart
from insights.compliance import Compliance, ProvisionCompliance, compute_compliance
from insights.patterns import Patterns, find_patterns
from plans.models import Child, Iep, Provision, SchoolCalendar


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date
    description: str


def provision_choices(child: Child) -> list[tuple[int, str]]:
    """One choice per provision (lineage): the latest version's id and label, in IEP order."""
    rows = (
        Provision.objects.filter(iep__child=child)
        .exclude(iep__status=Iep.Status.DRAFT)
        .order_by("-iep__effective_from", "-pk")
        .values_list("id", "lineage", "label", "position")
    )
    latest: dict[object, tuple[int, str, int]] = {}
    for pk, lineage, label, position in rows:
        latest.setdefault(lineage, (pk, label, position))
    return [(pk, label) for pk, label, _ in sorted(latest.values(), key=lambda row: (row[2], row[1].casefold()))]


def _span(start: date, end: date) -> str:
    return f"{start.day} {start:%b %Y} to {end.day} {end:%b %Y}"


def resolve_range(
    child: Child, preset: str, today: date, start: date | None = None, end: date | None = None
) -> DateRange:
    """The dates to show: "custom" (``start`` to ``end``), "year" (the school year so far: the latest
    calendar that has started, up to today) or "30d" (the last 30 days, also the fallback)."""
    if preset == "custom" and start is not None and end is not None:
        return DateRange(start, end, f"Chosen dates: {_span(start, end)}")
    if preset == "year":
        calendar = (
            SchoolCalendar.objects.filter(child=child, first_day__lte=today).order_by("-first_day", "-pk").first()
        )
        if calendar is not None:
            end = min(calendar.last_day, today)
            return DateRange(calendar.first_day, end, f"{calendar.name}: {_span(calendar.first_day, end)}")
    start = today - timedelta(days=29)
    return DateRange(start, today, f"Last 30 days: {_span(start, today)}")


@dataclass(frozen=True)
class Dashboard:
    compliance: Compliance
    patterns: Patterns
    worst: tuple[ProvisionCompliance, ...]  # lowest delivery rate first; no rate last
    charts: tuple[Chart, ...]
    minute_charts: tuple[Chart, ...]


def _worst_first(provision: ProvisionCompliance) -> tuple[int, Fraction, int, str]:
    rate = provision.days.delivery_rate
    return (rate is None, rate if rate is not None else Fraction(0), -provision.days.missed, provision.label)


def dashboard(child: Child, start: date, end: date, provision_ids: list[int] | None = None) -> Dashboard:
    """Everything the insights page shows, from one ``compute_compliance`` call."""
    compliance = compute_compliance(child, start, end, provision_ids)
    return Dashboard(
        compliance=compliance,
        patterns=find_patterns(compliance),
        worst=tuple(sorted(compliance.provisions, key=_worst_first)),
        charts=(monthly_delivery_chart(compliance), heatmap_chart(compliance)),
        minute_charts=tuple(minutes_chart(p) for p in compliance.services),
    )
