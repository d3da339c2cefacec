"""Letters drafted from the log, each carrying every element legal-facts.md section 3 asks for.

``draft_letter(child, kind, ...)`` gathers the facts (the exact IEP wording of the chosen
provisions, the dates and counts of misses and the documented shortfall from the insights
arithmetic, how the parent learned of them, the communications so far, out-of-pocket costs) and
writes one calm, factual letter about one issue. Each element of ``rules.LETTER_KINDS[kind].required``
is a piece of the text (``DraftLetter.elements``), so tests can check that every one is there. A fact
the app does not know is never invented: it appears as a ``[fill in: ...]`` placeholder.
Words: "documented shortfall", never "compensatory education owed" (legal-facts.md section 2, Reid).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocacy.models import OutOfPocketCost, money
from advocacy.rules import LETTER_KINDS, PWN_ELEMENTS
from correspondence.models import Communication, Direction
from correspondence.services import first_answers
from iepright.textclean import long_date
from insights.compliance import compute_compliance
from insights.results import Compliance, ProvisionCompliance
from logbook.models import Source
from plans.models import Child, Iep, Provision
from plans.payloads import weekday_names

MAX_DATES = 40  # dates listed per provision; the evidence report carries the rest
MAX_COMMUNICATIONS = 12
SOURCE_WORDS: dict[str, Any] = {
    Source.CHILD_SAID: gettext_lazy("my child told me"),
    Source.TEACHER_SAID: gettext_lazy("a teacher or staff member told me"),
    Source.SAW_IT: gettext_lazy("I saw it myself"),
    Source.SCHOOL_RECORD: gettext_lazy("a school record (a log, an email or a report)"),
    Source.WORK_SAMPLE: gettext_lazy("a work sample"),
}


def fill(what: str) -> str:
    """A clear placeholder for a fact the parent must add; never a guess."""
    return f"[fill in: {what}]"


def short_date(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


@dataclass
class DraftLetter:
    kind: str
    subject: str
    body: str
    elements: dict[str, str]
    provision_ids: list[int]
    start: date
    end: date
    placeholders: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(LETTER_KINDS[self.kind].title)


@dataclass
class Facts:
    """What the letter can say, gathered once."""

    child: Child
    parent_name: str
    today: date
    start: date
    end: date
    iep: Iep | None
    compliance: Compliance | None
    chosen: list[ProvisionCompliance]
    wording: dict[int, Provision]
    communications: list[Communication]
    answers: dict[int, Communication]
    costs: list[OutOfPocketCost]


def default_range(child: Child, today: date) -> tuple[date, date]:
    """The current school year so far, or the last 90 days when no calendar covers today."""
    calendar = child.calendars.filter(first_day__lte=today).order_by("-first_day").first()
    start = calendar.first_day if calendar is not None else today - timedelta(days=90)
    return start, today


def school_caused_misses(pc: ProvisionCompliance) -> int:
    return pc.days.missed_school_caused + pc.days.partial


def gather(
    child: Child,
    kind: str,
    *,
    parent_name: str,
    start: date | None = None,
    end: date | None = None,
    provision_ids: list[int] | None = None,
    today: date | None = None,
) -> Facts:
    today = today or timezone.localdate()
    default_start, default_end = default_range(child, today)
    start, end = start or default_start, end or default_end
    if end < start:
        start, end = end, start
    compliance = compute_compliance(child, start, end, provision_ids or None) if child.ieps.exists() else None
    provisions = list(compliance.provisions) if compliance is not None else []
    if provision_ids:
        chosen = provisions
    else:
        with_misses = sorted(
            (p for p in provisions if p.days.missed or p.days.partial),
            key=lambda p: (-school_caused_misses(p), -(p.days.missed + p.days.partial), p.position),
        )
        # One issue per letter: an email to the case manager or a PWN request is about one item.
        # A meeting agenda stays short: the three items missed most.
        limit = {"case_manager_email": 1, "pwn_request": 1, "iep_meeting_request": 3}.get(kind)
        chosen = with_misses[:limit] if limit else with_misses
    wording = {p.pk: p for p in Provision.objects.filter(pk__in=[pc.provision_id for pc in chosen])}
    comms = list(Communication.objects.current().filter(child=child, date__lte=end).order_by("date", "time", "pk"))
    costs = list(child.costs.filter(retracted_at__isnull=True).order_by("date", "pk"))
    return Facts(
        child=child,
        parent_name=parent_name,
        today=today,
        start=start,
        end=end,
        iep=child.current_iep(end),
        compliance=compliance,
        chosen=chosen,
        wording=wording,
        communications=comms,
        answers=first_answers(child),
        costs=costs,
    )


# --- Pieces -------------------------------------------------------------------------------------


def _child_name(f: Facts) -> str:
    return f.child.name


def _common(f: Facts, kind: str) -> dict[str, str]:
    child = f.child
    school_letter = LETTER_KINDS[kind].to_school
    cm_name = f.iep.case_manager_name if f.iep and f.iep.case_manager_name else ""
    state = child.get_state_display() if child.state else ""
    if school_letter:
        recipient_name = cm_name or fill("the case manager's name")
        recipient_title = _("Case manager, %(school)s") % {"school": child.school or fill("school name")}
    elif kind == "due_process_complaint":
        recipient_name = fill("the name of the district's superintendent or special education director")
        recipient_title = _("%(district)s (with a copy to the state education agency)") % {
            "district": child.district or fill("school district")
        }
    elif kind == "mediation_request":
        recipient_name = fill("the office that receives mediation requests in your state")
        recipient_title = _("State education agency%(state)s, and the school district") % {
            "state": f", {state}" if state else ""
        }
    else:
        recipient_name = fill("the name of the state's special education complaint office")
        recipient_title = _("State education agency%(state)s") % {"state": f", {state}" if state else ""}
    return {
        "parent_name": f.parent_name or fill("your full name"),
        "parent_address": fill("your mailing address"),
        "parent_phone": fill("your phone number"),
        "date": long_date(f.today),
        "recipient_name": recipient_name,
        "recipient_title": recipient_title,
        "child_name": child.name,
        "child_dob": long_date(child.date_of_birth) if child.date_of_birth else fill("date of birth"),
        "child_school": child.school or fill("school name"),
        "child_grade": child.grade or fill("grade"),
    }


def _frequency(p: Provision) -> str:
    parts = []
    if p.minutes:
        parts.append(
            _("%(m)s minutes per %(period)s")
            % {"m": p.minutes, "period": p.get_period_display().removeprefix("per ").lower() or p.period}
        )
    if p.sessions and p.session_minutes:
        parts.append(_("%(n)s sessions of %(m)s minutes") % {"n": p.sessions, "m": p.session_minutes})
    elif p.sessions:
        parts.append(_("%(n)s sessions") % {"n": p.sessions})
    elif p.session_minutes:
        parts.append(_("sessions of %(m)s minutes") % {"m": p.session_minutes})
    if p.schedule == Provision.Schedule.WEEKDAYS and p.weekdays:
        parts.append(_("on %(days)s") % {"days": ", ".join(weekday_names(p.weekdays))})
    elif p.schedule == Provision.Schedule.EVERY_DAY:
        parts.append(_("every school day"))
    elif p.schedule == Provision.Schedule.FLEXIBLE:
        parts.append(_("on days the provider chooses"))
    if p.setting:
        parts.append(p.setting)
    if p.responsible_staff:
        parts.append(_("provided by %(who)s") % {"who": p.responsible_staff})
    return "; ".join(parts)


def _provisions(f: Facts) -> str:
    if not f.chosen:
        return fill("the IEP item at issue, in the IEP's exact words, with its frequency and minutes")
    lines = []
    for pc in f.chosen:
        p = f.wording.get(pc.provision_id)
        wording = p.wording if p is not None else pc.label
        detail = _frequency(p) if p is not None else ""
        lines.append(f'- {pc.label}: "{wording}"' + (f" ({detail})" if detail else ""))
    return _("The IEP states:") + "\n" + "\n".join(lines)


def _miss_dates(f: Facts, pc: ProvisionCompliance) -> list[date]:
    if f.compliance is None:
        return []
    return sorted(e.date for e in f.compliance.entries if e.lineage == pc.lineage and e.status in ("missed", "partial"))


def _misses(f: Facts) -> str:
    if not f.chosen:
        return fill("the dates the item was not delivered, and the minutes missed")
    period = _("from %(a)s to %(b)s") % {"a": long_date(f.start), "b": long_date(f.end)}
    lines = []
    for pc in f.chosen:
        d = pc.days
        dates = _miss_dates(f, pc)
        shown = ", ".join(short_date(x) for x in dates[:MAX_DATES])
        if len(dates) > MAX_DATES:
            shown += _(", and %(n)s more days (listed in my evidence report)") % {"n": len(dates) - MAX_DATES}
        text = _(
            "%(label)s, %(period)s: expected on %(expected)s school days; my log records it as delivered on "
            "%(delivered)s, partly delivered on %(partial)s and not delivered on %(missed)s days"
        ) % {
            "label": pc.label,
            "period": period,
            "expected": d.expected,
            "delivered": d.delivered,
            "partial": d.partial,
            "missed": d.missed,
        }
        if d.missed:
            text += _(
                " (%(school)s of those for reasons on the school's side, such as a provider absent or a session cancelled)"
            ) % {"school": d.missed_school_caused}
        text += "."
        if shown:
            text += " " + _("Dates not or partly delivered: %(dates)s.") % {"dates": shown}
        if pc.service is not None and pc.service.logged_periods:
            s = pc.service
            text += " " + _(
                "In the %(n)s periods I logged, %(required)s minutes were required and %(delivered)s delivered: "
                "a documented shortfall of %(shortfall)s minutes."
            ) % {"n": s.logged_periods, "required": s.required, "delivered": s.delivered, "shortfall": s.shortfall}
        lines.append("- " + text)
    return "\n".join(lines)


def _how_learned(f: Facts) -> str:
    sources: Counter[str] = Counter()
    if f.compliance is not None:
        lineages = {pc.lineage for pc in f.chosen}
        for e in f.compliance.entries:
            if e.lineage in lineages and e.status in ("missed", "partial") and e.source:
                sources[e.source] += 1
    if not sources:
        return _("I learned of this %(how)s, and I recorded each school day in a dated log at the time.") % {
            "how": fill("how you learned of it, e.g. my child told me, the teacher told me, a service log")
        }
    parts = [f"{SOURCE_WORDS.get(key, key)} ({n})" for key, n in sources.most_common()]
    return _(
        "I learned of these misses as follows (number of days): %(parts)s. I recorded each school day in a dated log at the time."
    ) % {"parts": "; ".join(parts)}


def _communication_line(f: Facts, c: Communication) -> str:
    who = c.counterpart_name or _("the school")
    what = f'"{c.subject}"' if c.subject else c.get_channel_display().lower()
    if c.direction == Direction.SENT:
        text = _("%(day)s: I contacted %(who)s (%(channel)s): %(what)s.") % {
            "day": short_date(c.date),
            "who": who,
            "channel": c.get_channel_display().lower(),
            "what": what,
        }
        answer = f.answers.get(c.pk)
        text += " " + (
            _("Answered %(day)s.") % {"day": short_date(answer.date)} if answer else _("No answer recorded.")
        )
        return "- " + text
    return "- " + _("%(day)s: %(who)s contacted me (%(channel)s): %(what)s.") % {
        "day": short_date(c.date),
        "who": who,
        "channel": c.get_channel_display().lower(),
        "what": what,
    }


def _communications(f: Facts) -> str:
    if not f.communications:
        return _("Communications so far: %(what)s") % {
            "what": fill("earlier emails, calls or meetings about this, with their dates, or 'none'")
        }
    shown = f.communications[-MAX_COMMUNICATIONS:]
    head = _("Communications so far:")
    if len(f.communications) > len(shown):
        head = _("Communications so far (the latest %(n)s of %(total)s):") % {
            "n": len(shown),
            "total": len(f.communications),
        }
    return head + "\n" + "\n".join(_communication_line(f, c) for c in shown)


def _costs(f: Facts) -> str:
    if not f.costs:
        return _("Out-of-pocket costs: %(what)s") % {
            "what": fill("what you paid for tutoring, therapy or evaluations because of this, or 'none'")
        }
    lines = [f"- {short_date(c.date)}: {c.provider}, {c.description}: {money(c.amount_cents)}" for c in f.costs]
    total = sum(c.amount_cents for c in f.costs)
    return (
        _("Because these services were not delivered, I paid for the following myself (receipts available):")
        + "\n"
        + "\n".join(lines)
        + "\n"
        + _("Total: %(total)s.") % {"total": money(total)}
    )


def _labels(f: Facts) -> str:
    return ", ".join(pc.label for pc in f.chosen) or fill("the IEP item at issue")


def _pwn(f: Facts) -> str:
    return _(
        "If the school refuses any part of this request, please give me prior written notice of the refusal "
        "as 34 CFR 300.503 requires."
    )


def _reply_by(f: Facts, days: int = 10) -> str:
    return long_date(f.today + timedelta(days=days))


# --- Letters ------------------------------------------------------------------------------------


def _case_manager_email(f: Facts, e: dict[str, str]) -> list[str]:
    e["provisions"] = _provisions(f)
    e["misses"] = _misses(f)
    e["how_learned"] = _how_learned(f)
    request = _(
        "I ask for a written plan by %(day)s to deliver %(labels)s as written from now on, and to make up the "
        "sessions and minutes missed, with dates."
    ) % {"day": _reply_by(f), "labels": _labels(f)}
    if f.costs:
        request += " " + _("I also ask to be reimbursed %(total)s for services I paid for myself (list below).") % {
            "total": money(sum(c.amount_cents for c in f.costs))
        }
    e["specific_request"] = request
    e["pwn_if_refused"] = _pwn(f)
    e["communications"] = _communications(f)
    body = [
        _("I am writing about %(child)s's IEP, which is not being followed for %(labels)s.")
        % {"child": _child_name(f), "labels": _labels(f)},
        e["provisions"],
        e["misses"],
        e["how_learned"],
        e["specific_request"],
    ]
    if f.costs:
        body.append(_costs(f))
    body += [e["pwn_if_refused"], e["communications"], _("Please reply in writing. Thank you.")]
    return body


def _meeting_request(f: Facts, e: dict[str, str]) -> list[str]:
    e["meeting_request"] = _(
        "I am requesting a meeting of %(child)s's IEP team to review how the IEP is being carried out."
    ) % {"child": _child_name(f)}
    e["agenda"] = (
        _("I would like to discuss:")
        + "\n"
        + "\n".join(
            [f"- {_('Delivery of %(label)s as written') % {'label': pc.label}}" for pc in f.chosen]
            + [
                "- " + _("A plan to make up what was missed, with dates"),
                "- " + fill("any other topic you want on the agenda"),
            ]
        )
    )
    e["provisions"] = _provisions(f)
    e["misses"] = _misses(f)
    e["reports_in_advance"] = _(
        "Please send me, at least 5 school days before the meeting, any reports, service logs, progress data or "
        "evaluations the team will discuss. I will share my own log in advance as well."
    )
    e["available_dates"] = _("I am available on: %(dates)s.") % {"dates": fill("dates and times you can meet")}
    e["invitees"] = _("I plan to bring: %(who)s.") % {
        "who": fill("people you will invite, e.g. an advocate, or 'no one'")
    }
    e["interpreter"] = _("Interpreter: %(need)s.") % {
        "need": fill("the language, if you need an interpreter, or 'not needed'")
    }
    e["pwn_if_refused"] = _(
        "If the school will not hold this meeting, please give me prior written notice of the refusal (34 CFR 300.503)."
    )
    e["communications"] = _communications(f)
    return [
        e["meeting_request"],
        e["agenda"],
        e["provisions"],
        e["misses"],
        e["reports_in_advance"],
        e["available_dates"],
        e["invitees"],
        e["interpreter"],
        e["pwn_if_refused"],
        e["communications"],
        _("Please confirm the date in writing. Thank you."),
    ]


def _records_request(f: Facts, e: dict[str, str]) -> list[str]:
    e["records_scope"] = _(
        "Under 34 CFR 300.613 and FERPA (34 CFR 99.10), I ask to inspect and review all education records of "
        "%(child)s, including: the current and past IEPs; service logs and session notes for each related service; "
        "provider attendance and substitute records for each service; progress reports and data; evaluations; "
        "discipline records; and emails about %(child)s among staff."
    ) % {"child": _child_name(f)}
    e["access_form"] = _("I would like %(form)s. Digital copies (PDF) by email are best for me.") % {
        "form": fill("to inspect them in person, paper copies, or digital copies")
    }
    e["fees_question"] = _(
        "Please tell me in advance if there is any fee for copies. A fee may not keep me from seeing the records (34 CFR 300.617)."
    )
    e["records_law"] = _(
        "34 CFR 300.613 requires the school to comply without unnecessary delay, before any IEP meeting, hearing or "
        "resolution session, and never more than 45 days after this request. If a meeting about %(child)s is "
        "scheduled sooner, please give me the records before that meeting."
    ) % {"child": _child_name(f)}
    return [e["records_scope"], e["access_form"], e["fees_question"], e["records_law"], _("Thank you.")]


def _pwn_request(f: Facts, e: dict[str, str]) -> list[str]:
    e["pwn_action"] = _(
        "I ask for prior written notice about the school's decision on %(what)s, which concerns %(labels)s."
    ) % {"what": fill("what the school proposed or refused, and when you learned of it"), "labels": _labels(f)}
    e["provisions"] = _provisions(f)
    e["pwn_contents"] = (
        _("As 34 CFR 300.503(b) requires, the notice should include:")
        + "\n"
        + "\n".join(f"- {label} ({cite})" for _key, label, cite in PWN_ELEMENTS)
    )
    e["communications"] = _communications(f)
    return [e["pwn_action"], e["provisions"], e["pwn_contents"], e["communications"], _("Thank you.")]


def _child_address(f: Facts) -> str:
    return _("%(child)s lives at: %(address)s.") % {
        "child": _child_name(f),
        "address": fill("the child's home address"),
    }


def _homeless(f: Facts) -> str:
    return _("If %(child)s is homeless, contact information: %(info)s.") % {
        "child": _child_name(f),
        "info": fill("contact information, or 'not applicable'"),
    }


def _signature(f: Facts) -> str:
    return _("Signature: ____________________ (%(name)s)") % {"name": f.parent_name or fill("your full name")}


def _contact(f: Facts) -> str:
    return _("Contact: %(address)s; %(phone)s; %(email)s.") % {
        "address": fill("your mailing address"),
        "phone": fill("your phone number"),
        "email": fill("your email address"),
    }


def _complaint(f: Facts, e: dict[str, str], *, problem: str, facts: str, decider: str) -> None:
    """The elements a state complaint (300.153(b)) and a due process notice (300.508(b)) share."""
    e["child_address"] = _child_address(f)
    e["homeless_contact"] = _homeless(f)
    e["problem"] = problem
    e["facts"] = facts
    e["provisions"] = _provisions(f)
    e["misses"] = _misses(f)
    e["how_learned"] = _how_learned(f)
    e["communications"] = _communications(f)
    e["costs"] = _costs(f)
    e["proposed_resolution"] = _(
        "Proposed resolution, as far as I know it now: that the school deliver %(labels)s as written; that it "
        "provide services to make up for the documented shortfall, in an amount %(decider)s finds appropriate; "
        "%(reimburse)s and %(more)s."
    ) % {
        "labels": _labels(f),
        "decider": decider,
        "reimburse": _("that it reimburse the costs listed above;") if f.costs else "",
        "more": fill("anything else you ask for"),
    }


def _state_complaint(f: Facts, e: dict[str, str]) -> list[str]:
    district = f.child.district or fill("school district")
    e["violation_statement"] = _(
        "I believe %(district)s, a public agency, has violated Part B of the Individuals with Disabilities Education "
        "Act by not implementing my child's IEP as written (34 CFR 300.323(c)(2), 300.101)."
    ) % {"district": district}
    _complaint(
        f,
        e,
        problem=_("The problem: the school has not provided %(labels)s as the IEP requires.") % {"labels": _labels(f)},
        facts=_("The facts: my dated daily log, kept at the time, shows the following."),
        decider=_("the agency"),
    )
    e["signature"] = _signature(f)
    e["contact_info"] = _contact(f)
    e["district_copy"] = _(
        "As 34 CFR 300.153(d) requires, I am sending a copy of this complaint to %(district)s at the same time. "
        "(A state complaint form is optional; this letter contains every item of 34 CFR 300.153(b).)"
    ) % {"district": district}
    return [
        e["violation_statement"],
        _("This complaint concerns %(child)s, date of birth %(dob)s, grade %(grade)s, who attends %(school)s.")
        % {"child": _child_name(f), "dob": e["child_dob"], "grade": e["child_grade"], "school": e["child_school"]},
        e["child_address"],
        e["homeless_contact"],
        e["problem"],
        e["provisions"],
        e["facts"],
        e["misses"],
        e["how_learned"],
        e["communications"],
        e["costs"],
        e["proposed_resolution"],
        e["district_copy"],
        e["signature"],
        e["contact_info"],
    ]


def _mediation_request(f: Facts, e: dict[str, str]) -> list[str]:
    e["mediation_request"] = _("I request mediation under 34 CFR 300.506 with %(district)s about %(child)s's IEP.") % {
        "district": f.child.district or fill("school district"),
        "child": _child_name(f),
    }
    e["problem"] = _("The issue: the school has not provided %(labels)s as the IEP requires.") % {"labels": _labels(f)}
    e["provisions"] = _provisions(f)
    e["mediation_confidential"] = _(
        "I understand that mediation is voluntary and confidential, and that it does not delay my right to a due "
        "process hearing. (Some states require this request in writing to the state education agency: "
        "%(check)s.)"
    ) % {"check": fill("check your state's rules")}
    return [
        e["mediation_request"],
        e["problem"],
        e["provisions"],
        e["mediation_confidential"],
        _("Please contact me to arrange a date. Thank you."),
    ]


def _due_process(f: Facts, e: dict[str, str]) -> list[str]:
    _complaint(
        f,
        e,
        problem=_(
            "The nature of the problem: %(district)s has not implemented %(child)s's IEP: %(labels)s were not "
            "provided as written."
        )
        % {"district": f.child.district or fill("school district"), "child": _child_name(f), "labels": _labels(f)},
        facts=_("The facts relating to the problem: my dated daily log, kept at the time, shows the following."),
        decider=_("the hearing officer"),
    )
    e["signature"] = _signature(f)
    e["contact_info"] = _contact(f)
    e["sea_copy"] = _(
        "As 34 CFR 300.508(a)(2) requires, I am sending a copy of this notice to the state education agency. "
        "(Some states add requirements, e.g. Alaska requires my signature and telephone number: %(check)s.)"
    ) % {"check": fill("check your state's rules")}
    return [
        _(
            "This is a due process complaint notice under 34 CFR 300.508 concerning %(child)s, date of birth %(dob)s, "
            "who attends %(school)s, grade %(grade)s."
        )
        % {"child": _child_name(f), "dob": e["child_dob"], "school": e["child_school"], "grade": e["child_grade"]},
        e["child_address"],
        e["homeless_contact"],
        e["problem"],
        e["facts"],
        e["provisions"],
        e["misses"],
        e["how_learned"],
        e["communications"],
        e["costs"],
        e["proposed_resolution"],
        e["sea_copy"],
        e["signature"],
        e["contact_info"],
    ]


BUILDERS = {
    "case_manager_email": _case_manager_email,
    "iep_meeting_request": _meeting_request,
    "records_request": _records_request,
    "pwn_request": _pwn_request,
    "state_complaint": _state_complaint,
    "mediation_request": _mediation_request,
    "due_process_complaint": _due_process,
}

SUBJECTS = {
    "case_manager_email": gettext_lazy("%(child)s: IEP not followed for %(labels)s"),
    "iep_meeting_request": gettext_lazy("Request for an IEP meeting for %(child)s"),
    "records_request": gettext_lazy("Request for the education records of %(child)s"),
    "pwn_request": gettext_lazy("Request for prior written notice: %(child)s"),
    "state_complaint": gettext_lazy("State complaint: %(child)s, %(district)s"),
    "mediation_request": gettext_lazy("Request for mediation: %(child)s"),
    "due_process_complaint": gettext_lazy("Due process complaint notice: %(child)s"),
}


def draft_letter(
    child: Child,
    kind: str,
    *,
    parent_name: str,
    start: date | None = None,
    end: date | None = None,
    provision_ids: list[int] | None = None,
    today: date | None = None,
) -> DraftLetter:
    """The letter's text, pre-filled from the record. Raises KeyError for an unknown kind."""
    builder = BUILDERS[kind]
    f = gather(child, kind, parent_name=parent_name, start=start, end=end, provision_ids=provision_ids, today=today)
    e = _common(f, kind)
    paragraphs = builder(f, e)
    header = [
        "\n".join([e["parent_name"], e["parent_address"], e["parent_phone"]]),
        e["date"],
        "\n".join([e["recipient_name"], e["recipient_title"]]),
    ]
    regarding = _("Re: %(child)s, date of birth %(dob)s, %(school)s, grade %(grade)s") % {
        "child": e["child_name"],
        "dob": e["child_dob"],
        "school": e["child_school"],
        "grade": e["child_grade"],
    }
    greeting = _("Dear %(name)s,") % {"name": e["recipient_name"]}
    closing = "\n".join([_("Sincerely,"), e["parent_name"]])
    body = "\n\n".join([*header, regarding, greeting, *paragraphs, closing]) + "\n"
    subject = str(SUBJECTS[kind]) % {
        "child": child.name,
        "labels": _labels(f),
        "district": child.district or fill("school district"),
    }
    required = LETTER_KINDS[kind].required
    missing = [key for key in required if not e.get(key)]
    if missing:  # a programming error, caught by the tests
        raise AssertionError(f"{kind} lacks {missing}")
    placeholders = sorted(set(_placeholders(body)))
    return DraftLetter(
        kind=kind,
        subject=subject,
        body=body,
        elements={key: e[key] for key in required},
        provision_ids=[pc.provision_id for pc in f.chosen],
        start=f.start,
        end=f.end,
        placeholders=placeholders,
    )


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"\[fill in: [^\]]*\]", text)


def letter_context(draft: DraftLetter) -> dict[str, Any]:
    return {"kind": draft.kind, "title": draft.title, "subject": draft.subject, "body": draft.body}
