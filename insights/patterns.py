"""Patterns in the misses: on which weekdays, months, tagged days or staff they gather.

``find_patterns(compliance)`` works on the entries behind the day counts (``Compliance.entries``:
regular sessions on expected days with status delivered, partial or missed). A *miss* is an entry
with status missed; partial counts as not a miss (it is shown beside the rate, never weighted).

For each scope (all provisions together, and each provision) and each dimension (weekday, month,
day tag, responsible staff), every group is compared with the rest of the scope. Only dimensions
known for every entry of the scope are compared (design.md section 6): the staff responsible is left
out of a scope where some provision names none. A group is a
finding when its miss rate is at least twice the rest's (``MIN_RATIO``) and it has at least three
misses (``MIN_MISSES``) (design.md section 6); the one-sided Fisher exact test's p-value goes in the
detail, and findings are ordered by it (strongest first). Reasons and sources of knowledge are not
groups: only misses are asked for them, so a group that only misses have would always "stand out".
They are shown as breakdowns of the misses (share of each reason, share of each source).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from insights.numbers import format_p_value, percent, rate_json
from logbook.models import SCHOOL_CAUSED_REASONS, MissReason, Source, Status

if TYPE_CHECKING:
    from insights.results import Compliance, CountedEntry

MIN_MISSES = 3
MIN_RATIO = 2
MISSED = str(Status.MISSED)
ALL = ""  # the scope key for all provisions together

DIMENSIONS = ("weekday", "month", "tag", "provider")
NO_SOURCE = ""  # a miss logged without saying how the parent knows
# Lazy labels, turned into words of the active language where a result is made (not at import).
SOURCE_LABELS: dict[str, str | Promise] = {str(source): source.label for source in Source}
REASON_LABELS: dict[str, str | Promise] = {str(reason): reason.label for reason in MissReason}
SCHOOL_CAUSED = frozenset(str(reason) for reason in SCHOOL_CAUSED_REASONS)


def fisher_exact_greater(a: int, b: int, c: int, d: int) -> float:
    """One-sided Fisher exact test for the 2x2 table [[a, b], [c, d]]: the probability, with the
    margins fixed, of a top-left cell of ``a`` or more (the first row's proportion being higher).

    Rows: the group and the rest; columns: misses and not-misses. Computed exactly with integers
    (hypergeometric tail, each term from the previous one) and turned into a float at the end.
    """
    if min(a, b, c, d) < 0:
        raise ValueError("Counts cannot be negative.")
    misses, row, total = a + c, a + b, a + b + c + d
    others = total - misses
    top = min(misses, row)
    if a > top:
        return 0.0
    # term(x) = C(misses, x) * C(others, row - x); term(x + 1) follows exactly from term(x).
    term = math.comb(misses, a) * math.comb(others, row - a)
    tail = 0
    for x in range(a, top + 1):
        tail += term
        if x < top:
            term = term * (misses - x) * (row - x) // ((x + 1) * (others - row + x + 1))
    return float(Fraction(tail, math.comb(total, row)))


@dataclass(frozen=True)
class Finding:
    """One group whose misses stand out from the rest of its scope, in plain words."""

    lineage: str | None  # None: all provisions together
    provision_label: str | None
    dimension: str  # weekday, month, tag, source or provider
    group: str  # the group's key: "0" (Monday), "2026-11", "substitute", "child_said", a staff name
    group_label: str
    group_misses: int
    group_entries: int
    rest_misses: int
    rest_entries: int
    p_value: float
    sentence: str
    detail: str

    @property
    def total_misses(self) -> int:
        return self.group_misses + self.rest_misses

    @property
    def group_rate(self) -> Fraction:
        return Fraction(self.group_misses, self.group_entries)

    @property
    def rest_rate(self) -> Fraction:
        return Fraction(self.rest_misses, self.rest_entries)

    @property
    def ratio(self) -> Fraction | None:
        """How many times the rest's miss rate the group's is; None when the rest has no miss."""
        return self.group_rate / self.rest_rate if self.rest_misses else None

    def to_json(self) -> dict[str, Any]:
        return {
            "lineage": self.lineage,
            "provision": self.provision_label,
            "dimension": self.dimension,
            "group": self.group,
            "group_label": self.group_label,
            "group_miss_rate": rate_json(self.group_misses, self.group_entries),
            "rest_miss_rate": rate_json(self.rest_misses, self.rest_entries),
            "total_misses": self.total_misses,
            "p_value": self.p_value,
            "sentence": self.sentence,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class ReasonShare:
    reason: str
    label: str
    count: int
    share: Fraction  # of the scope's misses
    school_caused: bool

    @property
    def percent(self) -> str | None:
        return percent(self.share.numerator, self.share.denominator)


@dataclass(frozen=True)
class ReasonBreakdown:
    """The reasons given for the misses of one scope (a provision, or all together)."""

    lineage: str | None
    provision_label: str | None
    misses: int
    reasons: tuple[ReasonShare, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "lineage": self.lineage,
            "provision": self.provision_label,
            "misses": self.misses,
            "reasons": [
                {
                    "reason": r.reason,
                    "label": r.label,
                    "count": r.count,
                    "school_caused": r.school_caused,
                    "share": rate_json(r.count, self.misses),
                }
                for r in self.reasons
            ],
        }


@dataclass(frozen=True)
class SourceShare:
    source: str  # "" when the miss was logged without a source
    label: str
    count: int
    share: Fraction  # of the scope's misses

    @property
    def percent(self) -> str | None:
        return percent(self.share.numerator, self.share.denominator)


@dataclass(frozen=True)
class SourceBreakdown:
    """How the parent knew of the misses of one scope (a provision, or all together)."""

    lineage: str | None
    provision_label: str | None
    misses: int
    sources: tuple[SourceShare, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "lineage": self.lineage,
            "provision": self.provision_label,
            "misses": self.misses,
            "sources": [
                {
                    "source": s.source or None,
                    "label": s.label,
                    "count": s.count,
                    "share": rate_json(s.count, self.misses),
                }
                for s in self.sources
            ],
        }


@dataclass(frozen=True)
class Patterns:
    findings: tuple[Finding, ...]  # strongest first
    reasons: tuple[ReasonBreakdown, ...]  # all provisions first, then each provision with misses
    entries_considered: int
    sources: tuple[SourceBreakdown, ...] = ()  # in the same order as ``reasons``

    def to_json(self) -> dict[str, Any]:
        return {
            "thresholds": {"min_misses": MIN_MISSES, "min_ratio": MIN_RATIO},
            "entries_considered": self.entries_considered,
            "findings": [f.to_json() for f in self.findings],
            "reasons": [r.to_json() for r in self.reasons],
            "sources": [s.to_json() for s in self.sources],
        }


# --- Groups and their words ----------------------------------------------------------------------


def _group_keys(entry: CountedEntry) -> list[tuple[str, str, object]]:
    """The (lineage, dimension, group) keys an entry counts in. Groups are kept cheap here (a weekday
    number, a (year, month) pair) and turned into their string keys only for findings."""
    lineage, day = entry.lineage, entry.date
    keys: list[tuple[str, str, object]] = [
        (lineage, "weekday", day.weekday()),
        (lineage, "month", (day.year, day.month)),
    ]
    for tag in entry.tags if len(entry.tags) < 2 else dict.fromkeys(entry.tags):
        if tag:
            keys.append((lineage, "tag", tag))
    if entry.provider:
        keys.append((lineage, "provider", entry.provider))
    return keys


def _group_key(group: object) -> str:
    """The string key of a group: "0" for Monday, "2026-11" for a month, else the value itself."""
    if isinstance(group, tuple):
        return f"{group[0]:04d}-{group[1]:02d}"
    return str(group)


def _weekdays(day: int) -> str:
    """The plural name of a weekday, as in "misses were on Mondays" (Django has only the singular)."""
    return (
        pgettext("plural: misses were on Mondays", "Mondays"),
        pgettext("plural: misses were on Tuesdays", "Tuesdays"),
        pgettext("plural: misses were on Wednesdays", "Wednesdays"),
        pgettext("plural: misses were on Thursdays", "Thursdays"),
        pgettext("plural: misses were on Fridays", "Fridays"),
        pgettext("plural: misses were on Saturdays", "Saturdays"),
        pgettext("plural: misses were on Sundays", "Sundays"),
    )[day]


def _group_words(dimension: str, group: str) -> tuple[str, dict[str, str]]:
    """The group's label and its words for the messages: ``weekdays``, ``month``, ``tag`` or ``staff``."""
    if dimension == "weekday":
        name = _weekdays(int(group))
        return name, {"weekdays": name}
    if dimension == "month":
        year, month = group.split("-")
        # Django's month names and order ("September 2026", "septiembre de 2026").
        label = date_format(date(int(year), int(month), 1), "YEAR_MONTH_FORMAT")
        return label, {"month": label}
    if dimension == "tag":
        return _("days tagged %(tag)s") % {"tag": group}, {"tag": group}
    return group, {"staff": group}


def _sentence(dimension: str, across_all: bool, misses: int, values: dict[str, object]) -> str:
    """ "18 of 59 misses across all provisions were on days tagged substitute.": one message per
    dimension and scope, its grammar decided by the misses of the group (the subject)."""
    if across_all:
        if dimension == "weekday":
            message = ngettext(
                "%(misses)s of %(total)s misses across all provisions was on %(weekdays)s.",
                "%(misses)s of %(total)s misses across all provisions were on %(weekdays)s.",
                misses,
            )
        elif dimension == "month":
            message = ngettext(
                "%(misses)s of %(total)s misses across all provisions was in %(month)s.",
                "%(misses)s of %(total)s misses across all provisions were in %(month)s.",
                misses,
            )
        elif dimension == "tag":
            message = ngettext(
                "%(misses)s of %(total)s misses across all provisions was on days tagged %(tag)s.",
                "%(misses)s of %(total)s misses across all provisions were on days tagged %(tag)s.",
                misses,
            )
        else:
            message = ngettext(
                "%(misses)s of %(total)s misses across all provisions was with %(staff)s responsible.",
                "%(misses)s of %(total)s misses across all provisions were with %(staff)s responsible.",
                misses,
            )
    elif dimension == "weekday":
        message = ngettext(
            "%(misses)s of %(total)s misses of %(provision)s was on %(weekdays)s.",
            "%(misses)s of %(total)s misses of %(provision)s were on %(weekdays)s.",
            misses,
        )
    elif dimension == "month":
        message = ngettext(
            "%(misses)s of %(total)s misses of %(provision)s was in %(month)s.",
            "%(misses)s of %(total)s misses of %(provision)s were in %(month)s.",
            misses,
        )
    elif dimension == "tag":
        message = ngettext(
            "%(misses)s of %(total)s misses of %(provision)s was on days tagged %(tag)s.",
            "%(misses)s of %(total)s misses of %(provision)s were on days tagged %(tag)s.",
            misses,
        )
    else:
        message = ngettext(
            "%(misses)s of %(total)s misses of %(provision)s was with %(staff)s responsible.",
            "%(misses)s of %(total)s misses of %(provision)s were with %(staff)s responsible.",
            misses,
        )
    return message % values


def _counts(dimension: str, across_all: bool, entries: int, values: dict[str, object]) -> str:
    """ "Missed: 3 of 4 logged days tagged substitute (75.0%), against 2 of 56 not tagged substitute
    (3.6%).": the group against the rest, in logged items (all provisions) or days (one provision),
    the noun decided by the group's logged entries."""
    if across_all:
        if dimension == "weekday":
            message = ngettext(
                "Missed: %(misses)s of %(entries)s logged item on %(weekdays)s (%(percent)s%%), "
                "against %(rest_misses)s of %(rest_entries)s on other days (%(rest_percent)s%%).",
                "Missed: %(misses)s of %(entries)s logged items on %(weekdays)s (%(percent)s%%), "
                "against %(rest_misses)s of %(rest_entries)s on other days (%(rest_percent)s%%).",
                entries,
            )
        elif dimension == "month":
            message = ngettext(
                "Missed: %(misses)s of %(entries)s logged item in %(month)s (%(percent)s%%), "
                "against %(rest_misses)s of %(rest_entries)s in other months (%(rest_percent)s%%).",
                "Missed: %(misses)s of %(entries)s logged items in %(month)s (%(percent)s%%), "
                "against %(rest_misses)s of %(rest_entries)s in other months (%(rest_percent)s%%).",
                entries,
            )
        elif dimension == "tag":
            message = ngettext(
                "Missed: %(misses)s of %(entries)s logged item tagged %(tag)s (%(percent)s%%), "
                "against %(rest_misses)s of %(rest_entries)s not tagged %(tag)s (%(rest_percent)s%%).",
                "Missed: %(misses)s of %(entries)s logged items tagged %(tag)s (%(percent)s%%), "
                "against %(rest_misses)s of %(rest_entries)s not tagged %(tag)s (%(rest_percent)s%%).",
                entries,
            )
        else:
            message = ngettext(
                "Missed: %(misses)s of %(entries)s logged item with %(staff)s responsible (%(percent)s%%), "
                "against %(rest_misses)s of %(rest_entries)s with other staff responsible (%(rest_percent)s%%).",
                "Missed: %(misses)s of %(entries)s logged items with %(staff)s responsible (%(percent)s%%), "
                "against %(rest_misses)s of %(rest_entries)s with other staff responsible (%(rest_percent)s%%).",
                entries,
            )
    elif dimension == "weekday":
        message = ngettext(
            "Missed: %(misses)s of %(entries)s logged day on %(weekdays)s (%(percent)s%%), "
            "against %(rest_misses)s of %(rest_entries)s on other days (%(rest_percent)s%%).",
            "Missed: %(misses)s of %(entries)s logged days on %(weekdays)s (%(percent)s%%), "
            "against %(rest_misses)s of %(rest_entries)s on other days (%(rest_percent)s%%).",
            entries,
        )
    elif dimension == "month":
        message = ngettext(
            "Missed: %(misses)s of %(entries)s logged day in %(month)s (%(percent)s%%), "
            "against %(rest_misses)s of %(rest_entries)s in other months (%(rest_percent)s%%).",
            "Missed: %(misses)s of %(entries)s logged days in %(month)s (%(percent)s%%), "
            "against %(rest_misses)s of %(rest_entries)s in other months (%(rest_percent)s%%).",
            entries,
        )
    elif dimension == "tag":
        message = ngettext(
            "Missed: %(misses)s of %(entries)s logged day tagged %(tag)s (%(percent)s%%), "
            "against %(rest_misses)s of %(rest_entries)s not tagged %(tag)s (%(rest_percent)s%%).",
            "Missed: %(misses)s of %(entries)s logged days tagged %(tag)s (%(percent)s%%), "
            "against %(rest_misses)s of %(rest_entries)s not tagged %(tag)s (%(rest_percent)s%%).",
            entries,
        )
    else:
        message = ngettext(
            "Missed: %(misses)s of %(entries)s logged day with %(staff)s responsible (%(percent)s%%), "
            "against %(rest_misses)s of %(rest_entries)s with other staff responsible (%(rest_percent)s%%).",
            "Missed: %(misses)s of %(entries)s logged days with %(staff)s responsible (%(percent)s%%), "
            "against %(rest_misses)s of %(rest_entries)s with other staff responsible (%(rest_percent)s%%).",
            entries,
        )
    return message % values


def _fisher_text(p_value: float) -> str:
    """ "One-sided Fisher exact test: p = 0.0011." or "... p < 0.0001." (format_p_value's numbers)."""
    if p_value < 0.0001:
        return _("One-sided Fisher exact test: p %(p)s.") % {"p": format_p_value(p_value)}
    return _("One-sided Fisher exact test: p = %(p)s.") % {"p": format_p_value(p_value)}


def _finding(
    scope: str, label: str | None, dimension: str, group: str, counts: list[int], total: list[int]
) -> Finding | None:
    entries, misses = counts
    rest_entries, rest_misses = total[0] - entries, total[1] - misses
    if misses < MIN_MISSES or rest_entries == 0:
        return None
    # group rate >= MIN_RATIO x rest rate, in integers: misses / entries >= 2 x rest_misses / rest_entries
    if misses * rest_entries < MIN_RATIO * rest_misses * entries:
        return None
    p_value = fisher_exact_greater(misses, entries - misses, rest_misses, rest_entries - rest_misses)
    group_label, words = _group_words(dimension, group)
    values: dict[str, object] = {
        **words,
        "provision": label,
        "misses": misses,
        "total": total[1],
        "entries": entries,
        "percent": percent(misses, entries),
        "rest_misses": rest_misses,
        "rest_entries": rest_entries,
        "rest_percent": percent(rest_misses, rest_entries),
    }
    across_all = not label
    return Finding(
        lineage=scope or None,
        provision_label=label,
        dimension=dimension,
        group=group,
        group_label=group_label,
        group_misses=misses,
        group_entries=entries,
        rest_misses=rest_misses,
        rest_entries=rest_entries,
        p_value=p_value,
        sentence=_sentence(dimension, across_all, misses, values),
        # Two whole sentences: the counts, then the test (the meeting summary words the test its own way).
        detail=f"{_counts(dimension, across_all, entries, values)} {_fisher_text(p_value)}",
    )


def _strength(finding: Finding) -> tuple[float, Fraction, int, int, str]:
    ratio = finding.ratio
    return (
        finding.p_value,
        -(ratio if ratio is not None else Fraction(10**9)),
        -finding.group_misses,
        DIMENSIONS.index(finding.dimension),
        finding.group,
    )


def find_patterns(compliance: Compliance) -> Patterns:
    """Findings and reason breakdowns for the entries behind ``compliance``'s day counts."""
    labels: dict[str, str] = {p.lineage: p.label for p in compliance.provisions}
    seen: list[tuple[str, str, object]] = []
    missed: list[tuple[str, str, object]] = []
    scope_entries: Counter[str] = Counter()
    scope_misses: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    sources: dict[str, Counter[str]] = defaultdict(Counter)
    no_provider: set[str] = set()  # scopes with an entry whose provision names no staff
    for entry in compliance.entries:
        keys = _group_keys(entry)
        seen += keys
        scope_entries[entry.lineage] += 1
        if not entry.provider:
            no_provider.add(entry.lineage)
        if entry.status == MISSED:
            missed += keys
            scope_misses[entry.lineage] += 1
            reasons[entry.lineage][entry.miss_reason] += 1
            sources[entry.lineage][entry.source or NO_SOURCE] += 1
    if no_provider:
        no_provider.add(ALL)
    # Counted per provision; all provisions together is the sum over provisions.
    groups: dict[tuple[str, str, object], list[int]] = defaultdict(lambda: [0, 0])
    for column, counter in ((0, Counter(seen)), (1, Counter(missed))):
        for (lineage, dimension, group), n in counter.items():
            groups[(lineage, dimension, group)][column] += n
            groups[(ALL, dimension, group)][column] += n
    totals = {lineage: [n, scope_misses[lineage]] for lineage, n in scope_entries.items()}
    totals[ALL] = [sum(scope_entries.values()), sum(scope_misses.values())]
    reasons[ALL] = sum(reasons.values(), Counter())
    sources[ALL] = sum(sources.values(), Counter())

    # All provisions together only adds something when more than one provision has entries.
    skip_all = len(scope_entries) < 2
    findings = []
    for (scope, dimension, group), counts in groups.items():
        if scope == ALL and skip_all:
            continue
        if dimension == "provider" and scope in no_provider:
            continue  # not known for every entry of the scope: a group only some have is no pattern
        finding = _finding(scope, labels.get(scope), dimension, _group_key(group), counts, totals[scope])
        if finding is not None:
            findings.append(finding)
    findings.sort(key=_strength)

    breakdowns = []
    order = [ALL] + [p.lineage for p in compliance.provisions]
    for scope in order:
        by_reason = reasons.get(scope)
        if not by_reason:
            continue
        misses = sum(by_reason.values())
        breakdowns.append(
            ReasonBreakdown(
                lineage=scope or None,
                provision_label=labels.get(scope),
                misses=misses,
                reasons=tuple(
                    ReasonShare(
                        reason=reason,
                        label=str(REASON_LABELS.get(reason, reason)),
                        count=count,
                        share=Fraction(count, misses),
                        school_caused=reason in SCHOOL_CAUSED,
                    )
                    for reason, count in sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))
                ),
            )
        )
    source_breakdowns = []
    for scope in order:
        by_source = sources.get(scope)
        if not by_source:
            continue
        misses = sum(by_source.values())
        source_breakdowns.append(
            SourceBreakdown(
                lineage=scope or None,
                provision_label=labels.get(scope),
                misses=misses,
                sources=tuple(
                    SourceShare(
                        source, str(SOURCE_LABELS.get(source, gettext_lazy("Not said"))), count, Fraction(count, misses)
                    )
                    for source, count in sorted(by_source.items(), key=lambda item: (-item[1], item[0]))
                ),
            )
        )
    return Patterns(
        findings=tuple(findings),
        reasons=tuple(breakdowns),
        entries_considered=len(compliance.entries),
        sources=tuple(source_breakdowns),
    )
