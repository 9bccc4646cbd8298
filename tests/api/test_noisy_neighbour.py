"""One workspace's hostile PDFs do not stall another workspace's parsing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from support import hostile
from support.api_harness import in_process_api

from ecocanvas.knowledge.sandbox import sandbox_for


def test_hostile_pdfs_of_one_workspace_leave_a_worker_for_another(tmp_path: Path) -> None:
    # Each hostile file holds its worker until the parse timeout.
    with in_process_api(tmp_path, parse_timeout=10) as api:
        sandbox = sandbox_for(api.settings.parse_memory_mb)
        workers = sandbox.max_workers
        answers: dict[str, httpx.Response] = {}

        def upload_hostile(n: int) -> None:
            answers[f"b{n}"] = api.upload((f"slow-{n}.pdf", hostile.pdf_xobject_fanout()), key=api.key_b)

        # As many hostile files as there are workers, from workspace b, at once.
        threads = [threading.Thread(target=upload_hostile, args=(n,)) for n in range(workers)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while (workers - 1, 1) not in sandbox.load().values():  # all but one running, one waiting
            assert time.monotonic() < deadline, sandbox.load()
            time.sleep(0.01)

        page = api.upload(("page.pdf", hostile.ordinary_pdf(b"Harbour Energy supplies the depot.")))

        assert page.status_code == 201, page.text
        assert all(thread.is_alive() for thread in threads), "workspace a was served before b's files were done"
        for thread in threads:
            thread.join()
    assert {a.status_code for a in answers.values()} == {422}
    assert all("took longer than 10 s" in a.json()["detail"] for a in answers.values())
