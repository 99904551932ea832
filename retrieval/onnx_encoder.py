"""The sentence encoder run by ONNX Runtime: the same model and the same vectors, with less time per call.

One question encoded by sentence-transformers (PyTorch) costs ~20 ms on one core here, most of it the
dispatch of ~100 small operators; ONNX Runtime runs the same graph in ~8 ms, gives the same vectors (cosine
1.0 to 7 decimals) and holds the GIL for none of it (benchmarks/RESULTS.md, "Encoder back-ends").

sentence-transformers' own ONNX back-end goes through optimum, whose releases require transformers 4 (quotebot
has 5). Here the model's transformer is exported once with ``torch.onnx.export`` (the torch.export-based
exporter) into the model cache, keyed by a hash of its weights, and ONNX Runtime runs it. Tokenising stays the
model's own tokenizer; pooling (mean or CLS) and normalising follow its sentence-transformers configuration.

An export is used only after it has shown on probe texts that it gives the model's own vectors (cosine at
least ``AGREEMENT``); otherwise the caller keeps the PyTorch model. The probes are encoded twice at load time
(~0.2 s), which is the price of never serving a wrong export.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from retrieval.errors import OnnxUnavailable, first_line

log = logging.getLogger(__name__)

EXPORT_VERSION = 1  # part of the cache key: a change to how the graph is exported invalidates old files
AGREEMENT = 0.999  # least cosine between an export's vector and the model's own, on every probe text
OPSET = 18
# Texts per ONNX Runtime call at most. Unlike PyTorch, whose cost is mostly per call, ONNX Runtime's cost per text
# rises again past a few texts a call: 480 Chinese questions (MiniLM, 64 tokens, one thread) took 10.6 ms each one
# per call, 7.6 at 8 a call, 13.1 at 60 a call (benchmarks.worker serve, micro-batching; benchmarks/RESULTS.md, run 5).
MAX_CALL = 8
PROBES = (
    "When does the Central Library close on weekdays?",
    "中欧班列开行了多少列?",
    "胶州市委书记表示，要全力打造上合新区",
    "a",
    "上合示范区 SCO demonstration zone: logistics, trade and the rail freight to Europe. " * 6,  # ~130 tokens
)

Pooling = Literal["mean", "cls"]


class OnnxEncoder:
    """Encodes texts like the sentence-transformers model it was exported from: ``encode(list[str]) -> ndarray``."""

    backend = "onnx"

    def __init__(self, session: Any, tokenizer: Any, *, pooling: Pooling, normalize: bool, max_seq_length: int,
                 lower_case: bool = False) -> None:
        self._session = session
        self._inputs = [i.name for i in session.get_inputs()]
        self.tokenizer = tokenizer  # retrieval.encoder.unknown_rate reads it
        self.pooling = pooling
        self.normalize = normalize
        self.max_seq_length = max_seq_length  # settable, as on a SentenceTransformer
        self.lower_case = lower_case
        self.max_call = MAX_CALL

    def encode(self, sentences: Sequence[str], batch_size: int = 32, show_progress_bar: bool = False, **_: Any) -> np.ndarray:
        """One float32 vector per text, in order; longest texts first in batches, as sentence-transformers does."""
        texts = [str(s).strip() for s in sentences]
        if self.lower_case:
            texts = [t.lower() for t in texts]
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        step = max(1, min(batch_size, self.max_call))
        out: np.ndarray | None = None
        for start in range(0, len(texts), step):
            rows = order[start : start + step]
            vectors = self._encode_batch([texts[i] for i in rows])
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        assert out is not None
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        features = self.tokenizer(texts, padding=True, truncation="longest_first", max_length=self.max_seq_length, return_tensors="np")
        feed = {name: np.asarray(features[name], dtype=np.int64) for name in self._inputs}
        hidden = self._session.run(None, feed)[0]
        if self.pooling == "cls":
            vectors = hidden[:, 0]
        else:
            mask = feed["attention_mask"][..., None].astype(hidden.dtype)
            vectors = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        if self.normalize:
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.where(norms == 0, 1.0, norms)
        return np.asarray(vectors, dtype=np.float32)


def from_sentence_transformer(model: Any, *, cache_dir: Path | None, threads: int | None) -> OnnxEncoder:
    """An OnnxEncoder for a loaded SentenceTransformer, exported (or read from cache_dir) and checked on the probes.

    Raises OnnxUnavailable when the model's modules are not ones this can run, the packages are missing, the
    export fails or its vectors disagree with the model's.
    """
    try:
        import onnxruntime
    except ImportError as err:
        raise OnnxUnavailable("onnxruntime is not installed (pip install onnxruntime)") from err
    modules = [type(m).__name__ for m in model]
    if modules[:2] != ["Transformer", "Pooling"] or any(name != "Normalize" for name in modules[2:]):
        raise OnnxUnavailable(f"the model's modules {modules} are not Transformer, Pooling[, Normalize]")
    transformer, pooling_module = model[0], model[1]
    pooling = _pooling_mode(pooling_module)
    path = None if cache_dir is None else cache_dir / f"{export_key(transformer)[:32]}.onnx"
    session = _cached_session(path, threads, onnxruntime)
    if session is None:
        graph = _export(transformer)
        _keep(path, graph)
        session = _session(graph, threads, onnxruntime)
    encoder = OnnxEncoder(session, model.tokenizer, pooling=pooling, normalize=len(modules) > 2,
                          max_seq_length=int(model.max_seq_length or 512), lower_case=bool(getattr(transformer, "do_lower_case", False)))
    agreement = _agreement(model, encoder)
    if agreement < AGREEMENT:
        raise OnnxUnavailable(f"the exported model's vectors disagree with the model's own (least cosine {agreement:.4f} < {AGREEMENT})")
    return encoder


def _session(graph: bytes, threads: int | None, onnxruntime: Any) -> Any:
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.inter_op_num_threads = 1
    if threads:
        options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-waiting on shared cores
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


def _cached_session(path: Path | None, threads: int | None, onnxruntime: Any) -> Any | None:
    """A session over the cached export at path, or None when there is none or it cannot be read (then it is exported again)."""
    if path is None or not path.is_file():
        return None
    try:
        return _session(path.read_bytes(), threads, onnxruntime)
    except Exception as err:  # noqa: BLE001 - an unreadable file, or one ONNX Runtime rejects (truncated, damaged)
        log.warning("the cached ONNX model %s cannot be used (%s); exporting it again", path, first_line(err))
        return None


def _keep(path: Path | None, graph: bytes) -> None:
    """Write the export to the cache, whole or not at all (two processes may export at once)."""
    if path is None:
        return
    partial: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".export-", delete=False) as handle:
            partial = handle.name
            handle.write(graph)
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except OSError as err:
        if partial is not None:
            Path(partial).unlink(missing_ok=True)
        log.warning("cannot keep the ONNX model in %s (%s); it will be exported again next time", path.parent, err)


def _pooling_mode(module: Any) -> Pooling:
    config = module.get_config_dict() if hasattr(module, "get_config_dict") else {}
    mode = config.get("pooling_mode")
    if mode in ("mean", "cls"):
        return mode  # type: ignore[return-value]
    if config.get("pooling_mode_mean_tokens") and not config.get("pooling_mode_cls_token"):
        return "mean"
    if config.get("pooling_mode_cls_token") and not config.get("pooling_mode_mean_tokens"):
        return "cls"
    raise OnnxUnavailable(f"pooling {config} is neither mean nor CLS alone")


def _agreement(model: Any, encoder: OnnxEncoder) -> float:
    """Least cosine between the model's vectors and the encoder's over the probe texts (batched and one by one)."""
    own = np.asarray(model.encode(list(PROBES), batch_size=len(PROBES), show_progress_bar=False, normalize_embeddings=True), dtype=np.float32)
    batched = encoder.encode(list(PROBES), batch_size=len(PROBES))
    single = np.vstack([encoder.encode([text]) for text in PROBES])
    least = 1.0
    for ours in (batched, single):
        unit = ours / np.linalg.norm(ours, axis=1, keepdims=True)
        least = min(least, float((unit * own).sum(axis=1).min()))
    return least


def export_key(transformer: Any) -> str:
    """Hash of what the exported graph depends on: the weights, the architecture, torch and this exporter."""
    import torch

    digest = hashlib.sha256(f"quotebot-onnx/{EXPORT_VERSION}/opset{OPSET}/torch{torch.__version__}\n".encode())
    hf = transformer.auto_model
    digest.update(hf.config.to_json_string(use_diff=False).encode("utf-8"))
    for name, tensor in sorted(hf.state_dict().items()):
        digest.update(name.encode("utf-8"))
        digest.update(tensor.detach().contiguous().cpu().numpy().tobytes())
    return digest.hexdigest()


def _export(transformer: Any) -> bytes:
    """The transformer's ONNX graph, serialised (dynamic batch and sequence axes)."""
    log.info("exporting the encoder to ONNX (once per model and cache; about 10 s)")
    try:
        import onnx  # noqa: F401  - the exporter needs both; say so plainly when one is missing
        import onnxscript  # noqa: F401
        import torch
        from torch.export import Dim
    except ImportError as err:
        raise OnnxUnavailable(f"exporting to ONNX needs onnx and onnxscript ({err})") from err
    model = transformer.auto_model
    # Two texts of different lengths, so that neither the batch nor the sequence axis is traced as a constant.
    example = transformer.tokenizer(["an example", "a second, longer example text"], padding=True, return_tensors="pt")
    names = [name for name in ("input_ids", "attention_mask", "token_type_ids") if name in example]

    class Hidden(torch.nn.Module):
        """The transformer as tensors in, last hidden state out: what the exporter traces."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
            extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
            return self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state

    limit = int(getattr(model.config, "max_position_embeddings", 512))
    batch, length = Dim("batch", min=1, max=4096), Dim("sequence", min=1, max=limit)
    torch_onnx_log = logging.getLogger("torch.onnx")
    level = torch_onnx_log.level
    try:
        with warnings.catch_warnings(), torch.no_grad():
            # The exporter warns about its own internals (optional torchvision operators, axis names); the probes
            # judge the result.
            warnings.simplefilter("ignore")
            torch_onnx_log.setLevel(logging.ERROR)
            program = torch.onnx.export(Hidden().eval(), (), kwargs={name: example[name] for name in names}, dynamo=True,
                                        opset_version=OPSET, input_names=names, output_names=["last_hidden_state"],
                                        dynamic_shapes={name: {0: batch, 1: length} for name in names}, external_data=False, verbose=False)
            buffer = io.BytesIO()
            program.save(buffer)  # type: ignore[union-attr]
    except Exception as err:  # noqa: BLE001 - torch.export fails in many ways on models it cannot trace
        raise OnnxUnavailable(f"the ONNX export failed ({first_line(err)})") from err
    finally:
        torch_onnx_log.setLevel(level)
    return buffer.getvalue()

