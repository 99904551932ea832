"""Loading the encoder: local first, the hub only when it answers, the default's absence a warning, never a hang."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest

from corpus.model import Passage
from retrieval.config import DEFAULT_MODEL, IndexSettings
from retrieval.encoder import hub_reachable, in_local_cache, load_encoder, unknown_rate
from retrieval.errors import ModelLoadError


def test_none_turns_dense_retrieval_off_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    choice = load_encoder(IndexSettings(model="none"))
    assert choice.encoder is None and choice.model is None
    assert not caplog.records


def test_the_hub_probe_fails_fast_without_network() -> None:
    started = time.perf_counter()
    assert hub_reachable() is False
    assert time.perf_counter() - started < 3


def test_the_missing_default_model_falls_back_quickly_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    # The real checks: the local Hugging Face cache (empty here) and the hub probe (no network in tests).
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="retrieval.encoder"):
        choice = load_encoder(IndexSettings())
    assert time.perf_counter() - started < 5
    assert choice.encoder is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert DEFAULT_MODEL in warnings[0].getMessage()
    message = warnings[0].getMessage()
    for way in ("QUOTEBOT_MODEL to a local model directory", "HF_ENDPOINT", "quotebot model pull", "QUOTEBOT_MODEL=none"):
        assert way in message


def test_the_hub_probe_goes_to_the_configured_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """HF_ENDPOINT (huggingface_hub's ENDPOINT) names a mirror: the probe connects there, not to huggingface.co."""
    import socket

    from huggingface_hub import constants

    with socket.socket() as mirror:
        mirror.bind(("127.0.0.1", 0))
        mirror.listen()
        monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{mirror.getsockname()[1]}")
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        assert hub_reachable() is True
        mirror.settimeout(5)
        mirror.accept()[0].close()  # the probe's connection arrived here
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    assert hub_reachable() is False  # nothing listens there
    monkeypatch.setattr(constants, "ENDPOINT", "https://huggingface.co")
    assert hub_reachable() is False  # the tests' network guard refuses anything but 127.0.0.1
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert "HF_HUB_OFFLINE" in load_encoder(IndexSettings()).note


def test_an_explicit_model_that_cannot_be_had_is_an_error() -> None:
    assert not in_local_cache("someone/not-a-model")
    with pytest.raises(ModelLoadError, match="someone/not-a-model"):
        load_encoder(IndexSettings(model="someone/not-a-model", model_explicit=True))
    with pytest.raises(ModelLoadError, match=DEFAULT_MODEL):
        load_encoder(IndexSettings(model=DEFAULT_MODEL, model_explicit=True))


def test_a_directory_that_is_not_a_model_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("not a model")
    with pytest.raises(ModelLoadError, match=str(tmp_path)):
        load_encoder(IndexSettings(model=str(tmp_path), model_explicit=True))


def test_a_download_is_tried_only_when_the_hub_answers() -> None:
    calls: list[tuple[str, bool]] = []

    def loader(name: str, *, local_files_only: bool) -> Any:
        calls.append((name, local_files_only))
        raise OSError("connection reset")

    choice = load_encoder(IndexSettings(), probe=lambda: True, cached=lambda name: False, loader=loader)
    assert calls == [(DEFAULT_MODEL, False)]
    assert choice.encoder is None and "could not be downloaded" in choice.note
    calls.clear()
    load_encoder(IndexSettings(), probe=lambda: False, cached=lambda name: False, loader=loader)
    assert calls == []


def test_a_local_model_directory_loads(minilm_path: Path) -> None:
    choice = load_encoder(IndexSettings(model=str(minilm_path), model_explicit=True))
    assert choice.encoder is not None and choice.model == str(minilm_path)
    vectors = choice.encoder.encode(["library opening hours"])
    assert vectors.shape == (1, 384)


def test_unknown_token_rate_tells_a_model_that_cannot_read_chinese(minilm: Any, sample_passages: tuple[Passage, ...], english_passages: list[Passage]) -> None:
    chinese = unknown_rate(minilm, [p.text for p in sample_passages])
    english = unknown_rate(minilm, [p.text for p in english_passages])
    assert chinese is not None and chinese > 0.4
    assert english is not None and english < 0.01


def test_unknown_rate_is_none_without_a_tokenizer() -> None:
    class Plain:
        def encode(self, sentences: list[str], **kwargs: Any) -> Any:
            raise AssertionError("not called")

    assert unknown_rate(Plain(), ["text"]) is None
