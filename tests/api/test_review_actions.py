"""Review over HTTP beyond single entries: batches, merge, comments, restore and undo as new versions,
regeneration keeping a person's title, resolved findings and notes, text caps, and export options."""

from __future__ import annotations

from typing import Any

from support.api_harness import Api
from test_flow import latest, review, upload_ev

from ecocanvas.canvas.model import MAX_TITLE_CHARS


def generated(api: Api, **request: Any) -> tuple[str, dict[str, Any], str]:
    upload_ev(api)
    canvas_id = api.generate(**request)["canvas_id"]
    body, etag = latest(api, canvas_id)
    return canvas_id, body, etag


def tag(canvas_id: str, version: int) -> str:
    return f'"{canvas_id}:{version}"'


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response


def test_regeneration_keeps_the_persons_title_resolved_findings_notes_and_merges(api: Api) -> None:
    canvas_id, body, etag = generated(api)
    finding = next(f for f in body["findings"] if f["status"] == "open" and f["rule"] == "unowned-activity")
    actors = body["canvas"]["actors"]
    steps = [
        {"action": "set", "field": "title", "value": "Charging alliance, reviewed"},
        {"action": "resolve", "finding_id": finding["id"], "reason": "owner agreed at the June board"},
        {"action": "comment", "finding_id": finding["id"], "text": "Minutes to follow."},
        {"action": "merge", "entry_id": actors[0]["id"], "other_id": actors[1]["id"]},
    ]
    for step in steps:
        etag = ok(review(api, canvas_id, etag, step)).headers["ETag"]
    api.generate(canvas_id=canvas_id)
    body, _ = latest(api, canvas_id)
    assert body["canvas"]["title"] == "Charging alliance, reviewed", "not the title taken from a document"
    kept = next(f for f in body["findings"] if f["id"] == finding["id"])
    assert (kept["status"], kept["reason"]) == ("resolved", "owner agreed at the June board")
    assert [c["text"] for c in kept["comments"]] == ["Minutes to follow."]
    ids = {a["id"] for a in body["canvas"]["actors"]}
    assert actors[0]["id"] in ids and actors[1]["id"] not in ids, "a merged-away actor does not come back"
    refs = [x[k] for x in body["canvas"]["value_exchanges"] for k in ("provider", "receiver")]
    assert actors[1]["id"] not in refs


def test_a_title_given_to_the_job_is_kept_on_regeneration(api: Api) -> None:
    canvas_id, body, _ = generated(api, title="EV alliance")
    assert body["canvas"]["reviewed_fields"] == ["title"]
    api.generate(canvas_id=canvas_id)
    assert latest(api, canvas_id)[0]["canvas"]["title"] == "EV alliance"
    api.generate(canvas_id=canvas_id, title="EV alliance 2027")
    assert latest(api, canvas_id)[0]["canvas"]["title"] == "EV alliance 2027"


def test_a_batch_is_one_version_and_can_add_an_actor_an_edit_then_uses(api: Api) -> None:
    canvas_id, body, etag = generated(api)
    activity = body["canvas"]["activities"][0]
    drafts = [a["id"] for a in body["canvas"]["actors"] if a["status"] == "draft"][:3]
    batch = {
        "action": "batch",
        "actions": [
            {"action": "add", "section": "actors", "entry": {"name": "Gridline Services"}, "ref": "new:grid"},
            {"action": "edit", "entry_id": activity["id"], "changes": {"owner": "new:grid"}},
            *({"action": "accept", "entry_id": i} for i in drafts),
        ],
    }
    saved = ok(review(api, canvas_id, etag, batch)).json()
    assert saved["version"] == body["version"] + 1
    (grid,) = [a for a in saved["canvas"]["actors"] if a["name"] == "Gridline Services"]
    now = next(a for a in saved["canvas"]["activities"] if a["id"] == activity["id"])
    assert (now["owner"], now["status"]) == (grid["id"], "edited")
    assert {a["id"]: a["status"] for a in saved["canvas"]["actors"] if a["id"] in drafts} == dict.fromkeys(
        drafts, "accepted"
    )
    # All or nothing: one unknown id and no version is written.
    bad = {
        "action": "batch",
        "actions": [{"action": "accept", "entry_id": drafts[0]}, {"action": "accept", "entry_id": "x"}],
    }
    assert review(api, canvas_id, tag(canvas_id, saved["version"]), bad).status_code == 404
    assert latest(api, canvas_id)[0]["version"] == saved["version"]


def test_restore_and_undo_write_new_versions_and_undo_walks_back(api: Api) -> None:
    canvas_id, body, etag = generated(api)
    first, second = (a["id"] for a in body["canvas"]["actors"][:2])
    etag = ok(review(api, canvas_id, etag, {"action": "accept", "entry_id": first})).headers["ETag"]  # v2
    etag = ok(review(api, canvas_id, etag, {"action": "reject", "entry_id": second, "reason": "gone"})).headers[
        "ETag"
    ]  # v3

    def status(version: dict[str, Any], entry_id: str) -> str:
        return str(next(a["status"] for a in version["canvas"]["actors"] if a["id"] == entry_id))

    undone = ok(review(api, canvas_id, etag, {"action": "undo"})).json()  # v4 = v2
    assert undone["version"] == 4 and undone["action"] == {"action": "undo", "version": 2, "based_on": 3}
    assert (status(undone, first), status(undone, second)) == ("accepted", "draft")
    again = ok(review(api, canvas_id, tag(canvas_id, 4), {"action": "undo"})).json()  # v5 = v1
    assert again["action"]["version"] == 1 and (status(again, first), status(again, second)) == ("draft", "draft")
    assert again["findings"] == body["findings"]
    nothing = review(api, canvas_id, tag(canvas_id, 5), {"action": "undo"})
    assert nothing.status_code == 422 and "nothing to undo" in nothing.text

    restored = ok(review(api, canvas_id, tag(canvas_id, 5), {"action": "restore", "version": 3})).json()
    assert restored["version"] == 6 and status(restored, second) == "rejected"
    assert (
        restored["canvas"]
        == api.client.get(f"/v1/canvases/{canvas_id}/versions/3", headers=api.auth()).json()["canvas"]
    )
    # Undoing a restore brings back what was there before it.
    back = ok(review(api, canvas_id, tag(canvas_id, 6), {"action": "undo"})).json()
    assert back["action"]["version"] == 5
    assert review(api, canvas_id, tag(canvas_id, 7), {"action": "restore", "version": 7}).status_code == 422
    assert review(api, canvas_id, tag(canvas_id, 7), {"action": "restore", "version": 99}).status_code == 404
    versions = api.client.get(f"/v1/canvases/{canvas_id}/versions", headers=api.auth()).json()
    assert [v["action"]["action"] for v in versions] == [
        "undo",
        "restore",
        "undo",
        "undo",
        "reject",
        "accept",
        "generate",
    ]


def test_undo_of_a_regeneration_brings_back_the_reviewed_version(api: Api) -> None:
    canvas_id, _, etag = generated(api)
    ok(review(api, canvas_id, etag, {"action": "set", "field": "scope.summary", "value": "Ours."}))
    regen = api.generate(canvas_id=canvas_id)
    _, etag = latest(api, canvas_id)
    undone = ok(review(api, canvas_id, etag, {"action": "undo"})).json()
    assert undone["action"]["version"] == regen["version"] - 1


def test_comments_and_reasons_are_capped_and_a_comment_needs_a_subject(api: Api) -> None:
    canvas_id, body, etag = generated(api)
    entry_id = body["canvas"]["actors"][0]["id"]
    for action in (
        {"action": "comment", "entry_id": entry_id, "text": "x" * 2001},
        {"action": "reject", "entry_id": entry_id, "reason": "x" * 2001},
        {"action": "set", "field": "title", "value": "x" * (MAX_TITLE_CHARS + 1)},
        {"action": "comment", "text": "about nothing"},
    ):
        assert review(api, canvas_id, etag, action).status_code == 422, action
    assert latest(api, canvas_id)[0]["version"] == body["version"]


def test_export_options_leave_out_drafts_and_drop_the_draft_mark(api: Api) -> None:
    canvas_id, body, etag = generated(api, title="EV alliance")
    actor = body["canvas"]["actors"][0]
    ok(review(api, canvas_id, etag, {"action": "accept", "entry_id": actor["id"]}))

    def export(fmt: str, **params: Any) -> str:
        response = api.client.get(f"/v1/canvases/{canvas_id}/export/{fmt}", params=params, headers=api.auth())
        assert response.status_code == 200, response.text
        return response.text

    assert export("md").startswith("# EV alliance (draft)\n")
    final = export("md", final="true", drafts="false")
    assert final.startswith("# EV alliance\n") and "| draft |" not in final
    assert f"| {actor['name']} |" in final
    assert "(draft)" not in export("html", final="true")
    assert export("json", drafts="false").count('"status": "draft"') > 0, "the JSON export is the whole contract"
