"""The `quotebot` command line. Only click is imported here: each command imports its stage when it runs."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from bot.settings import Settings, SettingsError

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
INDEX = click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index directory (default: QUOTEBOT_INDEX or the per-user data folder).")


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quotebot", prog_name="quotebot", message="%(prog)s %(version)s")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """quotebot: answers questions by quoting the documents that answer them."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # httpx logs request URLs at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        ctx.obj = Settings.from_env()
    except SettingsError as err:
        raise click.ClickException(str(err)) from None


@main.command()
@PATHS
@click.option("--json", "as_json", is_flag=True, help="One JSON object per passage, then the report.")
@click.pass_context
def passages(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Clean files and folders into passages and report what was repaired (default: the bundled sample)."""
    from bot.cli_corpus import run_passages

    ctx.exit(run_passages(list(paths), as_json=as_json))


@main.command()
@PATHS
@INDEX
@click.option("--model", help="sentence-transformers model name or path; 'none' for lexical only (QUOTEBOT_MODEL).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the build and the corpus report, file by file.")
@click.option("--sample-if-empty", is_flag=True, help="When the paths hold no file at all, index the bundled sample instead (with a warning).")
@click.option("--rollback", is_flag=True, help="Serve the previous version of the index again (no PATHS); the bot takes it with /reload.")
@click.pass_context
def index(
    ctx: click.Context, paths: tuple[Path, ...], index_dir: Path | None, model: str | None, as_json: bool, sample_if_empty: bool, rollback: bool
) -> None:
    """Build or update an index from files and folders (default: the bundled sample corpus)."""
    from bot.cli_retrieval import run_index, run_rollback

    if rollback:
        if paths or model or sample_if_empty:
            raise click.UsageError("--rollback takes no PATHS, --model or --sample-if-empty")
        ctx.exit(run_rollback(_settings(ctx), index_dir=index_dir))
    ctx.exit(run_index(_settings(ctx), list(paths), index_dir=index_dir, model=model, as_json=as_json, sample_if_empty=sample_if_empty))


@main.command()
@click.argument("question")
@INDEX
@click.option("-k", "k", type=click.IntRange(1, 50), default=3, show_default=True, help="How many passages.")
@click.option("--json", "as_json", is_flag=True, help="JSON output; with '-' one object a line.")
@click.option("--original", is_flag=True, help="Quote passages in their documents' own script (default: the question's script, as the bot does).")
@click.pass_context
def ask(ctx: click.Context, question: str, index_dir: Path | None, k: int, as_json: bool, original: bool) -> None:
    """Answer QUESTION by quoting passages ('-' reads questions from standard input, one a line)."""
    from bot.cli_retrieval import run_ask

    ctx.exit(run_ask(_settings(ctx), question, index_dir=index_dir, k=k, as_json=as_json, original=original))


@main.command(name="eval")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--distractors", multiple=True, type=click.Path(path_type=Path, exists=True, dir_okay=False), help="SQuAD-format files whose paragraphs join the pool.")
@click.option("--model", help="Encoder for the dense path; 'none' for lexical only.")
@click.option("--limit", type=int, default=None, help="Evaluate only the first N questions.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def eval_(ctx: click.Context, file: Path, distractors: tuple[Path, ...], model: str | None, limit: int | None, as_json: bool) -> None:
    """Retrieval quality (R@1, R@3, R@10, MRR@10, latency) on a SQuAD-format or JSONL question file."""
    from bot.cli_retrieval import run_eval

    ctx.exit(run_eval(_settings(ctx), file, list(distractors), model=model, limit=limit, as_json=as_json))


@main.command()
@INDEX
@click.pass_context
def chat(ctx: click.Context, index_dir: Path | None) -> None:
    """Talk to the bot in the terminal: the same replies as on Telegram, as text."""
    from bot.chat import run_chat

    ctx.exit(run_chat(_settings(ctx), index_dir=index_dir))


@main.command()
@INDEX
@click.pass_context
def serve(ctx: click.Context, index_dir: Path | None) -> None:
    """Run the Telegram bot (long polling; a webhook when QUOTEBOT_WEBHOOK_URL is set)."""
    from bot.serve import run_serve

    ctx.exit(run_serve(_settings(ctx), index_dir=index_dir))


@main.group()
def model() -> None:
    """Get the sentence encoder onto this machine once (pull), and check that it loads with no network (check)."""


MODEL_NAME = click.argument("name", required=False)


@model.command()
@MODEL_NAME
@click.pass_context
def pull(ctx: click.Context, name: str | None) -> None:
    """Download NAME (default: QUOTEBOT_MODEL, else the default encoder) into the model cache, then check it.

    Downloads come from the model hub, or from the mirror HF_ENDPOINT names; the cache is HF_HOME's.
    """
    from bot.cli_model import run_pull

    ctx.exit(run_pull(_settings(ctx), name))


@model.command()
@MODEL_NAME
@click.pass_context
def check(ctx: click.Context, name: str | None) -> None:
    """Load NAME (default: QUOTEBOT_MODEL, else the default encoder) with no network, encode probe sentences, and
    report its dimension and unknown-token rate; exit 2 with one line when it is missing."""
    from bot.cli_model import run_check

    ctx.exit(run_check(_settings(ctx), name))


if __name__ == "__main__":
    main()
