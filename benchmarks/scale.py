"""A scale corpus made from real Chinese text, reproducibly from a seed, and the questions asked of it.

The shared eval paragraphs (CMRC 2018 and DRCD dev, SQuAD format) are kept whole as real passages, so
their real questions have a gold passage in the pool. The rest of the corpus is synthetic paragraphs made
by recombining clauses (cut at ，；。！？) of those paragraphs: the characters, words and clause lengths are
real Chinese news/encyclopedia text, but a synthetic paragraph says nothing coherent. Recombined clauses also
repeat real clauses many times, which makes the real paragraphs harder to find than in a real archive: the
R@1 figures of such a pool are a stress figure, not the quality of the retriever.

Questions: the real eval questions whose gold paragraph is in the pool, topped up to ``min_questions``
with generated ones (a clause of a synthetic paragraph turned into a question; no gold, timing only).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.model import Citation, Passage
from corpus.split import split_paragraph

EVAL_FILES = ("cmrc2018_dev.json", "drcd_dev.json")
_CLAUSE = re.compile(r"[^，；。！？,;!?]+[，；。！？,;!?]?")
_QUESTION_ENDS = ("是什么？", "是哪一年？", "有哪些？", "是谁？", "在哪里？")


class EvalDataMissing(RuntimeError):
    """The shared eval files are not where the benchmark looks for them."""


@dataclass(frozen=True)
class Paragraph:
    """One real paragraph of an eval file, with its questions."""

    doc_id: str
    title: str
    text: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """A question of the benchmark; gold is the doc_id of its paragraph, or None for a generated one."""

    text: str
    gold: str | None


@dataclass(frozen=True)
class ScaleCorpus:
    passages: tuple[Passage, ...]
    questions: tuple[Question, ...]
    real_paragraphs: int
    synthetic_paragraphs: int
    seed: int


def read_paragraphs(eval_dir: Path) -> list[Paragraph]:
    """Every paragraph of the shared eval files, in file order; EvalDataMissing names what is absent."""
    missing = [name for name in EVAL_FILES if not (eval_dir / name).is_file()]
    if missing:
        raise EvalDataMissing(f"the shared eval data is missing: {', '.join(str(eval_dir / m) for m in missing)} "
                              f"(give its folder with --eval-dir)")
    out = []
    for tag, name in zip(("cmrc", "drcd"), EVAL_FILES):
        data = json.loads((eval_dir / name).read_text(encoding="utf-8"))
        for a, article in enumerate(data["data"]):
            for p, paragraph in enumerate(article["paragraphs"]):
                asked = tuple(qa["question"] for qa in paragraph.get("qas", []))
                out.append(Paragraph(f"{tag}-{a}-{p}", str(article.get("title", "")), paragraph["context"].strip(), asked))
    return out


def clauses(paragraphs: Sequence[Paragraph]) -> list[str]:
    """The clauses of all paragraphs, each with its closing punctuation, whitespace removed."""
    out = []
    for paragraph in paragraphs:
        for match in _CLAUSE.finditer(paragraph.text.replace("\n", "")):
            clause = match.group().strip()
            if len(clause) >= 4:
                out.append(clause)
    return out


def synthetic_paragraph(rng: random.Random, pool: Sequence[str], length: int) -> str:
    """About ``length`` characters of recombined clauses, ending a sentence."""
    parts: list[str] = []
    size = 0
    while size < length:
        clause = rng.choice(pool)
        parts.append(clause)
        size += len(clause)
    text = "".join(parts)
    return text if text[-1] in "。！？" else text[:-1] + "。" if text[-1] in "，；,;" else text + "。"


def _passages(doc_id: str, title: str, text: str, number: int) -> list[Passage]:
    """The passages of one paragraph, cut as the corpus pipeline cuts long paragraphs."""
    cite = Citation(doc_id=doc_id, title=title or "无题", date=f"20{10 + number % 15:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}",
                    source="benchmark", path=f"{doc_id}.txt")
    pieces = split_paragraph(text)
    return [Passage(id=f"{doc_id}#{part}", doc_id=doc_id, text=piece, heading=None, position=0, cite=cite, part=part, parts=len(pieces))
            for part, piece in enumerate(pieces)]


def make_corpus(paragraphs: Sequence[Paragraph], size: int, *, seed: int = 13, min_questions: int = 1000) -> ScaleCorpus:
    """``size`` passages (exactly): real paragraphs first (at most half the pool), then synthetic ones."""
    rng = random.Random(seed)
    real = list(paragraphs)
    rng.shuffle(real)
    passages: list[Passage] = []
    questions: list[Question] = []
    used_real = 0
    for paragraph in real:
        if len(passages) >= size // 2:
            break
        pieces = _passages(paragraph.doc_id, paragraph.title, paragraph.text, used_real)
        if len(passages) + len(pieces) > size // 2:
            continue
        passages.extend(pieces)
        questions.extend(Question(q, paragraph.doc_id) for q in paragraph.questions)
        used_real += 1
    pool = clauses(paragraphs)
    lengths = [len(p.text) for p in paragraphs]
    titles = [p.title for p in paragraphs]
    synthetic = 0
    while len(passages) < size:
        doc_id = f"syn-{synthetic:07d}"
        text = synthetic_paragraph(rng, pool, rng.choice(lengths))
        pieces = _passages(doc_id, rng.choice(titles), text, synthetic)[: size - len(passages)]
        passages.extend(pieces)
        synthetic += 1
        if len(questions) < min_questions:
            clause = rng.choice(pieces).text
            start = rng.randrange(max(1, len(clause) - 12))
            questions.append(Question(clause[start : start + 12].rstrip("，；。！？,;") + rng.choice(_QUESTION_ENDS), None))
    rng.shuffle(questions)
    return ScaleCorpus(tuple(passages), tuple(questions), used_real, synthetic, seed)


def added_passages(paragraphs: Sequence[Paragraph], count: int, *, seed: int) -> list[Passage]:
    """``count`` new synthetic passages (for the incremental rebuild), distinct from make_corpus's by id."""
    rng = random.Random(seed + 1_000_003)
    pool = clauses(paragraphs)
    lengths = [len(p.text) for p in paragraphs]
    out: list[Passage] = []
    n = 0
    while len(out) < count:
        out.extend(_passages(f"new-{n:07d}", "新增", synthetic_paragraph(rng, pool, rng.choice(lengths)), n)[: count - len(out)])
        n += 1
    return out
