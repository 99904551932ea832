"""Count the passages that are bare fragments (under 8 characters, no sentence end) in a corpus, file by file.

    python -m benchmarks.fragments ../shared/eval/real_dev/docs [--show 5]

Issue 12 asks for this number on real_dev, driven to 0. The passages are those `quotebot index` would index
(cleaned, split and deduplicated across the whole folder); the definition is corpus.structure.is_fragment.
"""

from __future__ import annotations

import argparse
import logging
from collections import defaultdict
from pathlib import Path

from corpus.pipeline import build_passages
from corpus.structure import is_fragment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="+", type=Path, help="files and folders, as `quotebot index` takes them")
    parser.add_argument("--show", type=int, default=3, help="fragments to print for each file (default 3)")
    args = parser.parse_args(argv)
    logging.getLogger().setLevel(logging.CRITICAL)  # the libraries' own account of odd files
    result = build_passages(args.paths)
    by_file: dict[str, list[str]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for passage in result.passages:
        counts[passage.cite.path] += 1
        if is_fragment(passage.text):
            by_file[passage.cite.path].append(passage.text)
    for path in sorted(counts):
        found = by_file.get(path, [])
        shown = " | ".join(found[: args.show])
        print(f"{Path(path).name:<52} {counts[path]:>5} passages {len(found):>4} fragments  {shown}")
    total = sum(len(v) for v in by_file.values())
    print(f"total: {len(result.passages)} passages in {len(result.documents)} documents, {total} fragments")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
