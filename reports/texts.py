"""Fixed words of the reports: disclaimers, how to verify, and the method (design.md section 6).

The disclaimers are legal-facts.md section 5, word for word in substance. The method is
``insights.method.METHOD_SECTIONS`` (the insights own its words), followed by how records are kept.
"""

from __future__ import annotations

from insights.method import METHOD_SECTIONS

DISCLAIMERS = [
    "This report gives general information, not legal advice, and creates no attorney-client relationship.",
    "Laws and state rules change and differ from state to state: check your state's procedural safeguards "
    "notice and your State Education Agency.",
    "Deadlines and dates shown are estimates computed from the dates entered. Filing limits can be lost: "
    "contact a lawyer, your state's Parent Training and Information Center, or your Protection and Advocacy "
    "agency before a deadline.",
    "Logged minutes missed do not prove a violation and do not set the amount of compensatory education; "
    "they are a documented shortfall that supports a request.",
    "Mediation discussions are confidential: check your state's rules before writing about them.",
    "The software files nothing for you: keep copies of everything you send, and proof of delivery.",
]

SCHOOL_CAUSED_WHY = (
    "A miss counts against the school unless the log gives a reason that is not the school's: the child "
    "was absent, the school was closed, or the parent asked for it. The school, not the parent, keeps the "
    "record of what it delivered and why not, so a miss whose reason the school never gave is counted as "
    "the school's. Only the student's own absences are not the school's failure (L.J. v. School Board of "
    "Broward County, 11th Cir. 2019)."
)

HOW_TO_VERIFY = [
    "This PDF carries the ledger records it relies on as an attached file, ledger-records.json. Open the "
    "attachments panel of a PDF reader, or run: pdfdetach -saveall report.pdf",
    "Run the standalone script tools/verify_ledger_export.py from IEP Right's source (docs/verification.md; "
    "Python 3, standard library only): python3 verify_ledger_export.py ledger-records.json --expect-head "
    "followed by the head hash printed on this page.",
    "The script recomputes every record's SHA-256 from the previous hash and the record's exact content, and "
    "prints the record count and the head hash. They must equal the count and head hash printed on this page. "
    "A change to any record, or a removed or reordered record, changes every hash after it.",
    "The numbers in this report can be recomputed from the records by the method described in the section "
    "'How the numbers are computed'.",
]

RECORDING = (
    "Recording",
    (
        "Every entry, edit and retraction is recorded in a hash-chained ledger when it is made, with the "
        "server's clock. Recording lag is the number of days between the school day and the first record of "
        "it; entries recorded the same day are counted separately.",
    ),
)


def method_sections() -> list[dict[str, object]]:
    """The method in plain words: a heading and its paragraphs per part, then how records are kept."""
    return [{"heading": h, "paragraphs": list(p)} for h, p in (*METHOD_SECTIONS, RECORDING)]


def declaration(
    *, declarant: str, child: str, generated: str, count: int, head: str, attachment: str
) -> dict[str, object]:
    """The declaration of the record-keeping process (legal-facts.md section 6), for the parent to sign.

    Worded as 28 U.S.C. 1746(2) (signed in the United States) and describing the process, not just
    asserting accuracy, as a certification under FRE 902(11), (13) and (14) must. ``declarant`` is the
    name of the person making the report, typed only as the one who declares: the signature stays blank.
    """
    groups = " ".join(head[i : i + 8] for i in range(0, len(head), 8))
    return {
        "declarant": declarant,
        "paragraphs": [
            f"I am a parent or guardian of {child}. I made the records in this report, or they were made by "
            "the people I share the record with, as part of keeping a daily record of whether the school "
            f"delivered each part of {child}'s IEP. Each entry was made on or soon after the school day it "
            "describes, by a person who knew what happened or was told by the person named in the entry; the "
            "report shows for every entry the day it was first recorded.",
            "The records were kept with IEP Right, a web application. When an entry is made, changed or "
            "withdrawn, the application writes a new record with the server's date and time and the name of "
            "the person signed in; earlier records are never changed or deleted. A change keeps the earlier "
            "version and is shown in the report with its date and the reason given; a withdrawn entry is listed "
            "in the appendix with its reason.",
            "Each record carries a SHA-256 hash computed from its content and the hash of the record before "
            "it, so that a change to any record, or a removed or reordered record, changes every later hash. "
            "The application checked the whole chain of records before it made this report, and made it only "
            "because the chain checked out.",
            f"This report was generated on {generated} from the chain as it stood then: {count} records, "
            f"the last with the hash {groups}. The file {attachment} inside this PDF is a copy of all of those "
            "records. Anyone can check it without the application, by recomputing the hashes with the published "
            "script tools/verify_ledger_export.py and comparing the last hash with the one printed here.",
            "Each photo or document shown as an exhibit is identified by its SHA-256 hash value, printed with "
            "it. A file with the same hash value is an exact copy of the file that was stored.",
        ],
        "closing": "I declare under penalty of perjury that the foregoing is true and correct.",
        "note": (
            "Wording of 28 U.S.C. 1746(2), for a declaration signed in the United States; signed outside the "
            'United States, it reads: "I declare under penalty of perjury under the laws of the United States '
            'of America that the foregoing is true and correct." A certification under FRE 902(11) also needs '
            "reasonable written notice to the other side, with the record and the certification made available "
            "before the hearing or trial. Authenticity is not admissibility: objections such as hearsay and "
            "relevance remain. Many IDEA hearings do not apply the strict rules of evidence; a court may. This "
            "is general information, not legal advice."
        ),
    }
