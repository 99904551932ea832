"""The thread setting of torch and FAISS: chosen from the cores unless set, applied when the encoder loads, and in the
threads where a Searcher searches its vectors (OpenMP keeps FAISS's count per thread)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import faiss
import pytest
import torch

from retrieval.faiss_vectors import FaissVectors
from retrieval.config import IndexSettings
from retrieval.encoder import load_encoder, thread_count
from retrieval.search import Searcher


@pytest.fixture()
def threads_restored() -> Iterator[None]:
    """torch's and FAISS's thread counts are process-wide: put them back for the other tests."""
    torch_threads, faiss_threads = torch.get_num_threads(), faiss.omp_get_max_threads()
    yield
    torch.set_num_threads(torch_threads)
    faiss.omp_set_num_threads(faiss_threads)


def test_a_setting_wins_and_a_small_machine_gets_one_thread() -> None:
    assert thread_count(3, cores=2) == 3
    assert thread_count(None, cores=1) == 1 and thread_count(None, cores=2) == 1
    assert thread_count(None, cores=8) is None  # the libraries' own choice


@pytest.mark.usefixtures("threads_restored")
@pytest.mark.parametrize("threads", [1, 3])
def test_loading_the_encoder_applies_the_setting(minilm_path: Path, threads: int) -> None:
    other = 2 if threads != 2 else 1
    torch.set_num_threads(other)
    faiss.omp_set_num_threads(other)
    choice = load_encoder(IndexSettings(model=str(minilm_path), model_explicit=True, threads=threads))
    assert choice.encoder is not None
    assert torch.get_num_threads() == threads and faiss.omp_get_max_threads() == threads


@pytest.mark.usefixtures("threads_restored")
def test_a_failed_load_leaves_the_threads_alone() -> None:
    torch.set_num_threads(2)

    def loader(name: str, *, local_files_only: bool) -> Any:
        raise OSError("no such model")

    choice = load_encoder(IndexSettings(threads=1), probe=lambda: False, cached=lambda name: True, loader=loader)
    assert choice.encoder is None and torch.get_num_threads() == 2


@pytest.mark.usefixtures("threads_restored")
def test_the_vectors_are_searched_with_the_threads_set(english_index: Path, minilm: Any, minilm_settings: IndexSettings,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    search = FaissVectors.search

    def recording(*args: Any) -> Any:
        seen.append(faiss.omp_get_max_threads())  # in the thread that searches, not the caller's
        return search(*args)

    monkeypatch.setattr(FaissVectors, "search", recording)
    searcher = Searcher.open(english_index, replace(minilm_settings, threads=3), encoder=minilm)
    assert searcher.search("What are the dog licence fees?").answered
    assert seen == [3]  # OpenMP's default in a new thread would be every core
