"""Schemathesis over the whole OpenAPI description, with every check it has, in positive and negative modes.

Every operation is called with a valid key: no 5xx, every status and media type documented, every
answer as described, schema-valid requests accepted and invalid ones refused, OPTIONS and unknown
methods answered with `Allow`, the key honoured. The workspace holds a document, so a valid job can
start.

Where a schema cannot say what the server must refuse, the statuses a valid request may also get are
named here, and only there:
- an upload's bytes: whether a file is a readable PDF, an empty text or over the server's size and
  count limits is not a property of the request's schema (413, 415, 422);
- a canvas's citations: a quote as long as `end - start`, and on import the text of a document of
  the workspace at those offsets, are rules across fields and documents (422); so are a policy's
  rule ids and their parameters (docs/rules.md);
- a partner CSV's content (its columns, amounts and dates) and a decision's `actor_id` for `map` (422);
- the review's If-Match: optional in the schema, because the server answers its absence itself (428);
- a review action's rules across fields: a comment names exactly one of `entry_id` and `finding_id`,
  `set` takes a list for `review.stakeholders` and text (with the field's own cap) for the others (422).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from support.api_harness import api_settings, make_workspace

from ecocanvas.api import create_app
from ecocanvas.knowledge import KnowledgeBase

_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
CONFIG = SchemathesisConfig.from_dict(
    {
        "output": {"sanitization": {"enabled": False}},
        "operations": [
            {
                "include-name": [
                    "POST /v1/documents",
                    "POST /v1/generate",
                    "POST /v1/check",
                    "POST /v1/canvases",
                    "POST /v1/partners",
                    "POST /v1/partners/decisions",
                ],
                "checks": {"positive_data_acceptance": {"expected-statuses": [*_ACCEPTED, "413", "415", "422"]}},
            },
            {
                "include-name": "POST /v1/canvases/{canvas_id}/review",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*_ACCEPTED, "428", "422"]}},
            },
        ],
    }
)

# Schemathesis collects operations at import time, so the app is built here, in a directory of its own.
_DATA = Path(tempfile.mkdtemp(prefix="ecocanvas-fuzz-"))
_SETTINGS = api_settings(_DATA, max_file_bytes=256 * 1024, max_request_bytes=1024 * 1024, parse_timeout=5)
_KEY = make_workspace(_SETTINGS, "fuzz")
KnowledgeBase(_SETTINGS, "fuzz").ingest_bytes("memo.md", b"# Memo\nAcme leads onboarding. Globex supports it.")
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_SETTINGS), config=CONFIG)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_passes_every_check(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {_KEY}"})
