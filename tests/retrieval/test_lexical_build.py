"""The lexical build: counted terms give bm25s's own scores (their tf factor in 8 bits), the term cache makes a rebuild tokenise only new
text (and is never trusted across schemes, nor allowed to fail a build), and a failure leaves the old index."""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corpus.model import Passage
from retrieval.bm25 import BLOCK, CountedPassages, lucene_idf
from retrieval.build import LEXICAL_SCHEME, build_index, indexed_text
from retrieval.config import IndexSettings
from retrieval.lexical import KIND_WEIGHTS, K1, B, LexicalIndex, term_kind
from retrieval.search import Searcher
from retrieval.layout import version_dir
from retrieval.term_cache import term_cache_path
from retrieval.terms import TermScheme
from retrieval.text import fold_script, lexical_terms, query_terms

from .conftest import DATA, CountingEncoder, make_passage


class CountingTerms:
    """retrieval.text.lexical_terms, counting the texts it is asked to tokenise; it can be told to fail on one."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.texts: list[str] = []
        self.fail_on = fail_on
        self._lock = threading.Lock()

    def __call__(self, folded: str) -> list[str]:
        if self.fail_on is not None and self.fail_on in folded:
            raise RuntimeError("tokeniser failed mid-build (injected)")
        with self._lock:
            self.texts.append(folded)
        return lexical_terms(folded)


def _sample_questions() -> list[str]:
    lines = (DATA / "sample_questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


def _rankings(index_dir: Path, questions: list[str]) -> list[list[tuple[str, float]]]:
    searcher = Searcher.open(index_dir, IndexSettings(model="none", progress=False))
    return [[(searcher.passage_at(r.row).id, r.score) for r in searcher.rank(q, 10)] for q in questions]


def _columns(index_dir: Path) -> dict[str, tuple[bytes, bytes]]:
    """Each term's column of the saved BM25 matrix: the passages that have it and their scores, as bytes."""
    return _matrix_columns(LexicalIndex.load(version_dir(index_dir) / "lexical"))


def _bm25s(term_lists: list[list[str]]) -> Any:
    """bm25s's own Lucene BM25 index of the term lists: the reference."""
    import bm25s

    reference = bm25s.BM25(k1=K1, b=B, method="lucene")
    reference.index(term_lists, show_progress=False)
    return reference


def _assert_columns_like_bm25s(ours: LexicalIndex, reference: Any) -> None:
    """Every term has the passages bm25s gives it, each score within half a level (IDF / 510) of bm25s's and never
    above the term's IDF."""
    data, indices, indptr = (np.asarray(reference.scores[name]) for name in ("data", "indices", "indptr"))
    matrix = ours._matrix
    assert set(ours._vocab) == {term for term in reference.vocab_dict if term}
    for term, i in reference.vocab_dict.items():
        if not term:
            continue
        mine = ours._vocab[term]
        assert np.array_equal(matrix.passages_of(mine), indices[indptr[i] : indptr[i + 1]]), term
        theirs, scores = data[indptr[i] : indptr[i + 1]], matrix.column_scores(mine)
        assert np.abs(scores - theirs).max() <= matrix.idf[mine] / 510 + 1e-6, term
        assert scores.max() <= matrix.idf[mine] * (1 + 1e-6) and matrix.idf[mine] == np.float32(lucene_idf(len(theirs), ours.size)), term


def _assert_scores_like_bm25s(ours: LexicalIndex, reference: Any, terms: list[str]) -> None:
    """A question's scores: bm25s's per-term scores weighted and added as LexicalIndex adds them, within the sum of
    the terms' half levels."""
    vocab = reference.vocab_dict
    total = np.zeros(reference.scores["num_docs"], dtype=np.float64)
    slack = 1e-5
    for term in terms:
        if term and term in vocab:
            weight = KIND_WEIGHTS[term_kind(term)]
            total += weight * reference.get_scores_from_ids([vocab[term]]).astype(np.float64)
            slack += weight * float(ours._matrix.idf[ours._vocab[term]]) / 510
    assert np.abs(ours.scores(terms) - total).max() <= slack, terms


@pytest.fixture()
def settings() -> IndexSettings:
    return IndexSettings(model="none", progress=False)


@pytest.fixture(scope="module")
def chinese(sample_passages: tuple[Passage, ...]) -> list[Passage]:
    """The sample article's passages, and a second copy of them under other ids and a new heading."""
    copies = [make_passage(f"copy-{p.id}", p.text, doc="copy", position=i, heading="續篇") for i, p in enumerate(sample_passages)]
    return [*sample_passages, *copies]


# --- the counted matrix is bm25s's, its tf factors in 8 bits ------------------------------------------


def test_counted_terms_score_as_bm25s_indexes_them(chinese: list[Passage], english_passages: list[Passage]) -> None:
    term_lists = [lexical_terms(fold_script(indexed_text(p))) for p in [*chinese, *english_passages]]
    ours = LexicalIndex.build(term_lists)
    reference = _bm25s(term_lists)

    assert ours.size == len(term_lists)
    _assert_columns_like_bm25s(ours, reference)
    df = np.diff(np.asarray(reference.scores["indptr"]))
    for term, i in reference.vocab_dict.items():
        if term:
            assert ours.idf(term) == math.log(1 + (ours.size - df[i] + 0.5) / (df[i] + 0.5)), term
    for question in [*_sample_questions(), "When does the Central Library close on weekdays?"]:
        _assert_scores_like_bm25s(ours, reference, query_terms(fold_script(question)))


def _matrix_columns(index: LexicalIndex) -> dict[str, tuple[bytes, bytes]]:
    """Each term's column of an index's BM25 matrix (passages, stored levels) as bytes: layout and bits."""
    matrix = index._matrix
    return {term: (matrix.passages_of(i).astype(np.int64).tobytes(), np.asarray(matrix.data[matrix.indptr[i] : matrix.indptr[i + 1]]).tobytes()
                   + matrix.idf[i].tobytes()) for term, i in index._vocab.items()}


@pytest.mark.parametrize("chunk", [1, 3, 500])
def test_the_matrix_filled_chunk_by_chunk_is_the_same_whatever_the_chunk(chunk: int, english_passages: list[Passage]) -> None:
    term_lists = [lexical_terms(fold_script(indexed_text(p))) for p in english_passages]
    # A passage with no terms, and one whose count needs more than a byte (counts are kept in the smallest type).
    term_lists[4:4] = [[], ["library"] * 300 + lexical_terms("the central library opens at nine")]
    ours = LexicalIndex.build(term_lists, chunk=chunk)
    reference = _bm25s(term_lists)

    assert ours.size == len(term_lists)
    _assert_columns_like_bm25s(ours, reference)
    assert _matrix_columns(ours) == _matrix_columns(LexicalIndex.build(term_lists, chunk=len(term_lists)))
    _assert_scores_like_bm25s(ours, reference, query_terms(fold_script("When does the Central Library open?")))


@pytest.mark.slow
def test_a_corpus_of_several_blocks_scores_as_bm25s_and_survives_save_and_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # More passages than one block of uint16 places holds, so that columns cross blocks.
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(300)]
    weights = 1.0 / np.arange(1, 301)  # Zipf-like: some columns hold most passages, most hold few
    picks = rng.choice(300, size=(2 * BLOCK + 5000, 8), p=weights / weights.sum())
    term_lists = [[words[i] for i in row] for row in picks]
    term_lists[BLOCK - 1] = ["w299", "rare"]  # the last passage of the first block and the first of the second
    term_lists[BLOCK] = ["rare", "w0"]
    ours = LexicalIndex.build(term_lists, chunk=3000)  # a chunk that straddles the block boundaries
    reference = _bm25s(term_lists)
    _assert_columns_like_bm25s(ours, reference)
    ours.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert _matrix_columns(loaded) == _matrix_columns(ours)
    for question in (["rare"], ["w0", "w1", "w299"], ["w3", "w3", "w150", "rare", "nothing"]):
        _assert_scores_like_bm25s(loaded, reference, question)
        assert np.array_equal(loaded.scores(question), ours.scores(question))
    assert loaded.top(["rare"], 5)[0].tolist() == [BLOCK - 1, BLOCK]
    # The pruned top-n looks long columns up across blocks: it must find what adding them whole finds.
    import retrieval.lexical as lexical

    monkeypatch.setattr(lexical, "PRUNE_LONG_SHARE", 0.1)
    monkeypatch.setattr(lexical, "LOOKUP_COST", 1)
    pruned = 0
    real = lexical._candidates

    def counting(*args: Any) -> Any:
        nonlocal pruned
        found = real(*args)
        pruned += found is not None
        return found

    monkeypatch.setattr(lexical, "_candidates", counting)
    for row in picks[:40]:
        question = [words[i] for i in row[:4]]
        rows, scores = loaded.top(question, 20)
        full_rows, full_scores = lexical._best(loaded.scores(question), 20)
        assert rows.tolist() == full_rows.tolist() and scores.tobytes() == full_scores.tobytes()
    assert pruned > 20


def test_counted_passages_refuse_a_term_without_a_count() -> None:
    passages = CountedPassages()
    with pytest.raises(ValueError, match="count of at least 1"):
        passages.add([np.array([0, 1], dtype=np.int32)], [np.array([2, 0], dtype=np.int32)])


# --- the term cache ---------------------------------------------------------------------------------


def test_a_rebuild_tokenises_only_the_new_passages_and_ranks_as_a_cold_build(
    tmp_path: Path, chinese: list[Passage], english_passages: list[Passage], settings: IndexSettings
) -> None:
    first, grown = chinese[: len(chinese) // 2] + english_passages[:20], chinese + english_passages
    counting = CountingTerms()
    scheme = TermScheme(LEXICAL_SCHEME, counting)
    build_index(first, tmp_path / "index", settings, terms=scheme)
    assert len(counting.texts) == len(first)

    counting.texts.clear()
    build_index(grown, tmp_path / "index", settings, terms=scheme)
    added = [p for p in grown if p not in first]
    assert sorted(counting.texts) == sorted(fold_script(indexed_text(p)) for p in added)

    build_index(grown, tmp_path / "cold", settings)  # no cache beside this one
    questions = [*_sample_questions(), *(q["q"] for q in json.loads((DATA / "english_city.json").read_text())["questions"])]
    assert _rankings(tmp_path / "index", questions) == _rankings(tmp_path / "cold", questions)
    assert _columns(tmp_path / "index") == _columns(tmp_path / "cold")  # the same terms, scored to the bit


def test_another_scheme_never_reuses_cached_terms(tmp_path: Path, english_passages: list[Passage], settings: IndexSettings) -> None:
    passages = english_passages[:12]
    ours, other = CountingTerms(), CountingTerms()
    build_index(passages, tmp_path / "index", settings, terms=TermScheme(LEXICAL_SCHEME, ours))
    report = build_index(passages, tmp_path / "index", settings, terms=TermScheme("another scheme/v2", other))
    assert len(other.texts) == len(passages)
    assert json.loads((version_dir(tmp_path / "index") / "manifest.json").read_text())["lexical_scheme"] == "another scheme/v2"
    assert report.passages == len(passages)

    ours.texts.clear()
    build_index(passages, tmp_path / "index", settings, terms=TermScheme(LEXICAL_SCHEME, ours))
    assert ours.texts == []  # the first scheme's entries are still there, untouched by the other one


def test_an_unreadable_term_cache_is_started_afresh_with_a_warning(
    tmp_path: Path, english_passages: list[Passage], settings: IndexSettings
) -> None:
    passages, questions = english_passages, ["When does the Central Library close on weekdays?", "Is the playground in Lakeside Park open?"]
    build_index(passages, tmp_path / "index", settings)
    before = _rankings(tmp_path / "index", questions)
    term_cache_path(tmp_path / "index").write_bytes(b"this is not a database" * 200)

    counting = CountingTerms()
    report = build_index(passages, tmp_path / "index", settings, terms=TermScheme(LEXICAL_SCHEME, counting))
    assert len(counting.texts) == len(passages)
    assert any("term cache" in w and "started afresh" in w for w in report.warnings), report.warnings
    assert _rankings(tmp_path / "index", questions) == before

    counting.texts.clear()
    report = build_index(passages, tmp_path / "index", settings, terms=TermScheme(LEXICAL_SCHEME, counting))
    assert counting.texts == [] and report.warnings == ()


def test_a_damaged_cache_entry_is_tokenised_again(tmp_path: Path, english_passages: list[Passage], settings: IndexSettings) -> None:
    passages = english_passages[:10]
    build_index(passages, tmp_path / "index", settings)
    with sqlite3.connect(term_cache_path(tmp_path / "index")) as db:
        damaged = db.execute("SELECT hash FROM terms LIMIT 1").fetchone()[0]
        db.execute("UPDATE terms SET entry = ? WHERE hash = ?", (b"\x78\x9c garbage", damaged))
        db.execute("INSERT INTO terms SELECT scheme, hash || 'x', x'00' FROM terms LIMIT 1")  # and a stray row
    db.close()
    counting = CountingTerms()
    report = build_index(passages, tmp_path / "index", settings, terms=TermScheme(LEXICAL_SCHEME, counting))
    assert len(counting.texts) == 1 and report.warnings == ()


def test_a_damaged_vocabulary_drops_the_cached_entries_with_a_warning(
    tmp_path: Path, english_passages: list[Passage], settings: IndexSettings
) -> None:
    passages = english_passages[:10]
    build_index(passages, tmp_path / "index", settings)
    with sqlite3.connect(term_cache_path(tmp_path / "index")) as db:
        db.execute("UPDATE vocabulary SET first = first + 7")  # ids would name the wrong terms: nothing may be trusted
    db.close()
    counting = CountingTerms()
    report = build_index(passages, tmp_path / "index", settings, terms=TermScheme(LEXICAL_SCHEME, counting))
    assert len(counting.texts) == len(passages)
    assert any("damaged vocabulary" in w for w in report.warnings), report.warnings


# --- failures ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("dense", [False, True], ids=["lexical-only", "with-encoder"])
def test_a_failure_in_the_lexical_half_leaves_the_previous_index_answering(
    tmp_path: Path, english_passages: list[Passage], minilm: Any, minilm_settings: IndexSettings, dense: bool
) -> None:
    settings = minilm_settings if dense else IndexSettings(model="none", progress=False)
    encoder = CountingEncoder(minilm) if dense else None
    question = "When does the Central Library close on weekdays?"
    build_index(english_passages[:20], tmp_path / "index", settings, encoder=minilm if dense else None)
    before = Searcher.open(tmp_path / "index", settings, encoder=minilm if dense else None).search(question)

    grown = [*english_passages, make_passage("poison", "A notice about the poisoned well.")]
    failing = TermScheme(LEXICAL_SCHEME, CountingTerms(fail_on="poisoned"))
    with pytest.raises(RuntimeError, match="tokeniser failed"):
        build_index(grown, tmp_path / "index", settings, encoder=encoder, terms=failing)
    after = Searcher.open(tmp_path / "index", settings, encoder=minilm if dense else None)
    assert after.info.passages == 20 and after.search(question) == before
    assert [p.name for p in tmp_path.iterdir() if ".build-" in p.name or ".link-" in p.name] == []
    assert [t.name for t in threading.enumerate() if t.name.startswith("quotebot-lexical")] == []
