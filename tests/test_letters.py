"""Letters drafted from the log carry every element of legal-facts.md section 3, with the demo-like
data and with a bare child (placeholders, never invented facts); the five steps; PWN check; costs;
marking sent; the PDF; the draft_letter command; access on every advocacy page."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import date
from io import StringIO
from pathlib import Path
from unittest import mock

import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import Household
from advocacy import services
from advocacy.letters import DraftLetter, draft_letter
from advocacy.models import Letter
from advocacy.rules import EVERY_LETTER, LETTER_KINDS
from correspondence import services as comms
from correspondence.models import Communication
from deadlines.models import DeadlineEvent
from evidence.verify import verify_child
from logbook import services as logbook
from logbook.models import Source, Status
from plans.models import Child
from reports.render import RenderError
from tests.base import ViewerTestCase
from tests.logbook_base import NOW

START, END = date(2026, 9, 1), date(2026, 11, 5)


@time_machine.travel(NOW, tick=False)
class LetterTestCase(ViewerTestCase):
    """Maya with a log: speech missed on two Tuesdays (provider absent), a thread with the case manager, a cost."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        root = Path(tempfile.mkdtemp(prefix="iepright-letters-"))
        cls.addClassCleanup(shutil.rmtree, root, True)
        cls.enterClassContext(override_settings(ATTACHMENT_ROOT=root, REPORT_ROOT=root / "reports"))
        with time_machine.travel(NOW, tick=False):
            for day in (date(2026, 10, 6), date(2026, 10, 13)):
                logbook.record_entry(
                    cls.child,
                    day,
                    cls.speech,
                    status=Status.MISSED,
                    miss_reason="provider_absent",
                    source=Source.TEACHER_SAID,
                    user=cls.alice,
                    client_id=uuid.uuid4(),
                )
            logbook.record_entry(
                cls.child,
                date(2026, 10, 8),
                cls.speech,
                status=Status.DELIVERED,
                user=cls.alice,
                client_id=uuid.uuid4(),
            )
            cls.asked = comms.create_communication(
                cls.child,
                user=cls.alice,
                client_id=uuid.uuid4(),
                date=date(2026, 10, 14),
                channel="email",
                direction="sent",
                counterpart_name="Ms. Patel",
                subject="Speech missed twice",
                follow_up_due=date(2026, 10, 21),
            )
            services.add_cost(
                cls.child,
                user=cls.alice,
                client_id=uuid.uuid4(),
                day=date(2026, 10, 20),
                provider="Bright Speech LLC",
                description="Private speech therapy",
                amount_cents=12550,
            )
        cls.bare = Child.objects.create(household=Household.objects.get(pk=cls.household.pk), name="Leo Rivera")

    asked: Communication
    bare: Child

    def draft(self, kind: str, child: Child | None = None) -> DraftLetter:
        return draft_letter(child or self.child, kind, parent_name="Alice Rivera", start=START, end=END)


class EveryElementTests(LetterTestCase):
    def test_every_kind_carries_every_required_element_with_the_log(self) -> None:
        for kind, spec in LETTER_KINDS.items():
            letter = self.draft(kind)
            for key in spec.required:
                text = letter.elements[key]
                assert text.strip(), (kind, key)
                assert text in letter.body, (kind, key)
            body = letter.body
            for fact in (
                "Alice Rivera",
                "November 5, 2026",
                "Maya Rivera",
                "March 14, 2015",
                "Lincoln Elementary",
                "grade 5",
            ):
                assert fact in body, (kind, fact)
            assert "compensatory education owed" not in body.lower(), kind

    def test_the_case_manager_email_cites_the_iep_words_dates_counts_and_the_thread(self) -> None:
        letter = self.draft("case_manager_email")
        e = letter.elements
        assert e["recipient_name"] == "Ms. Patel"
        assert '"Speech-language therapy, 60 minutes per week, small group, in the therapy room."' in e["provisions"]
        assert "60 minutes per week" in e["provisions"] and "sessions of 30 minutes" in e["provisions"]
        assert "Oct 6, 2026, Oct 13, 2026" in e["misses"]
        assert "not delivered on 2 days (2 of those for reasons on the school's side" in e["misses"]
        assert "documented shortfall of" in e["misses"]
        assert "a teacher or staff member told me (2)" in e["how_learned"]
        assert "December 1" not in e["specific_request"] and "November 15, 2026" in e["specific_request"]
        assert "reimbursed $125.50" in e["specific_request"]
        assert "prior written notice" in e["pwn_if_refused"] and "300.503" in e["pwn_if_refused"]
        assert (
            'Oct 14, 2026: I contacted Ms. Patel (email): "Speech missed twice". No answer recorded.'
            in e["communications"]
        )
        assert "[fill in: your mailing address]" in e["parent_address"]

    def test_the_records_request_names_the_rule_the_limit_and_the_earlier_meeting_deadline(self) -> None:
        e = self.draft("records_request").elements
        assert "all education records" in e["records_scope"] and "service logs" in e["records_scope"]
        assert "provider attendance" in e["records_scope"]
        assert "inspect" in e["access_form"] and "copies" in e["access_form"] and "Digital" in e["access_form"]
        assert "fee" in e["fees_question"]
        assert (
            "34 CFR 300.613" in e["records_law"]
            and "45 days" in e["records_law"]
            and "before that meeting" in e["records_law"]
        )

    def test_the_state_complaint_has_every_item_of_300_153_b_and_the_costs(self) -> None:
        e = self.draft("state_complaint").elements
        assert "violated Part B" in e["violation_statement"] and "Springfield USD" in e["violation_statement"]
        assert "[fill in: the child's home address]" in e["child_address"]
        assert "homeless" in e["homeless_contact"]
        assert "Speech therapy" in e["problem"]
        assert "Proposed resolution" in e["proposed_resolution"] and "reimburse" in e["proposed_resolution"]
        assert "Bright Speech LLC" in e["costs"] and "Total: $125.50." in e["costs"]
        assert "300.153(d)" in e["district_copy"] and "copy" in e["district_copy"]
        assert "Signature" in e["signature"]

    def test_the_due_process_notice_has_every_item_of_300_508_b_and_a_copy_to_the_sea(self) -> None:
        e = self.draft("due_process_complaint").elements
        assert "state education agency" in e["sea_copy"] and "Alaska" in e["sea_copy"]
        assert "Total: $125.50." in e["costs"]
        assert "Proposed resolution" in e["proposed_resolution"]

    def test_the_meeting_request_asks_to_convene_with_agenda_reports_dates_invitees_and_interpreter(self) -> None:
        e = self.draft("iep_meeting_request").elements
        assert "requesting a meeting of Maya Rivera's IEP team" in e["meeting_request"]
        assert "Speech therapy" in e["agenda"]
        assert "5 school days before" in e["reports_in_advance"]
        assert (
            "[fill in:" in e["available_dates"] and "[fill in:" in e["invitees"] and "interpreter" in e["interpreter"]
        )

    def test_the_pwn_request_lists_each_element_of_300_503_b(self) -> None:
        e = self.draft("pwn_request").elements
        for cite in ("300.503(b)(1)", "300.503(b)(4)", "300.503(b)(7)"):
            assert cite in e["pwn_contents"]

    def test_the_mediation_request_reminds_it_is_confidential(self) -> None:
        e = self.draft("mediation_request").elements
        assert "300.506" in e["mediation_request"] and "confidential" in e["mediation_confidential"]


class BareChildTests(LetterTestCase):
    def test_a_bare_child_gets_placeholders_never_invented_facts(self) -> None:
        for kind, spec in LETTER_KINDS.items():
            letter = self.draft(kind, self.bare)
            body = letter.body
            for key in spec.required:
                assert letter.elements[key].strip() and letter.elements[key] in body, (kind, key)
            e = letter.elements
            assert e["child_dob"] == "[fill in: date of birth]"
            assert e["child_school"] == "[fill in: school name]"
            assert e["child_grade"] == "[fill in: grade]"
            if "provisions" in spec.required:
                assert e["provisions"].startswith("[fill in: the IEP item at issue"), kind
            if "misses" in spec.required:
                assert e["misses"].startswith("[fill in:"), kind
            if "communications" in spec.required:
                assert "[fill in: earlier emails" in e["communications"], kind
            if "costs" in spec.required:
                assert "[fill in: what you paid" in e["costs"], kind
            if spec.to_school:
                assert e["recipient_name"] == "[fill in: the case manager's name]"
            assert "Ms. Patel" not in body and "Lincoln" not in body, kind
            assert letter.placeholders


class CommandTests(LetterTestCase):
    def test_draft_letter_prints_the_same_text_the_page_drafts(self) -> None:
        out = StringIO()
        call_command(
            "draft_letter",
            "--child",
            str(self.child.pk),
            "--kind",
            "case_manager_email",
            "--from",
            "2026-09-01",
            "--to",
            "2026-11-05",
            "--provision",
            str(self.speech.pk),
            stdout=out,
        )
        expected = draft_letter(
            self.child,
            "case_manager_email",
            parent_name="Alice Rivera",
            start=START,
            end=END,
            provision_ids=[self.speech.pk],
        )
        assert out.getvalue() == f"Subject: {expected.subject}\n\n{expected.body}"
        self.client.force_login(self.alice)
        url = reverse("advocacy:letter_draft", args=[self.child.pk])
        page = self.client.get(
            url,
            {
                "kind": "case_manager_email",
                "start": "2026-09-01",
                "end": "2026-11-05",
                "provision": str(self.speech.pk),
            },
        )
        assert page.context["draft"].body == expected.body


class SendingTests(LetterTestCase):
    def test_saving_and_marking_sent_makes_a_communication_and_a_deadline_event(self) -> None:
        self.client.force_login(self.bob)
        url = reverse("advocacy:letter_draft", args=[self.child.pk]) + "?kind=records_request"
        response = self.client.post(
            url, {"subject": "Records for Maya", "body": "Please send all records.", "client_id": str(uuid.uuid4())}
        )
        letter = Letter.objects.get()
        assert response.status_code == 302 and letter.kind == "records_request" and letter.status == "draft"
        sent = reverse("advocacy:letter_sent", args=[self.child.pk, letter.pk])
        assert self.client.post(sent, {"day": "2026-12-01", "channel": "email"}).status_code == 422
        assert (
            self.client.post(sent, {"day": "2026-11-04", "channel": "email", "follow_up_due": "2026-11-14"}).status_code
            == 302
        )
        letter.refresh_from_db()
        assert letter.status == "sent" and letter.sent_on == date(2026, 11, 4)
        comm = Communication.objects.get(letter_kind="records_request")
        assert comm.date == date(2026, 11, 4) and comm.body == "Please send all records." and comm.direction == "sent"
        kinds = set(DeadlineEvent.objects.filter(child=self.child).values_list("kind", flat=True))
        assert kinds == {"records_request", "ferpa_records_request"}
        assert verify_child(self.child.pk).ok
        html = self.client.get(reverse("advocacy:steps", args=[self.child.pk])).content.decode()
        assert "Records for Maya" in html

    def saved_email(self) -> Letter:
        """The case manager email, drafted from the log and saved by Alice."""
        return services.save_letter(
            self.child,
            kind="case_manager_email",
            subject="Speech",
            body=self.draft("case_manager_email").body,
            user=self.alice,
            client_id=uuid.uuid4(),
        )

    def test_the_letter_downloads_as_a_pdf(self) -> None:
        letter = self.saved_email()
        self.client.force_login(self.dave)
        response = self.client.get(reverse("advocacy:letter_pdf", args=[self.child.pk, letter.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")

    def test_a_letter_pdf_that_fails_says_so_in_plain_words(self) -> None:
        """Typst's diagnostics go to the log, not to the parent, who is told nothing was saved."""
        letter = self.saved_email()
        self.client.force_login(self.alice)
        failing = mock.patch("advocacy.pdf.render_pdf", side_effect=RenderError("error: unknown variable: x"))
        with failing, self.assertLogs("reports.render", "ERROR") as logged:
            response = self.client.get(reverse("advocacy:letter_pdf", args=[self.child.pk, letter.pk]), follow=True)
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("advocacy:letter", args=[self.child.pk, letter.pk])
        assert "The PDF could not be made, and nothing was saved." in page and "unknown variable" not in page
        assert "unknown variable" in logged.output[0]


class StepsAndNoticeTests(LetterTestCase):
    def test_the_steps_page_says_where_the_child_stands_and_what_is_next(self) -> None:
        self.client.force_login(self.dave)
        html = self.client.get(reverse("advocacy:steps", args=[self.child.pk])).content.decode()
        for title in (
            "Keep a daily record",
            "Write to the case manager",
            "Ask for an IEP meeting",
            "File a state complaint",
            "Ask for mediation or due process",
        ):
            assert title in html
        assert "(you are here)" in html
        path = services.escalation(self.child)
        assert path.current.key == "contact"
        assert "Speech missed twice" in path.next_action  # the overdue follow-up comes first
        assert "$125.50" in html

    def test_a_received_notice_is_checked_against_300_503_b(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("advocacy:notice_new", args=[self.child.pk])
        assert self.client.post(url, {"received_on": "2026-10-30", "client_id": str(uuid.uuid4())}).status_code == 422
        response = self.client.post(
            url,
            {
                "received_on": "2026-10-30",
                "action": "Refused extra speech",
                "proposes": "0",
                "elements": ["action", "why", "basis"],
                "client_id": str(uuid.uuid4()),
            },
            follow=True,
        )
        html = response.content.decode()
        assert "4 required parts are missing" in html
        assert "Missing:" in html and "300.503(b)(6)" in html

    def test_costs_are_totalled_and_a_withdrawn_cost_no_longer_counts(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("advocacy:costs", args=[self.child.pk])
        response = self.client.post(
            url,
            {
                "date": "2026-10-27",
                "provider": "Dr. Lee",
                "description": "Evaluation",
                "amount": "300.00",
                "client_id": str(uuid.uuid4()),
            },
        )
        assert response.status_code == 302
        assert services.cost_total(self.child) == 42550
        assert "$425.50" in self.client.get(url).content.decode()
        cost = self.child.costs.get(provider="Dr. Lee")
        retract = reverse("advocacy:cost_retract", args=[self.child.pk, cost.pk])
        assert self.client.post(retract, {"reason": ""}).status_code == 422
        assert services.cost_total(self.child) == 42550
        assert self.client.post(retract, {"reason": "refunded"}).status_code == 302
        assert services.cost_total(self.child) == 12550
        assert verify_child(self.child.pk).ok


class AccessTests(LetterTestCase):
    def test_owner_editor_viewer_read_outsider_gets_404_viewer_cannot_write(self) -> None:
        letter = services.save_letter(
            self.child, kind="records_request", subject="R", body="B", user=self.alice, client_id=uuid.uuid4()
        )
        pwn = services.record_pwn(
            self.child,
            user=self.alice,
            client_id=uuid.uuid4(),
            received_on=date(2026, 10, 1),
            action="A",
            proposes=True,
            elements=[],
        )
        c = self.child.pk
        reads = [
            reverse("advocacy:steps", args=[c]),
            reverse("advocacy:letter_draft", args=[c]),
            reverse("advocacy:letter", args=[c, letter.pk]),
            reverse("advocacy:notice", args=[c, pwn.pk]),
            reverse("advocacy:costs", args=[c]),
        ]
        for user in (self.alice, self.bob, self.dave):
            self.client.force_login(user)
            for url in reads:
                assert self.client.get(url).status_code == 200, (user, url)
        self.client.force_login(self.dave)
        assert self.client.get(reverse("advocacy:notice_new", args=[c])).status_code == 404
        assert (
            self.client.post(
                reverse("advocacy:letter_sent", args=[c, letter.pk]), {"day": "2026-11-01", "channel": "email"}
            ).status_code
            == 404
        )
        assert (
            self.client.post(
                reverse("advocacy:letter_draft", args=[c]),
                {"subject": "x", "body": "y", "client_id": str(uuid.uuid4())},
            ).status_code
            == 404
        )
        assert self.client.post(reverse("advocacy:costs", args=[c]), {}).status_code == 404
        self.client.force_login(self.charlie)
        for url in reads:
            assert self.client.get(url).status_code == 404

    def test_every_letter_page_shows_the_disclaimers(self) -> None:
        self.client.force_login(self.alice)
        for kind in LETTER_KINDS:
            html = self.client.get(
                reverse("advocacy:letter_draft", args=[self.child.pk]), {"kind": kind}
            ).content.decode()
            assert "not legal advice" in html and "files nothing for you" in html, kind
            assert "do not set the amount of compensatory education" in html, kind
        assert "EVERY" not in EVERY_LETTER
