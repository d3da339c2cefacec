"""Fixed words of the reports: disclaimers, how to verify, and the method (design.md section 6).

The disclaimers are legal-facts.md section 5, word for word in substance. The method is
``insights.method.method_sections()`` (the insights own its words), followed by how records are kept.

The constants are the English messages, marked for translation with ``gettext_noop`` (so they stay
plain text for the tests that read them); the functions below translate them when a report is made,
in the language active then.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from insights.method import method_sections as insights_method_sections

DISCLAIMERS = [
    gettext_noop("This report is general information, not legal advice. Using it does not make us your lawyer."),
    gettext_noop(
        "Laws and state rules change, and each state has its own. Check your state's procedural safeguards "
        "notice and ask your State Education Agency."
    ),
    gettext_noop(
        "Dates shown are estimates made from the dates entered. Filing limits can be lost. Before a deadline, "
        "talk to a lawyer. Or call your state's Parent Training and Information Center or your Protection and "
        "Advocacy agency."
    ),
    gettext_noop(
        "Logged minutes missed do not prove a violation. They do not set the amount of compensatory education. "
        "They are a documented shortfall that supports a request."
    ),
    gettext_noop("Talks in mediation are private. Check your state's rules before you write about them."),
    gettext_noop("The software files nothing for you. Keep copies of all you send, and proof of delivery."),
]

SCHOOL_CAUSED_WHY = gettext_noop(
    "A miss counts against the school unless the log gives a reason that is not the school's: the child "
    "was absent, the school was closed, or the parent asked for it. The school, not the parent, keeps the "
    "record of what it delivered and why not, so a miss whose reason the school never gave is counted as "
    "the school's. Only the student's own absences are not the school's failure (L.J. v. School Board of "
    "Broward County, 11th Cir. 2019)."
)

HOW_TO_VERIFY = [
    gettext_noop(
        "This PDF carries the ledger records it relies on as an attached file, ledger-records.json. Open the "
        "attachments panel of a PDF reader, or run: pdfdetach -saveall report.pdf"
    ),
    gettext_noop(
        "Run the standalone script tools/verify_ledger_export.py from IEP Right's source (docs/verification.md; "
        "Python 3, standard library only): python3 verify_ledger_export.py ledger-records.json --expect-head "
        "followed by the head hash printed on this page."
    ),
    gettext_noop(
        "The script recomputes every record's SHA-256 from the previous hash and the record's exact content, and "
        "prints the record count and the head hash. They must equal the count and head hash printed on this "
        "page. A change to any record, or a removed or reordered record, changes every hash after it."
    ),
    gettext_noop(
        "The numbers in this report can be recomputed from the records by the method described in the section "
        "'How the numbers are computed'."
    ),
]

RECORDING = (
    gettext_noop("Recording"),
    (
        gettext_noop(
            "Every entry, edit and retraction is recorded in a hash-chained ledger when it is made, with the "
            "server's clock. Recording lag is the number of days between the school day and the first record of "
            "it; entries recorded the same day are counted separately."
        ),
    ),
)


def disclaimers() -> list[str]:
    """The disclaimers, in the active language."""
    return [_(text) for text in DISCLAIMERS]


def school_caused_why() -> str:
    """Why a miss counts against the school, in the active language."""
    return _(SCHOOL_CAUSED_WHY)


def how_to_verify() -> list[str]:
    """How to verify a report, step by step, in the active language."""
    return [_(text) for text in HOW_TO_VERIFY]


def method_sections() -> list[dict[str, object]]:
    """The method in plain words: a heading and its paragraphs per part, then how records are kept."""
    heading, paragraphs = RECORDING
    recording = (_(heading), tuple(_(p) for p in paragraphs))
    return [{"heading": h, "paragraphs": list(p)} for h, p in (*insights_method_sections(), recording)]


def declaration(
    *, declarant: str, child: str, generated: str, count: int, head: str, attachment: str
) -> dict[str, object]:
    """The declaration of the record-keeping process (legal-facts.md section 6), for the parent to sign.

    Worded as 28 U.S.C. 1746(2) (signed in the United States) and describing the process, not just
    asserting accuracy, as a certification under FRE 902(11), (13) and (14) must. ``declarant`` is the
    name of the person making the report, typed only as the one who declares: the signature stays blank.
    """
    groups = " ".join(head[i : i + 8] for i in range(0, len(head), 8))
    values = {"child": child, "generated": generated, "count": count, "head": groups, "attachment": attachment}
    return {
        "declarant": declarant,
        "paragraphs": [
            _(
                "I am a parent or guardian of %(child)s. I made the records in this report, or they were made by "
                "the people I share the record with, as part of keeping a daily record of whether the school "
                "delivered each part of %(child)s's IEP. Each entry was made on or soon after the school day it "
                "describes, by a person who knew what happened or was told by the person named in the entry; the "
                "report shows for every entry the day it was first recorded."
            )
            % values,
            _(
                "The records were kept with IEP Right, a web application. When an entry is made, changed or "
                "withdrawn, the application writes a new record with the server's date and time and the name of "
                "the person signed in; earlier records are never changed or deleted. A change keeps the earlier "
                "version and is shown in the report with its date and the reason given; a withdrawn entry is "
                "listed in the appendix with its reason."
            ),
            _(
                "Each record carries a SHA-256 hash computed from its content and the hash of the record before "
                "it, so that a change to any record, or a removed or reordered record, changes every later hash. "
                "The application checked the whole chain of records before it made this report, and made it only "
                "because the chain checked out."
            ),
            ngettext(
                "This report was generated on %(generated)s from the chain as it stood then: %(count)s record, "
                "the last with the hash %(head)s. The file %(attachment)s inside this PDF is a copy of all of "
                "those records. Anyone can check it without the application, by recomputing the hashes with the "
                "published script tools/verify_ledger_export.py and comparing the last hash with the one printed "
                "here.",
                "This report was generated on %(generated)s from the chain as it stood then: %(count)s records, "
                "the last with the hash %(head)s. The file %(attachment)s inside this PDF is a copy of all of "
                "those records. Anyone can check it without the application, by recomputing the hashes with the "
                "published script tools/verify_ledger_export.py and comparing the last hash with the one printed "
                "here.",
                count,
            )
            % values,
            _(
                "Each photo or document shown as an exhibit is identified by its SHA-256 hash value, printed with "
                "it. A file with the same hash value is an exact copy of the file that was stored."
            ),
        ],
        "closing": _("I declare under penalty of perjury that the foregoing is true and correct."),
        "note": _(
            "Wording of 28 U.S.C. 1746(2), for a declaration signed in the United States; signed outside the "
            'United States, it reads: "I declare under penalty of perjury under the laws of the United States '
            'of America that the foregoing is true and correct." A certification under FRE 902(11) also needs '
            "reasonable written notice to the other side, with the record and the certification made available "
            "before the hearing or trial. Authenticity is not admissibility: objections such as hearsay and "
            "relevance remain. Many IDEA hearings do not apply the strict rules of evidence; a court may. This "
            "is general information, not legal advice."
        ),
    }
