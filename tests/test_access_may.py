"""``plans.access.may``: what each person may do with a child, read from the role loaded with the child."""

from __future__ import annotations

from django.http import Http404

from plans.access import child_for, may
from tests.base import ViewerTestCase


class MayTests(ViewerTestCase):
    def test_each_person_gets_what_their_role_allows(self) -> None:
        """Given the owner, an editor and a viewer, when each loads the child, then each may only what the role allows."""
        expected = {
            self.alice: {"view": True, "edit": True, "own": True},
            self.bob: {"view": True, "edit": True, "own": False},
            self.dave: {"view": True, "edit": False, "own": False},
        }
        for person, needs in expected.items():
            child = child_for(person, self.child.pk)
            for need, allowed in needs.items():
                with self.subTest(person=person.email, need=need):
                    self.assertIs(may(person, child, need), allowed)

    def test_an_outsider_never_gets_the_child(self) -> None:
        with self.assertRaises(Http404):
            child_for(self.charlie, self.child.pk)
        self.assertFalse(may(self.charlie, self.child, "view"))

    def test_the_role_comes_with_the_child_in_one_query(self) -> None:
        with self.assertNumQueries(1):
            child = child_for(self.bob, self.child.pk)
            self.assertTrue(may(self.bob, child, "edit"))
            self.assertFalse(may(self.bob, child, "own"))

    def test_a_child_loaded_for_someone_else_is_asked_again(self) -> None:
        """Given a child loaded for the owner, when the viewer's rights are asked, then the viewer's own role counts."""
        child = child_for(self.alice, self.child.pk)
        with self.assertNumQueries(1):
            self.assertFalse(may(self.dave, child, "edit"))
        self.assertFalse(may(self.charlie, child, "view"))
