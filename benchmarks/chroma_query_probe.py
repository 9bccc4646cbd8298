"""What one chroma query costs outside the vector search: run it under strace or perf.

    .venv/bin/python benchmarks/chroma_query_probe.py [--chunks 10000] [--queries 1000]
    strace -f -c -o /tmp/chroma.strace .venv/bin/python benchmarks/chroma_query_probe.py --queries 1000

Builds a workspace of `--chunks` generated chunks (the latency bench's `build_workspace`, vectors
drawn from real MiniLM vectors), then asks the vector index the same query `--queries` times with
`include=["distances"]`, as `VectorIndex.query` does, and prints the wall and CPU milliseconds per
query. Building is not timed; the fixed cost per query (thread hand-offs, file reads) does not
depend on the number of chunks, so a small workspace shows it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from knowledge_bench import Corpus, build_workspace

from ecocanvas.knowledge.embedding import get_embedder
from ecocanvas.knowledge.vectors import VectorIndex
from ecocanvas.logs import configure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    configure("WARNING")
    embedder = get_embedder("minilm")
    pool = embedder.embed([Corpus(3).paragraph() for _ in range(200)])
    with tempfile.TemporaryDirectory(prefix="chroma-probe-") as tmp:
        root = Path(tmp) / "workspace"
        build_workspace(root, args.chunks, pool, "minilm")
        index = VectorIndex(root / "chroma", embedder)
        vector = embedder.embed_query("who is responsible for roaming integration")
        index.query(vector, 60)  # the first query loads the index
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.queries):
            index.query(vector, 60)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{args.chunks:,} chunks, {args.queries} queries: {1000 * wall / args.queries:.2f} ms wall, "
              f"{1000 * cpu / args.queries:.2f} ms CPU per query (this process, all threads)")  # fmt: skip


if __name__ == "__main__":
    main()
