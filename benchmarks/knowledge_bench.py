"""Knowledge layer benchmark: embedding runtimes side by side, ingest end to end, recall, search latency.

    .venv/bin/python benchmarks/knowledge_bench.py [--pages 210] [--sizes 10000,100000] [--queries 200]
        [--embedders minilm-torch,minilm-fp32,minilm] [--parts stages,ingest,recall,latency] [--rounds 1]

`--parts latency` times search alone (the stage table then covers only the runtime under test, whose
corpus vectors the latency workspaces reuse); `--rounds 2` asks a second set of new queries of the
same workspace, so a run on a shared machine shows how much of a p95 is other people's load.

Every figure comes from one run, so runtimes are compared on the same machine load: `minilm-torch`
(sentence-transformers + torch, the runtime before onnxruntime; needs `pip install -e ".[torch]"`,
skipped when absent), `minilm-fp32` (the ONNX graph unquantized) and `minilm` (int8, the default).

The corpus is generated (seeded): PDFs (fpdf2), DOCX, HTML and Markdown files of ecosystem-like
prose with headings, lists and responsibility tables. A "page" is a PDF page, or 3,000 characters
of extracted text for the other formats. Ingest end to end is timed two ways per runtime: one
document at a time (parse, chunk, embed, store, then the next: the flow before the pipeline) and
pipelined (`KnowledgeBase.ingest`: parsing overlaps embedding, batches span documents). Recall
uses the paraphrase set and the chunk-tail set of the tests. For the latency runs the chunk texts
are generated and their vectors are the corpus's real MiniLM vectors reused with small noise:
embedding 100k chunks would take hours on 2 cores and measures nothing new. Queries are distinct,
so no query-embedding cache hit flatters the figures.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ecocanvas.knowledge import KnowledgeBase, chunk_document, parse_bytes
from ecocanvas.knowledge.embedding import Vectors, get_embedder
from ecocanvas.knowledge.encoder_fit import fit_to_encoder
from ecocanvas.knowledge.ingest import collect_files
from ecocanvas.knowledge.lexical import LexicalIndex, retrieval_text
from ecocanvas.knowledge.models import Document
from ecocanvas.knowledge.parsing import ParseLimits, document_id
from ecocanvas.knowledge.pdf import pdf_page_count
from ecocanvas.knowledge.store import DocumentStore
from ecocanvas.knowledge.vectors import VectorIndex
from ecocanvas.logs import configure
from ecocanvas.settings import Settings

CHARS_PER_PAGE = 3000
ACTORS = ["ChargeCo", "GridPay", "VoltHub", "the municipality", "the research institute", "FleetOne", "the utility"]
ACTIVITIES = ["onboarding", "settlement", "maintenance", "tariff review", "data sharing", "site selection",
              "installer training", "incident response", "marketing", "roaming integration"]  # fmt: skip
_DOMAIN_TEXT = ("charger operator platform partner agreement revenue share data governance committee quarterly "
          "review metric uptime driver fleet tariff invoice roaming permit grid capacity budget roadmap "
          "escalation dispute approval dashboard survey satisfaction certification contract")  # fmt: skip
DOMAIN = _DOMAIN_TEXT.split()
PARTS = ("stages", "ingest", "recall", "latency")


class Corpus:
    """Seeded generator of ecosystem-like prose over a Zipf-ish vocabulary."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        syllables = ["ka", "lo", "mi", "ter", "van", "sol", "ri", "den", "por", "ex", "ul", "tra", "ne", "gos"]
        words = {"".join(self.rng.choices(syllables, k=self.rng.randint(2, 4))) for _ in range(4000)}
        self.vocab = DOMAIN + sorted(words)
        self.weights = [1.0 / (rank + 1) for rank in range(len(self.vocab))]

    def sentence(self) -> str:
        actor, activity = self.rng.choice(ACTORS), self.rng.choice(ACTIVITIES)
        filler = " ".join(self.rng.choices(self.vocab, self.weights, k=self.rng.randint(8, 18)))
        return f"{actor[0].upper()}{actor[1:]} handles {activity} with {filler}."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))

    def table(self) -> list[list[str]]:
        rows = [["Activity", "Lead", "Support", "Metric"]]
        for _ in range(self.rng.randint(3, 6)):
            rows.append([self.rng.choice(ACTIVITIES), self.rng.choice(ACTORS), self.rng.choice(ACTORS),
                         f"{self.rng.randint(50, 99)}% {self.rng.choice(DOMAIN)}"])  # fmt: skip
        return rows

    def sections(self, chars: int) -> list[tuple[str, list[str], list[list[str]]]]:
        """(heading, paragraphs, table rows) until about `chars` characters."""
        out: list[tuple[str, list[str], list[list[str]]]] = []
        total = 0
        while total < chars:
            paragraphs = [self.paragraph() for _ in range(self.rng.randint(2, 4))]
            table = self.table() if self.rng.random() < 0.4 else []
            out.append((f"{self.rng.choice(ACTIVITIES).title()} plan", paragraphs, table))
            total += sum(len(p) for p in paragraphs) + 60 * len(table)
        return out


def _pdf(corpus: Corpus, pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    for _ in range(pages):
        pdf.add_page()
        text = ""
        while len(text) < CHARS_PER_PAGE - 400:
            text += corpus.paragraph() + "\n\n"
        pdf.multi_cell(0, 5, text.strip())
    return bytes(pdf.output())


def _docx(corpus: Corpus, chars: int) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Partner agreement", level=0)
    for heading, paragraphs, table in corpus.sections(chars):
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        if table:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for row, cells in zip(grid.rows, table, strict=True):
                for cell, text in zip(row.cells, cells, strict=True):
                    cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _html(corpus: Corpus, chars: int) -> bytes:
    parts = ["<!DOCTYPE html><html><body><h1>Ecosystem memo</h1>"]
    for heading, paragraphs, table in corpus.sections(chars):
        parts.append(f"<h2>{heading}</h2>" + "".join(f"<p>{p}</p>" for p in paragraphs))
        if table:
            parts.append("<table>" + "".join(
                "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in table) + "</table>")  # fmt: skip
    return ("".join(parts) + "</body></html>").encode()


def _markdown(corpus: Corpus, chars: int) -> bytes:
    parts = ["# Steering committee minutes\n\nMeeting held on 18 June 2025."]
    for heading, paragraphs, table in corpus.sections(chars):
        parts.append(f"## {heading}\n\n" + "\n\n".join(paragraphs))
        if table:
            lines = ["| " + " | ".join(row) + " |" for row in table]
            lines.insert(1, "|" + "---|" * len(table[0]))
            parts.append("\n".join(lines))
    return "\n\n".join(parts).encode()


def make_corpus(folder: Path, pages: int) -> None:
    """About `pages` pages: 60% in 6-page PDFs, the rest as 2-page DOCX, HTML and Markdown files."""
    corpus = Corpus()
    folder.mkdir(parents=True, exist_ok=True)
    pdf_files = max(1, int(pages * 0.6) // 6)
    for i in range(pdf_files):
        (folder / f"report-{i:03d}.pdf").write_bytes(_pdf(corpus, 6))
    others = max(3, (pages - pdf_files * 6) // 2)
    makers = [("docx", _docx), ("html", _html), ("md", _markdown)]
    for i in range(others):
        suffix, make = makers[i % 3]
        (folder / f"doc-{i:03d}.{suffix}").write_bytes(make(corpus, 2 * CHARS_PER_PAGE))


def count_pages(folder: Path, docs: dict[str, Document]) -> float:
    total = 0.0
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".pdf":
            total += pdf_page_count(data)
        else:
            total += len(docs[document_id(data)].text) / CHARS_PER_PAGE
    return total


class Timer:
    """Wall and CPU seconds of a block; CPU time is this process's own (all its threads)."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def _percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms"


def stage_throughput(folder: Path, work: Path, embedders: list[str]) -> tuple[float, dict[str, Vectors]]:
    """Each stage alone, one after the other: parse, chunk, fit to the encoder, embed (per runtime), index."""
    files = sorted(folder.iterdir())
    timers: dict[str, Timer] = {}
    with Timer() as timers["parse"]:
        docs = {
            d.id: d
            for d in (parse_bytes(p.name, p.read_bytes(), ParseLimits(max_file_bytes=50_000_000)) for p in files)
        }
    pages = count_pages(folder, docs)
    default = get_embedder(embedders[-1], work / "cache")

    with Timer() as timers["chunk"]:
        unfitted = {doc_id: chunk_document(doc, 1200) for doc_id, doc in docs.items()}
    with Timer() as timers["fit to encoder"]:
        per_doc = {doc_id: fit_to_encoder(docs[doc_id], chunks, default) for doc_id, chunks in unfitted.items()}
    chunks = [c for cs in per_doc.values() for c in cs]
    texts = [retrieval_text(c) for c in chunks]
    tokens = default.count_tokens(texts)
    before = default.count_tokens([retrieval_text(c) for cs in unfitted.values() for c in cs])

    pools: dict[str, Vectors] = {}
    for name in embedders:
        embedder = get_embedder(name, work / "cache")
        embedder.embed(["warm up the model"])
        with Timer() as timers[f"embed {name}"]:
            pools[name] = embedder.embed(texts)

    with Timer() as timers["index"]:
        store, index = DocumentStore(work / "stage"), VectorIndex(work / "stage" / "chroma", default)
        offset = 0
        for doc_id, doc_chunks in per_doc.items():
            index.add(doc_chunks, pools[default.name][offset : offset + len(doc_chunks)])
            with store.lock():
                store.put(docs[doc_id], doc_chunks)
            offset += len(doc_chunks)
        LexicalIndex(chunks)

    print(
        f"corpus: {len(files)} files, {pages:.0f} pages; {sum(len(c) for c in unfitted.values())} chunks from the "
        f"chunker, {sum(t > 256 for t in before)} of them over the 256-token window; {len(chunks)} after fitting, "
        f"{sum(tokens) / len(tokens):.0f} tokens per chunk on average, {sum(tokens) / pages:.0f} per page"
    )
    print(f"  {'stage':<20} {'pages/s':>9} {'wall s':>8} {'CPU s':>8} {'CPU-ms/chunk':>13}")
    for label, timer in timers.items():
        print(
            f"  {label:<20} {pages / timer.wall:9.1f} {timer.wall:8.2f} {timer.cpu:8.2f} "
            f"{1000 * timer.cpu / len(chunks):13.1f}"
        )
    return pages, pools


def _one_at_a_time(kb: KnowledgeBase, folder: Path) -> None:
    """The flow before the pipeline: each file parsed, chunked, embedded and stored before the next."""
    for path, name in collect_files([folder]):
        kb.add_bytes(name, path.read_bytes(), wait=True)


def end_to_end(folder: Path, work: Path, embedders: list[str], pages: float) -> None:
    print(f"ingest end to end ({pages:.0f} pages; then the first search, which builds the BM25 index):")
    print(f"  {'runtime':<14} {'flow':<18} {'pages/s':>8} {'wall s':>7} {'CPU s':>7} {'words-searchable s':>19}")
    rates: dict[tuple[str, str], float] = {}
    for name in embedders:
        for flow in ("one at a time", "pipelined"):
            settings = Settings(data_dir=work / f"e2e-{name}-{flow[0]}", embedder=name)  # type: ignore[arg-type]
            searchable = float("nan")
            with Timer() as timer:
                kb = KnowledgeBase(settings)
                if flow == "pipelined":
                    report = kb.ingest([folder], wait=False)
                    searchable = time.perf_counter() - timer.wall
                    kb.wait_for_vectors()
                    assert not report.errors, report.errors
                else:
                    _one_at_a_time(kb, folder)
                kb.search("who leads onboarding")
            assert not kb.lexical_only()
            rates[(name, flow)] = pages / timer.wall
            print(
                f"  {name:<14} {flow:<18} {pages / timer.wall:8.1f} {timer.wall:7.1f} {timer.cpu:7.1f} "
                f"{searchable:19.1f}"
            )
    today = rates.get(("minilm-torch", "one at a time"))
    new = rates.get((embedders[-1], "pipelined"))
    if today and new:
        print(f"  ratio {embedders[-1]} pipelined / minilm-torch one at a time: {new / today:.2f}x")


def recall(work: Path, embedders: list[str]) -> None:
    """Recall@1 / @5 by document on the tests' paraphrase set and chunk-tail set, per runtime and mode."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "knowledge"))
    from knowledge_paraphrases import DISTRACTORS, PAIRS
    from knowledge_tails import TAILS

    sets = {
        "paraphrase": [(q, i) for i, (q, _) in enumerate(PAIRS)],
        "tail middle": [(m, len(PAIRS) + i) for i, (_, m, _) in enumerate(TAILS)],
        "tail end": [(e, len(PAIRS) + i) for i, (_, _, e) in enumerate(TAILS)],
    }
    passages = [p for _, p in PAIRS] + [p for p, _, _ in TAILS] + list(DISTRACTORS)
    print(f"recall by document ({len(passages)} passages; {', '.join(f'{k} {len(v)}' for k, v in sets.items())}):")
    print(f"  {'runtime':<14} {'mode':<7} " + " ".join(f"{k + ' R@1/R@5':>22}" for k in sets))
    for name in embedders:
        settings = Settings(data_dir=work / f"recall-{name}", embedder=name)  # type: ignore[arg-type]
        kb = KnowledgeBase(settings)
        ids = [kb.ingest_bytes(f"passage-{n:03d}.md", text.encode()).id for n, text in enumerate(passages)]
        for mode in ("bm25", "dense", "hybrid"):
            cells = []
            for queries in sets.values():
                ranked = [[h.chunk.document_id for h in kb.search(q, k=5, mode=mode)] for q, _ in queries]  # type: ignore[arg-type]
                at1 = sum(r[:1] == [ids[t]] for r, (_, t) in zip(ranked, queries, strict=True)) / len(queries)
                at5 = sum(ids[t] in r for r, (_, t) in zip(ranked, queries, strict=True)) / len(queries)
                cells.append(f"{at1:.2f} / {at5:.2f}")
            print(f"  {name:<14} {mode:<7} " + " ".join(f"{c:>22}" for c in cells))


def build_workspace(root: Path, size: int, pool: Vectors, embedder_name: str) -> None:
    """`size` chunks of generated text in 100-chunk documents, vectors drawn from the real pool."""
    rng = np.random.default_rng(11)
    corpus = Corpus(seed=size)
    embedder = get_embedder(embedder_name)
    store, index = DocumentStore(root), VectorIndex(root / "chroma", embedder)
    made = 0
    while made < size:
        text = "\n\n".join(f"## {h}\n\n" + "\n\n".join(ps) for h, ps, _ in corpus.sections(100 * 1100))
        data = text.encode()
        doc = Document(id=document_id(data), name=f"synthetic-{made}.md", media_type="text/markdown", text=text)
        chunks = chunk_document(doc, 1200)[: size - made]
        base = pool[rng.integers(0, len(pool), len(chunks))]
        noisy = base + rng.normal(0, 0.03, base.shape).astype(np.float32)
        vectors = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
        index.add(chunks, vectors)
        with store.lock():
            store.put(doc, chunks)
        made += len(chunks)


def latency(work: Path, size: int, pool: Vectors, queries: int, embedders: list[str], rounds: int = 1) -> None:
    name = embedders[-1]
    settings = Settings(data_dir=work / f"lat-{size}", embedder=name)  # type: ignore[arg-type]
    started = time.perf_counter()
    build_workspace(settings.workspaces_dir / "default", size, pool, name)
    built = time.perf_counter() - started
    kb = KnowledgeBase(settings)
    started = time.perf_counter()
    kb.search("warm up the lexical index")
    bm25_build = time.perf_counter() - started
    rng = random.Random(size)
    two_docs = [d.id for d in kb.documents()[:2]]
    print(f"{size:,} chunks, {name} (built in {built:.0f} s; BM25 index built in {bm25_build:.1f} s):")
    for round_ in range(rounds):
        asked = [
            f"who is responsible for {rng.choice(ACTIVITIES)} with {rng.choice(ACTORS)} {round_ * queries + i}"
            for i in range(queries)
        ]
        modes: dict[str, list[float]] = {"hybrid": [], "bm25": [], "dense": [], "repeat": [], "filtered": []}
        hybrid_cpu = 0.0  # this process's CPU (all threads) per new hybrid query: the work, whatever the load
        for query in asked:
            started, cpu = time.perf_counter(), time.process_time()
            kb.search(query, k=8, mode="hybrid")
            modes["hybrid"].append(time.perf_counter() - started)
            hybrid_cpu += time.process_time() - cpu
            started = time.perf_counter()
            kb.search(query, k=8, mode="bm25")
            modes["bm25"].append(time.perf_counter() - started)
            started = time.perf_counter()
            kb.search(query, k=8, mode="dense")  # the query vector is cached now: this is the index alone
            modes["dense"].append(time.perf_counter() - started)
            started = time.perf_counter()
            kb.search(query, k=8)  # the generator repeats its section queries: the vector is cached
            modes["repeat"].append(time.perf_counter() - started)
            started = time.perf_counter()
            kb.search(query, k=8, document_ids=two_docs)
            modes["filtered"].append(time.perf_counter() - started)
        if rounds > 1:
            print(f"  round {round_ + 1} (load average {os.getloadavg()[0]:.1f})")
        print(f"  hybrid search, new query   {_percentiles(modes['hybrid'])}  CPU {1000 * hybrid_cpu / queries:.1f} ms")
        print(f"  BM25 only                  {_percentiles(modes['bm25'])}")
        print(f"  dense index only           {_percentiles(modes['dense'])}")
        print(f"  hybrid, repeated query     {_percentiles(modes['repeat'])}")
        print(f"  hybrid in 2 documents      {_percentiles(modes['filtered'])}")
        # The query embedding of each runtime on the same fresh questions (the rest of the path is shared).
        for other in embedders:
            embedder = get_embedder(other)
            embed: list[float] = []
            for i in range(queries):
                question = f"a fresh question number {round_ * queries + i} of {size} about {rng.choice(ACTIVITIES)}"
                started = time.perf_counter()
                embedder.embed_query(question)
                embed.append(time.perf_counter() - started)
            print(f"  query embedding, {other + ' ':<13}{_percentiles(embed)}")


def available(names: list[str]) -> list[str]:
    """The runtimes asked for that this environment can run (torch is an optional extra)."""
    import importlib.util

    kept = [n for n in names if n != "minilm-torch" or importlib.util.find_spec("sentence_transformers")]
    for name in sorted(set(names) - set(kept)):
        print(f"skipped {name}: not installed (pip install -e '.[torch]')")
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=210)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--embedders",
        default="minilm-torch,minilm-fp32,minilm",
        help="comma-separated, the last one is the one under test (latency, index)",
    )
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated, of {', '.join(PARTS)}: latency alone skips the ingest and recall runs",
    )
    parser.add_argument("--rounds", type=int, default=1, help="sets of new queries per workspace size")
    args = parser.parse_args()
    parts = {p for p in args.parts.split(",") if p}
    if parts - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(parts - set(PARTS)))}")
    configure("WARNING")
    embedders = available([e for e in args.embedders.split(",") if e])
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="knowledge-bench-") as tmp:
        work = Path(tmp)
        make_corpus(work / "corpus", args.pages)
        started = time.perf_counter()
        get_embedder(embedders[-1], work / "cache").embed(["build the graph"])
        print(f"first use of {embedders[-1]}: {time.perf_counter() - started:.1f} s (builds and caches the graph)")
        # The latency workspaces reuse the corpus's vectors of the runtime under test, so they need the stages.
        staged = embedders if "stages" in parts else embedders[-1:]
        pages, pools = stage_throughput(work / "corpus", work, staged)
        if "ingest" in parts:
            end_to_end(work / "corpus", work, embedders, pages)
        if "recall" in parts:
            recall(work, embedders)
        if "latency" in parts:
            for size in (int(s) for s in args.sizes.split(",") if s):
                latency(work, size, pools[embedders[-1]], args.queries, embedders, args.rounds)
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
