"""The encoder on ONNX Runtime: the real MiniLM exported once, compared with the same model on PyTorch."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.config import IndexSettings
from retrieval.encoder import for_questions, load_encoder
from retrieval.errors import ModelLoadError, OnnxUnavailable
from retrieval.onnx_encoder import AGREEMENT, OnnxEncoder, _agreement, export_key, from_sentence_transformer
from retrieval.search import Searcher


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export cache for the whole session: an export takes ~10 s."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def onnx_minilm(minilm: Any, model_cache: Path) -> OnnxEncoder:
    return from_sentence_transformer(minilm, cache_dir=model_cache, threads=1)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def test_the_export_gives_the_models_own_vectors_in_order(onnx_minilm: OnnxEncoder, minilm: Any, english_set: dict[str, Any]) -> None:
    texts = [p["text"] for p in english_set["passages"]] + [q["q"] for q in english_set["questions"]] + ["", "中欧班列开行了多少列?"]
    own = minilm.encode(texts, batch_size=7, show_progress_bar=False)
    for batch_size in (7, 64):  # calls of mixed lengths, sorted and put back in order; 64 is cut into calls of MAX_CALL
        ours = onnx_minilm.encode(texts, batch_size=batch_size)
        assert ours.shape == own.shape and ours.dtype == np.float32
        assert _cosines(ours, own).min() > 0.9999
    one_by_one = np.vstack([onnx_minilm.encode([t]) for t in texts[:5]])
    assert np.allclose(one_by_one, ours[:5], atol=1e-5)  # padding in a batch changes nothing


def test_the_sequence_limit_truncates_like_the_model(onnx_minilm: OnnxEncoder, minilm: Any) -> None:
    long = "The harbour ferry runs every twenty minutes between the old town and the island. " * 40
    was = (onnx_minilm.max_seq_length, minilm.max_seq_length)
    try:
        onnx_minilm.max_seq_length = minilm.max_seq_length = 32
        assert _cosines(onnx_minilm.encode([long, "short"]), minilm.encode([long, "short"], show_progress_bar=False)).min() > 0.9999
        full = onnx_minilm.encode([long])
    finally:
        onnx_minilm.max_seq_length, minilm.max_seq_length = was
    assert _cosines(full, onnx_minilm.encode([long]))[0] < 0.9999  # the limit did cut the text


def test_a_wrong_pooling_is_caught_by_the_probes(onnx_minilm: OnnxEncoder, minilm: Any) -> None:
    wrong = OnnxEncoder(onnx_minilm._session, minilm.tokenizer, pooling="cls", normalize=True, max_seq_length=128)
    assert _agreement(minilm, wrong) < AGREEMENT
    assert _agreement(minilm, onnx_minilm) >= AGREEMENT


def test_the_cache_is_read_back_and_a_damaged_file_is_exported_again(
    minilm: Any, model_cache: Path, onnx_minilm: OnnxEncoder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cached = model_cache / f"{export_key(minilm[0])[:32]}.onnx"
    assert cached.is_file() and cached.stat().st_size > 10_000_000
    damaged_dir = tmp_path / "models"
    damaged_dir.mkdir()
    damaged = damaged_dir / cached.name
    damaged.write_bytes(cached.read_bytes()[:5000])  # a copy cut short, as by a full disk
    with caplog.at_level(logging.WARNING, logger="retrieval.onnx_encoder"):
        encoder = from_sentence_transformer(minilm, cache_dir=damaged_dir, threads=1)
    assert "cannot be used" in caplog.text
    assert damaged.stat().st_size == cached.stat().st_size  # written again, whole
    assert _cosines(encoder.encode(["Where is the ferry?"]), onnx_minilm.encode(["Where is the ferry?"]))[0] > 0.99999


def _max_pooled(minilm: Any) -> Any:
    """The same transformer with max pooling, which the ONNX encoder does not implement."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Pooling

    return SentenceTransformer(modules=[minilm[0], Pooling(minilm.get_embedding_dimension(), pooling_mode="max")], device="cpu")


def test_a_model_it_cannot_run_keeps_pytorch_with_auto_and_fails_with_onnx(minilm: Any, caplog: pytest.LogCaptureFixture) -> None:
    model = _max_pooled(minilm)
    with pytest.raises(OnnxUnavailable, match="neither mean nor CLS"):
        from_sentence_transformer(model, cache_dir=None, threads=1)

    settings = IndexSettings(model="some/max-pooled-model", model_explicit=True)
    with caplog.at_level(logging.WARNING, logger="retrieval.encoder"):
        assert for_questions(model, settings) is model
    assert "runs on PyTorch" in caplog.text
    with pytest.raises(ModelLoadError, match="QUOTEBOT_ENCODER_BACKEND=onnx"):
        for_questions(model, replace(settings, encoder_backend="onnx"))


def test_questions_go_to_onnx_by_default_and_builds_keep_pytorch(
    english_index: Path, minilm_path: Path, model_cache: Path, onnx_minilm: OnnxEncoder
) -> None:
    from sentence_transformers import SentenceTransformer

    settings = IndexSettings(model=str(minilm_path), model_explicit=True, model_cache=model_cache)
    assert isinstance(load_encoder(settings).encoder, SentenceTransformer)  # what a build loads
    assert Searcher.open(english_index, settings).info.encoder_backend == "onnx"
    assert Searcher.open(english_index, replace(settings, encoder_backend="torch")).info.encoder_backend == "torch"
    assert Searcher.open(english_index, replace(settings, model="none")).info.encoder_backend is None


def test_searches_answer_the_same_on_either_backend(
    english_index: Path, minilm: Any, onnx_minilm: OnnxEncoder, minilm_settings: IndexSettings, english_set: dict[str, Any]
) -> None:
    on_torch = Searcher.open(english_index, minilm_settings, encoder=minilm)
    on_onnx = Searcher.open(english_index, minilm_settings, encoder=onnx_minilm)
    for q in english_set["questions"]:
        a, b = on_torch.search(q["q"]), on_onnx.search(q["q"])
        assert a.decline == b.decline
        assert [h.passage.id for h in a.hits] == [h.passage.id for h in b.hits]
        assert [h.dense_rank for h in a.hits] == [h.dense_rank for h in b.hits]
