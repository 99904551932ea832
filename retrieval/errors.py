"""Errors of the retrieval layer; each message is one sentence a person can act on.

    RetrievalError
     ├── EmptyCorpusError          nothing to index
     ├── ModelLoadError            an explicitly chosen encoder cannot be loaded
     ├── OnnxUnavailable           the encoder cannot run on ONNX Runtime (PyTorch runs it instead, unless told not to)
     └── IndexOpenError            an index directory cannot be used (the message names it and what to run)
          ├── IndexMissingError    no index there (or it was never finished)
          ├── IndexCorruptError    files missing, truncated or unreadable
          ├── IndexVersionError    written by another format version of quotebot
          └── IndexModelError      built with another encoder than the one asked for
"""

from __future__ import annotations

from pathlib import Path


class RetrievalError(Exception):
    """Base of the retrieval layer's errors."""


class EmptyCorpusError(RetrievalError):
    """There are no passages to index."""


class ModelLoadError(RetrievalError):
    """The encoder that was asked for cannot be loaded."""


class OnnxUnavailable(RetrievalError):
    """The model cannot be run by ONNX Runtime here (a missing package, an unsupported module, a failed export)."""


class IndexOpenError(RetrievalError):
    """An index directory cannot be opened; says which and what to run."""

    def __init__(self, index_dir: Path, problem: str, remedy: str | None = None) -> None:
        self.index_dir = index_dir
        self.problem = problem
        self.remedy = remedy or f"run `quotebot index --index {index_dir}` to build it"
        super().__init__(f"index at {index_dir}: {problem}; {self.remedy}")


class IndexMissingError(IndexOpenError):
    """No finished index at that location."""


class IndexCorruptError(IndexOpenError):
    """The index is damaged or incomplete."""


class IndexVersionError(IndexOpenError):
    """The index was written by another format version."""


class IndexModelError(IndexOpenError):
    """The index was built with another encoder than the settings ask for."""


def first_line(err: BaseException) -> str:
    """An exception as its class and the first line of its message, for a one-line report."""
    text = str(err).strip().splitlines()
    return f"{err.__class__.__name__}: {text[0]}" if text else err.__class__.__name__
