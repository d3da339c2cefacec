"""The access layer: owner and member reach the child, the outsider gets 404."""

from collections.abc import Callable

from django.db.models import Model
from django.http import Http404

from plans.access import child_for, children_for, iep_for, provision_for
from tests.base import BaseTestCase


class ChildAccessTests(BaseTestCase):
    def test_owner_and_member_can_view_the_child(self) -> None:
        assert child_for(self.alice, self.child.pk) == self.child
        assert child_for(self.bob, self.child.pk, need="edit") == self.child

    def test_it_refuses_an_outsider(self) -> None:
        lookups: list[tuple[Callable[..., object], Model]] = [
            (child_for, self.child),
            (iep_for, self.iep),
            (provision_for, self.speech),
        ]
        for lookup, obj in lookups:
            with self.assertRaises(Http404):
                lookup(self.charlie, obj.pk)

    def test_only_the_owner_satisfies_own(self) -> None:
        assert child_for(self.alice, self.child.pk, need="own") == self.child
        with self.assertRaises(Http404):
            child_for(self.bob, self.child.pk, need="own")

    def test_a_malformed_id_is_a_404_not_a_crash(self) -> None:
        with self.assertRaises(Http404):
            child_for(self.alice, "abc")

    def test_children_for_lists_only_granted_children(self) -> None:
        assert list(children_for(self.alice)) == [self.child]
        assert list(children_for(self.charlie)) == []
