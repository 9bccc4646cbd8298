"""Drafting benchmark (not a test): offline wall time per ecosystem, and LLM tokens sent per source token.

    python benchmarks/generate_bench.py [--pages 200]

Offline: `generate` on each bundled ecosystem in a fresh workspace, end to end (ingest, retrieval,
extraction, grounding, resolution, rules), after one warm-up that loads the embedding model.

Token ratio: the LLM path against the scripted OpenAI-compatible server from the tests (it answers
every call with an empty, valid section). Tokens sent = every request body the server received
(messages and the JSON-schema response format, re-asks included); source tokens = the extracted text
of the documents. Both are counted the same way (characters / 4), so the ratio does not depend on
a tokenizer. Run for one bundled ecosystem and for a generated corpus of --pages pages.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The repo first: tests/generator must not shadow the generator package.
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.scripted_llm import Reply, ScriptedLLM  # noqa: E402

from ecocanvas.settings import Settings  # noqa: E402
from generator import generate  # noqa: E402
from knowledge import KnowledgeBase  # noqa: E402

ECOSYSTEMS = ROOT / "evals" / "ecosystems"
PAGE_CHARS = 3000


def offline_times() -> dict[str, float]:
    eco = sorted(p for p in ECOSYSTEMS.iterdir() if (p / "docs").is_dir())
    with tempfile.TemporaryDirectory() as tmp:
        generate([eco[0] / "docs"], Settings(data_dir=Path(tmp) / "warm"))  # loads the model once
    out: dict[str, float] = {}
    for e in eco:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            generate([e / "docs"], Settings(data_dir=Path(tmp)))
            out[e.name] = time.perf_counter() - started
    return out


def corpus(folder: Path, pages: int) -> list[Path]:
    """`pages` pages of ecosystem prose: the bundled documents' text, renamed per copy."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(ECOSYSTEMS.glob("*/docs/*")) if p.suffix in {".md", ".txt"}]
    folder.mkdir(parents=True)
    files, written, i = [], 0, 0
    while written < pages * PAGE_CHARS:
        text = f"# Copy {i}\n\n" + texts[i % len(texts)].replace("20", f"{i % 9}0")
        path = folder / f"doc-{i:03d}.md"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        written += len(text)
        i += 1
    return files


def token_ratio(paths: list[Path], data_dir: Path) -> tuple[float, int, int, int]:
    with ScriptedLLM() as server:
        for _ in range(30):
            server.enqueue(Reply(content="{}"))
        settings = server.settings(data_dir, cache=False)
        result = generate(paths, settings)
        sent_chars = sum(
            len(json.dumps(r.body.get("messages", []))) + len(json.dumps(r.body.get("response_format") or {}))
            for r in server.requests
        )
        calls = len(server.requests)
        server.reset()
    kb = KnowledgeBase(settings)
    ids = {d.document_id for d in result.canvas.generator.documents}
    source_chars = sum(len(d.text) for d in kb.documents() if d.id in ids)
    return sent_chars / source_chars, sent_chars // 4, source_chars // 4, calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()

    times = offline_times()
    for name, seconds in times.items():
        print(f"offline  {name:24s} {seconds:6.2f} s")
    print(f"offline  mean {statistics.mean(times.values()):.2f} s, max {max(times.values()):.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        ratio, sent, source, calls = token_ratio([ECOSYSTEMS / "ev-charging" / "docs"], Path(tmp) / "a")
        print(f"tokens   ev-charging (5 documents): sent {sent}, source {source}, ratio {ratio:.2f}, calls {calls}")
        files = corpus(Path(tmp) / "corpus", args.pages)
        ratio, sent, source, calls = token_ratio(files, Path(tmp) / "b")
        print(
            f"tokens   {args.pages}-page corpus ({len(files)} files): sent {sent}, source {source}, "
            f"ratio {ratio:.2f}, calls {calls}"
        )


if __name__ == "__main__":
    main()
