"""The sentence encoder of the dense path: loading it without hanging, and checking it can read the corpus.

Loading order for a model name: the local Hugging Face cache first (no network), then a download only when the
hub answers a short connection probe. Without that probe a missing model costs about 77 s of retries here. The hub
is the one huggingface_hub is configured with: ``HF_ENDPOINT`` names a mirror, and the probe goes there.
The default model failing to load is a warning (the index is built lexical-only) that names the ways to get it
(MODEL_HELP); a model the user chose failing to load is an error. ``none`` turns dense retrieval off; a local
directory is loaded from disk.
Questions are encoded by the same model on ONNX Runtime where it runs it faithfully (``for_questions``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import numpy as np

from retrieval.config import DEFAULT_MODEL, NO_MODEL, IndexSettings
from retrieval.errors import ModelLoadError, OnnxUnavailable, first_line

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
PROBE_TIMEOUT_S = 1.5
COVERAGE_SAMPLE = 200  # passages tokenized for the unknown-token rate
COVERAGE_CHARS = 400  # of each
FEW_CORES = 2  # on this many cores or fewer, torch and FAISS get one thread unless the settings say otherwise

# Instructions some models expect before a query (not before passages), from their model cards.
QUERY_PREFIXES = {"BAAI/bge-small-zh-v1.5": "为这个句子生成表示以用于检索相关文章：", "BAAI/bge-base-zh-v1.5": "为这个句子生成表示以用于检索相关文章："}


class Encoder(Protocol):
    """Anything that turns texts into one vector each (a SentenceTransformer, or a small one in tests)."""

    def encode(self, sentences: list[str], **kwargs: Any) -> np.ndarray: ...


@dataclass(frozen=True)
class EncoderChoice:
    """The encoder to use, or None with the reason dense retrieval is off."""

    encoder: Encoder | None
    model: str | None  # the name or path it was loaded from
    note: str  # one sentence: what was loaded, or why nothing was


# What the one warning about a missing default model, and `quotebot model check`, tell an operator to do.
MODEL_HELP = (
    "run `quotebot model pull` where the model hub, or a mirror of it named by HF_ENDPOINT, can be reached; or set "
    "QUOTEBOT_MODEL to a local model directory; QUOTEBOT_MODEL=none turns dense retrieval off and silences this"
)


def hub_endpoint() -> str:
    """The model hub downloads come from: huggingface_hub's endpoint, which HF_ENDPOINT sets (a mirror)."""
    try:
        from huggingface_hub import constants
    except ImportError:
        return DEFAULT_ENDPOINT
    return str(getattr(constants, "ENDPOINT", "") or DEFAULT_ENDPOINT)


def hub_offline() -> bool:
    """True when huggingface_hub is told never to reach the hub (HF_HUB_OFFLINE)."""
    try:
        from huggingface_hub import constants
    except ImportError:
        return False
    return bool(constants.HF_HUB_OFFLINE)


def hub_reachable(endpoint: str | None = None, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """True when the model hub (``endpoint``, default hub_endpoint()) accepts a TCP connection within the timeout,
    and offline mode is off."""
    if hub_offline():
        return False
    url = urlsplit(endpoint or hub_endpoint())
    try:
        port = url.port or (80 if url.scheme == "http" else 443)
    except ValueError:  # a malformed port in HF_ENDPOINT
        return False
    if not url.hostname:
        return False
    try:
        with socket.create_connection((url.hostname, port), timeout=timeout):
            return True
    except Exception:  # noqa: BLE001 - DNS failure, refusal, timeout, or a sandbox that forbids sockets
        return False


def unreachable_reason() -> str:
    """Why a model not in the cache cannot be downloaded, in a phrase naming the hub."""
    if hub_offline():
        return "it is not in the local model cache and downloads are turned off (HF_HUB_OFFLINE)"
    return f"it is not in the local model cache and the model hub at {hub_endpoint()} cannot be reached"


def in_local_cache(name: str) -> bool:
    """True when the Hugging Face cache holds a copy of the model (checked without importing torch)."""
    try:
        from huggingface_hub import snapshot_download

        snapshot_download(name, local_files_only=True)
    except Exception:  # noqa: BLE001 - not cached, a malformed name, or no huggingface_hub at all
        return False
    return True


def load_sentence_transformer(name: str, *, local_files_only: bool) -> Encoder:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # transformers shows a bar for loading the weights of even a small model; it says nothing useful.
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model: Encoder = SentenceTransformer(name, device="cpu", local_files_only=local_files_only)  # type: ignore[assignment]
        return model
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def load_encoder(
    settings: IndexSettings,
    *,
    probe: Callable[[], bool] = hub_reachable,
    cached: Callable[[str], bool] | None = None,
    loader: Callable[..., Encoder] = load_sentence_transformer,
) -> EncoderChoice:
    """Load the model the settings name, following the rules in the module docstring."""
    cached = cached or in_local_cache
    name = settings.model

    def loader_with_threads(source: str, *, local_files_only: bool) -> Encoder:
        encoder = loader(source, local_files_only=local_files_only)
        use_threads(settings.threads)  # after a successful load only: a lexical fallback need not import torch
        return encoder

    if name.strip().lower() == NO_MODEL:
        return EncoderChoice(None, None, "dense retrieval turned off (model 'none')")
    path = Path(name).expanduser()
    if path.exists():
        try:
            return EncoderChoice(loader_with_threads(str(path), local_files_only=True), str(path), f"encoder loaded from {path}")
        except Exception as err:  # noqa: BLE001 - any failure inside the model library
            raise ModelLoadError(f"cannot load the sentence encoder at {path}: {first_line(err)}") from err
    reason = unreachable_reason()
    if cached(name):
        try:
            return EncoderChoice(loader_with_threads(name, local_files_only=True), name, f"encoder {name} loaded from the local cache")
        except Exception as err:  # noqa: BLE001
            reason = f"the cached copy could not be loaded ({first_line(err)})"
    elif probe():
        try:
            return EncoderChoice(loader_with_threads(name, local_files_only=False), name, f"encoder {name} downloaded")
        except Exception as err:  # noqa: BLE001
            reason = f"it could not be downloaded ({first_line(err)})"
    if settings.model_explicit or name != DEFAULT_MODEL:
        raise ModelLoadError(f"cannot load the sentence encoder {name!r}: {reason}")
    note = f"dense retrieval is off: the default encoder {name} is unavailable ({reason}); answers use lexical matching only. To get it: {MODEL_HELP}"
    log.warning(note)
    return EncoderChoice(None, None, note)


def for_questions(encoder: Encoder, settings: IndexSettings) -> Encoder:
    """The encoder that answers questions: run by ONNX Runtime where the settings allow it and the export gives the
    model's own vectors, else as it is.

    Questions are encoded one or a few at a time, where ONNX Runtime takes less than half PyTorch's time (MiniLM,
    one thread: 7.8 vs 16.4 ms a Chinese question); index builds keep PyTorch, which encodes batches of long
    passages faster (10.4 vs 8.2 passages/s at 256 tokens; benchmarks/RESULTS.md). Only a real SentenceTransformer
    is exported (tests hand in small encoders of their own). With backend "auto" a model that cannot be exported
    keeps PyTorch, with a warning; with "onnx" that is an error.
    """
    if settings.encoder_backend == "torch":
        return encoder
    from sentence_transformers import SentenceTransformer

    if not isinstance(encoder, SentenceTransformer):
        return encoder
    from retrieval.onnx_encoder import from_sentence_transformer

    try:
        return from_sentence_transformer(encoder, cache_dir=settings.model_cache, threads=thread_count(settings.threads, _cores()))
    except OnnxUnavailable as err:
        if settings.encoder_backend == "onnx":
            raise ModelLoadError(f"cannot run the encoder with ONNX Runtime: {err} (QUOTEBOT_ENCODER_BACKEND=onnx)") from err
        log.warning("the encoder runs on PyTorch, not ONNX Runtime: %s", err)
        return encoder


def thread_count(setting: int | None, cores: int) -> int | None:
    """Threads for torch and FAISS: the setting, else 1 on a machine of at most FEW_CORES cores, else None (theirs).

    On 2 cores shared with other work, torch's default of 2 threads made one query encode 2 to 31x slower than
    1 thread (benchmarks/RESULTS.md; benchmarks/concurrency.py): its threads wait on each other at every operator.
    """
    if setting is not None:
        return setting
    return 1 if cores <= FEW_CORES else None


def use_threads(setting: int | None) -> None:
    """Set the intra-op threads of torch (process-wide) and FAISS (this thread: faiss_threads) as ``thread_count`` decides."""
    cores = _cores()
    n = thread_count(setting, cores)
    if n is None:
        return
    import torch

    torch.set_num_threads(n)
    faiss_threads(setting)
    log.debug("torch and FAISS use %d thread(s) (%d cores)", n, cores)


def faiss_threads(setting: int | None) -> None:
    """Set FAISS's threads for the calling thread as ``thread_count`` decides.

    FAISS runs on OpenMP, which keeps the thread count per thread: set in the thread that loaded the encoder, it
    left every other thread at OpenMP's default, all cores, and the Searcher searches its vectors in threads of
    its own. There a 10,000-vector flat search beside a busy Python thread took p50 11.7 ms on 2 OpenMP threads
    and 6.4 ms on one (2 cores; benchmarks/RESULTS.md, run 5).
    """
    n = thread_count(setting, _cores())
    if n is None:
        return
    import faiss

    faiss.omp_set_num_threads(n)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def unknown_rate(encoder: Encoder, texts: Sequence[str]) -> float | None:
    """Share of the encoder tokenizer's tokens that are its unknown token, over a sample of texts.

    None when it cannot be measured (no tokenizer, or one without an unknown token).
    """
    tokenizer = getattr(encoder, "tokenizer", None)
    unk = getattr(tokenizer, "unk_token_id", None)
    if tokenizer is None or unk is None or not texts:
        return None
    step = max(1, len(texts) // COVERAGE_SAMPLE)
    sample = [text[:COVERAGE_CHARS] for text in texts[::step][:COVERAGE_SAMPLE]]
    ids = tokenizer(sample, add_special_tokens=False, truncation=True, max_length=512)["input_ids"]
    total = sum(len(row) for row in ids)
    if total == 0:
        return None
    return sum(1 for row in ids for token in row if token == unk) / total


def encode(encoder: Encoder, texts: Sequence[str], *, batch_size: int) -> np.ndarray:
    """Unit-length float32 vectors, one row per text."""
    vectors = np.asarray(encoder.encode(list(texts), batch_size=batch_size, show_progress_bar=False), dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts):
        raise ModelLoadError(f"the encoder returned an array of shape {vectors.shape} for {len(texts)} texts")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def query_text(model: str | None, question: str) -> str:
    """The text to encode for a question (with the model's query instruction, if it has one)."""
    return QUERY_PREFIXES.get(model or "", "") + question


def text_hash(text: str) -> str:
    """Cache key of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
