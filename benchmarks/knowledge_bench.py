"""Knowledge layer benchmark: pages/s per stage and end to end, then search latency at 10k and 100k chunks.

    .venv/bin/python benchmarks/knowledge_bench.py [--pages 210] [--sizes 10000,100000] [--queries 200]

The corpus is generated (seeded): PDFs (fpdf2), DOCX, HTML and Markdown files of ecosystem-like
prose with headings, lists and responsibility tables. A "page" is a PDF page, or 3,000 characters
of extracted text for the other formats. For the latency runs the chunk texts are generated and
their vectors are the corpus's real MiniLM vectors reused with small noise: embedding 100k chunks
would take hours on 2 cores and measures nothing new. Queries are distinct, so no query-embedding
cache hit flatters the figures.
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

from ecocanvas.logs import configure
from ecocanvas.settings import Settings
from knowledge import KnowledgeBase, chunk_document, parse_bytes
from knowledge.embedding import Vectors, get_embedder
from knowledge.lexical import LexicalIndex, retrieval_text
from knowledge.models import Chunk, Document
from knowledge.parsing import ParseLimits, document_id
from knowledge.pdf import pdf_page_count
from knowledge.store import DocumentStore
from knowledge.vectors import VectorIndex

CHARS_PER_PAGE = 3000
ACTORS = ["ChargeCo", "GridPay", "VoltHub", "the municipality", "the research institute", "FleetOne", "the utility"]
ACTIVITIES = ["onboarding", "settlement", "maintenance", "tariff review", "data sharing", "site selection",
              "installer training", "incident response", "marketing", "roaming integration"]  # fmt: skip
_DOMAIN_TEXT = ("charger operator platform partner agreement revenue share data governance committee quarterly "
          "review metric uptime driver fleet tariff invoice roaming permit grid capacity budget roadmap "
          "escalation dispute approval dashboard survey satisfaction certification contract")  # fmt: skip
DOMAIN = _DOMAIN_TEXT.split()


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


def stage_throughput(folder: Path, work: Path, embedder_name: str) -> tuple[list[Chunk], Vectors]:
    files = sorted(folder.iterdir())
    timers: dict[str, Timer] = {}
    with Timer() as timers["parse"]:
        docs = {
            d.id: d
            for d in (parse_bytes(p.name, p.read_bytes(), ParseLimits(max_file_bytes=50_000_000)) for p in files)
        }
    pages = count_pages(folder, docs)

    with Timer() as timers["chunk"]:
        per_doc = {doc_id: chunk_document(doc, 1200) for doc_id, doc in docs.items()}
    chunks = [c for cs in per_doc.values() for c in cs]

    embedder = get_embedder(embedder_name)
    embedder.embed(["warm up the model"])
    with Timer() as timers["embed"]:
        vectors = embedder.embed([retrieval_text(c) for c in chunks])

    with Timer() as timers["index"]:
        store, index = DocumentStore(work / "stage"), VectorIndex(work / "stage" / "chroma", embedder)
        offset = 0
        for doc_id, doc_chunks in per_doc.items():
            index.add(doc_chunks, vectors[offset : offset + len(doc_chunks)])
            with store.lock():
                store.put(docs[doc_id], doc_chunks)
            offset += len(doc_chunks)
        LexicalIndex(chunks)

    settings = Settings(data_dir=work / "e2e", embedder=embedder_name)  # type: ignore[arg-type]
    with Timer() as timers["end to end"]:
        kb = KnowledgeBase(settings)
        report = kb.ingest([folder])
        kb.search("who leads onboarding")  # the BM25 index is built on the first search
    assert not report.errors, report.errors

    print(f"corpus: {len(files)} files, {pages:.0f} pages, {len(chunks)} chunks, embedder {embedder_name}")
    print(f"  {'stage':<11} {'pages/s':>9} {'wall s':>8} {'CPU s':>8} {'pages/CPU-s':>12}")
    for label, timer in timers.items():
        print(
            f"  {label:<11} {pages / timer.wall:9.1f} {timer.wall:8.2f} {timer.cpu:8.2f} "
            f"{pages / max(timer.cpu, 1e-9):12.1f}"
        )
    return chunks, vectors


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


def latency(work: Path, size: int, pool: Vectors, queries: int, embedder_name: str) -> None:
    settings = Settings(data_dir=work / f"lat-{size}", embedder=embedder_name)  # type: ignore[arg-type]
    started = time.perf_counter()
    build_workspace(settings.workspaces_dir / "default", size, pool, embedder_name)
    built = time.perf_counter() - started
    kb = KnowledgeBase(settings)
    started = time.perf_counter()
    kb.search("warm up the lexical index")
    bm25_build = time.perf_counter() - started
    rng = random.Random(size)
    asked = [f"who is responsible for {rng.choice(ACTIVITIES)} with {rng.choice(ACTORS)} {i}" for i in range(queries)]
    modes: dict[str, list[float]] = {"hybrid": [], "bm25": [], "dense": [], "repeat": [], "filtered": []}
    two_docs = [d.id for d in kb.documents()[:2]]
    embed: list[float] = []
    embedder = get_embedder(embedder_name)
    for i, query in enumerate(asked):
        started = time.perf_counter()
        kb.search(query, k=8, mode="hybrid")
        modes["hybrid"].append(time.perf_counter() - started)
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
        started = time.perf_counter()
        embedder.embed_query(f"a fresh question number {i} about {rng.choice(ACTIVITIES)}")
        embed.append(time.perf_counter() - started)
    print(f"{size:,} chunks (built in {built:.0f} s; BM25 index built in {bm25_build:.1f} s):")
    print(f"  hybrid search, new query   {_percentiles(modes['hybrid'])}")
    print(f"  BM25 only                  {_percentiles(modes['bm25'])}")
    print(f"  dense index only           {_percentiles(modes['dense'])}")
    print(f"  hybrid, repeated query     {_percentiles(modes['repeat'])}")
    print(f"  hybrid in 2 documents      {_percentiles(modes['filtered'])}")
    print(f"  query embedding alone      {_percentiles(embed)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=210)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embedder", default="minilm", choices=["minilm", "hash"])
    args = parser.parse_args()
    configure("WARNING")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="knowledge-bench-") as tmp:
        work = Path(tmp)
        make_corpus(work / "corpus", args.pages)
        _, pool = stage_throughput(work / "corpus", work, args.embedder)
        for size in (int(s) for s in args.sizes.split(",") if s):
            latency(work, size, pool, args.queries, args.embedder)
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
