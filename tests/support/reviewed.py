"""A canvas drafted from three EV-charging documents and reviewed through the API, decision by decision.

Shared by the API, CLI and page tests of eval cases from reviews and of draft acceptance: each
decision below has a known effect on the gold and, when the offline backend drafts the same
documents again, on the scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

EV_DIR = Path(__file__).parents[2] / "evals" / "ecosystems" / "ev-charging" / "docs"
# The plain-text documents: the export writes a document's text, which for these is the file itself.
EV_TEXT_DOCS = sorted(p for p in EV_DIR.iterdir() if p.suffix in (".md", ".txt"))

KEPT_ACTORS = ("VoltHaven Charging GmbH", "Korbin Supermarkets", "ParkPoint Garages")
# drafted as an actor of its own; the reviewer rejects it as part of Vellmar Mobility Department
REJECTED_ACTOR = "Programme Office"
REJECTED_REASON = "part of the Mobility Department"
ACCEPTED_ACTIVITY = "First-line maintenance and repair"  # owner VoltHaven, as drafted
EDITED_ACTIVITY = "Garage staffing"  # drafted with owner ParkPoint; the person makes Korbin the owner
REJECTED_ACTIVITY = "Reminder of the rule from the charter"
ADDED_ACTIVITY = "Install charge points in supermarket car parks"  # owner VoltHaven; the draft has none
ACCEPTED_EXCHANGE = "monthly session data per store"


@dataclass
class Reviewed:
    canvas_id: str
    draft: dict[str, Any]  # the canvas as generated (version 1)
    reviewed: dict[str, Any]  # the latest version, after the review


def _by(items: list[dict[str, Any]], field: str, value: str) -> dict[str, Any]:
    found = [i for i in items if i[field] == value]
    assert len(found) == 1, f"expected one entry with {field} {value!r} in the draft, got {len(found)}"
    return found[0]


def upload_and_review(client: httpx.Client | Any, headers: dict[str, str], generate: Any) -> Reviewed:
    """Upload the documents, draft a canvas with `generate()` (its job), and review it in one batch."""
    files = [("files", (p.name, p.read_bytes())) for p in EV_TEXT_DOCS]
    uploaded = client.post("/v1/documents", files=files, headers=headers)
    assert uploaded.status_code == 201, uploaded.text
    canvas_id = generate()["canvas_id"]
    first = client.get(f"/v1/canvases/{canvas_id}", headers=headers)
    draft = first.json()["canvas"]
    actors = {name: _by(draft["actors"], "name", name)["id"] for name in (*KEPT_ACTORS, REJECTED_ACTOR)}
    volthaven, korbin = actors[KEPT_ACTORS[0]], actors[KEPT_ACTORS[1]]
    actions: list[dict[str, Any]] = [{"action": "accept", "entry_id": actors[n]} for n in KEPT_ACTORS]
    actions += [
        {"action": "reject", "entry_id": actors[REJECTED_ACTOR], "reason": REJECTED_REASON},
        {"action": "accept", "entry_id": _by(draft["activities"], "name", ACCEPTED_ACTIVITY)["id"]},
        {
            "action": "edit",
            "entry_id": _by(draft["activities"], "name", EDITED_ACTIVITY)["id"],
            "changes": {"owner": korbin},
        },
        {"action": "reject", "entry_id": _by(draft["activities"], "name", REJECTED_ACTIVITY)["id"]},
        {"action": "add", "section": "activities", "entry": {"name": ADDED_ACTIVITY, "owner": volthaven}},
        {"action": "accept", "entry_id": _by(draft["value_exchanges"], "value", ACCEPTED_EXCHANGE)["id"]},
        {"action": "set", "field": "review.cadence", "value": "quarterly"},
    ]
    done = client.post(
        f"/v1/canvases/{canvas_id}/review",
        json={"action": "batch", "actions": actions},
        headers={**headers, "If-Match": first.headers["ETag"]},
    )
    assert done.status_code == 200, done.text
    return Reviewed(canvas_id=canvas_id, draft=draft, reviewed=done.json()["canvas"])
