"""Partner data through the API: import a CSV (all rows or none), match it to a canvas, review the rows
no actor matched, re-import, and the findings the figures raise."""

from __future__ import annotations

from typing import Any

import pytest
from support.api_harness import Api

from ecocanvas.api.db import make_engine
from ecocanvas.api.store import PendingVersion, Store
from ecocanvas.api.tables import utcnow
from ecocanvas.canvas.model import CanvasResult
from ecocanvas.canvas.partners import PartnerImport, read_partner_csv
from ecocanvas.errors import ConflictError

CSV = (
    "\ufeffPartner;Aliases;Tier;Co-sell pipeline;ARR;Shared accounts;Contract end\n"
    "Brenmark Banking;BB;Gold;€1.2m;€300k;14;2030-06-30\n"
    '"Tessaro Systems Ltd";;Platinum;€400k;"€90.000";3;2030-01-31\n'
    "Harbour Mobility;;Silver;;;;\n"
)


def canvas() -> dict[str, Any]:
    return {
        "title": "Lumio acquiring",
        "actors": [
            {"id": "bank", "name": "Brenmark Bank", "aliases": ["BB"], "kind": "partner", "role": "acquirer"},
            {"id": "tessaro", "name": "Tessaro Systems", "kind": "supplier", "role": "tokenisation"},
            {"id": "nhm", "name": "Nordhavn Harbour Mobility", "kind": "partner", "role": "fleet"},
        ],
        "value_exchanges": [
            {"id": "x1", "provider": "bank", "receiver": "tessaro", "value": "fees of €120k", "kind": "revenue"},
        ],
        "metrics": [{"id": "m1", "name": "Activation", "owner": "bank", "actors": ["bank"]}],
        "review": {"cadence": "quarterly"},
        "generator": {"backend": "spreadsheet-export", "model": None},
    }


def imported_canvas(api: Api) -> str:
    response = api.client.post("/v1/canvases", json={"canvas": canvas()}, headers=api.auth())
    assert response.status_code == 201, response.text
    return str(response.json()["canvas_id"])


def rules_of(api: Api, canvas_id: str) -> set[tuple[str, tuple[str, ...]]]:
    body = api.client.get(f"/v1/canvases/{canvas_id}", headers=api.auth()).json()
    return {(f["rule"], tuple(sorted(f["subjects"]))) for f in body["findings"]}


PARTNER_RULES = {"top-tier-partner-without-metric", "contract-ends-before-review", "exchange-revenue-mismatch"}


def test_import_matches_rows_lists_the_rest_and_rechecks_the_canvas(api: Api) -> None:
    canvas_id = imported_canvas(api)
    assert not {r for r, _ in rules_of(api, canvas_id)} & PARTNER_RULES
    response = api.client.post("/v1/partners", json={"csv": CSV, "source": "prm.csv"}, headers=api.auth())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["imported"]["version"] == 1 and body["imported"]["rows"] == 3 and body["previous"] is None
    assert body["imported"]["columns"]["ARR"] == "revenue"
    assert body["canvas_id"] == canvas_id
    matched = {(m["actor_id"], m["how"], m["record"]["row"]) for m in body["match"]["matched"]}
    assert matched == {("bank", "alias", 1), ("tessaro", "name", 2)}
    (unmatched,) = body["match"]["unmatched"]
    assert unmatched["record"]["name"] == "Harbour Mobility"
    assert [c["actor_id"] for c in unmatched["candidates"]] == ["nhm"]
    assert body["rechecked"] == [{"canvas_id": canvas_id, "version": 2}]
    found = rules_of(api, canvas_id)
    assert ("top-tier-partner-without-metric", ("tessaro",)) in found
    assert ("exchange-revenue-mismatch", ("bank", "tessaro", "x1")) in found
    version = api.client.get(f"/v1/canvases/{canvas_id}/versions", headers=api.auth()).json()[0]
    assert version["action"] == {"action": "partners", "partner_import": 1, "based_on": 1}


def test_a_file_with_a_bad_row_imports_nothing_and_names_every_bad_row(api: Api) -> None:
    canvas_id = imported_canvas(api)
    bad = "Partner,Revenue,Contract end\nBrenmark Bank,€1m,2030-01-01\nTessaro,lots,2030-02-30\n"
    response = api.client.post("/v1/partners", json={"csv": bad}, headers=api.auth())
    assert response.status_code == 422
    problem = response.json()
    assert problem["detail"].startswith("nothing was imported: row 2, column 'Revenue'")
    assert [e["loc"] for e in problem["errors"]] == [["row", 2, "Revenue"], ["row", 2, "Contract end"]]
    assert api.client.get("/v1/partners", headers=api.auth()).status_code == 404
    assert api.client.get(f"/v1/canvases/{canvas_id}/versions", headers=api.auth()).json()[0]["version"] == 1


def test_the_column_mapping_is_the_users_to_set(api: Api) -> None:
    imported_canvas(api)
    data = "Account,Level,Value\nBrenmark Bank,Gold,€5k\n"
    refused = api.client.post("/v1/partners", json={"csv": data}, headers=api.auth())
    assert refused.status_code == 422 and "no column names the partner" in refused.json()["detail"]
    mapping = {"Account": "name", "Level": "tier", "Value": "revenue"}
    response = api.client.post("/v1/partners", json={"csv": data, "mapping": mapping}, headers=api.auth())
    assert response.status_code == 201, response.text
    (record,) = api.client.get("/v1/partners", headers=api.auth()).json()["records"]
    assert record["tier"] == "Gold" and record["revenue"] == {"amount": 5000.0, "currency": "EUR"}


def test_a_person_maps_skips_and_clears_unmatched_rows(api: Api) -> None:
    canvas_id = imported_canvas(api)
    api.client.post("/v1/partners", json={"csv": CSV}, headers=api.auth())
    decide = {"row": 3, "action": "map", "actor_id": "nhm", "canvas_id": canvas_id}
    body = api.client.post("/v1/partners/decisions", json=decide, headers=api.auth()).json()
    assert ("nhm", "decision") in {(m["actor_id"], m["how"]) for m in body["match"]["matched"]}
    assert body["match"]["unmatched"] == []
    skip = {"row": 3, "action": "skip", "canvas_id": canvas_id}
    body = api.client.post("/v1/partners/decisions", json=skip, headers=api.auth()).json()
    assert [r["row"] for r in body["match"]["skipped"]] == [3]
    clear = {"row": 3, "action": "clear", "canvas_id": canvas_id}
    body = api.client.post("/v1/partners/decisions", json=clear, headers=api.auth()).json()
    assert [u["record"]["row"] for u in body["match"]["unmatched"]] == [3]
    wrong = {"row": 3, "action": "map", "actor_id": "nobody", "canvas_id": canvas_id}
    assert api.client.post("/v1/partners/decisions", json=wrong, headers=api.auth()).status_code == 404
    assert api.client.post("/v1/partners/decisions", json={**decide, "row": 9}, headers=api.auth()).status_code == 404


def test_a_reimport_replaces_the_data_keeps_the_old_and_the_answers(api: Api) -> None:
    canvas_id = imported_canvas(api)
    api.client.post("/v1/partners", json={"csv": CSV, "source": "june.csv"}, headers=api.auth())
    decide = {"row": 3, "action": "map", "actor_id": "nhm", "canvas_id": canvas_id}
    api.client.post("/v1/partners/decisions", json=decide, headers=api.auth())
    again = "Partner,Tier\nHarbour Mobility,Gold\nTessaro Systems,Silver\n"
    body = api.client.post("/v1/partners", json={"csv": again, "source": "july.csv"}, headers=api.auth()).json()
    assert (body["imported"]["version"], body["previous"]["version"], body["previous"]["source"]) == (2, 1, "june.csv")
    assert {(m["actor_id"], m["how"]) for m in body["match"]["matched"]} == {("nhm", "decision"), ("tessaro", "name")}
    history = api.client.get("/v1/partners/imports", headers=api.auth()).json()
    assert [(h["version"], h["source"], h["rows"]) for h in history] == [(2, "july.csv", 2), (1, "june.csv", 3)]
    old = api.client.get("/v1/partners?version=1", headers=api.auth()).json()
    assert [r["name"] for r in old["records"]] == ["Brenmark Banking", "Tessaro Systems Ltd", "Harbour Mobility"]
    # The new figures: Tessaro is no longer top tier, Harbour Mobility (mapped) now is.
    found = rules_of(api, canvas_id)
    assert ("top-tier-partner-without-metric", ("nhm",)) in found
    assert ("top-tier-partner-without-metric", ("tessaro",)) not in found


def test_partner_data_stays_in_its_workspace_and_needs_a_write_key(api: Api) -> None:
    imported_canvas(api)
    assert api.client.post("/v1/partners", json={"csv": CSV}, headers=api.auth(api.key_a_read)).status_code == 403
    assert api.client.post("/v1/partners", json={"csv": CSV}, headers=api.auth()).status_code == 201
    assert api.client.get("/v1/partners", headers=api.auth(api.key_b)).status_code == 404
    assert api.client.get("/v1/partners", headers=api.auth(api.key_a_read)).status_code == 200


def test_without_a_canvas_the_import_is_stored_with_no_matching(api: Api) -> None:
    body = api.client.post("/v1/partners", json={"csv": CSV}, headers=api.auth()).json()
    assert body["canvas_id"] is None and body["match"] is None and body["rechecked"] == []


def test_the_import_and_its_canvas_versions_land_together_or_not_at_all(api: Api) -> None:
    canvas_id = imported_canvas(api)
    engine = make_engine(api.settings)
    try:
        store = Store(engine)
        workspace_id = store.workspace_id("a")
        table = read_partner_csv(CSV)
        incoming = PartnerImport(
            version=1, created_at=utcnow(), columns=table.columns, rows=3, records=table.records, decisions={}
        )
        latest = store.version(workspace_id, canvas_id)
        stale = PendingVersion(canvas_id, CanvasResult(canvas=latest.canvas), {"action": "partners"}, based_on=0)
        with pytest.raises(ConflictError):
            store.add_partner_import(workspace_id, incoming, [stale])
        assert store.partner_import(workspace_id) is None
        fresh = stale._replace(based_on=latest.version)
        stored, saved = store.add_partner_import(workspace_id, incoming, [fresh])
        assert (stored.version, [v.version for v in saved]) == (1, [2])
        with pytest.raises(ConflictError):  # the same import number twice: the second loses, writing nothing
            store.add_partner_import(workspace_id, incoming, [])
        assert [i.version for i in store.partner_imports(workspace_id)] == [1]
    finally:
        engine.dispose()


def test_the_exports_show_the_imported_figures(api: Api) -> None:
    canvas_id = imported_canvas(api)
    before = api.client.get(f"/v1/canvases/{canvas_id}/export/md", headers=api.auth()).text
    assert "Partner data" not in before
    api.client.post("/v1/partners", json={"csv": CSV, "source": "prm.csv"}, headers=api.auth())
    md = api.client.get(f"/v1/canvases/{canvas_id}/export/md", headers=api.auth()).text
    assert "| Brenmark Bank | Gold | €1.2M | €300k | 14 | 2030-06-30 |" in md
    svg = api.client.get(f"/v1/canvases/{canvas_id}/export/svg", headers=api.auth()).text
    assert 'class="tier-badge"' in svg and "Platinum" in svg


def test_a_review_after_the_import_is_checked_with_the_partner_figures(api: Api) -> None:
    canvas_id = imported_canvas(api)
    api.client.post("/v1/partners", json={"csv": CSV}, headers=api.auth())
    latest = api.client.get(f"/v1/canvases/{canvas_id}", headers=api.auth())
    action = {"action": "accept", "entry_id": "tessaro"}
    reviewed = api.client.post(
        f"/v1/canvases/{canvas_id}/review", json=action, headers={**api.auth(), "If-Match": latest.headers["ETag"]}
    )
    assert reviewed.status_code == 200, reviewed.text
    rules = {(f["rule"], tuple(sorted(f["subjects"]))) for f in reviewed.json()["findings"]}
    assert ("top-tier-partner-without-metric", ("tessaro",)) in rules
