"""Schemathesis over the whole OpenAPI description: whatever a client sends, the server never answers 5xx.

Every operation is called with a valid key; responses must not be 5xx, and must match the
documented content types and schemas.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from support.api_harness import api_settings, make_workspace

from api import create_app

# Schemathesis collects operations at import time, so the app is built here, in a directory of its own.
_DATA = Path(tempfile.mkdtemp(prefix="ecocanvas-fuzz-"))
_CONFIG = api_settings(_DATA, max_file_bytes=256 * 1024, max_request_bytes=1024 * 1024, parse_timeout=5)
_KEY = make_workspace(_CONFIG, "fuzz")
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_CONFIG))


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {_KEY}"},
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )
