"""Fit the decline's confidence function on answerable and unanswerable questions, and report its error rates.

Answerable: DRCD (simplified questions) and CMRC questions against the pool of both files' paragraphs; the
label is whether the top passage is a piece of the gold paragraph. Unanswerable: the same questions against
an index of the other file only (another part of Wikipedia). Features of the top passage: the share of the
question's content it covers, and the share its best sentence covers (retrieval.evidence). A logistic
regression of the label on the two features gives the coefficients in retrieval.decline.

    python -m benchmarks.calibrate ../shared/eval --sample 800

A development tool, kept out of retrieval/ because it cuts paragraphs with the product's splitter (corpus.split),
as `quotebot eval` does, and retrieval imports nothing of corpus but its types.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.build import build_index
from retrieval.config import IndexSettings
from retrieval.search import Searcher


@dataclass(frozen=True)
class Observation:
    share: float
    sentence_share: float
    label: int  # 1: the top passage answers


def observe(searcher: Searcher, questions: Sequence[tuple[str, str | None]]) -> list[Observation]:
    """Features of the top passage for each (question, gold doc id or None when unanswerable)."""
    rows = []
    for question, gold in questions:
        ranked = searcher.rank(question, n=1)
        if not ranked:
            rows.append(Observation(0.0, 0.0, 0))
            continue
        top = ranked[0]
        label = int(gold is not None and searcher.passage_at(top.row).doc_id == gold)
        rows.append(Observation(top.coverage.share, top.coverage.sentence_share, label))
    return rows


def fit_logistic(rows: Sequence[Observation], l2: float = 1e-3, steps: int = 50) -> tuple[float, float, float]:
    """(b0, b_share, b_sentence) of a logistic regression, by Newton's method with a little L2 damping."""
    x = np.array([[1.0, r.share, r.sentence_share] for r in rows])
    y = np.array([r.label for r in rows], dtype=float)
    beta = np.zeros(3)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ beta))
        gradient = x.T @ (p - y) + l2 * beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(3)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(beta[0]), float(beta[1]), float(beta[2])


def error_rates(rows: Sequence[Observation], beta: tuple[float, float, float], threshold: float) -> tuple[float, float]:
    """(share of label-1 questions declined, share of label-0 questions answered) at a threshold."""
    z = np.array([beta[0] + beta[1] * r.share + beta[2] * r.sentence_share for r in rows])
    answered = 1 / (1 + np.exp(-z)) >= threshold
    labels = np.array([r.label for r in rows])
    return float((~answered & (labels == 1)).sum() / max(1, (labels == 1).sum())), float((answered & (labels == 0)).sum() / max(1, (labels == 0).sum()))


def main(argv: Sequence[str] | None = None) -> None:
    from corpus.split import split_paragraph
    from retrieval.evaluate import squad_pool

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--sample", type=int, default=800, help="questions per file and condition")
    args = parser.parse_args(argv)
    settings = IndexSettings(model="none", progress=False)
    files = {"drcd": args.eval_dir / "drcd_dev_simplified_questions.json", "cmrc": args.eval_dir / "cmrc2018_dev.json"}
    rng = random.Random(7)
    rows: dict[str, list[Observation]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, other in (("drcd", "cmrc"), ("cmrc", "drcd")):
            pool = squad_pool(files[name], [files[other]], split_paragraph)
            alone = squad_pool(files[other], [], split_paragraph)
            questions = rng.sample(list(pool.questions), min(args.sample, len(pool.questions)))
            build_index(pool.passages, Path(tmp) / f"{name}-pool", settings)
            build_index(alone.passages, Path(tmp) / f"{other}-alone", settings)
            rows[f"{name} answerable"] = observe(Searcher.open(Path(tmp) / f"{name}-pool", settings), [(q.question, q.paragraph) for q in questions])
            rows[f"{name} unanswerable"] = observe(Searcher.open(Path(tmp) / f"{other}-alone", settings), [(q.question, None) for q in questions])
    everything = [r for group in rows.values() for r in group]
    beta = fit_logistic(everything)
    print(f"B0, B_SHARE, B_SENTENCE = {beta[0]:.3f}, {beta[1]:.3f}, {beta[2]:.3f}")
    for name, group in rows.items():
        shares = np.array([r.share for r in group])
        sentences = np.array([r.sentence_share for r in group])
        print(f"{name}: n={len(group)} top correct={np.mean([r.label for r in group]):.3f} "
              f"share p10/p50/p90={np.percentile(shares, 10):.2f}/{np.median(shares):.2f}/{np.percentile(shares, 90):.2f} "
              f"sentence p10/p50/p90={np.percentile(sentences, 10):.2f}/{np.median(sentences):.2f}/{np.percentile(sentences, 90):.2f}")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        declined, answered = error_rates(everything, beta, threshold)
        asked = [r for name, g in rows.items() if "unanswerable" not in name for r in g]
        lost = sum(1 for r in asked if r.label == 1 and 1 / (1 + np.exp(-(beta[0] + beta[1] * r.share + beta[2] * r.sentence_share))) < threshold) / len(asked)
        print(f"threshold {threshold}: right top passages declined {declined:.3f}; wrong or unanswerable answered {answered:.3f}; "
              f"answerable questions lost {lost:.3f}")


if __name__ == "__main__":
    main()
