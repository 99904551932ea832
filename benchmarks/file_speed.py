"""Files per second through the readers, and through the whole corpus pipeline, for the files of one folder.

    .venv/bin/python -m benchmarks.file_speed ../shared/eval/real_dev/docs --suffix .md --suffix .docx --suffix .txt

For each suffix: the reader alone (corpus.load.load_file: read, decode, parse) and load + clean
(corpus.clean.clean_document), best of `--repeat` passes after one warm-up pass, on one core. Time is this
process's CPU time, not wall time: on a shared machine the wall clock measures the neighbours. A file the
reader refuses counts as read (its refusal is timed too). Figures, not a test: nothing passes or fails here.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from corpus.clean import clean_document
from corpus.errors import SkipFile
from corpus.load import Found, document_id, load_file


def _best(run: Callable[[], None], repeat: int) -> float:
    run()  # warm-up: imports, caches
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def _passes(files: list[Path], clean: bool) -> Callable[[], None]:
    def run() -> None:
        for path in files:
            try:
                loaded = load_file(Found(path, path.name), document_id(path.name))
                if clean:
                    clean_document(loaded.document)
            except SkipFile:
                pass

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--suffix", action="append", default=[], help="e.g. .md (repeatable; default: .md .docx .txt)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    suffixes = args.suffix or [".md", ".docx", ".txt"]
    every: list[Path] = []
    print(f"{'suffix':8} {'files':>5} {'MB':>6} {'read files/cpu-s':>17} {'read+clean files/cpu-s':>23}")
    for suffix in suffixes:
        files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() == suffix and p.is_file())
        if not files:
            continue
        every += files
        size = sum(p.stat().st_size for p in files) / 2**20
        read = _best(_passes(files, clean=False), args.repeat)
        both = _best(_passes(files, clean=True), args.repeat)
        print(f"{suffix:8} {len(files):5d} {size:6.2f} {len(files) / read:17.1f} {len(files) / both:23.1f}")
    if every:
        read = _best(_passes(every, clean=False), args.repeat)
        both = _best(_passes(every, clean=True), args.repeat)
        size = sum(p.stat().st_size for p in every) / 2**20
        print(f"{'all':8} {len(every):5d} {size:6.2f} {len(every) / read:17.1f} {len(every) / both:23.1f}")


if __name__ == "__main__":
    main()
