"""benchmarks.real_dev's measure on the real-document development set: the floors the decline reaches there.

The figures are in-sample for the decline (fitted on this set, cross-validated figures in retrieval/README.md);
they are floors, so a change to cleaning, ranking or the decline that loses ground fails here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.real_dev import load_questions, measure
from retrieval.config import IndexSettings
from retrieval.search import Searcher

REAL_DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "real_dev"


@pytest.fixture(scope="module")
def real_dev(tmp_path_factory: pytest.TempPathFactory) -> tuple[Searcher, list, list]:  # type: ignore[type-arg]
    if not (REAL_DEV / "questions.jsonl").exists():
        pytest.skip(f"the real_dev set is not here ({REAL_DEV}: ../shared is absent)")
    from bot.runtime import index_paths
    from bot.settings import Settings

    settings = replace(Settings.from_env(), index=IndexSettings(model="none", progress=False))
    index_dir = tmp_path_factory.mktemp("real_dev") / "index"
    index_paths(settings, [REAL_DEV / "docs"], index_dir)
    answerable, ood = load_questions(REAL_DEV)
    return Searcher.open(index_dir, settings.index), answerable, ood


@pytest.mark.slow
def test_real_dev_floors(real_dev) -> None:  # type: ignore[no-untyped-def]
    searcher, answerable, ood = real_dev
    got, got_ood = measure(searcher, answerable), measure(searcher, ood)
    right_first = sum(r.rank == 1 for r in got)
    quoted_first = sum(r.answer_rank == 1 for r in got)
    quoted_in_three = sum(r.answer_rank is not None and r.answer_rank <= 3 for r in got)
    declined_ood = sum(r.outcome.startswith("declined") for r in got_ood)
    assert right_first >= 114  # the ranking alone (measured 117, rank@1 78.0%; 113 before the choice among siblings)
    assert quoted_first >= 114  # the right passage quoted first, confidently or hedged (measured 117, 78.0%)
    assert quoted_in_three >= 137  # ... among the first three quoted (measured 140, 93.3%)
    assert declined_ood >= 45  # out-of-corpus questions declined (measured 45 of 50, 90%)
    assert sum(r.outcome == "low" for r in got) > 0  # the hedged tier is used
    small_talk = {r.q: r.outcome for r in got_ood if r.q in ("你好", "早晨", "唔該", "多謝晒", "谢谢你啊", "你是机器人吗", "拜拜 明天再问")}
    assert small_talk == {"你好": "declined: greeting", "早晨": "declined: greeting", "唔該": "declined: thanks",
                          "多謝晒": "declined: thanks", "谢谢你啊": "declined: thanks", "你是机器人吗": "declined: small_talk",
                          "拜拜 明天再问": "declined: farewell"}


@pytest.mark.slow
def test_rewordings_floors(real_dev) -> None:  # type: ignore[no-untyped-def]
    """real_dev's questions asked again in other words (benchmarks/rewordings.jsonl: English, written Cantonese,
    everyday Mandarin, keyboard slips): what the tables fitted to real_dev's wording carry to the next resident's."""
    from benchmarks.real_dev import REWORDINGS

    searcher, _, _ = real_dev
    reworded, _ = load_questions(REAL_DEV, REWORDINGS)
    assert len(reworded) == 221 and all(q.gold and q.doc for q in reworded)
    got = measure(searcher, reworded)
    quoted_first = sum(r.answer_rank == 1 for r in got)
    quoted_in_three = sum(r.answer_rank is not None and r.answer_rank <= 3 for r in got)
    declined = sum(r.outcome.startswith("declined") for r in got)
    # Measured 154, 189 and 7 of 221 (111, 146 and 31 at dc59fd8, before the tables and cues were extended from them;
    # 138, 183 and 11 before the choice among siblings, which was fitted on them; 147, 184, 11 before the English
    # rules of 2026-12-07; 152, 187, 10 before an English word weighed what it says).
    assert quoted_first >= 148
    assert quoted_in_three >= 183
    assert declined <= 12
    english = [r for r in got if r.style == "english"]
    assert sum(r.answer_rank is not None and r.answer_rank <= 3 for r in english) >= 52  # measured 55 of 71 (30, 53 before)


@pytest.mark.slow
def test_fresh_rewordings_floor(real_dev) -> None:  # type: ignore[no-untyped-def]
    """40 further rewordings (benchmarks/rewordings_fresh.jsonl) that no table, cue or fit was written from (but for
    the English word kid, 2026-12-07: retrieval/README.md)."""
    from benchmarks.real_dev import FRESH

    searcher, _, _ = real_dev
    fresh, _ = load_questions(REAL_DEV, FRESH)
    assert len(fresh) == 40
    got = measure(searcher, fresh)
    assert sum(r.answer_rank == 1 for r in got) >= 26  # measured 28 (27 before the choice among siblings)


@pytest.mark.slow
def test_english_out_of_corpus_floor(real_dev) -> None:  # type: ignore[no-untyped-def]
    """real_dev's out-of-corpus questions are all Chinese; benchmarks/ood_english.jsonl asks 25 in English (other
    cities' services, other subjects), so that what an English word weighs is checked against what it must not answer."""
    from benchmarks.real_dev import OOD_ENGLISH

    searcher, _, _ = real_dev
    _, ood = load_questions(REAL_DEV, ood=OOD_ENGLISH)
    assert len(ood) == 25 and all(q.q.isascii() for q in ood)
    got = measure(searcher, ood)
    assert sum(r.outcome.startswith("declined") for r in got) >= 20  # measured 22 (22 before English words weighed what they say)
