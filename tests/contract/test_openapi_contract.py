"""Contract test: schemathesis drives every operation of /api/v1/openapi.json against the running app.

The app is the suite's (its migrated database, SQLite or PostgreSQL), called in process through WSGI with a
write token of enterprise A's signatory. Path ids are pointed at real records (A's filing, its enterprise, a
job of the token's user) so that answers with bodies are checked, not only 404s. Every response must be no
server error (5xx), have a status, content type, headers and body the document declares (0 schema
violations). The numbers of operations and cases are printed at the end of the run (conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.extensions import db
from portal.services import tokens
from tests.contract.conftest import CASES, STATUSES

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def _document() -> dict[str, Any]:
    """Return the OpenAPI document as the app builds it (a bare app: the document depends on no data)."""
    from portal import create_app
    from portal.api.openapi import build

    bare = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "contract",
                       "JOB_QUEUE": "immediate"})
    with bare.app_context():
        return build()


# Loaded when the module is collected (schemathesis's fixture-based loading does not run on pytest 9); the
# cases are sent to the suite's app, whose /api/v1/openapi.json is checked to be this very document.
schema = schemathesis.openapi.from_dict(_document())
# Examples and fuzzing: every operation, with bodies, parameters and headers drawn from its schemas. The
# coverage phase (every boundary of every schema, ~11,000 cases, 7 minutes) is left to a manual run:
# ``schemathesis run`` against a served portal (README: JSON API).
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture()
def contract(app, world):  # type: ignore[no-untyped-def]
    """Return the token and the ids of real records the generated cases aim at."""
    from portal.services import jobs

    user = world.users["signatory_a"]
    secret = tokens.issue(user, user, name="contract", scope="write")[1]
    job = jobs.submit_upload(user, "import_workbook", "a.xlsx", b"PK\x03\x04 not a workbook")
    db.session.commit()  # savepoint releases: a refused request's rollback keeps them
    yield {"token": secret, "ids": {"filing_id": world.filing_a.id, "enterprise_id": world.a.id, "job_id": job.id,
                                    "number": 1}}
    app.config["API_RATE_LIMIT"] = "300 per minute"


def test_the_served_document_is_the_one_tested(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/openapi.json").get_json() == schema.raw_schema


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_every_operation_keeps_its_contract(app, case: Any, contract: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    for name, value in contract["ids"].items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # the limit itself is tested in test_api_v1.py
    response = case.call_and_validate(headers={"Authorization": f"Bearer {contract['token']}"}, checks=CHECKS,
                                      app=app)
    CASES[f"{case.method.upper()} {case.path}"] += 1
    STATUSES[response.status_code] += 1
