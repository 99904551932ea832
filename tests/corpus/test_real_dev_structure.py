"""The structure rules on the real documents of ../shared/eval/real_dev (skipped where that folder is absent):
no bare fragment is left, an FAQ answer stays with its question, a regulation is dated by its latest amendment."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.pipeline import CorpusResult, build_passages
from corpus.structure import is_fragment


@pytest.fixture(scope="module")
def real_dev(shared_eval: Path) -> CorpusResult:
    docs = shared_eval / "real_dev" / "docs"
    if not docs.is_dir():
        pytest.skip(f"real_dev documents not found at {docs}")
    return build_passages([docs])


def _passages_of(result: CorpusResult, name: str) -> list[str]:
    return [p.text for p in result.passages if Path(p.cite.path).name == name]


def test_no_passage_is_a_bare_fragment(real_dev: CorpusResult) -> None:
    fragments = [(p.cite.path, p.text) for p in real_dev.passages if is_fragment(p.text)]
    assert fragments == []


def test_faq_answers_stay_with_their_questions(real_dev: CorpusResult) -> None:
    hukou = _passages_of(real_dev, "gz_points_hukou_13qa_2025.html")
    assert any(t.startswith("1.2025年度积分制入户指标有多少个？\n答：") for t in hukou)
    unemployment = _passages_of(real_dev, "gz_unemployment_ins_faq_2025_11.html")
    assert any(t.startswith("二、失业保险金能领到多少钱？\n失业保险金按照本市最低工资标准") for t in unemployment)


def test_regulations_are_dated_by_their_latest_amendment(real_dev: CorpusResult) -> None:
    dates = {Path(d.path).name: d.date for d in real_dev.documents}
    assert dates["law_shanghai_non_motor_vehicle_2024.md"] == "2024-05-10"
    assert dates["cn_resident_id_card_law.txt"] == "2011-10-29"
    assert dates["law_qingdao_elderly_services_2018.md"] == "2018-09-07"
