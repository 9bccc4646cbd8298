"""A document deleted while a job reads it: the job fails saying so, never with an internal error."""

from __future__ import annotations

import time
from pathlib import Path

from support.api_harness import in_process_api
from support.llm_answers import ACTORS, GOVERNANCE, KPIS, MEMO, RESPONSIBILITIES
from support.scripted_llm import ScriptedLLM


def test_a_document_deleted_during_the_job_fails_it_by_name(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    # The first model call waits, so the document can be deleted while the job is drafting from it.
    scripted_llm.reply_json(ACTORS, delay_s=2)
    scripted_llm.reply_json(RESPONSIBILITIES)
    scripted_llm.reply_json(GOVERNANCE)
    llm = {"model": scripted_llm.model, "api_base": scripted_llm.api_base, "api_key": scripted_llm.api_key}
    # One call per group of sections (not the single call small documents get), one at a time.
    with in_process_api(tmp_path, concurrency=1, cache=False, single_call_tokens=0, **llm) as api:
        docs = api.upload(("memo.md", MEMO.encode()), ("kpis.md", KPIS.encode())).json()["documents"]
        memo = next(d for d in docs if d["name"] == "memo.md")
        job = api.client.post("/v1/jobs", json={}, headers=api.auth()).json()
        deadline = time.monotonic() + 60
        while not scripted_llm.requests:
            assert time.monotonic() < deadline, "the job never called the model"
            time.sleep(0.02)
        assert api.client.delete(f"/v1/documents/{memo['id']}", headers=api.auth()).status_code == 204
        finished = api.wait(job["id"])
    assert finished["status"] == "failed"
    assert finished["error"].startswith("document 'memo.md' was deleted during the job"), finished["error"]
    assert api.client.get("/v1/canvases", headers=api.auth()).json() == []
