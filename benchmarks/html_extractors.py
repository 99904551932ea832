"""The HTML reader's choice between trafilatura and the text-density fallback, page by page, and its speed.

    .venv/bin/python -m benchmarks.html_extractors [FOLDER]      (default: ../shared/eval/real_dev/docs)

For each page: the prose (words in blocks with sentence punctuation, mostly not link text) and the menu words each
extractor keeps after the run-furniture is dropped, the share trafilatura keeps of the fallback's prose, and which
one corpus.readers.html uses (the rule: the fallback when trafilatura keeps under KEEP_SHARE of its prose, or more
menu than prose). Then CPU seconds for the whole reader and for each extractor alone. Figures, not a test.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from corpus.readers import html as reader
from corpus.readers.html_blocks import page_blocks, prepare
from corpus.readers.html_density import article_blocks
from corpus.readers.html_meta import site_names

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "real_dev" / "docs"


def _cpu(fn, *args):  # type: ignore[no-untyped-def]
    start = time.process_time()
    fn(*args)
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    pages = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in (".html", ".htm"))
    if not pages:
        print(f"no .html files in {args.folder}", file=sys.stderr)
        return 2
    logging.disable(logging.CRITICAL)  # trafilatura's own complaints
    from trafilatura import load_html

    print(f"{'page':44} {'traf prose':>10} {'fallback':>9} {'kept':>6} {'traf menu':>9}  used")
    timings = {"whole reader": 0.0, "trafilatura": 0.0, "fallback": 0.0}
    for path in pages:
        data = path.read_bytes()
        tree = load_html(data)
        prepare(tree)
        main_blocks, doc = reader._trafilatura(tree)
        sites = site_names(tree, [getattr(doc, "sitename", None)])
        main_kept, _ = reader._drop_furniture(main_blocks, sites)
        fallback_kept, _ = reader._drop_furniture(article_blocks(page_blocks(tree)), sites)
        kept, found = reader.prose_words(main_kept), reader.prose_words(fallback_kept)
        used = reader.FALLBACK if reader.use_fallback(main_kept, fallback_kept) else reader.MAIN
        share = f"{kept / found:.0%}" if found else "-"
        print(f"{path.name[:44]:44} {kept:>10} {found:>9} {share:>6} {reader.menu_words(main_kept):>9}  {used}")
        timings["whole reader"] += _cpu(reader.read_html, data)
        timings["trafilatura"] += _cpu(reader._trafilatura, load_html(data))
        timings["fallback"] += _cpu(lambda d: article_blocks(page_blocks(load_html(d))), data)
    print()
    for name, seconds in timings.items():
        print(f"{name:14} {seconds:6.2f} CPU s for {len(pages)} pages = {len(pages) / seconds:6.1f} pages/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
