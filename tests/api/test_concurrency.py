"""Optimistic concurrency on review, idempotent job creation, and cancellation."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
from support.api_harness import Api, in_process_api
from support.llm_answers import ANSWER, KPIS, MEMO
from support.scripted_llm import ScriptedLLM

EV_DOCS = sorted((Path(__file__).parents[2] / "evals" / "ecosystems" / "ev-charging" / "docs").iterdir())


def generated(api: Api) -> tuple[str, dict[str, Any], str]:
    api.upload(*[(p.name, p.read_bytes()) for p in EV_DOCS[:3]])
    canvas_id = api.generate()["canvas_id"]
    response = api.client.get(f"/v1/canvases/{canvas_id}", headers=api.auth())
    return canvas_id, response.json(), response.headers["ETag"]


def test_two_concurrent_edits_one_wins_the_other_gets_409(api: Api) -> None:
    canvas_id, body, etag = generated(api)
    activity = body["canvas"]["activities"][0]
    names = {"left": "Left team's wording", "right": "Right team's wording"}
    barrier = threading.Barrier(2)
    results: dict[str, httpx.Response] = {}

    def edit(side: str) -> None:
        barrier.wait()
        results[side] = api.client.post(
            f"/v1/canvases/{canvas_id}/review",
            json={"action": "edit", "entry_id": activity["id"], "changes": {"name": names[side]}},
            headers={**api.auth(), "If-Match": etag},
        )

    threads = [threading.Thread(target=edit, args=(side,)) for side in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [200, 409], {k: r.text for k, r in results.items()}
    winner = next(side for side, r in results.items() if r.status_code == 200)
    loser = next(side for side, r in results.items() if r.status_code == 409)
    assert results[loser].headers["content-type"] == "application/problem+json"
    now = api.client.get(f"/v1/canvases/{canvas_id}", headers=api.auth()).json()
    assert now["version"] == 2
    edited = next(a for a in now["canvas"]["activities"] if a["id"] == activity["id"])
    assert edited["name"] == names[winner]
    # The loser reloads and applies the change again on top: nothing is lost.
    retry = api.client.post(
        f"/v1/canvases/{canvas_id}/review",
        json={"action": "edit", "entry_id": activity["id"], "changes": {"name": names[loser]}},
        headers={**api.auth(), "If-Match": results[winner].headers["ETag"]},
    )
    assert retry.status_code == 200 and retry.json()["version"] == 3


def test_review_preconditions_and_bad_actions(api: Api) -> None:
    canvas_id, body, etag = generated(api)
    url = f"/v1/canvases/{canvas_id}/review"
    accept = {"action": "accept", "entry_id": body["canvas"]["actors"][0]["id"]}
    assert api.client.post(url, json=accept, headers=api.auth()).status_code == 428
    assert api.client.post(url, json=accept, headers={**api.auth(), "If-Match": '"nonsense"'}).status_code == 409
    ok = api.client.post(url, json=accept, headers={**api.auth(), "If-Match": etag})
    assert ok.status_code == 200
    assert api.client.post(url, json=accept, headers={**api.auth(), "If-Match": etag}).status_code == 409  # stale
    fresh = {**api.auth(), "If-Match": ok.headers["ETag"]}
    assert api.client.post(url, json={"action": "accept", "entry_id": "no-such"}, headers=fresh).status_code == 404
    bad_owner = {"action": "edit", "entry_id": body["canvas"]["activities"][0]["id"], "changes": {"owner": "ghost"}}
    refused = api.client.post(url, json=bad_owner, headers=fresh)
    assert refused.status_code == 422 and "ghost" in refused.json()["detail"]
    finding = body["findings"][0]["id"]
    no_reason = api.client.post(url, json={"action": "dismiss", "finding_id": finding, "reason": " "}, headers=fresh)
    assert no_reason.status_code == 422
    assert api.client.post(url, json={"action": "explode"}, headers=fresh).status_code == 422
    assert api.client.get(f"/v1/canvases/{canvas_id}", headers=api.auth()).json()["version"] == 2


def test_the_same_idempotency_key_gives_the_same_job(api: Api) -> None:
    api.upload(("memo.md", MEMO.encode()))
    headers = {**api.auth(), "Idempotency-Key": "k-123"}
    first = api.client.post("/v1/jobs", json={"title": "T"}, headers=headers)
    second = api.client.post("/v1/jobs", json={"title": "T"}, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    reused = api.client.post("/v1/jobs", json={"title": "Other"}, headers=headers)
    assert reused.status_code == 409 and "Idempotency-Key" in reused.json()["detail"]
    api.upload(("memo.md", MEMO.encode()), key=api.key_b)
    other_ws = api.client.post(
        "/v1/jobs", json={"title": "T"}, headers={**api.auth(api.key_b), "Idempotency-Key": "k-123"}
    )
    assert other_ws.status_code == 202 and other_ws.json()["id"] != first.json()["id"]
    api.wait(first.json()["id"])
    api.wait(other_ws.json()["id"], api.key_b)
    assert len(api.client.get("/v1/jobs", headers=api.auth()).json()) == 1


def test_cancel_a_queued_and_a_running_job(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json(ANSWER, delay_s=2)  # the only call that is sent: the running job's
    llm = {"model": scripted_llm.model, "api_base": scripted_llm.api_base, "api_key": scripted_llm.api_key}
    with in_process_api(tmp_path, job_workers=1, concurrency=1, cache=False, **llm) as api:
        api.upload(("memo.md", MEMO.encode()), ("kpis.md", KPIS.encode()))
        running = api.client.post("/v1/jobs", json={}, headers=api.auth()).json()
        queued = api.client.post("/v1/jobs", json={}, headers=api.auth()).json()
        deadline = time.monotonic() + 60
        while not scripted_llm.requests:  # the running job is waiting on its first model call
            assert time.monotonic() < deadline
            time.sleep(0.02)
        cancelled = api.client.post(f"/v1/jobs/{queued['id']}/cancel", headers=api.auth())
        assert cancelled.status_code == 202 and cancelled.json()["status"] == "cancelled"
        asked = api.client.post(f"/v1/jobs/{running['id']}/cancel", headers=api.auth())
        assert asked.status_code == 202 and asked.json()["status"] == "running"
        assert api.wait(running["id"])["status"] == "cancelled"
        assert api.wait(queued["id"])["status"] == "cancelled"
        again = api.client.post(f"/v1/jobs/{running['id']}/cancel", headers=api.auth())
        assert again.status_code == 409
        assert api.client.get("/v1/canvases", headers=api.auth()).json() == []
    assert len(scripted_llm.requests) == 1
