"""One invitation, six people accepting at the same moment: one membership (threads, both databases)."""

from __future__ import annotations

import threading

from django.db import connection
from django.test import Client, TransactionTestCase
from django.urls import reverse

from accounts.models import Invitation, Membership, Role
from tests.base import make_family, make_user

PEOPLE = 6


class InvitationRaceTests(TransactionTestCase):
    def setUp(self) -> None:
        self.owner = make_user("alice@example.com", "Alice")
        self.household = make_family(self.owner)
        self.invitation = Invitation.objects.create(household=self.household, email="x@example.com", role=Role.EDITOR)
        self.people = [make_user(f"p{n}@example.com", f"Person {n}") for n in range(PEOPLE)]

    def accept_all_at_once(self) -> list[int]:
        url = reverse("accounts:invitation", args=[self.invitation.token])
        clients = []
        for person in self.people:
            client = Client()
            client.force_login(person)
            clients.append(client)
        start = threading.Barrier(PEOPLE)
        statuses: list[int] = []
        errors: list[BaseException] = []

        def work(client: Client) -> None:
            try:
                start.wait()
                statuses.append(client.post(url).status_code)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        return statuses

    def test_only_one_of_six_simultaneous_acceptances_joins(self) -> None:
        for _trial in range(3):
            statuses = self.accept_all_at_once()
            assert sorted(statuses) == [302] + [410] * (PEOPLE - 1)
            joined = Membership.objects.filter(household=self.household).exclude(user=self.owner)
            assert joined.count() == 1
            self.invitation.refresh_from_db()
            assert self.invitation.accepted_by == joined.get().user
            # A fresh invitation for the next trial.
            joined.delete()
            self.invitation = Invitation.objects.create(
                household=self.household, email="x@example.com", role=Role.EDITOR
            )


class AcceptedInvitationShownTests(TransactionTestCase):
    def test_the_owner_sees_who_accepted_and_that_it_was_another_address(self) -> None:
        owner = make_user("alice@example.com", "Alice")
        household = make_family(owner)
        invitation = Invitation.objects.create(household=household, email="grandma@example.com", role=Role.VIEWER)
        stranger = make_user("someone.else@example.com", "Someone")
        client = Client()
        client.force_login(stranger)
        page = client.get(reverse("accounts:invitation", args=[invitation.token])).content.decode()
        assert "This invitation was sent to grandma@example.com" in page
        assert client.post(reverse("accounts:invitation", args=[invitation.token])).status_code == 302
        # The link is used up: nobody else gets in with it.
        other = Client()
        other.force_login(make_user("third@example.com", "Third"))
        assert other.post(reverse("accounts:invitation", args=[invitation.token])).status_code == 410
        owner_client = Client()
        owner_client.force_login(owner)
        html = owner_client.get(reverse("accounts:household", args=[household.pk])).content.decode()
        assert "Sent to grandma@example.com" in html
        assert "<strong>someone.else@example.com</strong>" in html and "a different address" in html
        # Members do not see the list.
        assert (
            "Accepted invitations"
            not in client.get(reverse("accounts:household", args=[household.pk])).content.decode()
        )
