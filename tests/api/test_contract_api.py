"""GET /v1/contract: the registry as the page and other clients read it, without a key, and in the OpenAPI."""

from __future__ import annotations

from support.api_harness import Api

from ecocanvas.canvas.registry import ENUMS, SECTION_SPECS
from ecocanvas.generator.sections import CALLS, SINGLE_CALL


def test_the_contract_is_the_registry_and_needs_no_key(api: Api) -> None:
    response = api.client.get("/v1/contract")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(s["id"], s["number"], s["title"]) for s in body["sections"]] == [
        (s.id, s.number, s.title) for s in SECTION_SPECS
    ]
    assert [
        [(x["id"], x["parent"], x["kind"], x["label"], x["one"]) for x in s["lists"]] for s in body["sections"]
    ] == [[(x.id, x.parent, x.kind, x.label, x.one) for x in s.lists] for s in SECTION_SPECS]
    assert body["enums"] == {name: list(values) for name, values in ENUMS.items()}
    assert body["calls"] == [{"name": c.name, "sections": list(c.sections)} for c in CALLS]
    assert body["single_call"] == SINGLE_CALL


def test_the_openapi_describes_the_contract(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/contract"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ContractOut"}
    assert {"sections", "enums", "calls", "single_call"} <= set(
        spec["components"]["schemas"]["ContractOut"]["required"]
    )
    assert "security" not in operation
