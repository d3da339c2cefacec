"""Schemathesis against the API, in the suite: generated requests to every operation, with a test
account's write token, through the whole Django stack (WSGI). Bounded: about 2,000 requests.

Checks: no server error, every status declared, every body and content type matching its declared
schema (errors included). Half the cases are pointed at the test account's own child, so the
operations are exercised past the access layer as well as refused by it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import AccessToken, Scope
from tests.base import BaseTestCase

pytestmark = pytest.mark.django_db
EXAMPLES_PER_OPERATION = 100  # about 20 operations: about 2,000 requests
SENT: list[int] = []  # requests per operation, printed with -s
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def account(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """alice's family from tests/base.py, with a write token; request_started must not close the
    test's connection in the middle of its transaction (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    BaseTestCase.setUpTestData()
    _token, raw = AccessToken.issue(BaseTestCase.alice, "Schemathesis", Scope.WRITE)
    state: dict[str, Any] = {"token": raw, "child": BaseTestCase.child.pk, "requests": 0}
    yield state
    request_started.connect(close_old_connections)
    SENT.append(state["requests"])
    print(f" {state['requests']} requests, {sum(SENT)} so far", end="")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_its_schema(case: Any, account: dict[str, Any]) -> None:
    if "child_id" in (case.path_parameters or {}) and hash(repr(case.path_parameters)) % 2 == 0:
        case.path_parameters["child_id"] = account["child"]
    account["requests"] += 1
    case.call_and_validate(headers={"Authorization": f"Bearer {account['token']}"}, checks=CHECKS)
