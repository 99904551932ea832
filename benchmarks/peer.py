"""A peer side by side: quotebot and txtai on the two Chinese pools, each in its default and its lexical form.

Same passages (every DRCD and CMRC 2018 dev paragraph, cut by corpus.split.split_paragraph, as retrieval.evaluate's
pools), same model (a local sentence-transformers directory) wherever a system uses one, same questions (the first
``--questions`` of each pool: DRCD questions in simplified script against traditional paragraphs, and CMRC
questions), asked one at a time, interleaved (the order of the systems rotates from one question to the next) on
one thread. R@1 and R@10: the question's paragraph among the first 1 / 10 passages ranked. The four systems:

- ``quotebot``: built as the product builds it with ``--model``; its coverage gate decides about the dense path
  (with the English MiniLM on Chinese it turns it off, so this is quotebot's lexical ranking: the output says so);
- ``quotebot-lexical``: ``model="none"``, BM25 over folded character bigrams + jieba words only;
- ``txtai-hybrid``: ``Embeddings(path=model, hybrid=True)``, txtai's defaults (its BM25 + the dense model);
- ``txtai-bm25``: ``Embeddings(keyword=True)``, txtai's keyword index alone, the fair match for quotebot-lexical.

    python -m benchmarks.peer --model PATH [--questions 500]

txtai is not a quotebot dependency: install it into the benchmark's environment (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from benchmarks.measure import machine, percentiles

SYSTEMS = ("quotebot", "quotebot-lexical", "txtai-hybrid", "txtai-bm25")
WARM_QUESTIONS = 10  # asked of every system before the timed questions, not counted

Ranker = Callable[[str], list[str]]  # a question -> the doc ids of the first 10 passages ranked


def align_questions(shared: Sequence[Any], pool: Any) -> list[tuple[str, str]]:
    """The pool's (question, gold doc id) with the gold renamed to its id among ``shared`` passages.

    The two pools hold the same paragraphs listed from different files in a different order, so their doc ids
    differ; a paragraph is matched by the texts of its passages (no two paragraphs of the pools are equal).
    """
    def by_text(passages: Sequence[Any]) -> dict[str, tuple[str, ...]]:
        texts: dict[str, list[str]] = {}
        for p in passages:
            texts.setdefault(p.doc_id, []).append(p.text)
        return {doc: tuple(t) for doc, t in texts.items()}

    ids = {texts: doc for doc, texts in by_text(shared).items()}
    mine = by_text(pool.passages)
    out = []
    for item in pool.questions:
        doc = ids.get(mine[item.paragraph])
        if doc is None:
            raise click.ClickException(f"paragraph {item.paragraph} of a pool is not among the shared passages")
        out.append((item.question, doc))
    return out


def build_quotebot(passages: Sequence[Any], model: str, where: Path) -> tuple[Ranker, dict[str, Any]]:
    """quotebot's index built and opened as the product does it, with ``model`` ("none": lexical only)."""
    from retrieval.build import build_index
    from retrieval.config import IndexSettings
    from retrieval.search import Searcher

    settings = IndexSettings(model=model, model_explicit=True, progress=False)
    t = time.perf_counter()
    report = build_index(passages, where, settings)
    built = time.perf_counter() - t
    searcher = Searcher.open(where, settings)

    def rank(question: str) -> list[str]:
        return [searcher.passage_at(r.row).doc_id for r in searcher.rank(question, n=10)]

    note = "; ".join(report.warnings)
    return rank, {"build_s": built, "dense": report.dense_enabled, "note": note}


def build_txtai(passages: Sequence[Any], config: dict[str, Any]) -> tuple[Ranker, dict[str, Any]]:
    """A txtai embeddings index of the passages with this configuration (model loading counted in the build)."""
    from txtai import Embeddings  # type: ignore[import-untyped]

    t = time.perf_counter()
    embeddings = Embeddings(content=False, **config)
    embeddings.index([(i, p.text, None) for i, p in enumerate(passages)])
    built = time.perf_counter() - t
    doc_of = [p.doc_id for p in passages]

    def rank(question: str) -> list[str]:
        return [doc_of[int(i)] for i, _ in embeddings.search(question, 10)]

    return rank, {"build_s": built, "dense": bool(config.get("path")), "note": json.dumps(config, ensure_ascii=False)}


def ask(rankers: dict[str, Ranker], asked: Sequence[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """R@1, R@10, latency of each ranker over the questions, interleaved; and how often quotebot's two agree."""
    for question, _ in asked[:WARM_QUESTIONS]:
        for rank in rankers.values():
            rank(question)
    names = list(rankers)
    first = dict.fromkeys(names, 0)
    in_ten = dict.fromkeys(names, 0)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    differ = 0
    for n, (question, gold) in enumerate(asked):
        docs: dict[str, list[str]] = {}
        for name in names[n % len(names):] + names[:n % len(names)]:
            t = time.perf_counter()
            docs[name] = rankers[name](question)
            seconds[name].append(time.perf_counter() - t)
        for name, ranked in docs.items():
            first[name] += bool(ranked) and ranked[0] == gold
            in_ten[name] += gold in ranked
        differ += docs.get("quotebot") != docs.get("quotebot-lexical")
    out: dict[str, dict[str, Any]] = {name: {"questions": len(asked), "r1": first[name] / len(asked), "r10": in_ten[name] / len(asked),
                                             "latency": percentiles(seconds[name])} for name in names}
    out["quotebot"]["rankings_differing_from_lexical"] = differ
    return out


@click.command()
@click.option("--model", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--questions", type=int, default=500, show_default=True, help="Per pool; 0 for all.")
@click.option("--threads", type=int, default=1, show_default=True)
@click.option("--eval-dir", type=click.Path(path_type=Path), default=Path("../shared/eval"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("benchmarks/data/peer.json"), show_default=True)
def main(model: Path, questions: int, threads: int, eval_dir: Path, out: Path) -> None:
    """quotebot vs txtai: R@1, R@10 and per-query latency on the DRCD and CMRC pools."""
    try:
        import txtai  # noqa: F401
    except ImportError:
        raise click.ClickException("txtai is not installed; `pip install -e '.[bench]'` (txtai 9.14.0) into this environment to run the peer") from None
    from benchmarks.worker import set_threads
    from corpus.split import split_paragraph
    from retrieval.evaluate import squad_pool

    files = {"drcd": eval_dir / "drcd_dev_simplified_questions.json", "cmrc": eval_dir / "cmrc2018_dev.json"}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise click.ClickException(f"the shared eval data is missing ({', '.join(missing)})")
    set_threads(threads)
    pools = {"drcd": squad_pool(files["drcd"], [files["cmrc"]], split_paragraph),
             "cmrc": squad_pool(files["cmrc"], [eval_dir / "drcd_dev.json"], split_paragraph)}
    passages = pools["drcd"].passages
    asked = {name: align_questions(passages, pool)[: questions or None] for name, pool in pools.items()}
    result: dict[str, Any] = {"machine": machine(), "passages": len(passages), "paragraphs": pools["drcd"].paragraphs,
                              "model": str(model), "threads": threads, "systems": {}}
    rankers: dict[str, Ranker] = {}
    with tempfile.TemporaryDirectory(prefix="quotebot-peer-") as tmp:
        for name, build in (("quotebot", lambda: build_quotebot(passages, str(model), Path(tmp) / "product")),
                            ("quotebot-lexical", lambda: build_quotebot(passages, "none", Path(tmp) / "lexical")),
                            ("txtai-hybrid", lambda: build_txtai(passages, {"path": str(model), "hybrid": True})),
                            ("txtai-bm25", lambda: build_txtai(passages, {"keyword": True}))):
            rankers[name], result["systems"][name] = build()
            click.echo(f"built {name} in {result['systems'][name]['build_s']:.1f} s", err=True)
        for name, items in asked.items():
            result[name] = ask(rankers, items)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    click.echo(render(result))


def render(result: dict[str, Any]) -> str:
    """The figures as a Markdown table, with what each system was."""
    lines = [f"{result['passages']:,} passages ({result['paragraphs']:,} paragraphs), model {result['model']}, {result['threads']} thread(s)", ""]
    for name, info in result["systems"].items():
        lines.append(f"- {name}: build {info['build_s']:.1f} s, dense {'on' if info['dense'] else 'off'}" + (f" ({info['note']})" if info["note"] else ""))
    lines += ["", "| pool | system | questions | R@1 | R@10 | p50 ms | p95 ms |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for pool in ("drcd", "cmrc"):
        for name in result["systems"]:
            r = result[pool][name]
            lines.append(f"| {pool} | {name} | {r['questions']} | {r['r1']:.3f} | {r['r10']:.3f} | {r['latency']['p50']:.1f} | {r['latency']['p95']:.1f} |")
    for pool in ("drcd", "cmrc"):
        lines.append(f"\n{pool}: quotebot's product ranking differs from its lexical one on "
                     f"{result[pool]['quotebot']['rankings_differing_from_lexical']} of {result[pool]['quotebot']['questions']} questions")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
