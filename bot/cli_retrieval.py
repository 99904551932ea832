"""`quotebot index`, `quotebot ask` and `quotebot eval`: the retrieval commands of the command line.

Exit status: 0 done (for ask: answered); 1 for ask: declined, for index: some files skipped, for eval of a
question set: some questions failed; 2 an error (one line on stderr, naming the thing and what to do).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TextIO

from bot.settings import Settings
from retrieval.model import Answer, BuildReport

EXIT_OK, EXIT_DECLINED, EXIT_ERROR = 0, 1, 2


def _with_model(settings: Settings, model: str | None) -> Settings:
    if not model:
        return settings
    return replace(settings, index=replace(settings.index, model=model, model_explicit=True))


def _fail(command: str, message: object) -> int:
    print(f"quotebot {command}: {message}", file=sys.stderr)
    return EXIT_ERROR


def run_index(settings: Settings, paths: list[Path], index_dir: Path | None = None, model: str | None = None) -> int:
    """Build or update the index from files and folders (none: the bundled sample corpus)."""
    from bot.runtime import index_paths
    from retrieval.errors import RetrievalError

    settings = _with_model(settings, model)
    try:
        report, corpus_report = index_paths(settings, paths, index_dir)
    except RetrievalError as err:
        return _fail("index", err)
    for skipped in corpus_report.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    print(describe_build(report))
    return EXIT_DECLINED if corpus_report.failed else EXIT_OK


def describe_build(report: BuildReport) -> str:
    """One paragraph about a build, for people."""
    if report.dense_enabled:
        dense = f"dense retrieval with {report.model} ({report.vector_index}; {report.embedded} passages embedded, {report.reused} from the cache)"
    else:
        dense = "lexical retrieval only"
    return (
        f"indexed {_count(report.passages, 'passage')} from {_count(report.documents, 'document')} into {report.index_dir} "
        f"in {report.seconds:.1f} s; {dense}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def run_ask(settings: Settings, question: str, index_dir: Path | None = None, k: int = 3, as_json: bool = False) -> int:
    """Answer one question, or each line of standard input when the question is '-'."""
    from bot.runtime import open_searcher
    from retrieval.errors import RetrievalError

    try:
        searcher = open_searcher(settings, index_dir)
    except RetrievalError as err:
        return _fail("ask", err)
    questions: Iterable[str] = (line.rstrip("\r\n") for line in sys.stdin if line.strip()) if question == "-" else [question]
    status = EXIT_OK
    for text in questions:
        answer = searcher.search(text, k=k)
        if as_json:
            print(json.dumps(answer_dict(answer), ensure_ascii=False), flush=True)
        else:
            if question == "-":
                print(f"? {text}")
            _print_answer(answer, sys.stdout)
        if question != "-" and not answer.answered:
            status = EXIT_DECLINED
    return status


def answer_dict(answer: Answer) -> dict[str, Any]:
    """The JSON form of an answer (DESIGN.md): question, answered, hits with text and citation."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "hits": [
            {
                "text": hit.passage.text,
                "score": hit.score,
                "title": hit.passage.cite.title,
                "date": hit.passage.cite.date,
                "source": hit.passage.cite.source,
                "url": hit.passage.cite.url,
                "doc": hit.passage.doc_id,
                "passage": hit.passage.id,
            }
            for hit in answer.hits
        ],
        "declined_reason": answer.decline.value if answer.decline else None,
    }


def _print_answer(answer: Answer, out: TextIO) -> None:
    if not answer.answered:
        from bot.language import detect_script
        from bot.texts import texts_for

        out.write(texts_for(detect_script(answer.question)).decline_text(answer.decline) + "\n")
        return
    for number, hit in enumerate(answer.hits, start=1):
        cite = hit.passage.cite
        line = " · ".join(part for part in (cite.title, cite.date, cite.source, cite.url) if part)
        out.write(f"[{number}] {hit.passage.text}\n    — {line}\n")
    out.flush()


def run_eval(settings: Settings, file: Path, distractors: list[Path], model: str | None = None, limit: int | None = None, as_json: bool = False) -> int:
    """Retrieval figures on a SQuAD-format file, or pass/fail on a JSONL question set (against the sample)."""
    from retrieval.errors import RetrievalError
    from retrieval.evaluate import EvalFileError

    settings = _with_model(settings, model)
    settings = replace(settings, index=replace(settings.index, progress=settings.index.progress and not as_json))
    try:
        if file.suffix.lower() == ".jsonl":
            return _eval_question_set(settings, file, limit, as_json)
        return _eval_squad(settings, file, distractors, limit, as_json)
    except (EvalFileError, RetrievalError) as err:
        return _fail("eval", err)


def _eval_index(settings: Settings, kind: str, passages: tuple, fingerprint: str):  # type: ignore[no-untyped-def,type-arg]
    """An index of the evaluation pool under QUOTEBOT_HOME/eval (reused while pool and settings are the same)."""
    from retrieval.build import LEXICAL_SCHEME, build_index
    from retrieval.errors import IndexOpenError
    from retrieval.search import Searcher

    key = hashlib.sha256(f"{fingerprint}|{settings.index.model}|{settings.index.vector_index}|{LEXICAL_SCHEME}".encode()).hexdigest()[:16]
    index_dir = settings.home / "eval" / f"{kind}-{key}"
    try:
        return Searcher.open(index_dir, settings.index)
    except IndexOpenError:
        build_index(passages, index_dir, settings.index)
        return Searcher.open(index_dir, settings.index)


def _eval_squad(settings: Settings, file: Path, distractors: list[Path], limit: int | None, as_json: bool) -> int:
    from corpus.split import split_paragraph
    from retrieval.evaluate import evaluate_ranking, squad_pool

    pool = squad_pool(file, distractors, split_paragraph)
    searcher = _eval_index(settings, "squad", pool.passages, pool.fingerprint)
    figures = evaluate_ranking(searcher, pool, limit=limit, progress=settings.index.progress and not as_json)
    if as_json:
        print(json.dumps({"file": str(file), "distractors": [str(d) for d in distractors], **asdict(figures)}, ensure_ascii=False))
        return EXIT_OK
    dense = f"dense retrieval with {figures.model}" if figures.dense_enabled else "lexical retrieval only"
    print(f"pool: {figures.paragraphs} paragraphs in {figures.passages} passages; {figures.questions} questions; {dense}")
    print(f"R@1 {figures.recall_at_1:.4f}  R@3 {figures.recall_at_3:.4f}  R@10 {figures.recall_at_10:.4f}  MRR@10 {figures.mrr_at_10:.4f}")
    print(f"latency per question: p50 {figures.latency_p50_ms:.1f} ms  p95 {figures.latency_p95_ms:.1f} ms")
    return EXIT_OK


def _eval_question_set(settings: Settings, file: Path, limit: int | None, as_json: bool) -> int:
    from corpus.pipeline import build_passages, sample_paths
    from retrieval.evaluate import evaluate_question_set, read_question_set

    items = read_question_set(file)
    passages = build_passages(sample_paths()).passages
    fingerprint = hashlib.sha256("\0".join(p.id for p in passages).encode()).hexdigest()
    searcher = _eval_index(settings, "sample", passages, fingerprint)
    figures = evaluate_question_set(searcher, items, limit=limit)
    if as_json:
        print(json.dumps({"file": str(file), **asdict(figures)}, ensure_ascii=False))
    else:
        for outcome in figures.outcomes:
            mark = "pass" if outcome.passed else "FAIL"
            print(f"{mark}  {outcome.question}  (expected {outcome.expected}: {outcome.detail})")
        print(f"{figures.passed} of {figures.questions} passed")
    return EXIT_OK if figures.passed == figures.questions else EXIT_DECLINED
