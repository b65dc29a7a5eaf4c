"""The API against its own OpenAPI document: the committed copy is current, and schemathesis
finds no 5xx, no response outside the schema and no operation that works without a token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection

from central_server import cli
from tests.server.util import enrolled

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_is_current():
    assert DOC.exists(), "docs/openapi.json missing: run 'central-server openapi --output docs/openapi.json'"
    assert json.loads(DOC.read_text(encoding="utf-8")) == json.loads(cli.openapi_text()), (
        "docs/openapi.json is stale: run 'central-server openapi --output docs/openapi.json' and commit it"
    )


@pytest.fixture
def fuzz_token(client, engine, accounts):
    return enrolled(client, engine, "K01")["Authorization"].split(" ", 1)[1]


@pytest.fixture
def api_schema(app, fuzz_token):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, fuzz_token):
    if case.path_parameters and "code" in case.path_parameters:
        case.path_parameters["code"] = "K01"  # the token's counter: get past 403 into the handler
    # negative_data_rejection is left out: unknown query parameters are ignored on purpose (an
    # older server must not refuse a newer counter), and the token we add would turn its "no
    # Authorization header" cases into authorised ones. Refusal without a token is checked by
    # ignored_auth here (it re-sends each case without and with a wrong token) and by test_auth.
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_token}"},
                           excluded_checks=[negative_data_rejection])
