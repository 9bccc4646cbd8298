"""A job's progress as data (status, sections, times per step), and a cancel that does not wait for the model."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from support.api_harness import Api, api_settings, in_process_api, make_workspace
from support.llm_answers import ANSWER, KPIS, MEMO
from support.scripted_llm import ScriptedLLM

from ecocanvas.api.db import make_engine
from ecocanvas.api.jobs import JobCancelled
from ecocanvas.api.schemas import JobRequest
from ecocanvas.api.store import Store
from ecocanvas.canvas.model import SECTIONS, Canvas, CanvasResult

EV_DOCS = sorted((Path(__file__).parents[2] / "evals" / "ecosystems" / "ev-charging" / "docs").iterdir())


def stream(api: Api, job_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The job's Server-Sent Events as (event name, data), read to the end of the stream."""
    text = api.client.get(f"/v1/jobs/{job_id}/events", headers=api.auth()).text
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in fields:
            events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


def test_progress_events_carry_status_sections_and_times(api: Api) -> None:
    api.upload(*[(p.name, p.read_bytes()) for p in EV_DOCS])
    job = api.generate()
    events = stream(api, job["id"])
    progress = [data for name, data in events if name == "progress"]
    drafted = [p for p in progress if p["stage"] == "extract"]
    # The drafting step names its sections, says when it runs and when it ended, and how long it took.
    assert [p["status"] for p in drafted] == ["running", "ok"]
    assert all(p["sections"] == list(SECTIONS) for p in drafted)
    assert drafted[0]["seconds"] is None and drafted[1]["seconds"] >= 0
    assert drafted[1]["elapsed"] >= drafted[0]["elapsed"]
    # Steps other than drafting draft no section; every step's last event has a final status.
    assert all(p["sections"] == [] for p in progress if p["stage"] not in {"extract"})
    last = {p["stage"]: p["status"] for p in progress}
    assert last["ground"] == last["resolve"] == "ok" and last["end"] == "succeeded"
    # The job's sections keep how long each took, for a page opened after the events went by.
    assert all(s["status"] == "ok" and s["seconds"] is not None for s in job["sections"].values())
    assert set(job["sections"]) == set(SECTIONS)


def test_a_cancel_abandons_the_model_call_in_flight_and_leaves_no_version(
    scripted_llm: ScriptedLLM, tmp_path: Path
) -> None:
    scripted_llm.reply_json(ANSWER, delay_s=60)  # the only call sent: the model takes a minute to answer
    llm = {"model": scripted_llm.model, "api_base": scripted_llm.api_base, "api_key": scripted_llm.api_key}
    with in_process_api(tmp_path, job_workers=1, concurrency=1, cache=False, **llm) as api:
        api.upload(("memo.md", MEMO.encode()), ("kpis.md", KPIS.encode()))
        job = api.client.post("/v1/jobs", json={}, headers=api.auth()).json()
        deadline = time.monotonic() + 60
        while not scripted_llm.requests:  # the job is waiting on its model call
            assert time.monotonic() < deadline
            time.sleep(0.02)
        asked = api.client.post(f"/v1/jobs/{job['id']}/cancel", headers=api.auth())
        assert asked.status_code == 202
        # Ended long before the model would have answered: the call in flight was abandoned.
        done = api.wait(job["id"], timeout=30)
        assert done["status"] == "cancelled" and done["error"] == "cancelled on request"
        # The sections that call drafted say the job was cancelled in them; none is left "running".
        assert {s["status"] for s in done["sections"].values()} == {"cancelled"}
        events = stream(api, job["id"])
        end = [data for name, data in events if name == "progress" and data["stage"] == "end"]
        assert [e["status"] for e in end] == ["cancelled"]
        assert api.client.get("/v1/canvases", headers=api.auth()).json() == []
    assert len(scripted_llm.requests) == 1


def test_a_cancel_that_lands_while_the_draft_is_saved_wins(tmp_path: Path) -> None:
    settings = api_settings(tmp_path)
    make_workspace(settings, "a")
    engine = make_engine(settings)
    try:
        store = Store(engine)
        workspace_id = store.workspace_id("a")
        job, _ = store.create_job(workspace_id, JobRequest(), None)
        assert store.claim(job.id, "me", 30) is not None
        store.request_cancel(workspace_id, job.id)  # after the last check between steps, before the write
        result = CanvasResult(canvas=Canvas(title="Draft"), findings=[])
        with pytest.raises(JobCancelled):
            store.complete(job.id, "me", workspace_id, None, result, {"action": "generate"}, 0, {})
        assert store.canvases(workspace_id) == []
        assert store.job(workspace_id, job.id).status == "running"  # the runner finishes it as cancelled
    finally:
        engine.dispose()
