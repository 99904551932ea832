"""Micro-batching of query encodes: concurrent questions share one ``encode`` call instead of queueing.

The bot answers many chats at once, each search in its own thread. Much of an encode's cost is per call
(tokenizing, Python, dispatching each operator), so one call for several questions costs less than one call
each (benchmarks/RESULTS.md; the Searcher under concurrency: benchmarks/concurrency.py). The batcher runs no thread of its own: the callers do the work. A caller that finds no encode running becomes
the leader: it takes every pending question (at most ``max_batch``), encodes them in one call outside the lock,
and hands each caller its own row, or the exception, to every caller of that batch. Questions that arrive while
an encode runs wait for it and then go together in the next batch, led by the first of them.

A leader waits ``window_s`` for more callers before encoding only when it has seen company: when it had to queue
behind a running encode, or the batch before it held more than one question. A lone question after a quiet
spell is encoded at once, so the bot's common case pays nothing for the window. Only one encode runs at a time,
as under the lock this replaces: the tokenizers of sentence-transformers are not safe to share between threads.
A failed encode raises the same exception object in each caller of its batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

WINDOW_S = 0.002  # how long a leader with company waits for more questions (measured: benchmarks/concurrency.py)
MAX_BATCH = 32  # questions in one encode at most; a full batch is encoded without waiting out the window


@dataclass(eq=False)
class _Request:
    text: str
    vector: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = False


class EncodeBatcher:
    """Encodes one text per caller, batching the texts of concurrent callers into one ``encode_batch`` call."""

    def __init__(self, encode_batch: Callable[[list[str]], np.ndarray], *, window_s: float = WINDOW_S, max_batch: int = MAX_BATCH) -> None:
        if max_batch < 1 or window_s < 0:
            raise ValueError(f"max_batch must be at least 1 and window_s not negative, got {max_batch}, {window_s}")
        self._encode_batch = encode_batch
        self._window_s = window_s
        self._max_batch = max_batch
        self._changed = threading.Condition(threading.Lock())
        self._pending: list[_Request] = []
        self._busy = False  # an encode is running (or a leader is gathering its batch)
        self._last_batch = 0

    def encode(self, text: str) -> np.ndarray:
        """The vector of one text (one row of a batched encode); the encoder's exception if it failed."""
        request = _Request(text)
        with self._changed:
            self._pending.append(request)
            if len(self._pending) >= self._max_batch:
                self._changed.notify_all()  # a leader gathering its batch can stop waiting
            queued = False
            while self._busy and not request.done:
                queued = True
                self._changed.wait()
            batch = None if request.done else self._gather(request, company=queued or self._last_batch > 1)
        if batch is not None:
            self._run(batch)
        if request.error is not None:
            raise request.error
        assert request.vector is not None
        return request.vector

    def _gather(self, leader: _Request, *, company: bool) -> list[_Request]:
        """Become the leader and take the batch, the leader's own text first (called with the lock held)."""
        self._busy = True
        try:
            if company and self._window_s > 0:
                deadline = time.monotonic() + self._window_s
                while len(self._pending) < self._max_batch and (left := deadline - time.monotonic()) > 0:
                    self._changed.wait(left)
        except BaseException:  # interrupted while waiting: step down, so that the others are not stranded
            self._pending.remove(leader)
            self._busy = False
            self._changed.notify_all()
            raise
        self._pending.remove(leader)
        batch, self._pending = [leader, *self._pending[: self._max_batch - 1]], self._pending[self._max_batch - 1 :]
        self._last_batch = len(batch)
        return batch

    def _run(self, batch: Sequence[_Request]) -> None:
        """Encode a batch outside the lock, hand out rows or the error, and wake the next leader."""
        vectors: np.ndarray | None = None
        error: BaseException | None = None
        try:
            vectors = self._encode_batch([r.text for r in batch])
            if len(vectors) != len(batch):
                raise ValueError(f"the encoder returned {len(vectors)} rows for {len(batch)} texts")
        except BaseException as err:  # noqa: BLE001 - every caller of the batch gets it, the leader included
            error = err
        with self._changed:
            for i, r in enumerate(batch):
                if error is None:
                    assert vectors is not None
                    r.vector = vectors[i]
                r.error, r.done = error, True
            self._busy = False
            self._changed.notify_all()
