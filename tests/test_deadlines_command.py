"""`manage.py deadlines`: the JSON shapes of docs/deadlines.md, from a file (no database) or a child."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from deadlines.services import record_event
from tests.base import BaseTestCase

EVENTS = {
    "state": "CA",
    "holidays": ["2026-11-25", "2026-11-26", "2026-11-27"],
    "school_calendar": [
        {"name": "2026-27", "first_day": "2026-08-17", "last_day": "2027-06-10", "non_school_days": ["2026-11-25"]}
    ],
    "disability": None,
    "events": [
        {"kind": "records_request", "date": "2026-11-20"},
        {"kind": "violation", "date": "2025-01-10"},
        {"kind": "iep_meeting_requested", "date": "2026-11-10"},
        {"kind": "knew_or_should_have_known", "date": "2026-01-05"},
    ],
}


def run(*args: str) -> dict:
    out = StringIO()
    call_command("deadlines", *args, stdout=out)
    return json.loads(out.getvalue())


class TestEventsFile:
    """No django_db mark: pytest-django makes any database access in these tests raise."""

    def test_it_prints_every_deadline_with_past_ones_marked(self, tmp_path: Path) -> None:
        path = tmp_path / "events.json"
        path.write_text(json.dumps(EVENTS))
        result = run("--events", str(path), "--today", "2026-11-21")
        assert result["state"] == "CA" and result["today"] == "2026-11-21"
        by_rule = {d["rule"]: d for d in result["deadlines"]}
        assert set(by_rule) == {
            "records_request",
            "state_complaint_filing_limit",
            "iep_meeting_on_request",
            "due_process_filing_limit",
        }
        records = by_rule["records_request"]
        assert records["date"] == "2026-12-02" and records["status"] == "upcoming" and records["past"] is False
        assert records["state_override"] == {
            "state": "CA",
            "citation": "Cal. Ed. Code 56504",
            "note": "California: 5 business days.",
        }
        assert records["source_event"] == {"kind": "records_request", "date": "2026-11-20"}
        assert records["limiting_event"] is None and records["earliest"] is None
        complaint = by_rule["state_complaint_filing_limit"]
        assert complaint["date"] == "2026-01-10" and complaint["status"] == "past" and complaint["past"] is True
        assert complaint["federal_default"] is True and complaint["citation"] == "34 CFR 300.153(c)"
        assert by_rule["iep_meeting_on_request"]["date"] == "2026-12-10"
        assert by_rule["due_process_filing_limit"]["date"] == "2028-01-05"
        assert [d["date"] for d in result["deadlines"]] == sorted(d["date"] for d in result["deadlines"])

    def test_an_unverified_rule_prints_null_with_its_status(self, tmp_path: Path) -> None:
        path = tmp_path / "events.json"
        path.write_text(
            json.dumps({"state": "AK", "events": [{"kind": "knew_or_should_have_known", "date": "2026-01-05"}]})
        )
        (deadline,) = run("--events", str(path))["deadlines"]
        assert deadline["date"] is None and deadline["status"] == "unverified" and deadline["flag"] == "CONFLICTING"

    def test_a_school_day_count_without_a_calendar_says_it_needs_one(self, tmp_path: Path) -> None:
        path = tmp_path / "events.json"
        path.write_text(json.dumps({"state": "TX", "events": [{"kind": "evaluation_consent", "date": "2026-03-06"}]}))
        (deadline,) = run("--events", str(path))["deadlines"]
        assert deadline["date"] is None and deadline["status"] == "needs_calendar"

    def test_a_bad_kind_or_date_is_refused_plainly(self, tmp_path: Path) -> None:
        path = tmp_path / "events.json"
        path.write_text(json.dumps({"events": [{"kind": "birthday", "date": "2026-01-05"}]}))
        with pytest.raises(CommandError, match="unknown kind 'birthday'"):
            run("--events", str(path))
        path.write_text(json.dumps({"events": [{"kind": "violation", "date": "soon"}]}))
        with pytest.raises(CommandError, match="not a date"):
            run("--events", str(path))


class ChildCommandTests(BaseTestCase):
    def test_it_prints_the_childs_deadlines_from_the_database(self) -> None:
        record_event(self.child, "records_request", date(2026, 11, 20), self.alice)
        result = run("--child", str(self.child.pk), "--today", "2026-11-21")
        assert result["child"] == self.child.pk and result["state"] == "CA"
        (deadline,) = result["deadlines"]
        # Thanksgiving break (25-27 Nov) is in Maya's calendar: 23, 24, 30 Nov, 1, 2 Dec.
        assert deadline["rule"] == "records_request" and deadline["date"] == "2026-12-02"
        assert deadline["source_event"]["source"] == "entered by a parent"

    def test_an_unknown_child_is_an_error(self) -> None:
        with self.assertRaises(CommandError):
            run("--child", "999999")
