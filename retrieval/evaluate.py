"""Retrieval quality: R@1, R@3, R@10, MRR@10 and latency on SQuAD-format files; pass/fail on JSONL question sets.

SQuAD files: every paragraph of the file (and of the distractor files) becomes its own document, cut into
passages by the product's splitter (handed in, so this layer does not depend on the corpus package); a
question's relevant passages are the pieces of the paragraph it was asked about, and the first of them in the
ranking gives its rank. JSONL files hold one ``{"q": ..., "gold": [...]}`` a line: a question with gold strings
must be answered with one of them in the top hit (compared folded to simplified); one without must be declined.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.model import Citation, Passage
from retrieval.search import Searcher
from retrieval.text import fold_script


class EvalFileError(ValueError):
    """A question file cannot be read; the message names it."""


@dataclass(frozen=True)
class SquadQuestion:
    question: str
    paragraph: str  # doc id of the gold paragraph


@dataclass(frozen=True)
class Pool:
    passages: tuple[Passage, ...]
    paragraphs: int
    questions: tuple[SquadQuestion, ...]
    fingerprint: str


@dataclass(frozen=True)
class RankingFigures:
    questions: int
    paragraphs: int
    passages: int
    recall_at_1: float
    recall_at_3: float
    recall_at_10: float
    mrr_at_10: float
    latency_p50_ms: float
    latency_p95_ms: float
    dense_enabled: bool
    model: str | None


@dataclass(frozen=True)
class QuestionOutcome:
    question: str
    expected: str  # "answer" or "decline"
    passed: bool
    detail: str


@dataclass(frozen=True)
class QuestionSetFigures:
    questions: int
    passed: int
    outcomes: tuple[QuestionOutcome, ...] = field(default=())


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise EvalFileError(f"{path}: not a readable JSON file ({err.__class__.__name__}: {err})") from None


def _squad_paragraphs(path: Path, tag: str) -> list[tuple[str, str, str, list[str]]]:
    """(doc id, title, context, questions) of every paragraph of a SQuAD-format file."""
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise EvalFileError(f"{path}: not a SQuAD-format file (no top-level 'data' list)")
    out = []
    try:
        for a, article in enumerate(data["data"]):
            for p, paragraph in enumerate(article["paragraphs"]):
                questions = [qa["question"] for qa in paragraph.get("qas", [])]
                out.append((f"{tag}:{a}.{p}", str(article.get("title", "")), paragraph["context"], questions))
    except (KeyError, TypeError) as err:
        raise EvalFileError(f"{path}: not a SQuAD-format file ({err.__class__.__name__}: {err})") from None
    return out


def squad_pool(file: Path, distractors: Sequence[Path], split: Callable[[str], list[str]]) -> Pool:
    """Passages of every paragraph of file and distractors (cut by ``split``), and the questions of file."""
    passages: list[Passage] = []
    questions: list[SquadQuestion] = []
    paragraphs = 0
    digest = hashlib.sha256()
    for n, path in enumerate([file, *distractors]):
        for doc_id, title, context, asked in _squad_paragraphs(path, f"f{n}"):
            paragraphs += 1
            pieces = [piece.strip() for piece in split(context)]
            pieces = [piece for piece in pieces if piece]
            cite = Citation(doc_id=doc_id, title=title, path=str(path))
            for part, text in enumerate(pieces):
                passages.append(Passage(id=f"{doc_id}.{part}", doc_id=doc_id, text=text, heading=None, position=0, cite=cite, part=part, parts=len(pieces)))
                digest.update(text.encode("utf-8") + b"\0")
            if n == 0:
                questions.extend(SquadQuestion(q, doc_id) for q in asked)
    return Pool(tuple(passages), paragraphs, tuple(questions), digest.hexdigest())


def evaluate_ranking(
    searcher: Searcher, pool: Pool, *, limit: int | None = None, clock: Callable[[], float] = time.perf_counter, progress: bool = False
) -> RankingFigures:
    """R@1/3/10, MRR@10 and per-question latency of the searcher's ranking on the pool's questions."""
    questions = pool.questions[:limit] if limit is not None else pool.questions
    if not questions:
        raise EvalFileError("the question file has no questions")
    hits = {1: 0, 3: 0, 10: 0}
    reciprocal = 0.0
    latencies = []
    steps: Iterable[SquadQuestion] = questions
    if progress:
        from tqdm import tqdm

        steps = tqdm(questions, desc="questions", unit="question", leave=False)
    for item in steps:
        started = clock()
        ranked = searcher.rank(item.question, n=10)
        latencies.append((clock() - started) * 1000)
        docs = [searcher.passage_at(r.row).doc_id for r in ranked]
        if item.paragraph in docs:
            rank = docs.index(item.paragraph) + 1
            reciprocal += 1 / rank
            for cut in hits:
                hits[cut] += rank <= cut
    n = len(questions)
    latencies.sort()
    info = searcher.info
    return RankingFigures(
        questions=n, paragraphs=pool.paragraphs, passages=len(pool.passages),
        recall_at_1=hits[1] / n, recall_at_3=hits[3] / n, recall_at_10=hits[10] / n, mrr_at_10=reciprocal / n,
        latency_p50_ms=statistics.median(latencies), latency_p95_ms=latencies[min(n - 1, int(round(0.95 * (n - 1))))],
        dense_enabled=info.dense_enabled, model=info.model,
    )


def read_question_set(path: Path) -> list[tuple[str, list[str] | None]]:
    """(question, gold strings or None) from a JSONL file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise EvalFileError(f"{path}: cannot be read ({err.__class__.__name__})") from None
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question, gold = item["q"], item.get("gold")
        except (json.JSONDecodeError, KeyError, TypeError):
            raise EvalFileError(f"{path}, line {number}: expected an object with a 'q' field") from None
        if gold is not None and (not isinstance(gold, list) or not all(isinstance(g, str) for g in gold)):
            raise EvalFileError(f"{path}, line {number}: 'gold' must be a list of strings")
        out.append((str(question), gold))
    if not out:
        raise EvalFileError(f"{path}: no questions in it")
    return out


def evaluate_question_set(searcher: Searcher, items: Sequence[tuple[str, list[str] | None]], *, limit: int | None = None) -> QuestionSetFigures:
    """Questions with gold strings must be answered with one in the top hit; the others must be declined."""
    outcomes = []
    for question, gold in items[:limit] if limit is not None else items:
        answer = searcher.search(question, k=1)
        if gold is None:
            passed = not answer.answered
            detail = f"declined ({answer.decline.value if answer.decline else 'no hits'})" if passed else f"answered with {answer.hits[0].passage.id}"
            outcomes.append(QuestionOutcome(question, "decline", passed, detail))
            continue
        if not answer.answered:
            outcomes.append(QuestionOutcome(question, "answer", False, f"declined ({answer.decline.value if answer.decline else ''}: {answer.detail})"))
            continue
        top = fold_script(answer.hits[0].passage.text)
        found = [g for g in gold if fold_script(g) in top]
        detail = f"top hit {answer.hits[0].passage.id} " + (f"contains {found[0]!r}" if found else "contains none of the gold strings")
        outcomes.append(QuestionOutcome(question, "answer", bool(found), detail))
    return QuestionSetFigures(len(outcomes), sum(o.passed for o in outcomes), tuple(outcomes))
