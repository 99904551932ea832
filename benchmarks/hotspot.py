"""What-if: the cost of ``retrieval.evidence._words`` and what a leaner equivalent would save, measured.

A cProfile of ``Searcher.search`` (see RESULTS.md) puts most of a query's time in ``evidence.coverage`` →
``_covered`` → ``_words`` → ``text.iter_tokens``: for each candidate passage, and again for each of its
sentences, every Chinese character and bigram is made into a Token object only to be thrown away (``_words``
keeps Latin words, numbers and dates). This module swaps in an equivalent ``_words`` that skips Chinese runs
and is only called when a question has a Latin unit, *in this process only* (retrieval/ is not edited),
checks that every answer stays the same, and times both versions interleaved, question by question.

    python -m benchmarks.hotspot --size 10000 [--questions 300] [--model PATH]
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from benchmarks.measure import percentiles


def lean_words(folded: str) -> set[str]:
    """Same set as evidence._words (tokens of kind word, num, date), without tokenising Chinese runs."""
    from retrieval.text import _TOKEN_RE

    out: set[str] = set()
    for match in _TOKEN_RE.finditer(folded):
        if match.group("date"):
            out.add(match.group())
        elif match.group("num"):
            out.add(match.group("num"))
            if match.group("unit"):
                out.add(match.group())
        elif not match.group("cjk"):
            out.add(match.group())
    return out


def lean_covered(units, folded):  # type: ignore[no-untyped-def]
    """evidence._covered, computing the words of the text only when a unit needs them."""
    words = lean_words(folded) if any(unit.latin for unit in units) else set()
    return [unit for unit in units if (unit.text in words if unit.latin else unit.text in folded)]


@click.command()
@click.option("--size", type=int, default=10_000, show_default=True)
@click.option("--questions", type=int, default=300, show_default=True)
@click.option("--model", default="none", show_default=True, help="The model of the index to use (its dense index), or 'none'.")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--eval-dir", type=click.Path(path_type=Path), default=Path("../shared/eval"), show_default=True)
@click.option("--data-dir", type=click.Path(path_type=Path), default=Path("benchmarks/data"), show_default=True)
def main(size: int, questions: int, model: str, seed: int, eval_dir: Path, data_dir: Path) -> None:
    """Time Searcher.search with the current and the lean _covered, on the lexical index of a run."""
    from benchmarks.scale import make_corpus, read_paragraphs
    from benchmarks.stages import same_answer
    from benchmarks.worker import Options, index_settings, load_model, set_threads
    from retrieval import evidence
    from retrieval.search import Searcher

    set_threads(1)
    opts = Options(data_dir=str(data_dir), eval_dir=str(eval_dir), size=size, seed=seed, model=model)
    if not opts.index_dir.exists():
        raise click.ClickException(f"no index at {opts.index_dir}; run `python -m benchmarks.run --size {size}` first")
    corpus = make_corpus(read_paragraphs(eval_dir), size, seed=seed)
    searcher = Searcher.open(opts.index_dir, index_settings(opts), encoder=load_model(opts) if opts.dense else None)
    current = evidence._covered
    now: list[float] = []
    lean: list[float] = []
    differ = 0
    for q in corpus.questions[:questions]:
        evidence._covered = current
        t = time.perf_counter()
        a = searcher.search(q.text)
        now.append(time.perf_counter() - t)
        evidence._covered = lean_covered
        t = time.perf_counter()
        b = searcher.search(q.text)
        lean.append(time.perf_counter() - t)
        differ += not same_answer(a, b)
    evidence._covered = current
    p_now, p_lean = percentiles(now), percentiles(lean)
    click.echo(f"{size:,} passages, {questions} questions, {'lexical + dense' if opts.dense else 'lexical'} index, interleaved")
    click.echo(f"current _covered: p50 {p_now['p50']:.1f} ms, p95 {p_now['p95']:.1f} ms")
    click.echo(f"lean _covered:    p50 {p_lean['p50']:.1f} ms, p95 {p_lean['p95']:.1f} ms  ({p_now['p50'] / p_lean['p50']:.1f}x at p50)")
    click.echo(f"answers that differ: {differ}")


if __name__ == "__main__":
    main()
