"""benchmarks.peer asks each question against the paragraph it was asked about, whichever pool it comes from."""

from __future__ import annotations

from pathlib import Path

from benchmarks.peer import align_questions, ask
from corpus.split import split_paragraph
from retrieval.evaluate import squad_pool


def test_cmrc_questions_keep_their_paragraph_in_the_shared_passages(shared_eval: Path) -> None:
    drcd = squad_pool(shared_eval / "drcd_dev_simplified_questions.json", [shared_eval / "cmrc2018_dev.json"], split_paragraph)
    cmrc = squad_pool(shared_eval / "cmrc2018_dev.json", [shared_eval / "drcd_dev.json"], split_paragraph)
    shared_text: dict[str, list[str]] = {}
    for p in drcd.passages:
        shared_text.setdefault(p.doc_id, []).append(p.text)
    own_text: dict[str, list[str]] = {}
    for p in cmrc.passages:
        own_text.setdefault(p.doc_id, []).append(p.text)
    aligned = align_questions(drcd.passages, cmrc)
    assert [q for q, _ in aligned] == [item.question for item in cmrc.questions]
    assert all(shared_text[doc] == own_text[item.paragraph] for (_, doc), item in zip(aligned, cmrc.questions, strict=True))
    # The two pools list the files in another order, so the ids differ: a lookup by id would ask the wrong paragraph.
    assert sum(doc != item.paragraph for (_, doc), item in zip(aligned, cmrc.questions, strict=True)) == len(cmrc.questions)
    assert align_questions(drcd.passages, drcd) == [(item.question, item.paragraph) for item in drcd.questions]


def test_ask_scores_every_system_on_the_same_questions() -> None:
    rankers = {"quotebot": lambda q: ["a", "b"], "quotebot-lexical": lambda q: ["b", "a"] if q == "q2" else ["a", "b"],
               "txtai-bm25": lambda q: []}
    asked = [("q1", "a"), ("q2", "b"), ("q3", "c")]
    out = ask(rankers, asked)
    assert {name: (f["r1"], f["r10"], f["latency"]["n"]) for name, f in out.items()} == {
        "quotebot": (1 / 3, 2 / 3, 3), "quotebot-lexical": (2 / 3, 2 / 3, 3), "txtai-bm25": (0.0, 0.0, 3)}
    assert out["quotebot"]["rankings_differing_from_lexical"] == 1
