"""The Django admin works for a self-hoster's superuser; ledgered records are read-only there."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from tests.base import BaseTestCase


class AdminTests(BaseTestCase):
    def setUp(self) -> None:
        self.admin = User.objects.create_superuser(email="admin@example.com", password="a long admin password")
        self.client.force_login(self.admin)

    def test_every_model_has_a_working_list_and_detail_page(self) -> None:
        for model, obj in [
            ("accounts_user", self.alice),
            ("accounts_household", self.household),
            ("plans_child", self.child),
            ("plans_iep", self.iep),
            ("plans_provision", self.speech),
            ("plans_schoolcalendar", self.calendar),
        ]:
            listing = self.client.get(reverse(f"admin:{model}_changelist"))
            assert listing.status_code == 200, model
            detail = self.client.get(reverse(f"admin:{model}_change", args=[obj.pk]))
            assert detail.status_code == 200, model
        html = self.client.get(reverse("admin:accounts_user_changelist")).content.decode()
        assert "alice@example.com" in html and "Alice Rivera" in html

    def test_a_superuser_creates_a_user_by_email(self) -> None:
        response = self.client.post(
            reverse("admin:accounts_user_add"),
            {"email": "new@example.com", "password1": "a long new password 1", "password2": "a long new password 1"},
        )
        assert response.status_code == 302
        assert User.objects.get(email="new@example.com").check_password("a long new password 1")

    def test_ledgered_records_cannot_be_changed_in_the_admin(self) -> None:
        html = self.client.get(reverse("admin:plans_provision_change", args=[self.speech.pk])).content.decode()
        assert 'name="label"' not in html  # shown, not editable
        response = self.client.post(reverse("admin:plans_provision_change", args=[self.speech.pk]), {"label": "X"})
        assert response.status_code == 403
        self.speech.refresh_from_db()
        assert self.speech.label == "Speech therapy"
        assert self.client.get(reverse("admin:plans_iep_add")).status_code == 403

    def test_a_child_cannot_be_deleted_from_the_admin(self) -> None:
        response = self.client.post(reverse("admin:plans_child_delete", args=[self.child.pk]), {"post": "yes"})
        assert response.status_code == 403
