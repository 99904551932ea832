"""Errors of the corpus layer.

    CorpusError
     └─ SkipFile      a file cannot be used; its message is the one-line reason shown to the operator

A loader raises SkipFile for bad input (empty, binary, too large, a zip bomb, a PDF without text); the
pipeline records the reason against the file and goes on with the others. Nothing else escapes a loader.
"""

from __future__ import annotations


class CorpusError(Exception):
    """Base of the errors raised by the corpus package."""


class SkipFile(CorpusError):
    """This file is left out; str(error) says why in one line, without the path (the report adds it)."""
