"""The vector index parameters: how many IVF lists a search visits, kept when the index is saved and read back."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.vectors import (
    IVF_PROBES,
    build_vectors,
    ivf_probes,
    load_vectors,
    save_vectors,
    search_vectors,
)


def test_ivf_probes_a_share_of_the_lists_but_never_fewer_than_the_floor_or_more_than_there_are() -> None:
    assert ivf_probes(4000) == 125  # a million vectors: 4 * sqrt(n) lists, 1/32 of them
    assert ivf_probes(400) == IVF_PROBES  # ten thousand: the floor
    assert ivf_probes(5) == 5


def test_an_ivf_index_read_back_searches_as_many_lists_as_built(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(40_000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = build_vectors(vectors, "ivf")
    assert (index.nlist, index.nprobe) == (800, ivf_probes(800)) and index.nprobe > IVF_PROBES
    save_vectors(index, tmp_path / "v.faiss")
    loaded = load_vectors(tmp_path / "v.faiss")
    assert loaded.nprobe == index.nprobe
    assert search_vectors(loaded, vectors[7], 1)[0][0] == 7
