"""Wiring of corpus and retrieval for the bot and the command line: open the index, (re)build it from files."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.settings import Settings
from corpus.report import CorpusReport
from retrieval.errors import EmptyCorpusError, IndexMissingError
from retrieval.model import BuildReport
from retrieval.search import Searcher

log = logging.getLogger(__name__)


def index_paths(settings: Settings, paths: Sequence[Path], index_dir: Path | None = None) -> tuple[BuildReport, CorpusReport]:
    """Clean the files and folders at paths (none: the bundled sample) into passages and index them.

    The new index replaces the old one atomically; vectors of passages indexed before come from the cache.
    Raises EmptyCorpusError when no passage comes out (the corpus report says why, file by file).
    """
    from corpus.pipeline import build_passages, sample_paths
    from retrieval.build import build_index

    sources = list(paths) or sample_paths()
    result = build_passages(sources)
    if not result.passages:
        skipped = "; ".join(f"{s.path}: {s.reason}" for s in result.report.skipped[:3])
        more = f" (and {len(result.report.skipped) - 3} more)" if len(result.report.skipped) > 3 else ""
        reason = f": {skipped}{more}" if skipped else ""
        raise EmptyCorpusError(f"no passages to index in {', '.join(str(p) for p in sources)}{reason}")
    target = index_dir or settings.index_dir
    report = build_index(result.passages, target, settings.index, documents=len(result.documents))
    return report, result.report


def open_searcher(settings: Settings, index_dir: Path | None = None) -> Searcher:
    """Open the index at index_dir (None: the default location, built from the bundled sample on first use)."""
    target = index_dir or settings.index_dir
    try:
        return Searcher.open(target, settings.index)
    except IndexMissingError:
        if index_dir is not None or target.exists() or target.is_symlink():
            raise
    print(f"quotebot: no index at {target} yet; building it from the bundled sample corpus (first use)", file=sys.stderr)
    index_paths(settings, [], target)
    return Searcher.open(target, settings.index)
