"""Keys and workspaces: 401 without a valid key, 403 for read-only writes, and no way across workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.api_harness import Api

CANARY = "CANARY-7f3a9 Quillfeather Logistics leads the canary onboarding programme."
EV_DOCS = sorted((Path(__file__).parents[2] / "evals" / "ecosystems" / "ev-charging" / "docs").iterdir())


def test_no_key_or_a_wrong_key_is_401_as_problem_json(api: Api) -> None:
    for headers in ({}, {"Authorization": "Bearer eco_wrong"}, {"X-API-Key": "nope"}, {"Authorization": "Basic eA=="}):
        response = api.client.get("/v1/documents", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 401 and response.json()["detail"]
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert api.client.get("/v1/documents", headers={"X-API-Key": api.key_a}).status_code == 200
    assert api.client.get("/healthz").status_code == 200


def test_a_read_only_key_reads_but_cannot_write(api: Api) -> None:
    api.upload(("memo.md", b"# Memo\nAcme leads onboarding."))
    ro = api.auth(api.key_a_read)
    assert len(api.client.get("/v1/documents", headers=ro).json()) == 1
    assert api.client.get("/v1/workspace", headers=ro).json()["can_write"] is False
    writes = [
        api.client.post("/v1/documents", files=[("files", ("x.md", b"# x\ntext"))], headers=ro),
        api.client.post("/v1/jobs", json={}, headers=ro),
        api.client.post("/v1/generate", json={"documents": [{"name": "a.md", "text": "x"}]}, headers=ro),
        api.client.delete("/v1/documents/0000000000000000", headers=ro),
        api.client.post("/v1/canvases/x/review", json={"action": "accept", "entry_id": "y"}, headers=ro),
        api.client.post("/v1/jobs/x/cancel", headers=ro),
    ]
    assert [w.status_code for w in writes] == [403] * len(writes)
    assert len(api.client.get("/v1/documents", headers=api.auth()).json()) == 1


def test_a_canary_in_workspace_a_is_invisible_from_b_through_every_route(api: Api) -> None:
    upload = api.upload(("canary.md", CANARY.encode()), *[(p.name, p.read_bytes()) for p in EV_DOCS[:2]])
    doc_id = next(d["id"] for d in upload.json()["documents"] if d["name"] == "canary.md")
    job = api.generate()
    canvas_id, job_id = job["canvas_id"], job["id"]
    etag = api.client.get(f"/v1/canvases/{canvas_id}", headers=api.auth()).headers["ETag"]
    assert "Quillfeather" in api.client.get(f"/v1/canvases/{canvas_id}/export/md", headers=api.auth()).text

    b = api.auth(api.key_b)
    # Workspace B has the same kind of content, so "nothing found" is not just an empty workspace.
    api.upload(*[(p.name, p.read_bytes()) for p in EV_DOCS[2:]], key=api.key_b)
    api.generate(key=api.key_b)
    reads = {
        "documents": api.client.get("/v1/documents", headers=b),
        "document": api.client.get(f"/v1/documents/{doc_id}", headers=b),
        "text": api.client.get(f"/v1/documents/{doc_id}/text", headers=b),
        "search": api.client.get("/v1/search", params={"q": "Quillfeather canary CANARY-7f3a9", "k": 50}, headers=b),
        "jobs": api.client.get("/v1/jobs", headers=b),
        "job": api.client.get(f"/v1/jobs/{job_id}", headers=b),
        "events": api.client.get(f"/v1/jobs/{job_id}/events", headers=b),
        "canvases": api.client.get("/v1/canvases", headers=b),
        "canvas": api.client.get(f"/v1/canvases/{canvas_id}", headers=b),
        "versions": api.client.get(f"/v1/canvases/{canvas_id}/versions", headers=b),
        "version": api.client.get(f"/v1/canvases/{canvas_id}/versions/1", headers=b),
        "diff": api.client.get(f"/v1/canvases/{canvas_id}/diff", params={"from_version": 1}, headers=b),
        **{
            f"export-{fmt}": api.client.get(f"/v1/canvases/{canvas_id}/export/{fmt}", headers=b)
            for fmt in ("json", "md", "html", "raci.csv", "mermaid", "svg")
        },
        "workspace": api.client.get("/v1/workspace", headers=b),
    }
    for name, response in reads.items():
        assert "CANARY" not in response.text and "Quillfeather" not in response.text, name
    # Listings do not even name A's ids (a 404 may repeat the id B itself asked for).
    for name in ("documents", "search", "jobs", "canvases", "workspace"):
        text = reads[name].text
        assert doc_id not in text and canvas_id not in text and job_id not in text, name
    for name in ("document", "text", "job", "events", "canvas", "versions", "version", "diff", "export-json"):
        assert reads[name].status_code == 404, name
    assert reads["search"].status_code == 200 and reads["search"].json()

    writes = {
        "delete": api.client.delete(f"/v1/documents/{doc_id}", headers=b),
        "cancel": api.client.post(f"/v1/jobs/{job_id}/cancel", headers=b),
        "review": api.client.post(
            f"/v1/canvases/{canvas_id}/review",
            json={"action": "set", "field": "title", "value": "hijacked"},
            headers={**b, "If-Match": etag},
        ),
        "regenerate": api.client.post("/v1/jobs", json={"canvas_id": canvas_id}, headers=b),
        "job-from-a-docs": api.client.post("/v1/jobs", json={"document_ids": [doc_id]}, headers=b),
    }
    assert {name: r.status_code for name, r in writes.items()} == dict.fromkeys(writes, 404)
    # A's data is untouched.
    assert api.client.get(f"/v1/documents/{doc_id}", headers=api.auth()).status_code == 200
    after = api.client.get(f"/v1/canvases/{canvas_id}", headers=api.auth()).json()
    assert after["version"] == 1 and after["canvas"]["title"] != "hijacked"


@pytest.mark.slow
def test_the_canary_stays_in_its_workspace_in_server_mode_too(scaled_api: Api) -> None:
    # PostgreSQL, the Chroma server (both workspaces' vectors in one server) and jobs run by worker processes.
    test_a_canary_in_workspace_a_is_invisible_from_b_through_every_route(scaled_api)
