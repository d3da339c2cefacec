"""Fixed words of the reports: disclaimers, how to verify, and the method (design.md section 6).

The disclaimers are legal-facts.md section 5, word for word in substance. The method is
``insights.method.METHOD_SECTIONS`` (the insights own its words), followed by how records are kept.
"""

from __future__ import annotations

from insights.method import METHOD_SECTIONS

DISCLAIMERS = [
    "This report is general information, not legal advice. Using it does not make us your lawyer.",
    "Laws and state rules change, and each state has its own. Check your state's procedural safeguards "
    "notice and ask your State Education Agency.",
    "Dates shown are estimates made from the dates entered. Filing limits can be lost. Before a deadline, "
    "talk to a lawyer. Or call your state's Parent Training and Information Center or your Protection and "
    "Advocacy agency.",
    "Logged minutes missed do not prove a violation. They do not set the amount of compensatory education. "
    "They are a documented shortfall that supports a request.",
    "Talks in mediation are private. Check your state's rules before you write about them.",
    "The software files nothing for you. Keep copies of all you send, and proof of delivery.",
]

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
