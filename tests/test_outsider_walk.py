"""Every URL of the project, walked as an outsider: 404 everywhere (design.md section 7).

The walk reads the URL resolver, so a new page is covered the moment its pattern exists. Path
arguments are filled by name from the fixture below (Maya's records, owned by alice). A pattern with
an argument name the walk does not know fails the test: add the name to ``KWARG_FIXTURES``.

- charlie (signed in, no membership) gets 404 for GET and POST; 405 is accepted for a method the view
  never takes, since that answer comes before any lookup and says nothing about the object;
- someone signed out is sent to sign in (302 to the login page), or gets 401/403 from the API;
- charlie with his own child's id and alice's object ids still gets 404;
- alice's GET is not a 404, which proves the fixture really reaches an object.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Invitation, Role
from api.models import AccessToken, Scope
from deadlines.models import DeadlineEvent
from deadlines.services import record_event
from evidence.attachments import store_attachment
from evidence.models import Attachment
from logbook.models import LogEntry, Status
from plans.models import Absence, Child
from tests.advocacy_support import advocacy_fixture
from tests.base import BaseTestCase, make_family
from tests.reports_support import stored_report

# Whole trees with their own authentication rules, not ours to walk.
SKIPPED_PREFIXES = (
    "admin/",  # Django admin: staff only, redirects to its own login
    "account/",  # allauth: sign-in, sign-up, password and two-factor pages
)
SKIPPED_NAMES = {
    "api:api-root",  # the API's root, schema and docs describe endpoints; they hold no records
    "api:openapi-json",
    "api:openapi-view",
    "api:not_found",  # any other address under /api/v1/: a JSON 404 for everyone
}


# The API checks a request's body before its view runs, so an empty body would be refused with 400
# before the access layer is reached. Each API route that takes a POST gets a valid body here, and the
# walk then proves the access layer answers 404. A new API POST route without a body here fails the walk.
def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("note.txt", b"A plain note.", content_type="text/plain")


API_POST_BODIES: dict[str, Callable[[], tuple[dict[str, Any], str | None]]] = {
    "api:save_entry": lambda: (
        {"date": "2026-11-30", "provision": 1, "status": "delivered", "client_id": str(uuid.uuid4())},
        "application/json",
    ),
    "api:all_delivered": lambda: ({"client_id": str(uuid.uuid4())}, "application/json"),
    "api:save_day_note": lambda: ({"note": "x", "client_id": str(uuid.uuid4())}, "application/json"),
    "api:retract_entry": lambda: ({"reason": "x"}, "application/json"),
    "api:entry_attachments": lambda: ({"files": [_upload()]}, None),
}
# Ninja names one URL pattern per operation: a GET and a POST on one path are two names for one URL.
API_POST_BODIES["api:entries"] = API_POST_BODIES["api:save_entry"]
API_POST_BODIES["api:entry_attachment_list"] = API_POST_BODIES["api:entry_attachments"]
API_POST_BODIES["api:day_note"] = API_POST_BODIES["api:save_day_note"]

# API reads that need query parameters (checked before the view runs, like a POST's body).
API_GET_QUERIES: dict[str, str] = {
    "api:entries": "?start=2026-11-01&end=2026-11-30",
    "api:insights": "?start=2026-11-01&end=2026-11-30",
}
API_GET_QUERIES["api:save_entry"] = API_GET_QUERIES["api:entries"]

# Pages that name no household or child: there is nothing an outsider could be refused. Keep tiny.
EXEMPT = {
    "accounts:home": "shows only the signed-in person's own households",
    "accounts:profile": "the signed-in person's own name and security settings",
    "accounts:household_list": "lists only the signed-in person's own households",
    "accounts:household_new": "anyone signed in may start a household of their own",
    "accounts:invitation": "whoever holds the emailed token may accept it (tests/test_households.py)",
    "service_worker": "the service worker script: one file for everyone, no records",
    "javascript_catalog": "the scripts' words (Django's JavaScript catalog): the same for everyone, no records "
    "(tests/test_script_words.py)",
    "security_txt": "public by design: how to report a vulnerability (RFC 9116), no records (tests/test_security_txt.py)",
    "security_policy": "public by design: the project's SECURITY.md as text, no records",
    "api_tokens:list": "lists and makes only the signed-in person's own access tokens",
    "api:children": "lists only the children of the caller's own households (tests/test_api.py)",
    "reports:verify_report": "public by design: anyone holding a report checks it; it names no child and "
    "answers only from the file's or head's SHA-256 (tests/test_reports_public_check.py)",
    "reports:account_delete": "deletes only the signed-in person's own account (tests/test_deletion.py)",
    "reminders:settings": "the signed-in person's own reminder settings and calendar link",
    "reminders:feed_new": "makes a calendar link for the signed-in person only",
    "reminders:feed_revoke": "turns off the signed-in person's own calendar link",
    "reminders:feed": "public by its secret token; shows only the token owner's households, 404 when revoked "
    "or wrong (tests/test_calendar_feed.py)",
    "reminders:unsubscribe": "public by its signed token (one-click unsubscribe from an email); 404 for a bad "
    "token (tests/test_reminders.py)",
}

OBJECT_KWARGS = {
    "household_id",
    "iep_id",
    "provision_id",
    "calendar_id",
    "absence_id",
    "entry_id",
    "attachment_id",
    "membership_id",
    "invitation_id",
    "report_id",
    "token_id",
    "communication_id",
    "letter_id",
    "notice_id",
    "cost_id",
    "event_id",
}


@dataclass
class Route:
    name: str
    route: str
    params: list[str]

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")


def _params(pattern: Any) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters is not None:
        return list(converters)
    return list(pattern.regex.groupindex)


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "", params: tuple[str, ...] = ()) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found = params + tuple(_params(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = namespace + f"{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, route, inner, found)
        elif isinstance(entry, URLPattern):
            yield Route(name=namespace + (entry.name or ""), route=route, params=list(found))


def project_routes() -> list[Route]:
    return [
        route
        for route in walk(get_resolver())
        if not route.route.startswith(SKIPPED_PREFIXES)
        and route.name not in SKIPPED_NAMES
        and not route.route.startswith("static/")
    ]


class OutsiderWalkTests(BaseTestCase):
    absence: Absence
    invitation: Invitation
    entry: LogEntry
    attachment: Attachment
    report_id: int | None
    own_child: Child
    token: AccessToken
    communication_id: int
    letter_id: int
    notice_id: int
    cost_id: int
    deadline_event: DeadlineEvent

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.absence = Absence.objects.create(child=cls.child, date=date(2026, 11, 10), reason="Sick")
        cls.invitation = Invitation.objects.create(
            household=cls.household, email="advocate@example.com", role=Role.VIEWER, invited_by=cls.alice
        )
        cls.entry = LogEntry.objects.create(
            child=cls.child, date=date(2026, 11, 30), provision=cls.extended_time, status=Status.DELIVERED
        )
        root = Path(tempfile.mkdtemp(prefix="iepright-walk-"))
        cls.addClassCleanup(shutil.rmtree, root, True)
        cls.enterClassContext(override_settings(ATTACHMENT_ROOT=root, REPORT_ROOT=root / "reports"))
        upload = SimpleUploadedFile("iep.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        cls.attachment = store_attachment(child_id=cls.child.pk, uploaded_file=upload, user=cls.alice)
        cls.report_id = stored_report(cls.child, cls.alice).pk
        cls.token, _raw = AccessToken.issue(cls.alice, "Phone", Scope.WRITE)
        cls.communication_id, cls.letter_id, cls.notice_id, cls.cost_id = advocacy_fixture(cls.child, cls.alice)
        cls.deadline_event = record_event(cls.child, "records_request", date(2026, 11, 2), cls.alice)
        # charlie's own household and child, to mix his child's id with alice's objects.
        cls.own_child = Child.objects.create(household=make_family(cls.charlie, "Charlie's"), name="Zed")

    # Path argument name -> the value that points at one of Maya's (alice's) records.
    def kwarg_fixtures(self) -> dict[str, Callable[[], Any]]:
        return {
            "child_id": lambda: self.child.pk,
            "household_id": lambda: self.household.pk,
            "iep_id": lambda: self.iep.pk,
            "provision_id": lambda: self.speech.pk,
            "calendar_id": lambda: self.calendar.pk,
            "absence_id": lambda: self.absence.pk,
            "entry_id": lambda: self.entry.pk,
            "attachment_id": lambda: self.attachment.pk,
            "membership_id": lambda: self.household.memberships.get(user=self.bob).pk,
            "invitation_id": lambda: self.invitation.pk,
            "report_id": lambda: self.report_id,
            "event_id": lambda: self.deadline_event.pk,
            "token": lambda: self.invitation.token,
            "day": lambda: date(2026, 11, 30),
            "token_id": lambda: self.token.pk,
            "communication_id": lambda: self.communication_id,
            "letter_id": lambda: self.letter_id,
            "notice_id": lambda: self.notice_id,
            "cost_id": lambda: self.cost_id,
        }

    def kwargs_for(self, route: Route) -> dict[str, Any]:
        fixtures = self.kwarg_fixtures()
        unknown = [name for name in route.params if name not in fixtures]
        assert not unknown, (
            f"URL {route.route!r} ({route.name}) takes {unknown}, which the outsider walk cannot fill. "
            "Add the name to kwarg_fixtures() in tests/test_outsider_walk.py with a record of Maya's, "
            "or use one of the names it knows."
        )
        kwargs = {name: fixtures[name]() for name in route.params}
        missing = [name for name, value in kwargs.items() if value is None]
        assert not missing, f"URL {route.route!r} needs a fixture for {missing}: create one in setUpTestData."
        return kwargs

    def url(self, route: Route, **overrides: Any) -> str:
        assert route.name and not route.name.endswith(":"), f"URL {route.route!r} has no name: name it."
        return reverse(route.name, kwargs={**self.kwargs_for(route), **overrides}) + API_GET_QUERIES.get(route.name, "")

    def checked_routes(self) -> list[Route]:
        routes = [route for route in project_routes() if route.name not in EXEMPT]
        assert len(routes) > 20, "the walk found suspiciously few URLs"
        return routes

    def post(self, route: Route, url: str) -> Any:
        if not route.is_api:
            return self.client.post(url, {})
        if route.name not in API_POST_BODIES:
            response = self.client.post(url, {}, content_type="application/json")
            assert response.status_code == 405, (
                f"API route {route.name} takes a POST: add a valid body for it to API_POST_BODIES in "
                "tests/test_outsider_walk.py, so the walk reaches its access check."
            )
            return response
        body, content_type = API_POST_BODIES[route.name]()
        if content_type is None:
            return self.client.post(url, body)
        return self.client.post(url, body, content_type=content_type)

    def assert_refused(self, route: Route, url: str, who: str) -> None:
        get = self.client.get(url)
        post = self.post(route, url)
        codes = {get.status_code, post.status_code}
        assert codes <= {404, 405} and 404 in codes, (
            f"{who} got GET {get.status_code} / POST {post.status_code} from {url} ({route.name}); expected 404"
        )

    def test_the_walk_covers_every_app(self) -> None:
        names = {route.name for route in project_routes()}
        for expected in ["accounts:household", "accounts:member_remove", "plans:child", "plans:provision_edit"]:
            assert expected in names
        assert all(name in names for name in EXEMPT), "an exempt URL no longer exists: remove it from EXEMPT"

    def test_an_outsider_gets_404_everywhere(self) -> None:
        self.client.force_login(self.charlie)
        for route in self.checked_routes():
            self.assert_refused(route, self.url(route), "charlie")

    def test_an_outsider_with_his_own_child_id_still_gets_404_for_our_objects(self) -> None:
        self.client.force_login(self.charlie)
        mixed = [r for r in self.checked_routes() if "child_id" in r.params and OBJECT_KWARGS & set(r.params)]
        assert mixed, "no URL names both a child and one of its records"
        for route in mixed:
            self.assert_refused(route, self.url(route, child_id=self.own_child.pk), "charlie (own child id)")

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        login = reverse("account_login")
        for route in self.checked_routes():
            url = self.url(route)
            for method in ("get", "post"):
                response = getattr(self.client, method)(url)
                if route.is_api:
                    assert response.status_code in (401, 403, 405), f"{method.upper()} {url}: {response.status_code}"
                elif response.status_code != 405:
                    assert response.status_code == 302, f"{method.upper()} {url}: {response.status_code}"
                    assert response["Location"].startswith(login), f"{url} redirects to {response['Location']}"

    def test_the_owner_reaches_every_fixture_object(self) -> None:
        """If alice got 404 too, the outsider's 404 would prove nothing."""
        self.client.force_login(self.alice)
        for route in self.checked_routes():
            url = self.url(route)
            response = self.client.get(url)
            assert response.status_code != 404, f"alice got 404 from {url} ({route.name}): fix the walk's fixture"


class RouteDiscoveryTests(BaseTestCase):
    def test_an_unknown_argument_name_fails_with_a_message(self) -> None:
        walker = OutsiderWalkTests(methodName="test_the_walk_covers_every_app")
        route = Route(
            name="plans:made_up",
            route="children/<int:child_id>/widgets/<int:widget_id>/",
            params=["child_id", "widget_id"],
        )
        with self.assertRaisesMessage(AssertionError, "takes ['widget_id']"):
            walker.kwargs_for(route)

    def test_the_walk_sees_path_arguments_of_included_patterns(self) -> None:
        routes = {route.name: route for route in project_routes()}
        assert routes["plans:provision_edit"].params == ["child_id", "provision_id"]
        assert routes["accounts:member_role"].params == ["household_id", "membership_id"]
