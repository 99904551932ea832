"""The benchmark harness still runs end to end at a tiny size (lexical only). Nothing here asserts a timing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from benchmarks.report import render
from benchmarks.scale import EvalDataMissing, make_corpus, read_paragraphs
from benchmarks.worker import Options, phase_build, phase_memory, phase_serve


def test_scale_corpus_is_reproducible_and_exact(shared_eval: Path) -> None:
    paragraphs = read_paragraphs(shared_eval)
    first, again = make_corpus(paragraphs, 300, seed=5), make_corpus(paragraphs, 300, seed=5)
    assert len(first.passages) == 300
    assert first.passages == again.passages and first.questions == again.questions
    assert make_corpus(paragraphs, 300, seed=6).passages != first.passages
    ids = {p.doc_id for p in first.passages}
    assert all(q.gold in ids for q in first.questions if q.gold is not None)
    assert len(first.questions) >= 300  # real questions topped up with generated ones


def test_missing_eval_data_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(EvalDataMissing, match="cmrc2018_dev.json"):
        read_paragraphs(tmp_path)
    from benchmarks.run import main

    result = CliRunner().invoke(main, ["--size", "300", "--eval-dir", str(tmp_path), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code != 0 and "shared eval data is missing" in result.output and "Traceback" not in result.output


def test_harness_runs_at_300_passages_lexical(shared_eval: Path, tmp_path: Path) -> None:
    opts = Options(data_dir=str(tmp_path), eval_dir=str(shared_eval), size=300, questions=20)
    build = phase_build(opts)
    assert build["passages"] == 300 and build["dense"] is False and build["index_bytes"] > 0
    assert build["rebuild_embedded"] == 0 and build["build_peak_mib"] > 0
    serve = phase_serve(opts)
    assert serve["questions"] == 20 and serve["whole"]["n"] == 20
    assert serve["mismatches"] == 0  # the staged path answers exactly like Searcher.search
    assert serve["pruning"]["questions"] == 20 and serve["pruning"]["differ"] == 0
    assert {"screen", "fold_tokenise", "bm25", "refine", "fuse_decline", "format"} <= set(serve["stages"])
    assert "encode" not in serve["stages"] and serve["floor"] is None
    memory = phase_memory(opts)
    assert memory["questions"] == 20 and memory["encoder_backend"] is None
    assert memory["after_questions"]["VmRSS"] >= memory["after_questions"]["RssAnon"] > 0
    report = render({"machine": {"date": "d", "commit": "c", "python": "3", "cores": "2", "cpu": "x", "memory": "m", "load": "0"},
                     "command": "python -m benchmarks.run --size 300", "sizes": {"300": {"lexical_build": {**build, "options": {}},
                                                                                        "lexical_serve": serve, "lexical_memory": memory}}})
    assert "### 300 passages" in report and "| bm25 |" in report and "0 of 20 answers differ" in report
    assert "| after the questions |" in report


def test_vector_study_compares_each_index_with_exact_search() -> None:
    from benchmarks.vector_study import study

    vectors = np.random.default_rng(0).normal(size=(3_000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    out = study(vectors, vectors[:20])
    assert out["size"] == 3_000 and out["flat"]["recall_at_10"] == 1.0  # exact search is the truth
    assert out["flat"]["latency"]["n"] == out["hnsw"]["latency"]["n"] == 20
    sweep = out["hnsw"]["ef_search"]
    assert list(sweep) == ["64", "128", "256", "512"]
    assert all(0.0 <= s["recall_at_10"] <= 1.0 and s["latency"]["n"] == 20 for s in sweep.values())
    assert sweep["512"]["recall_at_10"] >= 0.99  # searched that widely, 3,000 points are found all but exactly
    assert 0.0 < out["ivf"]["recall_at_10"] <= 1.0
