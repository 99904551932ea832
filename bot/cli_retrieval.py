"""`quotebot index`, `quotebot ask` and `quotebot eval`: the retrieval commands of the command line.

Exit status: 0 done (for ask: answered; for `ask -`: some question answered); 1 for ask: declined (for `ask -`:
every question declined), for index: some files skipped, for eval of a question set: some questions failed; 2 an
error (one line on stderr, naming the thing and what to do).
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


def run_index(
    settings: Settings,
    paths: list[Path],
    index_dir: Path | None = None,
    model: str | None = None,
    as_json: bool = False,
    sample_if_empty: bool = False,
) -> int:
    """Build or update the index from files and folders (none: the bundled sample corpus).

    Prints a line a file read (its extractor, what was dropped and mapped), then the build; with `as_json`, one
    JSON object with both reports. Skipped files go to stderr, one line each, in either form.

    With ``sample_if_empty``, paths that hold no file at all (empty or missing folders: a deployment's documents
    folder before anything was put in it) give an index of the bundled sample, with a line saying so, instead of an error.
    """
    from bot.runtime import index_paths
    from retrieval.errors import RetrievalError

    settings = _with_model(settings, model)
    if sample_if_empty and paths and _no_files(paths):
        print(
            f"quotebot index: no documents in {', '.join(str(p) for p in paths)}; indexing the bundled sample article instead, "
            "so that there is something to answer from. Put the documents there and index again to replace it",
            file=sys.stderr,
        )
        paths = []
    try:
        report, corpus_report = index_paths(settings, paths, index_dir)
    except RetrievalError as err:
        return _fail("index", err)
    for skipped in corpus_report.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    if as_json:
        print(json.dumps({"type": "index", "build": asdict(report), "corpus": corpus_report.as_dict()}, ensure_ascii=False))
    else:
        for line in corpus_report.file_lines():
            print(line)
        print(describe_build(report))
    return EXIT_DECLINED if corpus_report.failed else EXIT_OK


def _no_files(paths: list[Path]) -> bool:
    from corpus.load import discover

    return not discover(paths).files


def run_rollback(settings: Settings, index_dir: Path | None = None) -> int:
    """Serve the previous version of the index again."""
    from retrieval.errors import RetrievalError
    from retrieval.layout import rollback

    target = index_dir or settings.index_dir
    try:
        version = rollback(target)
    except RetrievalError as err:
        return _fail("index", err)
    print(f"the index at {target} serves its previous version again ({version.name}); a running bot takes it with /reload")
    return EXIT_OK


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


def run_ask(
    settings: Settings, question: str, index_dir: Path | None = None, k: int = 3, as_json: bool = False, original: bool = False
) -> int:
    """Answer one question, or each line of standard input when the question is '-'.

    Returns EXIT_DECLINED when no question was answered (for '-': every one was declined, or there was none).
    """
    from bot.runtime import open_searcher
    from retrieval.errors import RetrievalError

    try:
        searcher = open_searcher(settings, index_dir)
    except RetrievalError as err:
        return _fail("ask", err)
    from_stdin = question == "-"
    questions: Iterable[str] = (line.rstrip("\r\n") for line in sys.stdin if line.strip()) if from_stdin else [question]
    bold = ANSI_BOLD if sys.stdout.isatty() else NO_BOLD
    answered = False
    for text in questions:
        answer = searcher.search(text, k=k)
        answered = answered or answer.answered
        if as_json:
            print(json.dumps(answer_dict(answer), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer, sys.stdout, original=original, bold=bold, show_question=from_stdin)
    return EXIT_OK if answered else EXIT_DECLINED


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
        "confidence": answer.confidence.value if answer.answered else None,  # "high", or "low": hedged ("this may help")
    }


ANSI_BOLD = ("\x1b[1m", "\x1b[0m")
NO_BOLD = ("", "")  # piped output: plain text, for scripts and files


def _print_answer(answer: Answer, out: TextIO, *, original: bool, bold: tuple[str, str], show_question: bool) -> None:
    """The bot's reply as terminal text: quotes in the question's script (or, with ``original``, as published).

    Passages are shown whole (the bot's excerpt limit is for phones), each with its source.
    """
    from bot.format import format_plain
    from bot.language import detect_script
    from bot.texts import texts_for

    script = detect_script(answer.question)
    texts = texts_for(script)
    if not answer.answered:
        question = f"{texts.question_label}：{answer.question}\n" if show_question else ""
        text = question + texts.decline_text(answer.decline)
    else:
        text = format_plain(answer, script, original=original, max_passage_chars=WHOLE_PASSAGE, bold=bold, converted_note=texts.ask_converted_note)
    out.write(text + ("\n\n" if show_question else "\n"))  # questions from standard input: a blank line between replies
    out.flush()


WHOLE_PASSAGE = 1_000_000  # characters: more than any passage has


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
