"""Cross-document dedupe merges only what is surely the same text republished, and never strands text."""

from __future__ import annotations

from corpus.dedupe import MIN_MERGE_CHARS, STANDALONE_CHARS, dedupe_passages
from corpus.model import Citation, Passage

LONG = "市住房和城乡建设局公布了老旧小区既有住宅加装电梯的补贴标准，每部电梯最高补贴二十万元，由街道办事处受理后报区住建部门审核，电梯竣工验收合格后补贴资金一次性拨付到业主指定的账户。"
MIDDLE = "申请材料包括业主意见书、设计方案、施工合同和街道出具的证明，缺一不可。"  # between the floor and the standalone length
SHORT = "补贴期限：一次性。"


def _doc(doc_id: str, *paragraphs: str | tuple[str, str | None] | list[str]) -> list[Passage]:
    """Passages of one document: a string is a paragraph, (text, heading) one under a heading, a list the pieces of one."""
    cite = Citation(doc_id, f"title of {doc_id}")
    out = []
    for position, paragraph in enumerate(paragraphs):
        heading = None
        if isinstance(paragraph, tuple):
            paragraph, heading = paragraph
        pieces = paragraph if isinstance(paragraph, list) else [paragraph]
        for part, text in enumerate(pieces):
            out.append(Passage(f"{doc_id}:{position}.{part}", doc_id, text, heading, position, cite, part, len(pieces)))
    return out


def _texts(passages: tuple[Passage, ...], doc_id: str) -> list[str]:
    return [p.text for p in passages if p.doc_id == doc_id]


def test_the_lengths_are_what_the_rules_say() -> None:
    assert len(SHORT) < MIN_MERGE_CHARS <= len(MIDDLE) < STANDALONE_CHARS <= len(LONG)


def test_a_long_paragraph_is_merged_and_both_sources_cited() -> None:
    kept, merged = dedupe_passages(_doc("a", LONG, "甲文件自己的段落。") + _doc("b", "乙文件自己的第一段。", LONG))
    assert merged == 1
    (shared,) = [p for p in kept if p.text == LONG]
    assert shared.doc_id == "a" and [c.doc_id for c in shared.also_cited] == ["b"]
    assert _texts(kept, "b") == ["乙文件自己的第一段。"]


def test_short_text_is_never_moved_to_another_document() -> None:
    # A bare list item or a stock phrase shared by two documents stays in each: they do not say the same thing.
    kept, merged = dedupe_passages(_doc("a", "一、申请条件", SHORT) + _doc("b", "二、补贴标准", SHORT))
    assert merged == 0 and _texts(kept, "b") == ["二、补贴标准", SHORT]


def test_a_middle_length_paragraph_merges_only_inside_a_republished_run() -> None:
    alone, merged = dedupe_passages(_doc("a", MIDDLE, "甲文件的下一段。") + _doc("b", "乙文件的上一段。", MIDDLE))
    assert merged == 0 and MIDDLE in _texts(alone, "b")
    run, merged = dedupe_passages(_doc("a", MIDDLE, LONG) + _doc("b", MIDDLE, LONG))
    assert merged == 2 and _texts(run, "b") == []
    assert all([c.doc_id for c in p.also_cited] == ["b"] for p in run)


def test_a_split_paragraph_merges_whole_or_not_at_all() -> None:
    pieces = [LONG, MIDDLE]
    kept, merged = dedupe_passages(_doc("a", pieces) + _doc("b", pieces))
    assert merged == 2 and all(p.doc_id == "a" and len(p.also_cited) == 1 for p in kept)
    # One piece alike, the other not: the paragraphs differ, nothing moves.
    kept, merged = dedupe_passages(_doc("a", [LONG, MIDDLE]) + _doc("b", [LONG, "乙文件的另一句话。"]))
    assert merged == 0 and _texts(kept, "b") == [LONG, "乙文件的另一句话。"]


def test_inside_one_document_a_paragraph_under_another_heading_stays() -> None:
    same_heading = _doc("a", (LONG, "一次性创业资助"), (MIDDLE, "一次性创业资助"), (LONG, "一次性创业资助"))
    kept, merged = dedupe_passages(same_heading)
    assert merged == 1 and [p.text for p in kept] == [LONG, MIDDLE]
    other_headings = _doc("a", (LONG, "一次性创业资助"), (LONG, "创业租金补贴"), (MIDDLE, "甲"), (MIDDLE, "乙"))
    kept, merged = dedupe_passages(other_headings)
    assert merged == 0 and len(kept) == 4


def test_inside_one_document_a_repeated_fragment_is_kept_once() -> None:
    kept, merged = dedupe_passages(_doc("a", (SHORT, "一次性创业资助"), (LONG, "一次性创业资助"), (SHORT, "创业带动就业补贴")))
    assert merged == 1 and [(p.text, p.heading) for p in kept] == [(SHORT, "一次性创业资助"), (LONG, "一次性创业资助")]


def test_the_same_passage_given_twice_is_kept_once_and_a_third_source_cited_once() -> None:
    a, b, c = _doc("a", LONG), _doc("b", LONG), _doc("c", LONG)
    kept, merged = dedupe_passages(a + b + a + c + b)
    assert merged == 4
    (only,) = kept
    assert only.doc_id == "a" and [c.doc_id for c in only.also_cited] == ["b", "c"]
