"""The micro-batcher of query encodes: concurrent questions share one encode, each gets its own row or the error."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.batcher import EncodeBatcher
from retrieval.config import IndexSettings
from retrieval.encoder import encode
from retrieval.search import Searcher
from tests.retrieval.conftest import HASHED, HashingEncoder

NEVER_S = 60.0  # a window no test may wait out: a test that did would take a minute, not fail on a timing


class GatedEncoder:
    """Records the size of each batch; its first call waits until the test opens the gate; can fail on call n."""

    def __init__(self, inner: Any, *, fail_on_call: int | None = None) -> None:
        self.inner = inner
        self.tokenizer = getattr(inner, "tokenizer", None)
        self.batches: list[int] = []
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.fail_on_call = fail_on_call

    def encode(self, sentences: list[str], **kwargs: Any) -> np.ndarray:
        self.batches.append(len(sentences))
        if len(self.batches) == 1:
            self.entered.set()
            assert self.gate.wait(30), "the test never opened the gate"
        if len(self.batches) == self.fail_on_call:
            raise RuntimeError("encoder failed (injected)")
        return self.inner.encode(sentences, **kwargs)


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.001)


def _concurrently(call: Callable[[str], Any], first: str, others: list[str], encoder: GatedEncoder, batcher: EncodeBatcher) -> tuple[dict[str, Any], int]:
    """Call for ``first``; while its encode is held at the gate, call for ``others``; open the gate once they all wait.

    Returns each text's result (or exception) and how many threads were running before.
    """
    before = threading.active_count()
    results: dict[str, Any] = {}

    def run(text: str) -> None:
        try:
            results[text] = call(text)
        except Exception as err:  # noqa: BLE001 - compared by the test
            results[text] = err

    threads = [threading.Thread(target=run, args=(first,))]
    threads[0].start()
    assert encoder.entered.wait(30)
    threads += [threading.Thread(target=run, args=(text,)) for text in others]
    for thread in threads[1:]:
        thread.start()
    _until(lambda: len(batcher._pending) == len(others), "the other callers to queue")
    encoder.gate.set()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    return results, before


def _batcher(encoder: Any, **kwargs: Any) -> EncodeBatcher:
    return EncodeBatcher(lambda texts: encode(encoder, texts, batch_size=len(texts)), **kwargs)


TEXTS = [f"when does branch library number {i} open on sundays" for i in range(8)]


def test_a_lone_question_is_encoded_alone_without_waiting_the_window() -> None:
    encoder = GatedEncoder(HashingEncoder())
    encoder.gate.set()
    batcher = _batcher(encoder, window_s=NEVER_S)
    started = time.monotonic()
    for text in TEXTS[:3]:
        assert np.array_equal(batcher.encode(text), encode(HashingEncoder(), [text], batch_size=1)[0])
    assert time.monotonic() - started < NEVER_S / 2  # guards against waiting the window; not a timing
    assert encoder.batches == [1, 1, 1]


def test_concurrent_callers_share_one_encode_and_each_gets_its_own_row() -> None:
    encoder = GatedEncoder(HashingEncoder())
    batcher = _batcher(encoder)
    results, threads_before = _concurrently(batcher.encode, TEXTS[0], TEXTS[1:], encoder, batcher)
    assert encoder.batches == [1, 7]
    for text in TEXTS:
        assert np.array_equal(results[text], encode(HashingEncoder(), [text], batch_size=1)[0])
    assert threading.active_count() == threads_before  # the batcher started no thread of its own


def test_a_full_batch_is_encoded_without_waiting_the_window() -> None:
    encoder = GatedEncoder(HashingEncoder())
    batcher = _batcher(encoder, window_s=NEVER_S, max_batch=4)
    started = time.monotonic()
    results, _ = _concurrently(batcher.encode, "first question", TEXTS, encoder, batcher)
    assert time.monotonic() - started < NEVER_S / 2  # guards against waiting the window; not a timing
    assert encoder.batches == [1, 4, 4] and len(results) == 9


def test_an_encoder_error_reaches_every_caller_of_its_batch_and_the_next_batch_works() -> None:
    encoder = GatedEncoder(HashingEncoder(), fail_on_call=2)
    batcher = _batcher(encoder)
    results, _ = _concurrently(batcher.encode, TEXTS[0], TEXTS[1:], encoder, batcher)
    assert isinstance(results[TEXTS[0]], np.ndarray)
    assert all(isinstance(results[t], RuntimeError) and "injected" in str(results[t]) for t in TEXTS[1:])
    assert batcher.encode("after the failure").shape == (64,)
    assert encoder.batches == [1, 7, 1]


def test_a_wrong_number_of_rows_is_an_error_not_a_misplaced_vector() -> None:
    batcher = EncodeBatcher(lambda texts: np.zeros((len(texts) + 1, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="2 rows for 1 texts"):
        batcher.encode("a question")


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        EncodeBatcher(lambda texts: np.zeros((len(texts), 4)), max_batch=0)
    with pytest.raises(ValueError):
        EncodeBatcher(lambda texts: np.zeros((len(texts), 4)), window_s=-1)


# --- through the Searcher ------------------------------------------------------------------------


def _ids(searcher: Searcher, question: str) -> list[int]:
    return [r.row for r in searcher.rank(question, n=10)]


def test_concurrent_searches_answer_exactly_like_sequential_ones_with_fewer_encodes(
    hashed_index: Path, english_set: dict[str, Any]
) -> None:
    questions = [q["q"] for q in english_set["questions"]][:12]
    sequential = Searcher.open(hashed_index, HASHED, encoder=HashingEncoder())
    expected = {q: sequential.search(q) for q in questions}
    encoder = GatedEncoder(HashingEncoder())
    searcher = Searcher.open(hashed_index, HASHED, encoder=encoder)
    assert searcher.info.dense_enabled
    results, _ = _concurrently(searcher.search, questions[0], questions[1:], encoder, searcher._batcher)  # type: ignore[arg-type]
    assert results == expected
    assert encoder.batches == [1, 11]


def test_concurrent_rankings_with_the_real_model_match_sequential_ones(
    english_index: Path, minilm: Any, minilm_settings: IndexSettings, english_set: dict[str, Any]
) -> None:
    questions = [q["q"] for q in english_set["questions"]][:8]
    sequential = Searcher.open(english_index, minilm_settings, encoder=minilm)
    expected = {q: _ids(sequential, q) for q in questions}
    encoder = GatedEncoder(minilm)
    searcher = Searcher.open(english_index, minilm_settings, encoder=encoder)
    results, _ = _concurrently(lambda q: _ids(searcher, q), questions[0], questions[1:], encoder, searcher._batcher)  # type: ignore[arg-type]
    assert results == expected
    assert encoder.batches == [1, 7]


def test_many_threads_at_once_without_a_gate_agree_with_sequential_searches(
    hashed_index: Path, english_set: dict[str, Any]
) -> None:
    searcher = Searcher.open(hashed_index, HASHED, encoder=HashingEncoder())
    questions = [q["q"] for q in english_set["questions"]] * 3
    expected = [searcher.search(q) for q in questions]
    with ThreadPoolExecutor(max_workers=16) as pool:
        assert list(pool.map(searcher.search, questions)) == expected


# --- the encode beside the lexical half ----------------------------------------------------------------


def test_the_question_is_encoded_while_the_lexical_half_ranks_it(
    hashed_index: Path, english_set: dict[str, Any]
) -> None:
    encoder = GatedEncoder(HashingEncoder())
    searcher = Searcher.open(hashed_index, HASHED, encoder=encoder)
    top = searcher._lexical.top
    seen_encoding: list[bool] = []

    def lexical_top(terms: Any, n: int, weights: Any = None) -> Any:
        # Runs only while the encode is under way: the encode waits at the gate, BM25 opens it.
        seen_encoding.append(encoder.entered.wait(NEVER_S))
        encoder.gate.set()
        return top(terms, n, weights)

    searcher._lexical.top = lexical_top  # type: ignore[method-assign]
    question = english_set["questions"][0]["q"]
    ranked = searcher.rank(question)  # the ranking: whether a hashed encoder's answer is quoted is the decline's matter
    assert seen_encoding == [True]
    assert ranked and any(item.dense_rank is not None for item in ranked)  # both halves took part
    del searcher._lexical.top
    assert ranked == Searcher.open(hashed_index, HASHED, encoder=HashingEncoder()).rank(question)


def test_an_encoder_error_at_question_time_reaches_the_caller(
    hashed_index: Path, english_set: dict[str, Any]
) -> None:
    encoder = GatedEncoder(HashingEncoder(), fail_on_call=1)
    encoder.gate.set()
    searcher = Searcher.open(hashed_index, HASHED, encoder=encoder)
    question = english_set["questions"][0]["q"]
    with pytest.raises(RuntimeError, match="injected"):
        searcher.search(question)
    assert searcher.rank(question)  # the next question is ranked
