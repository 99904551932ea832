"""What answer types cost a question: the ranking's latency with and without them, measured side by side.

Two Searchers open the same index, one with the answer types of retrieval/data/answer_types.json and one with none
(retrieval.answer_type.NONE); every question is ranked by both, in alternating order, so that the load of a shared
machine falls on both alike. Prints p50 / p95 / max per question for each, in wall time and in the thread's CPU
time, how many questions ask a type, and how many first passages the answer types changed. Then the worst cases of
the instance patterns: how long finding an instance takes in 10,000 characters of digits or numerals (a pattern that
gives back what it matched is quadratic there: it took about 50 s on 10,000 digits before numbers were made possessive).

    python -m benchmarks.answer_latency --index DIR QUESTIONS [--limit N]

DIR is an index (``quotebot eval`` keeps its pool's under QUOTEBOT_HOME/eval/squad-*); QUESTIONS a SQuAD-format
file, or a JSONL file of {"q": ...} rows (real_dev's questions.jsonl).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.expansion_latency import side_by_side
from retrieval.answer_type import NONE, asked_types, default_catalogue, holds
from retrieval.config import IndexSettings
from retrieval.search import Searcher
from retrieval.text import fold_script


WORST = {"digits": "9" * 10000, "digits and commas": "1," * 5000, "Chinese numerals": "一" * 10000,
         "digits and points before %": "3." * 5000 + "%", "clock-like": "12:" * 3334}


def read_questions(path: Path) -> list[str]:
    """The questions of a SQuAD-format file or of a JSONL file with a "q" field."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".jsonl":
        return [json.loads(line)["q"] for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    return [qa["question"] for article in data["data"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.answer_latency", description=__doc__.split("\n")[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    questions = read_questions(args.questions)
    questions = questions[: args.limit] if args.limit else questions
    settings = IndexSettings(model="none", progress=False)
    searchers = {"without": Searcher.open(args.index, settings, answer_types=NONE), "with": Searcher.open(args.index, settings)}
    changed, report = side_by_side(searchers, questions)
    asking = sum(bool(asked_types(fold_script(q))) for q in questions)
    print(f"{len(questions)} questions, {asking} ask a kind of answer; first passage changed for {changed}")
    report("answer types")
    types = list(default_catalogue().types.values())
    for name, text in WORST.items():
        started = time.process_time()
        holds(types, text)
        print(f"instances in {name} ({len(text)} characters): {(time.process_time() - started) * 1000:.1f} ms CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
