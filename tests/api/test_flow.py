"""Whole flows over HTTP: upload, generate, watch, review, regenerate, diff, export, delete."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from support.api_harness import Api

from ecocanvas.canvas.model import CanvasResult

EV_DOCS = sorted((Path(__file__).parents[2] / "evals" / "ecosystems" / "ev-charging" / "docs").iterdir())


def upload_ev(api: Api) -> list[dict[str, Any]]:
    response = api.upload(*[(p.name, p.read_bytes()) for p in EV_DOCS])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["errors"] == []
    return list(body["documents"])


def latest(api: Api, canvas_id: str) -> tuple[dict[str, Any], str]:
    response = api.client.get(f"/v1/canvases/{canvas_id}", headers=api.auth())
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


def review(api: Api, canvas_id: str, etag: str, action: dict[str, Any]) -> Any:
    return api.client.post(f"/v1/canvases/{canvas_id}/review", json=action, headers={**api.auth(), "If-Match": etag})


def test_upload_list_text_search_and_delete(api: Api) -> None:
    docs = upload_ev(api)
    assert [d["name"] for d in docs] == [p.name for p in EV_DOCS]
    listed = api.client.get("/v1/documents", headers=api.auth()).json()
    assert {d["id"] for d in listed} == {d["id"] for d in docs}
    first = docs[0]
    text = api.client.get(f"/v1/documents/{first['id']}/text", headers=api.auth()).json()
    assert len(text["text"]) == first["chars"] and text["name"] == first["name"]

    hits = api.client.get("/v1/search", params={"q": "grid connection", "k": 3}, headers=api.auth()).json()
    assert 1 <= len(hits) <= 3
    for hit in hits:
        chunk = hit["chunk"]
        source = api.client.get(f"/v1/documents/{chunk['document_id']}/text", headers=api.auth()).json()["text"]
        assert source[chunk["start"] : chunk["end"]] == chunk["text"]

    assert api.client.delete(f"/v1/documents/{first['id']}", headers=api.auth()).status_code == 204
    assert api.client.get(f"/v1/documents/{first['id']}", headers=api.auth()).status_code == 404
    remaining = api.client.get("/v1/search", params={"q": "programme charter", "k": 50}, headers=api.auth()).json()
    assert all(h["chunk"]["document_id"] != first["id"] for h in remaining)
    # Uploading the same bytes again is recognised, not duplicated.
    again = api.upload((EV_DOCS[1].name, EV_DOCS[1].read_bytes())).json()["documents"]
    assert again[0]["id"] == docs[1]["id"]
    assert len(api.client.get("/v1/documents", headers=api.auth()).json()) == len(docs) - 1


def test_generate_watch_review_regenerate_diff(api: Api) -> None:
    upload_ev(api)
    started = api.client.post("/v1/jobs", json={}, headers={**api.auth(), "Idempotency-Key": "gen-1"})
    assert started.status_code == 202
    job_id = started.json()["id"]
    assert started.headers["Location"] == f"/v1/jobs/{job_id}"
    # The stream ends with an `end` event once the job is done; progress events come before it, numbered.
    stream = api.client.get(f"/v1/jobs/{job_id}/events", headers=api.auth())
    assert stream.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(stream.text)
    assert events[-1]["event"] == "end"
    assert json.loads(events[-1]["data"])["status"] == "succeeded"
    progress = [json.loads(e["data"]) for e in events if e["event"] == "progress"]
    assert [p["seq"] for p in progress] == list(range(1, len(progress) + 1))
    assert {"ingest", "ground", "resolve"} <= {p["stage"] for p in progress}
    # Resuming after an event id replays only what came after it.
    resumed = api.client.get(f"/v1/jobs/{job_id}/events", headers={**api.auth(), "Last-Event-ID": "2"})
    assert next(json.loads(e["data"])["seq"] for e in parse_sse(resumed.text) if e["event"] == "progress") == 3

    job = api.wait(job_id)
    assert all(s["status"] == "ok" for s in job["sections"].values())
    canvas_id = job["canvas_id"]
    body, etag = latest(api, canvas_id)
    assert body["version"] == 1 and body["action"]["action"] == "generate"
    CanvasResult.model_validate({"canvas": body["canvas"], "findings": body["findings"]})

    canvas = body["canvas"]
    accepted = canvas["actors"][0]["id"]
    activity = canvas["activities"][0]
    other_actor = next(a["id"] for a in canvas["actors"] if a["id"] != activity["owner"])
    # A finding the owner edit below cannot settle (it would be re-checked away).
    finding = next(f for f in body["findings"] if f["status"] == "open" and activity["id"] not in f["subjects"])

    r1 = review(api, canvas_id, etag, {"action": "accept", "entry_id": accepted})
    assert r1.status_code == 200, r1.text
    r2 = review(
        api,
        canvas_id,
        r1.headers["ETag"],
        {"action": "edit", "entry_id": activity["id"], "changes": {"owner": other_actor}},
    )
    assert r2.status_code == 200, r2.text
    r3 = review(
        api,
        canvas_id,
        r2.headers["ETag"],
        {"action": "dismiss", "finding_id": finding["id"], "reason": "known gap, tracked elsewhere"},
    )
    assert r3.status_code == 200, r3.text
    added = review(
        api,
        canvas_id,
        r3.headers["ETag"],
        {"action": "add", "section": "objectives", "entry": {"text": "Open 40 sites by June"}},
    )
    assert added.status_code == 200, added.text
    assert added.json()["version"] == 5

    # Regeneration keeps what a person decided.
    regen = api.generate(canvas_id=canvas_id)
    assert regen["version"] == 6
    body, _ = latest(api, canvas_id)
    entries = {e["id"]: e for section in ("actors", "activities") for e in body["canvas"][section]}
    assert entries[accepted]["status"] == "accepted"
    assert entries[activity["id"]]["status"] == "edited" and entries[activity["id"]]["owner"] == other_actor
    assert any(
        o["text"] == "Open 40 sites by June" and o["sources"] == [] for o in body["canvas"]["scope"]["objectives"]
    )
    kept = next((f for f in body["findings"] if f["id"] == finding["id"]), None)
    assert kept is None or (kept["status"] == "dismissed" and kept["reason"] == "known gap, tracked elsewhere")

    versions = api.client.get(f"/v1/canvases/{canvas_id}/versions", headers=api.auth()).json()
    assert [v["version"] for v in versions] == [6, 5, 4, 3, 2, 1]
    assert [v["action"]["action"] for v in versions] == ["generate", "add", "dismiss", "edit", "accept", "generate"]
    page = api.client.get(f"/v1/canvases/{canvas_id}/versions", params={"limit": 2, "before": 5}, headers=api.auth())
    assert [v["version"] for v in page.json()] == [4, 3]
    change = api.client.get(
        f"/v1/canvases/{canvas_id}/diff", params={"from_version": 2, "to_version": 3}, headers=api.auth()
    ).json()
    [edited] = change["entries"]
    assert edited["id"] == activity["id"] and edited["change"] == "changed"
    assert {f["field"] for f in edited["fields"]} == {"owner", "status"}
    old = api.client.get(f"/v1/canvases/{canvas_id}/versions/1", headers=api.auth()).json()
    assert old["canvas"]["activities"][0]["status"] == "draft"  # old versions never change


def test_exports(api: Api) -> None:
    upload_ev(api)
    job = api.generate(title="EV <Charging> & Co")
    canvas_id = job["canvas_id"]
    body, _ = latest(api, canvas_id)
    canvas = body["canvas"]

    def export(fmt: str) -> Any:
        response = api.client.get(f"/v1/canvases/{canvas_id}/export/{fmt}", headers=api.auth())
        assert response.status_code == 200, response.text
        assert "attachment" in response.headers["content-disposition"]
        return response

    contract = CanvasResult.model_validate_json(export("json").text)
    assert contract.canvas.title == "EV <Charging> & Co" and len(contract.findings) == len(body["findings"])
    # Markdown escapes what HTML would read as markup (a title is text, not a tag).
    assert export("md").text.startswith("# EV &lt;Charging&gt; &amp; Co (draft)\n")
    page = export("html")
    assert (
        "EV &lt;Charging&gt; &amp; Co" in page.text and "default-src 'none'" in page.headers["content-security-policy"]
    )
    rows = list(csv.reader(io.StringIO(export("raci.csv").text)))
    assert len(rows) == 1 + sum(1 for a in canvas["activities"] if a["status"] != "rejected")
    mermaid = export("mermaid").text
    assert mermaid.startswith("flowchart") and mermaid.count("-->") == len(canvas["value_exchanges"])
    svg = export("svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.text)
    nodes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-actor-id")]
    assert len(nodes) == len(canvas["actors"])
    assert api.client.get(f"/v1/canvases/{canvas_id}/export/pdf", headers=api.auth()).status_code == 422


def test_sync_endpoint_with_text_and_with_files(api: Api) -> None:
    text = {"documents": [{"name": "memo.md", "text": EV_DOCS[1].read_text(encoding="utf-8")}], "title": "Sites"}
    response = api.client.post("/v1/generate", json=text, headers=api.auth())
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["canvas"]["title"] == "Sites" and result["version"] == 1
    assert result["canvas"]["actors"], "the term sheet names its parties"
    doc_text = api.client.get("/v1/documents", headers=api.auth()).json()
    assert [d["name"] for d in doc_text] == ["memo.md"]

    picked = [EV_DOCS[0], EV_DOCS[2]]
    files = [("files", (p.name, p.read_bytes())) for p in picked]
    response = api.client.post("/v1/generate", files=files, headers=api.auth())
    assert response.status_code == 200, response.text
    used = {d.name for d in CanvasResult.model_validate(response.json()).canvas.generator.documents}
    assert used == {p.name for p in picked}
    # An invalid field is 422, as on every route, and the problem names it.
    bad = api.client.post("/v1/generate", json={"documents": []}, headers=api.auth())
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["errors"][0]["loc"] == ["body", "documents"]


def test_a_slow_sync_call_answers_202_with_the_job_to_follow(api: Api) -> None:
    text = {"documents": [{"name": "memo.md", "text": EV_DOCS[1].read_text(encoding="utf-8")}]}
    response = api.client.post("/v1/generate", params={"timeout": 0.001}, json=text, headers=api.auth())
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert response.headers["Location"] == f"/v1/jobs/{job_id}"
    assert api.wait(job_id)["status"] == "succeeded"  # the job itself went on


def parse_sse(text: str) -> list[dict[str, str]]:
    events = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith(":") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        if "data" in fields:
            events.append(fields)
    return events
