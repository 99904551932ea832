"""Fit the sibling choice (retrieval/data/siblings.json) on real questions, cross-validated by document.

Observations: for every answerable question of real_dev and of the rewordings (benchmarks/rewordings.jsonl, written
over real_dev's documents), the refined lexical candidates with their evidence (``Searcher.sibling_evidence``), each
labelled by whether it holds a gold string. Pairs: in the document of each right candidate, the right one against
each sibling that is not right, both ways, every question weighing the same. The model: logistic regression on the
pairs' differences (``benchmarks.calibrate_real.fit_logistic``: standardised columns, L2; the pairs are symmetric, so
the intercept is 0), its weights brought back to the features' own scale and divided by BM25's. The L2 strength is
the one with the most cross-validated first places. Folds: five by document (every question of a document in one),
dealt over three shuffles and averaged. Printed: first and first-three hits of the refined order and of the learned
choice, cross-validated on the sets fitted, and on the fresh set (benchmarks/rewordings_fresh.jsonl, never fitted on)
by the model fitted on everything.

    python -m benchmarks.fit_siblings ../shared/eval/real_dev --index /tmp/rd-lex --build   # observe, fit, print
    python -m benchmarks.fit_siblings ../shared/eval/real_dev --index /tmp/rd-lex --write   # ... and write siblings.json

The index must be lexical (QUOTEBOT_MODEL=none when it is built here): the choice reorders the refined lexical ranking.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from benchmarks.calibrate_real import fit_logistic
from benchmarks.real_dev import FRESH, REWORDINGS, Question, fold_gold, load_questions
from retrieval.siblings import TERMS, SiblingModel, choose_first

OUT = Path(__file__).resolve().parent.parent / "retrieval" / "data" / "siblings.json"
FOLDS = 5
SHUFFLES = 3
L2_GRID = (1.0, 10.0, 100.0, 1000.0, 10000.0)


@dataclass(frozen=True)
class Candidate:
    row: int
    doc: str
    evidence: dict[str, float]
    right: bool


@dataclass(frozen=True)
class Observed:
    question: str
    doc: str  # the document the question was written from: what the folds keep together
    candidates: tuple[Candidate, ...]  # the refined order, before the sibling choice


def observe(searcher, questions: Sequence[Question]) -> list[Observed]:  # noqa: ANN001 - a retrieval.search.Searcher
    out = []
    for question in questions:
        golds = [g for g in (fold_gold(g) for g in question.gold) if g]
        candidates = tuple(
            Candidate(row, doc, evidence, any(g in fold_gold(searcher.passage_at(row).text) for g in golds))
            for row, doc, evidence in searcher.sibling_evidence(question.q)
        )
        out.append(Observed(question.q, question.doc, candidates))
    return out


def first_three(observed: Sequence[Observed], model: SiblingModel | None) -> tuple[int, int]:
    """(right first, right in the first three) of the refined order, or of the learned choice when a model is given."""
    first = three = 0
    for item in observed:
        ranking = [(c.row, 0.0) for c in item.candidates]
        if model is not None:
            ranking = choose_first(ranking, {c.row: c.doc for c in item.candidates}, {c.row: c.evidence for c in item.candidates}, model)
        right = {c.row for c in item.candidates if c.right}
        first += bool(ranking) and ranking[0][0] in right
        three += any(row in right for row, _ in ranking[:3])
    return first, three


def pairs(observed: Sequence[Observed]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Differences of evidence (right minus sibling, and the reverse), their labels and weights."""
    xs: list[list[float]] = []
    ys: list[float] = []
    ws: list[float] = []
    for item in observed:
        rows: list[tuple[list[float], list[float]]] = []
        for doc in {c.doc for c in item.candidates if c.right}:
            siblings = [c for c in item.candidates if c.doc == doc]
            rights = [[c.evidence[t] for t in TERMS] for c in siblings if c.right]
            others = [[c.evidence[t] for t in TERMS] for c in siblings if not c.right]
            rows.extend((a, b) for a in rights for b in others)
        for a, b in rows:
            diff = [x - y for x, y in zip(a, b, strict=True)]
            xs.extend([diff, [-d for d in diff]])
            ys.extend([1.0, 0.0])
            ws.extend([1.0 / len(rows)] * 2)
    w = np.array(ws)
    return np.array(xs).reshape(-1, len(TERMS)), np.array(ys), w / w.mean() if len(w) else w


def fit(observed: Sequence[Observed], l2: float) -> SiblingModel:
    x, y, w = pairs(observed)
    if not len(y):
        raise ValueError("no right paragraph with a sibling to fit on")
    _mean, scale, coef, _intercept = fit_logistic(x, y, w, l2)
    raw = coef / scale
    bm25 = raw[TERMS.index("bm25")]
    if bm25 <= 0:
        raise ValueError("the fitted BM25 weight is not positive: too few pairs to fit on")
    return SiblingModel({term: round(float(v / bm25), 4) for term, v in zip(TERMS, raw, strict=True)})


def cross_validated(sets: dict[str, list[Observed]], l2: float) -> dict[str, tuple[float, float]]:
    """Mean (first, first three) per set over the shuffles, each fold's model fitted on the other folds."""
    everything = [item for items in sets.values() for item in items]
    docs = sorted({item.doc for item in everything})
    totals = {name: [0.0, 0.0] for name in sets}
    rng = np.random.default_rng(0)
    for _ in range(SHUFFLES):
        order = list(rng.permutation(docs))
        for fold in range(FOLDS):
            held = set(order[fold::FOLDS])
            model = fit([item for item in everything if item.doc not in held], l2)
            for name, items in sets.items():
                first, three = first_three([item for item in items if item.doc in held], model)
                totals[name][0] += first / SHUFFLES
                totals[name][1] += three / SHUFFLES
    return {name: (round(a, 1), round(b, 1)) for name, (a, b) in totals.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fit_siblings", description=__doc__.split("\n\n")[0])
    parser.add_argument("real_dev", type=Path, help="../shared/eval/real_dev")
    parser.add_argument("--index", type=Path, default=Path("/tmp/quotebot-fit-siblings"), help="a lexical index of real_dev/docs")
    parser.add_argument("--build", action="store_true", help="build the index first")
    parser.add_argument("--write", action="store_true", help=f"write the fitted model to {OUT}")
    opts = parser.parse_args(argv)
    if not (opts.real_dev / "questions.jsonl").exists():
        print(f"no real_dev question set at {opts.real_dev}", file=sys.stderr)
        return 2

    from bot.runtime import index_paths
    from bot.settings import Settings
    from retrieval.search import Searcher

    settings = Settings.from_env()
    if opts.build or not opts.index.exists():
        index_paths(settings, [opts.real_dev / "docs"], opts.index)
    searcher = Searcher.open(opts.index, settings.index)
    if searcher.info.dense_enabled:
        print("the index has a dense half: build it lexical (QUOTEBOT_MODEL=none)", file=sys.stderr)
        return 2
    fitted = {"real_dev": observe(searcher, load_questions(opts.real_dev)[0]),
              "rewordings": observe(searcher, load_questions(opts.real_dev, REWORDINGS)[0])}
    fresh = observe(searcher, load_questions(opts.real_dev, FRESH)[0])
    refined = {name: first_three(items, None) for name, items in {**fitted, "fresh": fresh}.items()}
    for name, items in {**fitted, "fresh": fresh}.items():
        print(f"{name:<11} {len(items)} questions; refined order: first, first three {refined[name]}")
    results = {l2: cross_validated(fitted, l2) for l2 in L2_GRID}
    for l2, figures in results.items():
        print(f"L2 {l2:>6}: cross-validated first, first three: " + "; ".join(f"{name} {a} / {b}" for name, (a, b) in figures.items()))
    best = max(L2_GRID, key=lambda l2: (sum(a for a, _ in results[l2].values()), -l2))
    model = fit([item for items in fitted.values() for item in items], best)
    print(f"fitted on everything at L2 {best}: {dict(model.weights)}")
    print("in-sample first, first three: " + "; ".join(f"{name} {first_three(items, model)}" for name, items in fitted.items())
          + f"; fresh (never fitted on) {first_three(fresh, model)}")
    if opts.write:
        sizes = ", ".join(f"{len(items)} {name}" for name, items in fitted.items())
        about = (f"fitted {date.today().isoformat()} by python -m benchmarks.fit_siblings: {sizes} questions, L2 {best}; "
                 f"cross-validated first / first three: "
                 + "; ".join(f"{name} {a} / {b}" for name, (a, b) in results[best].items())
                 + "; refined order: " + "; ".join(f"{name} {refined[name][0]} / {refined[name][1]}" for name in fitted))
        OUT.write_text(json.dumps({"about": about, "weights": dict(model.weights)}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
