"""`quotebot model pull` and `quotebot model check`: prepare a machine or an image with the encoder, and check it.

Exit status: 0 the model loads offline (its check printed); 2 it is missing or broken, or the pull failed (one line
on stderr naming what to do).
"""

from __future__ import annotations

import sys

from bot.settings import Settings

EXIT_OK, EXIT_ERROR = 0, 2


def _name(settings: Settings, name: str | None) -> str:
    return name or settings.index.model


def run_pull(settings: Settings, name: str | None) -> int:
    """Download the model (default: QUOTEBOT_MODEL, else the default encoder) into the model cache, then check it."""
    from retrieval.errors import ModelLoadError
    from retrieval.fetch import pull_model

    try:
        check = pull_model(_name(settings, name), settings.index)
    except ModelLoadError as err:
        print(f"quotebot model pull: {err}", file=sys.stderr)
        return EXIT_ERROR
    print(check.describe())
    return EXIT_OK


def run_check(settings: Settings, name: str | None) -> int:
    """Load the model with no network, encode probe sentences, and report its dimension and unknown-token rate."""
    from retrieval.errors import ModelLoadError
    from retrieval.fetch import check_model

    try:
        check = check_model(_name(settings, name), settings.index)
    except ModelLoadError as err:
        print(f"quotebot model check: {err}", file=sys.stderr)
        return EXIT_ERROR
    print(check.describe())
    return EXIT_OK
