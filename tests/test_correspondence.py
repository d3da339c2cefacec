"""The communications log: services through the ledger, .eml import of real-world shapes, calls,
follow-ups, and access for owner, editor, viewer and outsider on every page."""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from correspondence import eml, services
from correspondence.models import Communication
from deadlines.models import DeadlineEvent
from evidence.attachments import open_attachment
from evidence.models import Attachment
from evidence.verify import verify_child
from logbook.models import LogEntry, Status
from tests.base import ViewerTestCase
from tests.logbook_base import NOW

PLAIN = b"""From: Laura Chen <lchen@school.example>
To: Alice Rivera <alice@example.com>
Subject: Re: Speech therapy sessions
Date: Tue, 15 Sep 2026 08:30:00 -0400
Message-ID: <1@school.example>
Content-Type: text/plain; charset=utf-8

Hi Alice, the SLP was out; we will schedule make-up sessions.
"""

MULTIPART = b"""From: =?UTF-8?Q?Jos=C3=A9_Mart=C3=ADnez?= <jmartinez@school.example>
To: alice@example.com
Subject: =?UTF-8?B?UmU6IFNwZWVjaCB0aGVyYXB5IOKAkyBwbGFuIGZvciBNYXlh?=
Date: Wed, 16 Sep 2026 14:05:00 -0400
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Maya's make-up plan is attached =E2=80=94 two sessions a week.=0A=
Se=C3=B1or Mart=C3=ADnez
--inner
Content-Type: text/html; charset=utf-8

<p>Maya's make-up plan is attached</p>
--inner--

--outer
Content-Type: application/pdf; name="plan.pdf"
Content-Disposition: attachment; filename="plan.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJSVFT0YK
--outer
Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name="notes.docx"
Content-Disposition: attachment; filename="notes.docx"
Content-Transfer-Encoding: base64

UEsDBBQAAAAIAA==
--outer--
"""

HTML_ONLY = b"""From: principal@school.example
To: alice@example.com
Subject: Meeting
Date: Thu, 17 Sep 2026 09:00:00 -0400
Content-Type: text/html; charset=utf-8

<html><head><style>p{color:red}</style></head><body><p>We can meet on <b>Friday</b>.</p><p>Thanks &amp; regards</p></body></html>
"""

SENT_BY_PARENT = b"""From: Alice Rivera <alice@example.com>
To: Laura Chen <lchen@school.example>
Subject: Speech therapy sessions
Date: Mon, 14 Sep 2026 20:10:00 -0400
Content-Type: text/plain; charset=us-ascii

Speech was cancelled twice this month.
"""


@time_machine.travel(NOW, tick=False)
class CorrespondenceTestCase(ViewerTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        root = Path(tempfile.mkdtemp(prefix="iepright-comms-"))
        cls.addClassCleanup(shutil.rmtree, root, True)
        cls.enterClassContext(override_settings(ATTACHMENT_ROOT=root))

    def create(self, **values: Any) -> Communication:
        values.setdefault("date", date(2026, 9, 14))
        values.setdefault("channel", "email")
        values.setdefault("direction", "sent")
        values.setdefault("subject", "Speech therapy sessions")
        return services.create_communication(self.child, user=self.alice, client_id=uuid.uuid4(), **values)


class ServiceTests(CorrespondenceTestCase):
    def test_a_communication_is_recorded_in_the_ledger_and_verifies(self) -> None:
        comm = self.create(body="Asked about speech.", provision_ids=[self.speech.pk])
        record = self.new_records().get()
        assert record.kind == "communication.created"
        assert record.object_id == str(comm.pk)
        assert f'"provision_ids":[{self.speech.pk}]' in record.payload
        assert verify_child(self.child.pk).ok

    def test_the_same_client_id_twice_creates_one_communication(self) -> None:
        cid = uuid.uuid4()
        first = services.create_communication(
            self.child, user=self.alice, client_id=cid, date=date(2026, 9, 1), channel="call", direction="sent"
        )
        again = services.create_communication(
            self.child, user=self.alice, client_id=cid, date=date(2026, 9, 1), channel="call", direction="sent"
        )
        assert first.pk == again.pk
        assert Communication.objects.count() == 1
        assert self.new_records().count() == 1

    def test_an_edit_keeps_the_old_version_and_its_reason(self) -> None:
        comm = self.create(body="First words")
        services.edit_communication(
            comm, user=self.bob, client_id=uuid.uuid4(), edit_reason="typo", body="Better words"
        )
        kinds = list(self.new_records().values_list("kind", flat=True))
        assert kinds == ["communication.created", "communication.edited"]
        first, second = self.new_records()
        assert (
            "First words" in first.payload
            and "Better words" in second.payload
            and '"edit_reason":"typo"' in second.payload
        )
        assert verify_child(self.child.pk).ok

    def test_an_edit_needs_a_reason(self) -> None:
        comm = self.create()
        with pytest.raises(ValidationError) as caught:
            services.edit_communication(comm, user=self.alice, client_id=uuid.uuid4(), edit_reason="", body="x")
        assert "edit_reason" in caught.value.message_dict

    def test_a_retraction_keeps_the_record(self) -> None:
        comm = self.create()
        services.retract_communication(comm, user=self.alice, reason="Wrong child")
        comm.refresh_from_db()
        assert comm.is_retracted and comm.retraction_reason == "Wrong child"
        assert Communication.objects.current().count() == 0
        assert self.new_records().last().kind == "communication.retracted"  # type: ignore[union-attr]
        assert verify_child(self.child.pk).ok

    def test_a_future_date_or_a_provision_of_another_child_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.create(date=date(2026, 12, 1), provision_ids=[999999])
        assert {"date", "provision_ids"} <= set(caught.value.message_dict)
        assert Communication.objects.count() == 0

    def test_overdue_follow_ups_are_those_with_no_answer_by_the_date(self) -> None:
        waiting = self.create(follow_up_due=date(2026, 9, 21))
        answered = self.create(subject="Extended time", follow_up_due=date(2026, 9, 21))
        self.create(direction="received", subject="Re: Extended time", in_reply_to=answered.pk, date=date(2026, 9, 18))
        self.create(subject="Not yet due", follow_up_due=date(2026, 11, 20))
        assert services.overdue_follow_ups(self.child, date(2026, 11, 5)) == [waiting]

    def test_a_call_gets_a_confirming_email_drafted_from_what_was_logged(self) -> None:
        call = services.log_call(
            self.child,
            user=self.alice,
            client_id=uuid.uuid4(),
            counterpart_name="Ms. Patel",
            summary="Speech make-up sessions will start Monday.",
            to_address="patel@school.example",
        )
        assert call.date == date(2026, 11, 5) and call.channel == "call" and call.time is not None
        draft = services.call_follow_up_draft(call, "Alice Rivera")
        assert draft.subject == "To confirm our call today about Maya Rivera"
        assert "Dear Ms. Patel," in draft.body
        assert "Speech make-up sessions will start Monday." in draft.body
        assert "November 10, 2026" in draft.body  # reply by: five days on
        assert draft.mailto.startswith("mailto:patel@school.example?subject=To%20confirm%20our%20call")


class EmlImportTests(CorrespondenceTestCase):
    def test_a_plain_email_fills_date_from_to_subject_and_body(self) -> None:
        comm = eml.import_email(self.child, PLAIN, user=self.alice, client_id=uuid.uuid4())
        assert comm.date == date(2026, 9, 15) and comm.time is not None and comm.time.hour == 8
        assert comm.direction == "received"
        assert comm.counterpart_name == "Laura Chen"
        assert comm.from_address == "Laura Chen <lchen@school.example>"
        assert comm.to_address == "Alice Rivera <alice@example.com>"
        assert comm.subject == "Re: Speech therapy sessions"
        assert comm.body == "Hi Alice, the SLP was out; we will schedule make-up sessions."

    def test_a_retried_import_stores_nothing_again(self) -> None:
        """Given an import saved once, when the phone sends it again with the same save id, then the
        same communication comes back and no second file or ledger record is written."""
        from evidence.models import EvidenceRecord

        cid = uuid.uuid4()
        first = eml.import_email(self.child, PLAIN, user=self.alice, client_id=cid)
        files, records = Attachment.objects.count(), EvidenceRecord.objects.filter(child=self.child).count()
        again = eml.import_email(self.child, PLAIN, user=self.alice, client_id=cid)
        assert again.pk == first.pk
        assert Attachment.objects.count() == files
        assert EvidenceRecord.objects.filter(child=self.child).count() == records

    def test_the_original_bytes_are_kept_as_the_evidence_file(self) -> None:
        comm = eml.import_email(self.child, PLAIN, user=self.alice, client_id=uuid.uuid4(), filename="reply.eml")
        assert comm.source_attachment_id is not None
        original = Attachment.objects.get(pk=comm.source_attachment_id)
        assert original.content_type == "message/rfc822"
        assert (original.object_type, original.object_id) == ("communication", str(comm.pk))
        with open_attachment(original) as handle:
            assert handle.read() == PLAIN
        assert verify_child(self.child.pk).ok

    def test_multipart_quoted_printable_base64_and_encoded_words(self) -> None:
        comm = eml.import_email(self.child, MULTIPART, user=self.alice, client_id=uuid.uuid4())
        assert comm.subject == "Re: Speech therapy \u2013 plan for Maya"
        assert comm.counterpart_name == "José Martínez"
        assert comm.body == "Maya's make-up plan is attached — two sessions a week.\nSeñor Martínez"
        kept = Attachment.objects.filter(object_type="communication", object_id=str(comm.pk))
        names = sorted(kept.values_list("original_name", flat=True))
        assert names == ["email.eml", "plan.pdf"]  # the .docx stays inside the original email
        assert comm.kept_inside == ["notes.docx"]  # type: ignore[attr-defined]
        pdf = kept.get(original_name="plan.pdf")
        with open_attachment(pdf) as handle:
            assert handle.read() == b"%PDF-1.4\n%%EOF\n"

    def test_an_html_only_email_becomes_plain_text(self) -> None:
        comm = eml.import_email(self.child, HTML_ONLY, user=self.alice, client_id=uuid.uuid4())
        assert (
            comm.body == "We can meet on Friday.\n\nThanks & regards"
            or comm.body == "We can meet on Friday.\nThanks & regards"
        )
        assert "color:red" not in comm.body and "<" not in comm.body

    def test_an_email_from_the_parent_is_sent_and_a_reply_is_linked_to_it(self) -> None:
        sent = eml.import_email(self.child, SENT_BY_PARENT, user=self.alice, client_id=uuid.uuid4())
        assert sent.direction == "sent" and sent.counterpart_name == "Laura Chen"
        reply = eml.import_email(self.child, PLAIN, user=self.alice, client_id=uuid.uuid4())
        assert reply.in_reply_to_id == sent.pk
        assert services.first_answers(self.child)[sent.pk] == reply

    def test_something_that_is_not_an_email_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            eml.import_email(self.child, b"just some words\n", user=self.alice, client_id=uuid.uuid4())
        assert Communication.objects.count() == 0


class PageTests(CorrespondenceTestCase):
    def urls(self, comm: Communication) -> list[str]:
        c = self.child.pk
        return [
            reverse("correspondence:list", args=[c]),
            reverse("correspondence:detail", args=[c, comm.pk]),
        ]

    def edit_urls(self, comm: Communication) -> list[str]:
        c = self.child.pk
        return [
            reverse("correspondence:new", args=[c]),
            reverse("correspondence:call", args=[c]),
            reverse("correspondence:import", args=[c]),
            reverse("correspondence:edit", args=[c, comm.pk]),
        ]

    def test_owner_editor_and_viewer_read_the_pages_an_outsider_gets_404(self) -> None:
        comm = self.create(body="Asked about speech.")
        for user in (self.alice, self.bob, self.dave):
            self.client.force_login(user)
            for url in self.urls(comm):
                response = self.client.get(url)
                assert response.status_code == 200, (user, url)
                assert "Speech therapy sessions" in response.content.decode()
        self.client.force_login(self.charlie)
        for url in self.urls(comm) + self.edit_urls(comm):
            assert self.client.get(url).status_code == 404

    def test_a_viewer_cannot_open_the_edit_pages_or_post(self) -> None:
        comm = self.create()
        self.client.force_login(self.dave)
        for url in self.edit_urls(comm):
            assert self.client.get(url).status_code == 404
        url = reverse("correspondence:retract", args=[self.child.pk, comm.pk])
        assert self.client.post(url, {"reason": "x"}).status_code == 404
        assert not Communication.objects.get().is_retracted

    def test_the_editor_logs_a_call_and_sees_the_confirming_email(self) -> None:
        self.client.force_login(self.bob)
        url = reverse("correspondence:call", args=[self.child.pk])
        page = self.client.get(url).content.decode()
        assert 'value="Ms. Patel"' in page  # the case manager from the IEP
        response = self.client.post(
            url,
            {
                "counterpart_name": "Ms. Patel",
                "direction": "sent",
                "summary": "OT will be made up on Fridays.",
                "to_address": "patel@school.example",
                "client_id": str(uuid.uuid4()),
            },
            follow=True,
        )
        html = response.content.decode()
        assert "Confirm the call in writing" in html
        assert "OT will be made up on Fridays." in html
        assert 'href="mailto:patel@school.example?subject=' in html

    def test_a_communication_links_to_the_logged_misses_it_is_about(self) -> None:
        miss = LogEntry.objects.create(
            child=self.child, date=date(2026, 11, 3), provision=self.speech, status=Status.MISSED
        )
        self.client.force_login(self.alice)
        url = reverse("correspondence:new", args=[self.child.pk])
        form = self.client.get(url, {"entry": miss.pk}).content.decode()
        assert f'value="{miss.pk}"' in form and "Nov 3: Speech therapy (missed)" in form
        assert re.search(rf'value="{miss.pk}"[^>]*checked', form), "the miss named in the link is ticked"
        assert not re.search(rf'value="{miss.pk}"[^>]*checked', self.client.get(url).content.decode())
        data = {
            "date": "2026-11-04",
            "channel": "email",
            "direction": "sent",
            "subject": "Speech on Tuesday",
            "entry_ids": [str(miss.pk)],
            "client_id": str(uuid.uuid4()),
        }
        response = self.client.post(url, data, follow=True)
        assert Communication.objects.get().entry_ids == [miss.pk]
        assert "Nov 3, Speech therapy" in response.content.decode()

    def test_a_communication_can_start_a_deadline(self) -> None:
        """Given a recorded email saying an IEP meeting was scheduled, the deadlines app gets the meeting's date."""
        self.client.force_login(self.alice)
        url = reverse("correspondence:new", args=[self.child.pk])
        data = {
            "date": "2026-11-02",
            "channel": "email",
            "direction": "received",
            "subject": "Meeting on the 19th",
            "event": "iep_meeting_scheduled",
            "client_id": str(uuid.uuid4()),
        }
        response = self.client.post(url, data)
        assert (
            response.status_code == 422 and "Give the date the meeting is scheduled for." in response.content.decode()
        )
        assert not Communication.objects.exists()
        assert self.client.post(url, {**data, "event_day": "2026-11-19"}).status_code == 302
        comm = Communication.objects.get()
        event = DeadlineEvent.objects.get(child=self.child)
        assert (event.kind, event.date, event.source_type, event.source_id) == (
            "iep_meeting_scheduled",
            date(2026, 11, 19),
            "communication",
            str(comm.pk),
        )
        data = {
            **data,
            "subject": "Records",
            "event": "records_request",
            "event_day": "",
            "client_id": str(uuid.uuid4()),
        }
        assert self.client.post(url, data).status_code == 302
        kinds = set(DeadlineEvent.objects.filter(date=date(2026, 11, 2)).values_list("kind", flat=True))
        assert kinds == {"records_request", "ferpa_records_request"}
        assert verify_child(self.child.pk).ok

    def test_an_invalid_post_answers_422_and_saves_nothing(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("correspondence:new", args=[self.child.pk])
        response = self.client.post(
            url, {"date": "2026-12-24", "channel": "email", "direction": "sent", "client_id": str(uuid.uuid4())}
        )
        assert response.status_code == 422
        assert "This date is in the future" in response.content.decode()
        assert Communication.objects.count() == 0

    def test_importing_an_eml_file_through_the_page(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("correspondence:import", args=[self.child.pk])
        upload = SimpleUploadedFile("reply.eml", MULTIPART, content_type="message/rfc822")
        response = self.client.post(url, {"eml": upload, "client_id": str(uuid.uuid4())}, follow=True)
        html = response.content.decode()
        assert "Re: Speech therapy \u2013 plan for Maya" in html
        assert "notes.docx" in html  # named as kept inside the original
        assert "The original email file" in html

    def test_pasting_a_raw_message_works_too(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("correspondence:import", args=[self.child.pk])
        response = self.client.post(url, {"raw": PLAIN.decode(), "client_id": str(uuid.uuid4())})
        assert response.status_code == 302
        assert Communication.objects.get().subject == "Re: Speech therapy sessions"

    def test_overdue_follow_ups_show_on_the_childs_overview(self) -> None:
        self.create(subject="Where is the OT log?", follow_up_due=date(2026, 10, 1))
        self.client.force_login(self.dave)
        html = self.client.get(reverse("plans:child", args=[self.child.pk])).content.decode()
        assert "One message is waiting for an answer" in html
        assert "Where is the OT log?" in html
        assert "no answer recorded by Oct 1, 2026" in html

    def test_edit_and_retract_through_the_pages(self) -> None:
        comm = self.create(body="Old")
        self.client.force_login(self.alice)
        edit = reverse("correspondence:edit", args=[self.child.pk, comm.pk])
        data = {
            "date": "2026-09-14",
            "channel": "email",
            "direction": "sent",
            "subject": "S",
            "body": "New",
            "client_id": str(uuid.uuid4()),
        }
        assert self.client.post(edit, data).status_code == 422  # no reason given
        assert self.client.post(edit, {**data, "edit_reason": "clearer"}).status_code == 302
        retract = reverse("correspondence:retract", args=[self.child.pk, comm.pk])
        assert self.client.post(retract, {"reason": ""}).status_code == 422
        assert self.client.post(retract, {"reason": "duplicate"}).status_code == 302
        comm.refresh_from_db()
        assert comm.body == "New" and comm.is_retracted
        html = self.client.get(reverse("correspondence:detail", args=[self.child.pk, comm.pk])).content.decode()
        assert "Reason: clearer" in html and "Withdrawn" in html
