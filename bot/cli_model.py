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


def _run(command: str, settings: Settings, name: str | None) -> int:
    """Pull or check the model and print what its check found; one line naming the problem when it fails."""
    from retrieval.errors import ModelLoadError
    from retrieval.fetch import check_model, pull_model

    act = pull_model if command == "pull" else check_model
    try:
        check = act(_name(settings, name), settings.index)
    except ModelLoadError as err:
        print(f"quotebot model {command}: {err}", file=sys.stderr)
        return EXIT_ERROR
    print(check.describe())
    return EXIT_OK


def run_pull(settings: Settings, name: str | None) -> int:
    """Download the model (default: QUOTEBOT_MODEL, else the default encoder) into the model cache, then check it."""
    return _run("pull", settings, name)


def run_check(settings: Settings, name: str | None) -> int:
    """Load the model with no network, encode probe sentences, and report its dimension and unknown-token rate."""
    return _run("check", settings, name)
