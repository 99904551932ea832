"""Settings of the index and the searcher: plain values, built once at the entry point."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_MODEL = "BAAI/bge-small-zh-v1.5"
NO_MODEL = "none"

VectorIndexKind = Literal["auto", "flat", "hnsw", "ivf"]
EncoderBackend = Literal["auto", "onnx", "torch"]  # "auto": ONNX Runtime where it runs the model faithfully, else PyTorch
# "selftest": the build's self-test (retrieval.selftest) sets the dense weight and may turn dense retrieval off;
# "open": it runs and is recorded, but dense retrieval stays on at weight 1 (to time the dense path of any model)
DenseGate = Literal["selftest", "open"]


@dataclass(frozen=True)
class IndexSettings:
    """How an index is built and searched. Nothing here reads the environment."""

    model: str = DEFAULT_MODEL  # a sentence-transformers name or local path; "none" turns dense retrieval off
    model_explicit: bool = False  # True when the user chose the model: failing to load it is then an error
    vector_index: VectorIndexKind = "auto"  # "auto": exact search for small corpora, approximate for large
    max_unknown_rate: float = 0.10  # above this share of [UNK] tokens on the corpus, dense retrieval is not used
    dense_gate: DenseGate = "selftest"
    batch_size: int = 64
    max_question_chars: int = 2000
    progress: bool = True
    threads: int | None = None  # encoder and FAISS threads; None: 1 on a machine with at most 2 cores, else theirs
    encoder_backend: EncoderBackend = "auto"
    model_cache: Path | None = None  # where ONNX exports of models are kept; None: exported anew in each process
