"""The health summary over HTTP: per actor and per dimension, following review decisions and partner
data, and the "Health" section of the Markdown and HTML exports."""

from __future__ import annotations

from typing import Any

from support.api_harness import Api


def canvas() -> dict[str, Any]:
    return {
        "title": "Lumio acquiring",
        "actors": [
            {"id": "lumio", "name": "Lumio Pay", "kind": "platform"},
            {"id": "bank", "name": "Brenmark Bank", "kind": "partner"},
            {"id": "tessaro", "name": "Tessaro Systems", "kind": "supplier"},
        ],
        "value_exchanges": [
            {"id": "x1", "provider": "tessaro", "receiver": "lumio", "value": "tokenisation", "kind": "capability"},
            {"id": "x2", "provider": "tessaro", "receiver": "lumio", "value": "fraud signals", "kind": "data"},
            {"id": "x3", "provider": "tessaro", "receiver": "bank", "value": "vault access", "kind": "capability"},
            {"id": "x4", "provider": "lumio", "receiver": "tessaro", "value": "licence fees", "kind": "revenue"},
            {"id": "x5", "provider": "bank", "receiver": "lumio", "value": "acquiring fees", "kind": "revenue"},
        ],
        "activities": [{"id": "onb", "name": "Merchant onboarding", "owner": "lumio", "supporters": ["bank"]}],
        "governance": [
            {
                "id": "g1",
                "kind": "forum",
                "description": "Partner Steering Committee reviews the KPIs",
                "owner": "lumio",
                "participants": ["bank", "tessaro"],
                "cadence": "monthly",
            }
        ],
        "metrics": [
            {"id": "m1", "name": "Co-marketing sourced leads", "owner": "lumio", "target": "200", "actors": ["bank"]}
        ],
        "review": {"cadence": "quarterly"},
        "generator": {"backend": "spreadsheet-export", "model": None},
    }


def imported(api: Api) -> str:
    response = api.client.post("/v1/canvases", json={"canvas": canvas()}, headers=api.auth())
    assert response.status_code == 201, response.text
    return str(response.json()["canvas_id"])


def health(api: Api, canvas_id: str, **params: Any) -> dict[str, Any]:
    response = api.client.get(f"/v1/canvases/{canvas_id}/health", params=params, headers=api.auth())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_health_per_actor_and_per_dimension(api: Api) -> None:
    canvas_id = imported(api)
    body = health(api, canvas_id)
    actors = {a["actor_id"]: a for a in body["actors"]}
    assert list(actors) == ["lumio", "bank", "tessaro"]
    tessaro = actors["tessaro"]
    assert (tessaro["gives"], tessaro["gets"]) == (3, 1)
    assert (tessaro["gives_kinds"], tessaro["gets_kinds"]) == (["capability", "data"], ["revenue"])
    assert "gives-outweigh-gets" in {f["rule"] for f in tessaro["findings"]}
    bank = actors["bank"]
    assert [(p["id"], p["detail"]) for p in bank["activities"]] == [("onb", "support")]
    assert [(p["id"], p["detail"]) for p in bank["metrics"]] == [("m1", "measured")]
    assert [(p["id"], p["detail"]) for p in bank["forums"]] == [("g1", "participant")]
    assert bank["tier"] is None
    dims = {d["id"]: d for d in body["dimensions"]}
    assert list(dims)[:2] == ["executive_involvement", "touch_points"]
    assert dims["executive_involvement"]["status"] == "covered"
    assert [p["id"] for p in dims["executive_involvement"]["covered"]] == ["g1"]
    assert dims["touch_points"]["status"] == "gaps"
    assert [f["rule"] for f in dims["touch_points"]["findings"]] == ["single-level-forums"]
    assert dims["co_market"]["status"] == "gaps" and [p["id"] for p in dims["co_market"]["covered"]] == ["m1"]
    assert [f["rule"] for f in dims["co_market"]["findings"]] == ["motion-without-owner"]
    # the motion's finding stands against co-market only, and a motion nobody mentions is not evidenced
    assert dims["co_sell"] == {
        "id": "co_sell",
        "title": "Co-sell",
        "status": "not_evidenced",
        "covered": [],
        "findings": [],
    }


def test_a_dismissed_finding_no_longer_stands_against_its_dimension(api: Api) -> None:
    canvas_id = imported(api)
    dims = {d["id"]: d for d in health(api, canvas_id)["dimensions"]}
    (finding,) = dims["co_market"]["findings"]
    response = api.client.post(
        f"/v1/canvases/{canvas_id}/review",
        json={"action": "dismiss", "finding_id": finding["id"], "reason": "the bank runs campaigns off-canvas"},
        headers={**api.auth(), "If-Match": f'"{canvas_id}:1"'},
    )
    assert response.status_code == 200, response.text
    dims = {d["id"]: d for d in health(api, canvas_id)["dimensions"]}
    assert dims["co_market"]["status"] == "covered"
    assert dims["co_market"]["findings"][0]["status"] == "dismissed"
    # the first version is still there, as it was
    first = {d["id"]: d for d in health(api, canvas_id, version=1)["dimensions"]}
    assert first["co_market"]["status"] == "gaps"


def test_imported_partner_figures_appear_on_the_actors(api: Api) -> None:
    canvas_id = imported(api)
    csv = "Partner;Tier;ARR\nTessaro Systems;Platinum;€90k\n"
    response = api.client.post("/v1/partners", json={"csv": csv, "source": "prm.csv"}, headers=api.auth())
    assert response.status_code == 201, response.text
    actors = {a["actor_id"]: a for a in health(api, canvas_id)["actors"]}
    assert (actors["tessaro"]["tier"], actors["tessaro"]["revenue"]) == ("Platinum", "€90k")
    assert actors["bank"]["tier"] is None


def test_markdown_and_html_exports_hold_the_health_section(api: Api) -> None:
    canvas_id = imported(api)
    md = api.client.get(f"/v1/canvases/{canvas_id}/export/md", headers=api.auth())
    assert md.status_code == 200, md.text
    text = md.text
    assert text.index("## Health") < text.index("## Findings")
    assert "| Co-market | gaps | Co-marketing sourced leads | motion-without-owner (open): " in text
    assert "| Tessaro Systems | 3 (capability, data) | 1 (revenue) |" in text
    page = api.client.get(f"/v1/canvases/{canvas_id}/export/html", headers=api.auth()).text
    assert "<h2>Health</h2>" in page and "<table class=health-dimensions>" in page
    assert page.index("<h2>Health</h2>") < page.index("<h2>Findings</h2>")


def test_health_of_an_unknown_or_foreign_canvas_is_404_and_needs_a_key(api: Api) -> None:
    canvas_id = imported(api)
    assert api.client.get("/v1/canvases/nope/health", headers=api.auth()).status_code == 404
    assert api.client.get(f"/v1/canvases/{canvas_id}/health", headers=api.auth(api.key_b)).status_code == 404
    assert api.client.get(f"/v1/canvases/{canvas_id}/health").status_code == 401
