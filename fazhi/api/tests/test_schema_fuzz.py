"""The API against its own OpenAPI schema (schemathesis): generated requests — valid and
invalid — for every operation, as a bureau-wide user with data loaded; no answer may be a 5xx,
and every answer must match what the schema declares (status, content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from fazhi.api.views import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
# in process, through Django's WSGI handler (all middleware included), on the test's database
schema.app = get_wsgi_application()
# Generated strings carry no NUL: the input guard refuses NUL everywhere with a 400 that every
# operation declares, so a "valid" string with one would only report that refusal (the guard
# has its own tests in fazhi/core/tests/test_hardening.py).
schema.config.generation.update(allow_x00=False, deterministic=True, with_security_parameters=False)


@pytest.fixture
def loaded(
    bureau: Any, cases: Any, problem: Any, north_problem: Any, sheets: Any, disputes: Any,
    reports: Any, token_for: Any,
) -> Iterator[dict[str, str]]:  # fmt: skip
    """The named bureau with a case, findings, problems, daily sheets, disputes and reports; the
    headers of 周敏 (法制大队: the whole bureau) calling with her token."""
    # The requests run through the real WSGI handler, which closes the database connection
    # after each one; in a test that would end the test's transaction (Django's test client
    # unhooks the same signal for the same reason).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {token_for('zhou')}"}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25, derandomize=True, deadline=None, database=None,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
def test_the_api_keeps_to_its_schema(case: Any, loaded: dict[str, str]) -> None:
    case.call_and_validate(headers=loaded)


@pytest.fixture
def service_request(bureau: Any) -> Any:
    """A request of 张伟's case C-1 to the 执法办案管理中心, accepted by its 执法服务专岗."""
    from fazhi.servicedesk import services
    from fazhi.servicedesk.tests.conftest import Desk, sh

    desk = Desk(bureau)
    req = services.file_request(
        actor=desk.users["zhang"], case=desk.case, kind="property_in", property_id="PR-1",
        detail="扣押电动车入库", now=sh(2026, 9, 4, 16),
    )  # fmt: skip
    return services.accept_request(actor=desk.users["desk"], request=req, now=sh(2026, 9, 4, 17))


def test_the_loaded_records_come_out_as_the_schema_says(
    loaded: dict[str, str],
    problem: Any,
    disputes: Any,
    sheets: Any,
    reports: Any,
    service_request: Any,
) -> None:
    """Generated ids seldom hit a record: each detail once more with a record that exists."""
    calls = [
        ("/api/v1/findings/{finding_id}", {"finding_id": problem.finding_id}, {}),
        ("/api/v1/cases/{case_id}", {"case_id": "C-S1"}, {}),
        ("/api/v1/rules/{code}", {"code": "GF-T-01"}, {}),
        ("/api/v1/problems/{problem_id}", {"problem_id": problem.pk}, {}),
        ("/api/v1/disputes/{dispute_id}", {"dispute_id": disputes["south"].pk}, {}),
        ("/api/v1/daily/sheets", {}, {"day": "2026-03-02"}),
        ("/api/v1/findings", {}, {"since": "2026-03-01"}),
        ("/api/v1/reports", {}, {"period": "2026-03-02"}),
        ("/api/v1/reports/{report_id}", {"report_id": reports["south"].pk}, {}),
        (
            "/api/v1/reports/{report_id}/files/{fmt}",
            {"report_id": reports["south"].pk, "fmt": "xlsx"},
            {},
        ),
        ("/api/v1/servicedesk/requests", {}, {"status": "in_progress"}),
        ("/api/v1/servicedesk/requests/{request_id}", {"request_id": service_request.pk}, {}),
    ]
    for path, path_parameters, query in calls:
        case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
        response = case.call_and_validate(headers=loaded)
        assert response.status_code == 200, (path, response.text)
        if path.endswith("{fmt}"):  # the file itself
            assert response.content[:2] == b"PK"
        else:
            assert response.json().get("count", 1) >= 1
