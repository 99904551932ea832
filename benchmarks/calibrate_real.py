"""Fit the decline (retrieval/data/decline.json) on real questions and SQuAD-style ones, cross-validated by document.

Two models are fitted on the same observations: ``answers``, whether the corpus answers the question at all
(answerable 1, out-of-corpus and SQuAD-unanswerable 0), and ``right``, whether the first passage is the answer
(answerable questions only; 1 when that passage holds a gold string). Observations: the signals (retrieval.signals)
of the first passage (the right model's) and of the passage whose evidence is best (``Assessed.lead``, the first but
for the ranking's position term: the answers model's) for

- the real_dev answerable questions and its out-of-corpus questions, against an index of real_dev/docs;
- DRCD (simplified questions) and CMRC questions against the pool of both files (label: the first passage is a
  piece of the gold paragraph) and against the other file alone (label 0), as benchmarks.calibrate does, so that
  SQuAD-style questions, which copy their paragraph's words, keep being answered.

Questions that the screen decides (greetings, thanks, vague) are left out of the fit and counted as declined.
Folds: five, by document (every question of a real_dev document, every question of a SQuAD paragraph with its
unanswerable twin, in one fold; the out-of-corpus questions dealt round the folds). The model: logistic
regression on standardised terms with L2, the strength chosen by cross-validated log-loss on real_dev; compared,
for the record, with a small gradient-boosted model (scikit-learn, only here). The operating points come from
the cross-validated probabilities on real_dev: ``low``, the lowest threshold at which the out-of-corpus questions
are declined at least ``--ood-declined`` of the time (the screened ones count as declined; a hedged quote counts as
answered); ``high``, the lowest threshold at or above ``low`` at which the real questions answered confidently are
right at least ``--high-precision`` of the time.

    python -m benchmarks.calibrate_real ../shared/eval --index /tmp/rd-cal --build        # observe, compare, fit, print
    python -m benchmarks.calibrate_real ../shared/eval --index /tmp/rd-cal --write        # ... and write decline.json
    python -m benchmarks.calibrate_real ../shared/eval --observations /tmp/obs.json ...   # reuse the observations

After a change to the ranking (expansions, fusion) the observations must be taken again (no --observations, or
--refresh): the signals are those of the ranking's first passages.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np

from retrieval.decline import DeclineModel, Logistic, screen
from retrieval.search import Searcher
from retrieval.signals import NAMES

OUT = Path(__file__).resolve().parent.parent / "retrieval" / "data" / "decline.json"
FOLDS = 5
# The terms of the shipped models (chosen by the comparison this command prints; see retrieval/README.md).
ANSWERS_TERMS = ("share", "place_missing", "margin", "concentration", "title_share")
RIGHT_TERMS = ("share", "margin")
L2_GRID = (0.01, 0.1, 1.0, 10.0, 100.0)


@dataclass(frozen=True)
class Observation:
    group: str  # real_answerable, real_ood, drcd_answerable, drcd_unanswerable, cmrc_answerable, cmrc_unanswerable
    question: str
    doc: str  # the document the question is about ("" out of corpus): what the folds keep together
    label: int  # 1: the first passage answers (the right model's label; the answers model's is `answerable`)
    screened: str  # the screen's reason when the question is decided without searching ("" otherwise)
    signals: dict[str, float | None]  # of the first passage: what the right model reads (None: not measured)
    lead: dict[str, float | None]  # of the passage whose evidence is best (Assessed.lead): what the answers model reads

    @property
    def real(self) -> bool:
        return self.group.startswith("real")

    @property
    def answerable(self) -> int:
        """1 when the corpus answers the question (whether or not its first passage is the answer)."""
        return int(self.group.endswith("_answerable"))


def observe(searcher: Searcher, group: str, questions: Sequence[tuple[str, str, tuple[str, ...] | str | None]]) -> list[Observation]:
    """Observations for (question, doc, gold) triples: gold strings (real_dev), a gold doc id (SQuAD) or None."""
    from benchmarks.real_dev import gold_rank

    rows = []
    for question, doc, gold in questions:
        screened = screen(question, 2000, searcher._lexical.knows)  # noqa: SLF001 - the same look-up search uses
        if screened.decline is not None:
            rows.append(Observation(group, question, doc, 0, screened.decline.value, {}, {}))
            continue
        assessed = searcher.assess(screened.text, n=1)
        if not assessed.signals:
            rows.append(Observation(group, question, doc, 0, "", dict.fromkeys(NAMES, 0.0), dict.fromkeys(NAMES, 0.0)))
            continue
        top = searcher.passage_at(assessed.ranked[0].row)
        if isinstance(gold, tuple):
            label = int(gold_rank([top.text], gold) == 1)
        else:
            label = int(gold is not None and top.doc_id == gold)
        first, lead = assessed.signals[0], assessed.lead
        assert lead is not None  # assess weighs a lead whenever it ranks a passage
        rows.append(Observation(group, question, doc, label, "", {name: getattr(first, name) for name in NAMES},
                                {name: getattr(lead, name) for name in NAMES}))
    return rows


def observe_real(folder: Path, index: Path, build: bool) -> list[Observation]:
    from benchmarks.real_dev import load_questions
    from bot.runtime import index_paths
    from bot.settings import Settings

    settings = Settings.from_env()
    if build or not index.exists():
        index_paths(settings, [folder / "docs"], index)
    searcher = Searcher.open(index, settings.index)
    answerable, ood = load_questions(folder)
    return (observe(searcher, "real_answerable", [(q.q, q.doc, q.gold) for q in answerable])
            + observe(searcher, "real_ood", [(q.q, "", None) for q in ood]))


def observe_squad(eval_dir: Path, sample: int) -> list[Observation]:
    from corpus.split import split_paragraph
    from retrieval.build import build_index
    from retrieval.config import IndexSettings
    from retrieval.evaluate import squad_pool

    settings = IndexSettings(model="none", progress=False)
    files = {"drcd": eval_dir / "drcd_dev_simplified_questions.json", "cmrc": eval_dir / "cmrc2018_dev.json"}
    rng = random.Random(7)
    rows: list[Observation] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, other in (("drcd", "cmrc"), ("cmrc", "drcd")):
            pool = squad_pool(files[name], [files[other]], split_paragraph)
            alone = squad_pool(files[other], [], split_paragraph)
            questions = rng.sample(list(pool.questions), min(sample, len(pool.questions)))
            build_index(pool.passages, Path(tmp) / f"{name}-pool", settings)
            build_index(alone.passages, Path(tmp) / f"{other}-alone", settings)
            rows += observe(Searcher.open(Path(tmp) / f"{name}-pool", settings), f"{name}_answerable",
                            [(q.question, q.paragraph, q.paragraph) for q in questions])
            rows += observe(Searcher.open(Path(tmp) / f"{other}-alone", settings), f"{name}_unanswerable",
                            [(q.question, q.paragraph, None) for q in questions])
    return rows


def folds_of(rows: Sequence[Observation]) -> np.ndarray:
    """A fold for each observation: by document, out-of-corpus questions dealt round."""
    out = np.zeros(len(rows), dtype=int)
    dealt = 0
    for i, row in enumerate(rows):
        if row.doc:
            out[i] = zlib.crc32(f"{row.group.split('_')[0]}|{row.doc}".encode()) % FOLDS
        else:
            out[i], dealt = dealt % FOLDS, dealt + 1
    return out


def design(rows: Sequence[Observation], task: Task, terms: Sequence[str]) -> np.ndarray:
    """The raw term values (a product for ``a*b``) of the signals the task reads; a signal not measured (None:
    concentration in an index of one document) counts at its term's mean, as retrieval.decline.Logistic reads it."""
    x = np.ones((len(rows), len(terms)))
    for j, term in enumerate(terms):
        for name in term.split("*"):
            values = [task.reads(row)[name] for row in rows]
            x[:, j] *= [np.nan if value is None else value for value in values]
        missing = np.isnan(x[:, j])
        if missing.any():
            x[missing, j] = np.nanmean(x[:, j]) if not missing.all() else 0.0
    return x


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(mean, scale, coef, intercept): weighted logistic regression on standardised columns, Newton's method, L2
    on the coefficients (not the intercept)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -60, 60)))
        gradient = z.T @ (w * (p - y)) + penalty * beta
        hessian = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(z.shape[1])
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return mean, scale, beta[1:], float(beta[0])


def predict(x: np.ndarray, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, intercept: float) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(intercept + ((x - mean) / scale) @ coef, -60, 60)))


def weights(rows: Sequence[Observation], real_weight: float) -> np.ndarray:
    """Each real_dev observation weighs so that real_dev together weighs real_weight times the SQuAD pools."""
    real = np.array([row.real for row in rows])
    w = np.ones(len(rows))
    if real.any() and (~real).any():
        w[real] = real_weight * (~real).sum() / real.sum()
    return w


@dataclass(frozen=True)
class Task:
    """One of the two models: its label, which observations it is fitted on, and which passage's signals it reads."""

    name: str
    label: Callable[[Observation], int]
    fitted_on: Callable[[Observation], bool]
    reads: Callable[[Observation], dict[str, float | None]]


ANSWERS = Task("answers", lambda r: r.answerable, lambda r: True, lambda r: r.lead)
RIGHT = Task("right", lambda r: r.label, lambda r: bool(r.answerable), lambda r: r.signals)


def cross_validated(rows: Sequence[Observation], task: Task, terms: Sequence[str], l2: float, real_weight: float,
                    model: str = "logistic") -> np.ndarray:
    """Out-of-fold probabilities for every observation (each fold's model fitted on the others' observations the task
    is fitted on)."""
    x, w, folds = design(rows, task, terms), weights(rows, real_weight), folds_of(rows)
    y = np.array([task.label(r) for r in rows], dtype=float)
    trained = np.array([task.fitted_on(r) for r in rows])
    out = np.zeros(len(rows))
    for fold in range(FOLDS):
        train, test = (folds != fold) & trained, folds == fold
        if model == "logistic":
            out[test] = predict(x[test], *fit_logistic(x[train], y[train], w[train], l2))
        else:
            from sklearn.ensemble import HistGradientBoostingClassifier

            gbm = HistGradientBoostingClassifier(max_depth=3, max_iter=100, learning_rate=0.05, min_samples_leaf=20, random_state=0)
            gbm.fit(x[train], y[train], sample_weight=w[train])
            out[test] = gbm.predict_proba(x[test])[:, 1]
    return out


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))) if len(y) else float("nan")


def auc(p: np.ndarray, y: np.ndarray) -> float:
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    return float(((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg)))


def scores(rows: Sequence[Observation], task: Task, p: np.ndarray) -> dict[str, float]:
    """Log-loss and AUC of a task's out-of-fold probabilities, on real_dev and on the SQuAD pools, over the
    observations the task is about."""
    y = np.array([task.label(r) for r in rows], dtype=float)
    about = np.array([task.fitted_on(r) for r in rows])
    real = np.array([r.real for r in rows]) & about
    squad = ~np.array([r.real for r in rows]) & about
    return {"real logloss": log_loss(p[real], y[real]), "real AUC": auc(p[real], y[real]),
            "squad logloss": log_loss(p[squad], y[squad]), "squad AUC": auc(p[squad], y[squad])}


@dataclass(frozen=True)
class Point:
    threshold: float
    answerable_declined: float  # real_dev answerable questions declined (screened ones included)
    right_declined: float  # of them, those whose first passage is right
    ood_answered: float  # real_dev out-of-corpus questions answered (hedged or confident; screened ones declined)
    squad_answerable_declined: float
    squad_unanswerable_answered: float


def rate(select: Sequence[int], condition: Callable[[int], bool]) -> float:
    return sum(1 for i in select if condition(i)) / len(select) if select else float("nan")


def decline_point(everyone: Sequence[Observation], answers: dict[int, float], threshold: float) -> Point:
    """The decline's error rates at one threshold on the answers probability (screened questions never answered)."""
    def answered(i: int) -> bool:
        return i in answers and answers[i] >= threshold

    def group(test: Callable[[Observation], bool]) -> list[int]:
        return [i for i, r in enumerate(everyone) if test(r)]

    return Point(
        threshold,
        rate(group(lambda r: r.group == "real_answerable"), lambda i: not answered(i)),
        rate(group(lambda r: r.group == "real_answerable" and r.label == 1), lambda i: not answered(i)),
        rate(group(lambda r: r.group == "real_ood"), answered),
        rate(group(lambda r: not r.real and bool(r.answerable)), lambda i: not answered(i)),
        rate(group(lambda r: r.group.endswith("_unanswerable")), answered),
    )


def confident_precision(everyone: Sequence[Observation], answers: dict[int, float], right: dict[int, float], low: float,
                        threshold: float) -> tuple[float, float]:
    """Of the real_dev questions answered (answers at least ``low``): the share answered confidently (right at least
    ``threshold``), and how often a confident answer's first passage is the answer."""
    answered = [i for i, r in enumerate(everyone) if r.real and answers.get(i, 0.0) >= low]
    confident = [i for i in answered if right[i] >= threshold]
    return rate(answered, lambda i: right[i] >= threshold), rate(confident, lambda i: everyone[i].label == 1)


GRID = [round(t, 3) for t in np.arange(0.01, 1.0, 0.01)]


def operating_points(everyone: Sequence[Observation], answers: dict[int, float], right: dict[int, float], ood_declined: float,
                     high_precision: float) -> tuple[float, float]:
    """``low``: the lowest answers threshold that declines at least ``ood_declined`` of the out-of-corpus questions;
    ``high``: the lowest right threshold at which real_dev's confident answers are right at least ``high_precision``
    of the time."""
    low = next((t for t in GRID if 1 - decline_point(everyone, answers, t).ood_answered >= ood_declined), GRID[-1])
    high = next((t for t in GRID if confident_precision(everyone, answers, right, low, t)[1] >= high_precision), GRID[-1])
    return low, high


def fit(rows: Sequence[Observation], task: Task, terms: Sequence[str], l2: float, real_weight: float) -> Logistic:
    """The task's model fitted on every observation it is fitted on."""
    x, w = design(rows, task, terms), weights(rows, real_weight)
    y = np.array([task.label(r) for r in rows], dtype=float)
    trained = np.array([task.fitted_on(r) for r in rows])
    mean, scale, coef, intercept = fit_logistic(x[trained], y[trained], w[trained], l2)
    return Logistic(terms=tuple(terms), mean=tuple(round(float(v), 6) for v in mean), scale=tuple(round(float(v), 6) for v in scale),
                    coef=tuple(round(float(v), 6) for v in coef), intercept=round(intercept, 6))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.calibrate_real", description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", type=Path, help="../shared/eval (real_dev/, drcd_dev_simplified_questions.json, cmrc2018_dev.json)")
    parser.add_argument("--index", type=Path, default=Path("/tmp/quotebot-calibrate-real"), help="the real_dev index")
    parser.add_argument("--build", action="store_true", help="build the real_dev index first")
    parser.add_argument("--sample", type=int, default=800, help="SQuAD questions per file and condition")
    parser.add_argument("--observations", type=Path, help="read the observations here if it exists, else take them and write them here")
    parser.add_argument("--refresh", action="store_true", help="take the observations again even if --observations exists")
    parser.add_argument("--real-weight", type=float, default=1.0, help="real_dev's total weight against the SQuAD pools'")
    parser.add_argument("--ood-declined", type=float, default=0.90, help="the low point: out-of-corpus questions declined at least this often (retrieval/README.md: why not the 0.92 target)")
    parser.add_argument("--high-precision", type=float, default=0.80, help="the high point: confident real answers right at least this often")
    parser.add_argument("--answers-terms", default=",".join(ANSWERS_TERMS), help="the answers model's terms (signals; a*b for a product)")
    parser.add_argument("--right-terms", default=",".join(RIGHT_TERMS), help="the right model's terms")
    parser.add_argument("--compare", action="store_true", help="print the feature-by-feature and model comparison")
    parser.add_argument("--write", action="store_true", help=f"write the fitted model to {OUT}")
    args = parser.parse_args(argv)

    if args.observations and args.observations.exists() and not args.refresh:
        everyone = [Observation(**row) for row in json.loads(args.observations.read_text(encoding="utf-8"))]
    else:
        everyone = observe_real(args.eval_dir / "real_dev", args.index, args.build) + observe_squad(args.eval_dir, args.sample)
        if args.observations:
            args.observations.write_text(json.dumps([asdict(r) for r in everyone], ensure_ascii=False), encoding="utf-8")
    rows = [r for r in everyone if not r.screened]
    kept = [i for i, r in enumerate(everyone) if not r.screened]
    for group in sorted({r.group for r in everyone}):
        members = [r for r in everyone if r.group == group]
        print(f"{group:<20} n={len(members):>4} screened={sum(bool(r.screened) for r in members):>3} "
              f"first passage right={sum(r.label for r in members):>4}")
    chosen_terms = {ANSWERS.name: tuple(t for t in args.answers_terms.split(",") if t),
                    RIGHT.name: tuple(t for t in args.right_terms.split(",") if t)}

    def best_l2(task: Task, terms: Sequence[str]) -> tuple[float, np.ndarray]:
        tried = {l2: cross_validated(rows, task, terms, l2, args.real_weight) for l2 in L2_GRID}
        def loss(l2: float) -> float:
            s = scores(rows, task, tried[l2])
            return s["real logloss"] + s["squad logloss"]
        l2 = min(tried, key=loss)
        return l2, tried[l2]

    if args.compare:
        for task in (ANSWERS, RIGHT):
            terms = chosen_terms[task.name]
            print(f"\n{task.name} model, cross-validated (5 folds by document): log-loss and AUC on real_dev and on the SQuAD pools")
            candidates = [(f"  only {name}", (name,)) for name in NAMES]
            candidates += [("all chosen terms", terms)]
            candidates += [(f"  - {name}", tuple(t for t in terms if t != name)) for name in terms]
            candidates += [(f"  + {name}", (*terms, name)) for name in NAMES if name not in terms]
            for label, candidate in candidates:
                l2, p = best_l2(task, candidate)
                s = scores(rows, task, p)
                print(f"{label:<28} l2 {l2:<6} real {s['real logloss']:.4f} / AUC {s['real AUC']:.3f}   squad {s['squad logloss']:.4f} / AUC {s['squad AUC']:.3f}")
            try:
                s = scores(rows, task, cross_validated(rows, task, terms, 0.0, args.real_weight, model="gbm"))
                print(f"{'gradient-boosted trees':<28} {'':<9} real {s['real logloss']:.4f} / AUC {s['real AUC']:.3f}   "
                      f"squad {s['squad logloss']:.4f} / AUC {s['squad AUC']:.3f}")
            except ImportError:
                print("gradient-boosted trees: scikit-learn is not installed; not compared")

    fitted: dict[str, tuple[float, dict[int, float]]] = {}
    for task in (ANSWERS, RIGHT):
        l2, p_cv = best_l2(task, chosen_terms[task.name])
        fitted[task.name] = (l2, {i: float(p) for i, p in zip(kept, p_cv, strict=True)})
        print(f"\n{task.name}: terms {', '.join(chosen_terms[task.name])}; L2 {l2}; cross-validated: "
              + "; ".join(f"{k} {v:.4f}" for k, v in scores(rows, task, p_cv).items()))
    answers, right = fitted[ANSWERS.name][1], fitted[RIGHT.name][1]
    low, high = operating_points(everyone, answers, right, args.ood_declined, args.high_precision)

    print("\nthe decline's curve (cross-validated answers probability): real_dev answerable declined (and of them, first passage")
    print("right), out-of-corpus answered; SQuAD answerable declined, SQuAD unanswerable answered")
    print(f"{'threshold':>9} {'answerable declined':>20} {'right declined':>15} {'OOD answered':>13} {'SQuAD declined':>15} {'SQuAD none answered':>20}")
    for t in sorted({round(t, 2) for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, low)}):
        pt = decline_point(everyone, answers, t)
        print(f"{t:>9.2f} {pt.answerable_declined:>20.3f} {pt.right_declined:>15.3f} {pt.ood_answered:>13.3f} "
              f"{pt.squad_answerable_declined:>15.3f} {pt.squad_unanswerable_answered:>20.3f}{'  <- low' if t == low else ''}")
    print(f"\nthe hedge's curve (cross-validated right probability, questions answered at low {low:.2f}): share confident, precision")
    for t in sorted({round(t, 2) for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, high)}):
        share, precision = confident_precision(everyone, answers, right, low, t)
        print(f"{t:>9.2f} {share:>10.3f} {precision:>10.3f}{'  <- high' if t == high else ''}")

    def outcome(i: int) -> str:
        if i not in answers or answers[i] < low:
            return "declined"
        return "high" if right[i] >= high else "low"

    first_right = [i for i, r in enumerate(everyone) if r.group == "real_answerable" and r.label == 1]
    answerable = [i for i, r in enumerate(everyone) if r.group == "real_answerable"]
    ood = [i for i, r in enumerate(everyone) if r.group == "real_ood"]
    print(f"\nat the operating points (cross-validated): real_dev answerable {len(answerable)}, declined "
          f"{sum(outcome(i) == 'declined' for i in answerable)}; first passage right {len(first_right)}: quoted confidently "
          f"{sum(outcome(i) == 'high' for i in first_right)}, hedged {sum(outcome(i) == 'low' for i in first_right)}, declined "
          f"{sum(outcome(i) == 'declined' for i in first_right)}; out of corpus {len(ood)}: declined "
          f"{sum(outcome(i) == 'declined' for i in ood)}, hedged {sum(outcome(i) == 'low' for i in ood)}, confident "
          f"{sum(outcome(i) == 'high' for i in ood)}")
    for i in ood:
        if outcome(i) != "declined":
            print(f"  OOD answered ({outcome(i)}, answers {answers[i]:.2f}): {everyone[i].question}")
    for i in first_right:
        if outcome(i) == "declined":
            print(f"  right first passage declined (answers {answers.get(i, 0.0):.2f}{', ' + everyone[i].screened if everyone[i].screened else ''}): "
                  f"{everyone[i].question}")

    models = {task.name: fit(rows, task, chosen_terms[task.name], fitted[task.name][0], args.real_weight) for task in (ANSWERS, RIGHT)}
    model = DeclineModel(
        answers=models[ANSWERS.name], right=models[RIGHT.name], low=low, high=high,
        about=(f"fitted {date.today().isoformat()} by python -m benchmarks.calibrate_real: {sum(r.real for r in rows)} real_dev and "
               f"{sum(not r.real for r in rows)} SQuAD-pool observations, L2 {fitted[ANSWERS.name][0]} / {fitted[RIGHT.name][0]}, real weight "
               f"{args.real_weight}; low: out-of-corpus declined >= {args.ood_declined}, high: confident precision >= {args.high_precision} "
               "(cross-validated)"),
    )
    for name, logistic in models.items():
        print(f"\nfitted on everything, {name}: " + ", ".join(f"{t} {c:+.3f}" for t, c in zip(logistic.terms, logistic.coef, strict=True))
              + f"; intercept {logistic.intercept:+.3f}")
    print(f"operating points: low {low:.2f} (answers), high {high:.2f} (right)")
    if args.write:
        OUT.write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
