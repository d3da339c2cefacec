"""``manage.py compliance`` prints the numbers of compute_compliance as JSON."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import CommandError, call_command

from insights.compliance import compute_compliance
from tests.base import BaseTestCase
from tests.insights_support import D, log


class ComplianceCommandTests(BaseTestCase):
    def run_command(self, *args: str) -> dict:
        out = StringIO()
        call_command("compliance", *args, stdout=out)
        return json.loads(out.getvalue())

    def test_it_prints_the_same_json_as_compute_compliance(self) -> None:
        """Given a logged week, when running the command for it, then it prints compute_compliance's JSON."""
        log(self.speech, "2026-09-15", "delivered", 30)
        data = self.run_command("--child", str(self.child.pk), "--from", "2026-09-14", "--to", "2026-09-20")
        assert data == compute_compliance(self.child, D("2026-09-14"), D("2026-09-20")).to_json()
        assert data["totals"]["minutes"]["documented_shortfall"] == 30

    def test_it_filters_by_provision_and_adds_patterns_and_days_on_request(self) -> None:
        """Given --provision speech --patterns --days, when running, then only speech, with patterns and days."""
        data = self.run_command(
            "--child",
            str(self.child.pk),
            "--from",
            "2026-09-14",
            "--to",
            "2026-09-20",
            "--provision",
            str(self.speech.pk),
            "--patterns",
            "--days",
        )
        assert [p["label"] for p in data["provisions"]] == ["Speech therapy"]
        assert data["patterns"]["findings"] == []
        assert len(data["days"]) == 7

    def test_it_refuses_bad_input_plainly(self) -> None:
        """Given a bad date, a reversed range or an unknown child, when running, then a CommandError says why."""
        child = str(self.child.pk)
        for args, message in [
            (["--child", child, "--from", "2026-13-01", "--to", "2026-09-20"], "Not a date"),
            (["--child", child, "--from", "2026-09-20", "--to", "2026-09-14"], "before"),
            (["--child", "999999", "--from", "2026-09-14", "--to", "2026-09-20"], "No child"),
        ]:
            with self.assertRaisesMessage(CommandError, message):
                call_command("compliance", *args, stdout=StringIO())
