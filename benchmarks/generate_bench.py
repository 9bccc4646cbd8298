"""Drafting benchmark (not a test): offline wall time per ecosystem, and LLM tokens sent per source token.

    python benchmarks/generate_bench.py [--pages 200] [--skip-offline]

Offline: `generate` on each bundled ecosystem in a fresh workspace, end to end (ingest, retrieval,
extraction, grounding, resolution, rules), after one warm-up that loads the embedding model.

Token ratio: the LLM path against the scripted OpenAI-compatible server from the tests (it answers
every call with an empty, valid answer, so nothing is re-asked). Tokens sent = the bytes of every
request body the server received (messages, the JSON-schema response format and the other
parameters, as litellm serialised them); source tokens = the extracted text of the documents. Both
are counted the same way (characters / 4), so the ratio does not depend on a tokenizer. Each
bundled ecosystem and a generated corpus of --pages pages is run twice: as planned by size (the
default `single_call_tokens`: one call when the evidence fits) and with split calls
(`single_call_tokens=0`: one call per group of sections).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The repo first: tests/generator must not shadow the generator package.
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.scripted_llm import Reply, ScriptedLLM  # noqa: E402

from ecocanvas.generator import generate  # noqa: E402
from ecocanvas.knowledge import KnowledgeBase  # noqa: E402
from ecocanvas.settings import Settings  # noqa: E402

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


@dataclass
class Measure:
    calls: int
    sent: int  # tokens, characters / 4
    source: int
    planned: int  # the pipeline's own estimate of prompt tokens

    @property
    def ratio(self) -> float:
        return self.sent / self.source


def measure(paths: list[Path], data_dir: Path, single_call_tokens: int | None) -> Measure:
    with ScriptedLLM() as server:
        for _ in range(10):
            server.enqueue(Reply(content="{}"))
        overrides = {"cache": False, "call_log": False}
        if single_call_tokens is not None:
            overrides["single_call_tokens"] = single_call_tokens
        settings = server.settings(data_dir, **overrides)
        result = generate(paths, settings)
        sent_chars = sum(r.size for r in server.requests)
        calls = len(server.requests)
        server.reset()
    kb = KnowledgeBase(settings)
    ids = {d.document_id for d in result.canvas.generator.documents}
    source_chars = sum(len(d.text) for d in kb.documents() if d.id in ids)
    return Measure(calls, sent_chars // 4, source_chars // 4, result.canvas.generator.planned_prompt_tokens)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--skip-offline", action="store_true", help="Only the token ratios.")
    args = parser.parse_args()

    if not args.skip_offline:
        times = offline_times()
        for name, seconds in times.items():
            print(f"offline  {name:24s} {seconds:6.2f} s")
        print(f"offline  mean {statistics.mean(times.values()):.2f} s, max {max(times.values()):.2f} s")

    print(f"{'corpus':34s} {'source':>7s} | {'by size: calls':>14s} {'sent':>7s} {'ratio':>6s} | "
          f"{'split: calls':>12s} {'sent':>7s} {'ratio':>6s}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases = [(e.name, [e / "docs"]) for e in sorted(ECOSYSTEMS.iterdir()) if (e / "docs").is_dir()]
        if args.pages:
            files = corpus(root / "corpus", args.pages)
            cases.append((f"{args.pages}-page corpus ({len(files)} files)", files))
        ratios: list[float] = []
        for name, paths in cases:
            data = root / "data" / name.split()[0]
            planned, split = measure(paths, data, None), measure(paths, data, 0)
            if not name.endswith("files)"):
                ratios.append(planned.ratio)
            print(
                f"{name:34s} {planned.source:7d} | {planned.calls:14d} {planned.sent:7d} {planned.ratio:6.2f} | "
                f"{split.calls:12d} {split.sent:7d} {split.ratio:6.2f}"
            )
        print(f"bundled ecosystems, planned by size: mean ratio {statistics.mean(ratios):.2f}, max {max(ratios):.2f}")


if __name__ == "__main__":
    main()
