"""The FAISS backend of the dense index: its parameters (how many IVF lists a search visits, kept when saved and
read back), a rebuild that appends rows extending the previous index instead of building it anew, and the search
the contract (retrieval.vectors.VectorIndex) asks for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.faiss_vectors import (
    FP16_TOLERANCE,
    HNSW_EF_SEARCH,
    HNSW_EF_SEARCH_SMALL,
    IVF_PROBES,
    build_vectors,
    extend_previous,
    ivf_probes,
    load_vectors,
    save_vectors,
)
from retrieval.vectors import VectorIndex


def test_ivf_probes_a_share_of_the_lists_but_never_fewer_than_the_floor_or_more_than_there_are() -> None:
    assert ivf_probes(4000) == 125  # a million vectors: 4 * sqrt(n) lists, 1/32 of them
    assert ivf_probes(400) == IVF_PROBES  # ten thousand: the floor
    assert ivf_probes(5) == 5


def test_an_ivf_index_read_back_searches_as_many_lists_as_built(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(40_000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = build_vectors(vectors, "ivf")
    assert (index.index.nlist, index.index.nprobe) == (800, ivf_probes(800)) and index.index.nprobe > IVF_PROBES
    save_vectors(index, tmp_path / "v.faiss")
    loaded = load_vectors(tmp_path / "v.faiss")
    assert loaded.index.nprobe == index.index.nprobe
    assert loaded.search(vectors[7], 1)[0][0] == 7


def test_an_hnsw_index_read_back_searches_as_widely_as_its_size_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = _unit(300)
    save_vectors(build_vectors(vectors, "hnsw"), tmp_path / "v.faiss")
    assert load_vectors(tmp_path / "v.faiss").index.hnsw.efSearch == HNSW_EF_SEARCH_SMALL
    monkeypatch.setattr("retrieval.faiss_vectors.HNSW_SMALL_ROWS", 299)  # as if 300 rows were a large graph
    loaded = load_vectors(tmp_path / "v.faiss")
    assert loaded.index.hnsw.efSearch == HNSW_EF_SEARCH > HNSW_EF_SEARCH_SMALL
    assert loaded.search(vectors[42], 1)[0][0] == 42


def _unit(rows: int, dim: int = 16, seed: int = 5) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_a_build_that_appends_rows_extends_the_previous_index(tmp_path: Path, kind: str) -> None:
    vectors = _unit(3_000)
    save_vectors(build_vectors(vectors[:2_970], kind), tmp_path / "v.faiss")
    extended = extend_previous(tmp_path / "v.faiss", vectors, kind)
    assert extended is not None and extended.size == 3_000
    stored = extended.index.reconstruct_n(0, 3_000)
    assert np.array_equal(stored, vectors) if kind == "flat" else np.abs(stored - vectors).max() <= FP16_TOLERANCE
    assert all(extended.search(vectors[row], 1)[0][0] == row for row in (0, 2_969, 2_970, 2_999))
    if kind == "hnsw":
        assert extended.index.hnsw.efSearch == build_vectors(vectors[:10], "hnsw").index.hnsw.efSearch


def test_anything_but_appending_builds_anew(tmp_path: Path) -> None:
    vectors = _unit(3_000)
    save_vectors(build_vectors(vectors[:2_970], "hnsw"), tmp_path / "v.faiss")
    changed = vectors.copy()
    changed[1_234] = _unit(1, seed=9)[0]  # one passage's text (or the model) changed
    assert extend_previous(tmp_path / "v.faiss", changed, "hnsw") is None
    assert extend_previous(tmp_path / "v.faiss", vectors[:2_000], "hnsw") is None  # passages removed
    assert extend_previous(tmp_path / "v.faiss", vectors[::-1].copy(), "hnsw") is None  # another order
    assert extend_previous(tmp_path / "v.faiss", vectors, "flat") is None  # the kind changed with the size
    assert extend_previous(tmp_path / "v.faiss", _unit(3_000, dim=8), "hnsw") is None  # another dimension
    assert extend_previous(tmp_path / "missing.faiss", vectors, "hnsw") is None
    (tmp_path / "bad.faiss").write_bytes(b"not an index")
    assert extend_previous(tmp_path / "bad.faiss", vectors, "hnsw") is None
    save_vectors(build_vectors(vectors, "ivf"), tmp_path / "ivf.faiss")
    assert extend_previous(tmp_path / "ivf.faiss", vectors, "ivf") is None  # IVF keeps no vectors to compare


def test_hnsw_keeps_float16_vectors_at_about_half_the_size_with_the_same_neighbours() -> None:
    import faiss

    vectors = _unit(4_000, dim=384)
    fp16 = build_vectors(vectors, "hnsw")
    flat = faiss.IndexHNSWFlat(384, fp16.index.hnsw.nb_neighbors(0) // 2, faiss.METRIC_INNER_PRODUCT)
    flat.add(vectors)
    assert faiss.serialize_index(fp16.index).nbytes < 0.65 * faiss.serialize_index(flat).nbytes
    assert np.abs(fp16.index.reconstruct_n(0, 4_000) - vectors).max() <= FP16_TOLERANCE
    assert all(fp16.search(vectors[row], 1)[0][0] == row for row in range(0, 4_000, 97))


def test_a_faiss_index_keeps_the_contract_nearest_first_and_no_more_rows_than_it_holds() -> None:
    vectors = _unit(50)
    index: VectorIndex = build_vectors(vectors, "flat")
    assert index.size == 50
    nearest = index.search(vectors[3], 5)
    assert [row for row, _ in nearest][0] == 3 and abs(nearest[0][1] - 1.0) < 1e-5
    assert [s for _, s in nearest] == sorted((s for _, s in nearest), reverse=True)
    assert len(index.search(vectors[3], 80)) == 50
    assert index.search(vectors[3], 0) == []
