"""Canvases made elsewhere: checked without being stored (POST /v1/check), or imported (POST /v1/canvases)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from support.api_harness import Api
from typer.testing import CliRunner

from ecocanvas.cli.rules_cmds import register

MEMO = "# Charter\nAcme leads onboarding of new partners. Globex supports onboarding. Acme pays Globex a fee.\n"
QUOTE = "Acme leads onboarding of new partners."


def hand_made(document_id: str | None = None, text: str = MEMO) -> dict[str, Any]:
    """A canvas another tool wrote: no model, one cited actor (when a document is named), one by hand."""
    acme: dict[str, Any] = {"id": "acme", "name": "Acme", "kind": "partner"}
    if document_id is not None:
        start = text.index(QUOTE)
        acme["sources"] = [
            {
                "document": "memo.md",
                "document_id": document_id,
                "start": start,
                "end": start + len(QUOTE),
                "quote": QUOTE,
            }
        ]
    return {
        "title": "Acme partner programme",
        "actors": [acme, {"id": "globex", "name": "Globex", "kind": "supplier"}],
        "activities": [{"id": "onboarding", "name": "Onboarding", "owner": None}],
        "generator": {"backend": "spreadsheet-export", "model": None},
    }


def cli_findings(tmp_path: Path, canvas: dict[str, Any]) -> Any:
    app = typer.Typer()
    register(app)
    path = tmp_path / "canvas.json"
    path.write_text(json.dumps(canvas), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_check_gives_the_findings_the_cli_gives_and_stores_nothing(api: Api, tmp_path: Path) -> None:
    canvas = hand_made()
    response = api.client.post("/v1/check", json={"canvas": canvas}, headers=api.auth(api.key_a_read))
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    findings = response.json()
    assert findings == cli_findings(tmp_path, canvas)
    assert "unowned-activity" in {f["rule"] for f in findings}
    assert api.client.get("/v1/canvases", headers=api.auth()).json() == []


def test_check_answers_sarif_when_asked_and_406_for_what_it_cannot(api: Api) -> None:
    body = {"canvas": hand_made()}
    sarif = api.client.post("/v1/check", json=body, headers={**api.auth(), "Accept": "application/sarif+json"})
    assert sarif.status_code == 200 and sarif.headers["content-type"] == "application/sarif+json"
    log = sarif.json()
    assert log["version"] == "2.1.0" and {r["ruleId"] for r in log["runs"][0]["results"]} >= {"unowned-activity"}
    prefers = api.client.post(
        "/v1/check", json=body, headers={**api.auth(), "Accept": "application/json;q=0.5, application/sarif+json"}
    )
    assert prefers.headers["content-type"] == "application/sarif+json"
    assert api.client.post("/v1/check", json=body, headers={**api.auth(), "Accept": "text/html"}).status_code == 406


def test_check_applies_a_policy_and_names_what_is_wrong_in_it(api: Api) -> None:
    canvas = hand_made()
    quiet = {"canvas": canvas, "policy": {"disable": ["unowned-activity"]}}
    rules = {f["rule"] for f in api.client.post("/v1/check", json=quiet, headers=api.auth()).json()}
    assert rules and "unowned-activity" not in rules
    typo = api.client.post(
        "/v1/check", json={"canvas": canvas, "policy": {"disable": ["unowned-activty"]}}, headers=api.auth()
    )
    assert typo.status_code == 422
    assert typo.json()["errors"][0]["loc"] == ["body", "policy"] and "did you mean 'unowned-activity'" in typo.text


def test_an_invalid_canvas_is_a_problem_naming_the_fields(api: Api) -> None:
    canvas = hand_made()
    del canvas["actors"][1]["name"]
    canvas["activities"][0]["owner"] = 7
    response = api.client.post("/v1/check", json={"canvas": canvas}, headers=api.auth())
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    locs = [e["loc"] for e in response.json()["errors"]]
    assert ["body", "canvas", "actors", 1, "name"] in locs and ["body", "canvas", "activities", 0, "owner"] in locs


def test_an_imported_canvas_is_version_1_and_reviews_diffs_and_exports_like_a_generated_one(api: Api) -> None:
    [doc] = api.upload(("memo.md", MEMO.encode())).json()["documents"]
    text = api.client.get(f"/v1/documents/{doc['id']}/text", headers=api.auth()).json()["text"]
    imported = api.client.post("/v1/canvases", json={"canvas": hand_made(doc["id"], text)}, headers=api.auth())
    assert imported.status_code == 201, imported.text
    body = imported.json()
    canvas_id = body["canvas_id"]
    assert body["version"] == 1 and body["action"] == {"action": "import"}
    assert (
        imported.headers["ETag"] == f'"{canvas_id}:1"' and imported.headers["Location"] == f"/v1/canvases/{canvas_id}"
    )
    assert body["canvas"]["generator"]["backend"] == "spreadsheet-export"
    assert "unowned-activity" in {f["rule"] for f in body["findings"]}, "the rules ran on it"

    accepted = api.client.post(
        f"/v1/canvases/{canvas_id}/review",
        json={"action": "accept", "entry_id": "acme"},
        headers={**api.auth(), "If-Match": imported.headers["ETag"]},
    )
    assert accepted.status_code == 200 and accepted.json()["version"] == 2
    diff = api.client.get(f"/v1/canvases/{canvas_id}/diff", params={"from_version": 1}, headers=api.auth()).json()
    assert [(c["id"], c["change"]) for c in diff["entries"]] == [("acme", "changed")]
    exported = api.client.get(f"/v1/canvases/{canvas_id}/export/md", headers=api.auth())
    assert exported.status_code == 200 and QUOTE in exported.text
    assert [c["id"] for c in api.client.get("/v1/canvases", headers=api.auth()).json()] == [canvas_id]


def test_an_import_whose_citation_is_not_the_documents_text_is_422_naming_it(api: Api) -> None:
    [doc] = api.upload(("memo.md", MEMO.encode())).json()["documents"]
    text = api.client.get(f"/v1/documents/{doc['id']}/text", headers=api.auth()).json()["text"]
    shifted = hand_made(doc["id"], text)
    shifted["actors"][0]["sources"][0]["start"] += 1
    shifted["actors"][0]["sources"][0]["end"] += 1
    unknown = hand_made("0123456789abcdef", text)
    for canvas, why in [(shifted, "but the text there is"), (unknown, "unknown document id 0123456789abcdef")]:
        response = api.client.post("/v1/canvases", json={"canvas": canvas}, headers=api.auth())
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert error["loc"] == ["body", "canvas", "actors", 0, "sources", 0]
        assert error["msg"].startswith("entry 'acme' cites 'memo.md'") and why in error["msg"]
    # From another workspace, the document is not there either.
    other = api.client.post("/v1/canvases", json={"canvas": hand_made(doc["id"], text)}, headers=api.auth(api.key_b))
    assert other.status_code == 422
    assert api.client.get("/v1/canvases", headers=api.auth()).json() == []
    assert api.client.get("/v1/canvases", headers=api.auth(api.key_b)).json() == []
    assert (
        api.client.post("/v1/canvases", json={"canvas": hand_made()}, headers=api.auth(api.key_a_read)).status_code
        == 403
    )


def test_the_openapi_describes_a_canvas_sent_in_as_it_is_read(api: Api) -> None:
    """A request's canvas may say `"model": null`; the response's canvas never does."""
    schemas = api.client.get("/openapi.json").json()["components"]["schemas"]
    check = schemas["CheckRequest"]["properties"]["canvas"]["$ref"].rsplit("/", 1)[-1]
    generator = schemas[check]["properties"]["generator"]["$ref"].rsplit("/", 1)[-1]
    assert schemas[generator]["properties"]["model"]["type"] == ["string", "null"]
    assert schemas["GeneratorInfo"]["properties"]["model"]["type"] == "string"
