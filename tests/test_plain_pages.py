"""Plain, calm pages where a parent can get lost: errors, the home page, an entry's history, due dates."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role
from logbook import services
from logbook.models import MissReason, Source, Status
from plans.models import Child
from tests.base import BaseTestCase, make_user

THURSDAY = date(2026, 11, 5)


class PlainPagesTests(BaseTestCase):
    def test_an_unknown_page_says_plainly_it_was_not_found_and_offers_the_way_home(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get("/children/99999/")
        html = response.content.decode()
        assert response.status_code == 404
        assert "<h1>We could not find that page</h1>" in html
        assert "belongs to a household you are not part of" in html
        assert f'href="{reverse("accounts:home")}">Go to your children</a>' in html

    def test_an_outsider_sees_the_same_page_as_for_a_page_that_does_not_exist(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("plans:child", args=[self.child.pk]))
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()
        assert self.child.name not in response.content.decode()

    def test_an_old_invitation_link_signed_out_offers_sign_in(self) -> None:
        response = Client().get(reverse("accounts:invitation", args=["no-such-token"]))
        html = response.content.decode()
        assert response.status_code == 404
        assert "ask them to send you a new invitation" in html
        assert f'href="{reverse("account_login")}">Sign in</a>' in html

    def test_a_form_that_cannot_be_sent_safely_says_nothing_was_saved(self) -> None:
        """Given a form page left open past its security token, when it is sent, then a calm page says
        nothing was saved and how to send it again (not Django's "CSRF verification failed")."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        response = client.post(reverse("logbook:save_entry", args=[self.child.pk, THURSDAY]), {"status": "delivered"})
        html = response.content.decode()
        assert response.status_code == 403
        assert "<h1>Please try again</h1>" in html and "Nothing was saved." in html
        assert "CSRF" not in html

    def test_home_offers_log_today_to_editors_and_only_the_records_to_a_viewer(self) -> None:
        today_url = reverse("logbook:today", args=[self.child.pk])
        self.client.force_login(self.bob)
        html = self.client.get(reverse("accounts:home")).content.decode()
        assert f'<a class="button primary" href="{today_url}">Log today' in html
        assert f"Open {self.child.name}'s records" in html
        viewer = make_user("vera@example.com", "Vera Advocate")
        Membership.objects.create(user=viewer, household=self.household, role=Role.VIEWER)
        self.client.force_login(viewer)
        html = self.client.get(reverse("accounts:home")).content.decode()
        assert today_url not in html
        assert f'class="button primary" href="{reverse("plans:child", args=[self.child.pk])}"' in html

    def test_an_entrys_first_version_is_shown_in_words_not_codes(self) -> None:
        with time_machine.travel(datetime(2026, 11, 5, 18, 0, tzinfo=ZoneInfo("America/Los_Angeles"))):
            entry = services.record_entry(
                self.child,
                THURSDAY,
                self.extended_time,
                status=Status.MISSED,
                user=self.alice,
                client_id=uuid.uuid4(),
                miss_reason=MissReason.PROVIDER_ABSENT,
                source=Source.CHILD_SAID,
                reported_by="Maya",
            )
            self.client.force_login(self.alice)
            html = self.client.get(reverse("logbook:entry_history", args=[self.child.pk, entry.pk])).content.decode()
        assert '<li>Status: <span aria-hidden="true">✗</span> Missed</li>' in html  # issue 11: icon with the word
        assert "<li>Reason: Provider or staff absent</li>" in html
        assert "<li>How you know: My child told me</li>" in html
        assert "<li>Who said so: Maya</li>" in html
        assert "provider_absent" not in html and "child_said" not in html

    def test_due_dates_on_the_iep_page_come_with_the_deadline_disclaimer(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("plans:iep", args=[self.child.pk, self.iep.pk])
        self.iep.annual_review_due = self.iep.reevaluation_due = None
        self.iep.save(update_fields=["annual_review_due", "reevaluation_due"])
        assert "the deadlines are estimates" not in self.client.get(url).content.decode()
        self.iep.annual_review_due = date(2027, 8, 20)
        self.iep.save(update_fields=["annual_review_due"])
        html = self.client.get(url).content.decode()
        assert "Annual review due" in html
        assert "the deadlines are estimates" in html and "not legal advice" in html

    def test_every_log_page_carries_the_childs_sections(self) -> None:
        self.client.force_login(self.alice)
        c = self.child.pk
        sections = f'<nav class="subnav" aria-label="{self.child.name}\'s records">'
        for url in [
            reverse("logbook:day", args=[c, THURSDAY]),
            reverse("logbook:week", args=[c, THURSDAY]),
            reverse("logbook:month", args=[c, THURSDAY]),
        ]:
            html = self.client.get(url).content.decode()
            assert sections in html, url
            assert f'href="{reverse("plans:ieps", args=[c])}"' in html, url

    def test_the_password_pages_speak_plainly(self) -> None:
        client = Client()
        html = client.get(reverse("account_reset_password")).content.decode()
        assert "<h1>Forgot your password?</h1>" in html and "Email me a link" in html
        assert "Please contact us" not in html
        html = client.get(reverse("account_reset_password_done")).content.decode()
        assert "<h1>Check your email</h1>" in html
        html = client.get(reverse("account_login")).content.decode()
        assert "Keep me signed in on this device" in html and "Remember Me" not in html
        client.force_login(self.alice)
        html = client.get(reverse("account_change_password")).content.decode()
        assert "<h1>Change your password</h1>" in html and "Current password" in html

    def test_a_new_child_without_an_iep_or_calendar_is_pointed_to_entering_them(self) -> None:
        leo = Child.objects.create(household=self.household, name="Leo Rivera", state="CA")
        self.client.force_login(self.alice)
        html = self.client.get(reverse("logbook:day", args=[leo.pk, THURSDAY])).content.decode()
        assert "Logging starts once Leo Rivera has an IEP in effect and a school calendar." in html
        assert f'href="{reverse("plans:ieps", args=[leo.pk])}">Enter the IEP</a>' in html
        assert f'href="{reverse("plans:calendars", args=[leo.pk])}">Add the school calendar</a>' in html
        assert "There is nothing to log for this day." not in html
        # Maya has both: her Saturday simply has nothing to log.
        html = self.client.get(reverse("logbook:day", args=[self.child.pk, date(2026, 11, 7)])).content.decode()
        assert "No school: Saturday." in html and "There is nothing to log for this day." in html
        assert "Logging starts once" not in html

    def test_a_new_childs_empty_lists_say_what_to_do_next(self) -> None:
        leo = Child.objects.create(household=self.household, name="Leo Rivera", state="CA")
        self.client.force_login(self.alice)
        pages = {
            "plans:ieps": "No IEP yet. Have the IEP from the school at hand",
            "plans:calendars": "No school year yet. Add the first and last day of school",
            "plans:absences": "No absences recorded yet.",
        }
        for name, words in pages.items():
            assert words in self.client.get(reverse(name, args=[leo.pk])).content.decode(), name
