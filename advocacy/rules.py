"""Rules from law, as data with their citation (shared/docs/legal-facts.md sections 3 and 5).

- ``STEPS``: the five steps of the escalation path, in plain words of our own;
- ``LETTER_KINDS``: each letter's purpose, citation and the elements it must carry (section 3);
- ``PWN_ELEMENTS``: what a prior written notice must contain (34 CFR 300.503(b));
- ``DISCLAIMERS``: the words of section 5 shown where the parent acts.

No deadline rule lives here: deadlines belong to the deadlines app, which this app tells about
events (``advocacy.events``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise  # a plain or a translatable string


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: Text
    what: Text  # what the step is, grade 8 words
    when: Text  # when to take it
    citation: str
    letters: tuple[str, ...]


STEPS = (
    Step(
        1,
        "document",
        _("Keep a daily record"),
        _("Write down each school day what your child got and did not get from the IEP, with the date."),
        _("Start now and keep going. A dated record made at the time is the strongest proof you can have."),
        "34 CFR 300.323(c)(2), 300.320(a)(4)",
        (),
    ),
    Step(
        2,
        "contact",
        _("Write to the case manager"),
        _("Tell the case manager in writing which IEP item was missed, on which days, and ask for a plan to fix it."),
        _("When an item is missed more than once. Put it in writing, even after a phone call."),
        "34 CFR 300.323(d)",
        ("case_manager_email", "records_request", "pwn_request"),
    ),
    Step(
        3,
        "meeting",
        _("Ask for an IEP meeting"),
        _("Ask the IEP team to meet, with a short list of what you want to talk about and fix."),
        _("When writing to the case manager did not fix it, or the problem is bigger than one item."),
        "34 CFR 300.324(b)(1), 300.503(a)",
        ("iep_meeting_request", "records_request", "pwn_request"),
    ),
    Step(
        4,
        "state_complaint",
        _("File a state complaint"),
        _(
            "Ask your state's education agency to look into it. It must decide within 60 days, and it can order the school to make up for what was missed."
        ),
        _("When the school still does not follow the IEP. The problem must be less than one year old."),
        "34 CFR 300.151-300.153",
        ("state_complaint",),
    ),
    Step(
        5,
        "dispute",
        _("Ask for mediation or due process"),
        _(
            "Mediation is a meeting with a neutral person to reach an agreement. Due process is a hearing before an officer who decides."
        ),
        _(
            "When other steps did not work, or you disagree about what the IEP should be. Talk to a lawyer or your Parent Training and Information Center first."
        ),
        "34 CFR 300.506, 300.507-300.508",
        ("mediation_request", "due_process_complaint"),
    ),
)

EVERY_LETTER = (
    "parent_name",
    "parent_address",
    "parent_phone",
    "date",
    "recipient_name",
    "recipient_title",
    "child_name",
    "child_dob",
    "child_school",
    "child_grade",
)


@dataclass(frozen=True)
class LetterKind:
    key: str
    title: Text
    citation: str
    required: tuple[str, ...]
    step: str
    to_school: bool  # addressed to the school (case manager) rather than the state


LETTER_KINDS = {
    kind.key: kind
    for kind in (
        LetterKind(
            "case_manager_email",
            _("Email to the case manager"),
            "34 CFR 300.323(c)-(d), 300.503",
            (
                *EVERY_LETTER,
                "provisions",
                "misses",
                "how_learned",
                "specific_request",
                "pwn_if_refused",
                "communications",
            ),
            "contact",
            True,
        ),
        LetterKind(
            "iep_meeting_request",
            _("Request for an IEP meeting"),
            "34 CFR 300.324(b)(1)(ii), 300.503(a)",
            (
                *EVERY_LETTER,
                "meeting_request",
                "agenda",
                "provisions",
                "misses",
                "reports_in_advance",
                "available_dates",
                "invitees",
                "interpreter",
                "pwn_if_refused",
                "communications",
            ),
            "meeting",
            True,
        ),
        LetterKind(
            "records_request",
            _("Request for education records"),
            "34 CFR 300.613, 34 CFR 99.10 (FERPA)",
            (*EVERY_LETTER, "records_scope", "access_form", "fees_question", "records_law"),
            "contact",
            True,
        ),
        LetterKind(
            "pwn_request",
            _("Request for prior written notice"),
            "34 CFR 300.503",
            (*EVERY_LETTER, "pwn_action", "provisions", "pwn_contents", "communications"),
            "contact",
            True,
        ),
        LetterKind(
            "state_complaint",
            _("State complaint"),
            "34 CFR 300.153",
            (
                *EVERY_LETTER,
                "violation_statement",
                "facts",
                "provisions",
                "misses",
                "how_learned",
                "communications",
                "child_address",
                "homeless_contact",
                "problem",
                "proposed_resolution",
                "costs",
                "signature",
                "contact_info",
                "district_copy",
            ),
            "state_complaint",
            False,
        ),
        LetterKind(
            "mediation_request",
            _("Request for mediation"),
            "34 CFR 300.506",
            (*EVERY_LETTER, "mediation_request", "problem", "provisions", "mediation_confidential"),
            "dispute",
            False,
        ),
        LetterKind(
            "due_process_complaint",
            _("Due process complaint notice"),
            "34 CFR 300.508(b)",
            (
                *EVERY_LETTER,
                "child_address",
                "homeless_contact",
                "problem",
                "facts",
                "provisions",
                "misses",
                "how_learned",
                "communications",
                "proposed_resolution",
                "costs",
                "signature",
                "contact_info",
                "sea_copy",
            ),
            "dispute",
            False,
        ),
    )
}

# 34 CFR 300.503(b): what a prior written notice must contain.
PWN_ELEMENTS = (
    ("action", _("A description of the action the school proposes or refuses"), "300.503(b)(1)"),
    ("why", _("Why the school proposes or refuses it"), "300.503(b)(2)"),
    ("basis", _("Each evaluation, assessment, record or report it used to decide"), "300.503(b)(3)"),
    (
        "safeguards",
        _("A statement that you have protection under the procedural safeguards, and how to get a copy"),
        "300.503(b)(4)",
    ),
    ("help", _("Where you can get help to understand these rules"), "300.503(b)(5)"),
    ("options", _("Other options the IEP team considered, and why they were rejected"), "300.503(b)(6)"),
    ("factors", _("Any other factors that mattered to the decision"), "300.503(b)(7)"),
)

DISCLAIMERS = {
    "advice": _("This is general information, not legal advice. Using it does not make us your lawyer."),
    "rules_change": _(
        "Laws and state rules change, and each state has its own. Check your state's procedural safeguards notice and ask the state education agency."
    ),
    "deadlines": _(
        "Deadlines are estimates made from the dates you entered. Filing limits can be lost. Before a deadline, talk to a lawyer. Or call your state's Parent Training and Information Center or its Protection and Advocacy agency."
    ),
    "minutes": _(
        "Logged minutes missed do not prove a violation. They do not set the amount of compensatory education."
    ),
    "mediation": _("Talks in mediation are private. Check your state's rules before you write about them."),
    "files_nothing": _("IEP Right files nothing for you: keep a copy of what you send and proof of delivery."),
}

# Which disclaimers each letter's page shows (all letters carry advice, files_nothing and minutes).
LETTER_DISCLAIMERS = {
    key: ("advice", "rules_change", "minutes", "files_nothing")
    + (
        ("deadlines",)
        if key in {"records_request", "state_complaint", "due_process_complaint", "iep_meeting_request"}
        else ()
    )
    + (("mediation",) if key == "mediation_request" else ())
    for key in LETTER_KINDS
}
