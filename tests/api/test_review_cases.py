"""Every review is a test case: a canvas reviewed over HTTP, exported as an eval case, evaluated; and its
draft acceptance, per canvas and over the workspace."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from support.api_harness import Api
from support.reviewed import (
    ACCEPTED_ACTIVITY,
    ACCEPTED_EXCHANGE,
    ADDED_ACTIVITY,
    EDITED_ACTIVITY,
    EV_TEXT_DOCS,
    KEPT_ACTORS,
    REJECTED_ACTIVITY,
    REJECTED_ACTOR,
    REJECTED_REASON,
    upload_and_review,
)

from ecocanvas.evals.dataset import lint, load_dataset
from ecocanvas.evals.run import run_ecosystem


def test_a_reviewed_canvas_exports_as_a_case_whose_scores_reflect_the_decisions(api: Api, tmp_path: Path) -> None:
    reviewed = upload_and_review(api.client, api.auth(), api.generate)
    response = api.client.get(f"/v1/canvases/{reviewed.canvas_id}/gold", headers=api.auth())
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == f'"{reviewed.canvas_id}:2"'
    case = response.json()
    gold = case["gold"]
    # Only what the person decided: kept actors, the accepted, edited and added activities, the accepted exchange.
    assert [a["name"] for a in gold["actors"]] == list(KEPT_ACTORS)
    assert {a["name"]: a["owner"] for a in gold["activities"]} == {
        ACCEPTED_ACTIVITY: "VoltHaven Charging GmbH",
        EDITED_ACTIVITY: "Korbin Supermarkets",  # the person's version, not the draft's ParkPoint
        ADDED_ACTIVITY: "VoltHaven Charging GmbH",
    }
    assert [(e["provider"], e["receiver"], e["value"]) for e in gold["value_exchanges"]] == [
        ("VoltHaven Charging GmbH", "Korbin Supermarkets", ACCEPTED_EXCHANGE)
    ]
    assert gold["governance"] == [] and gold["metrics"] == []  # all still in draft
    assert gold["review_cadence"] == "quarterly"
    assert [(f["type"], f["name"], f["why"]) for f in gold["must_not_appear"]] == [
        ("actor", REJECTED_ACTOR, REJECTED_REASON),
        ("activity", REJECTED_ACTIVITY, "rejected in review"),
    ]
    assert [d["file"] for d in case["documents"]] == [p.name for p in EV_TEXT_DOCS]
    assert case["decided"] == 9 and case["skipped"] == [] and case["missing_documents"] == []

    archive = api.client.get(f"/v1/canvases/{reviewed.canvas_id}/gold", params={"format": "zip"}, headers=api.auth())
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(archive.content)).extractall(tmp_path / "cases")
    [eco] = load_dataset(tmp_path / "cases")
    assert eco.name == case["name"] and lint(eco.gold) == []
    # The exported documents are the uploaded files byte for byte (their text is the file).
    assert [p.read_bytes() for p in eco.documents] == [p.read_bytes() for p in EV_TEXT_DOCS]

    # The offline backend drafts the same canvas again: every decision shows in the scores.
    scored = run_ecosystem(eco, api.settings)
    s = scored.scores
    assert s["actor_recall"] == 1.0 and s["actor_precision"] == 3 / 7
    assert scored.forbidden == [REJECTED_ACTOR] and s["forbidden_actors"] == 1
    assert scored.forbidden_entries == [f"activity: {REJECTED_ACTIVITY}"] and s["forbidden_entries"] == 1
    assert scored.activities.misses == [ADDED_ACTIVITY] and s["activity_recall"] == 2 / 3
    assert [(e.activity, e.got) for e in scored.owner_errors] == [(EDITED_ACTIVITY, "ParkPoint Garages")]
    assert s["owner_accuracy"] == 1 / 3
    assert s["exchange_recall"] == 1.0 and s["citation_validity"] == 1.0


def test_draft_acceptance_per_canvas_and_over_the_workspace(api: Api) -> None:
    reviewed = upload_and_review(api.client, api.auth(), api.generate)
    draft = reviewed.draft
    report = api.client.get(f"/v1/canvases/{reviewed.canvas_id}/acceptance", headers=api.auth()).json()
    assert report["version"] == 2 and report["generator"]["backend"] == "offline"
    actors, activities = report["sections"]["actors"], report["sections"]["activities"]
    assert actors["drafted"] == len(draft["actors"])
    assert (actors["accepted"], actors["rejected"], actors["edited"], actors["added"]) == (3, 1, 0, 0)
    assert actors["pending"] == len(draft["actors"]) - 4
    assert activities["drafted"] == len(draft["activities"])
    assert (activities["accepted"], activities["edited"], activities["rejected"], activities["added"]) == (1, 1, 1, 1)
    assert activities["accepted_share"] == 1 / len(draft["activities"])
    # Version 1 is the draft as generated: nothing decided yet.
    first = api.client.get(
        f"/v1/canvases/{reviewed.canvas_id}/acceptance", params={"version": 1}, headers=api.auth()
    ).json()
    assert first["total"]["pending"] == first["total"]["drafted"] > 0 and first["total"]["accepted_share"] == 0

    # A second canvas of the workspace, not reviewed: the workspace report adds both up, per generator.
    api.generate()
    workspace = api.client.get("/v1/workspace/acceptance", headers=api.auth()).json()
    assert len(workspace["canvases"]) == 2
    [group] = workspace["generators"]
    assert group["canvases"] == 2 and group["generator"]["prompt_version"] == draft["generator"]["prompt_version"]
    assert workspace["total"]["drafted"] == report["total"]["drafted"] + first["total"]["drafted"]
    assert workspace["sections"]["activities"]["added"] == 1
    # Another workspace sees none of it, and a canvas of this one is not found from there.
    other = api.client.get("/v1/workspace/acceptance", headers=api.auth(api.key_b)).json()
    assert other["canvases"] == [] and other["total"]["drafted"] == 0
    assert api.client.get(f"/v1/canvases/{reviewed.canvas_id}/gold", headers=api.auth(api.key_b)).status_code == 404
