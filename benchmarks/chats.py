"""Many chats at once: the real Application (bot.telegram_app) against the fake Bot API server (tests/fakes).

Each of N private chats asks its questions one after another (the next when the previous was answered), all
N chats at the same time. Measured: replies per second over the whole run, the time from pushing an
update into the server to the bot's reply arriving at the server (both on the server's monotonic clock), and
how many typing actions the bot sent. The bot runs with the shipped settings (``Settings`` defaults), on its own
event loop in a thread, with the tests' own runner (tests/bot/telegram_support.py). What bounds it besides search:
python-telegram-bot's AIORateLimiter as bot.ratelimit.FLOOD_LIMITS sets it, which keeps the bot under Telegram's
flood limit of about 30 requests a second over all chats, at 27 (a reply costs one request, two when its search
outlasts ``typing_after`` and the typing action is shown first), and one chat under about one a second after a
burst of 3 (each chat here waits for its answer before asking again), and ``concurrent_updates`` (8 handlers at
once). Each configuration is run with
that limit as shipped and without it (the bot's own capacity), and with the query encodes micro-batched or one at
a time.
"""

from __future__ import annotations

import dataclasses
import functools
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.measure import memory_mib, percentiles
from benchmarks.scale import make_corpus, read_paragraphs

QUESTIONS_PER_RUN = {1: 40, 10: 60, 100: 200}


def run_chats(fake: Any, questions: list[str], chats: int, total: int, *, timeout: float = 600.0) -> dict[str, Any]:
    """N chats, each asking total/N questions in turn; replies/s, update-to-reply latency, typing actions sent."""
    per_chat = max(1, total // chats)
    base = 700_000 + chats * 1000
    todo = {base + c: [questions[(c * per_chat + i) % len(questions)] for i in range(per_chat)] for c in range(chats)}
    pending: dict[int, tuple[int, float]] = {}  # chat -> (message_id, pushed at)
    latencies: list[float] = []
    seen = first = len(fake.calls)

    def push(chat: int) -> None:
        update_id = fake.push_message(todo[chat].pop(0), chat_id=chat)
        pending[chat] = (fake.pushed_message(update_id)["message_id"], time.monotonic())

    started = time.monotonic()
    for chat in todo:
        push(chat)
    while pending:
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{len(pending)} chats still waiting after {timeout:.0f} s")
        time.sleep(0.01)
        calls = fake.calls
        for call in calls[seen:]:
            if call.method != "sendMessage" or not call.ok:
                continue
            chat = call.chat_id
            wanted = pending.get(chat)
            if wanted and (call.params.get("reply_parameters") or {}).get("message_id") == wanted[0]:
                latencies.append(call.started - wanted[1])
                del pending[chat]
                if todo[chat]:
                    push(chat)
        seen = len(calls)
    elapsed = time.monotonic() - started
    typing = sum(1 for call in fake.calls[first:] if call.method == "sendChatAction")
    return {"chats": chats, "replies": len(latencies), "seconds": elapsed, "replies_per_s": len(latencies) / elapsed,
            "update_to_reply": percentiles(latencies), "typing_actions": typing}


def _batching(searcher: Any, on: bool) -> None:
    """The what-if of the many-chats phase: the Searcher's micro-batcher as shipped, or one encode at a time
    (a batch of one and no window: what the lock before the batcher did). Reaches into the Searcher on purpose."""
    from retrieval.batcher import MAX_BATCH, WINDOW_S, EncodeBatcher

    batcher = searcher._batcher
    if batcher is not None:
        searcher._batcher = EncodeBatcher(batcher._encode_batch, window_s=WINDOW_S if on else 0.0, max_batch=MAX_BATCH if on else 1)


@contextmanager
def _flood_limit(on: bool) -> Iterator[None]:
    """Telegram's flood limits as the bot ships them (bot.ratelimit.FLOOD_LIMITS: at most 27 requests in any second
    over all chats, the typing action included), or off: the what-if that shows the bot's own capacity behind it.
    Patches the class that bot.telegram_app builds the application with, in this benchmark process only."""
    from bot import telegram_app
    from bot.ratelimit import NO_FLOOD_LIMITS

    shipped = telegram_app.RetryingRateLimiter
    if not on:
        telegram_app.RetryingRateLimiter = functools.partial(shipped, NO_FLOOD_LIMITS)  # type: ignore[misc]
    try:
        yield
    finally:
        telegram_app.RetryingRateLimiter = shipped  # type: ignore[misc]


def phase_chats(opts: Any) -> dict[str, Any]:
    from benchmarks.worker import index_settings, load_model, question_encoder
    from bot.settings import Settings
    from retrieval.search import Searcher
    from tests.bot.telegram_support import BotRunner
    from tests.fakes.bot_api import FakeBotApi

    corpus = make_corpus(read_paragraphs(Path(opts.eval_dir)), opts.size, seed=opts.seed)
    questions = [q.text for q in corpus.questions if q.gold is not None]
    encoder = question_encoder(opts, load_model(opts)) if opts.dense else None
    index = index_settings(opts)
    out: dict[str, Any] = {"runs": []}
    with tempfile.TemporaryDirectory(prefix="quotebot-chats-") as home_name, FakeBotApi() as fake:
        home = Path(home_name)
        settings = Settings(home=home, index_dir=opts.index_dir, docs_dir=home / "documents", db_path=home / "bot.sqlite3",
                            index=index, telegram_token=fake.token, telegram_api_url=fake.base_url,
                            telegram_file_url=fake.base_file_url)
        settings = dataclasses.replace(settings, questions_per_minute=1_000_000)
        opened: list[Searcher] = []

        def open_searcher() -> Searcher:
            opened.append(Searcher.open(opts.index_dir, index, encoder=encoder))
            return opened[-1]

        variants = ("batched", "one at a time") if opts.dense else ("batched",)
        for flood_limit in (True, False):
            with _flood_limit(flood_limit), BotRunner(settings, open_searcher=open_searcher):
                run_chats(fake, questions, 1, 5)  # warm
                for chats in opts.chats:
                    for variant in variants:  # interleaved, so both see the same machine
                        _batching(opened[-1], variant == "batched")
                        run = run_chats(fake, questions, chats, QUESTIONS_PER_RUN.get(chats, 2 * chats))
                        out["runs"].append({**run, "encodes": variant, "flood_limit": flood_limit})
    for flood_limit in (True, False):
        for variant in variants:
            runs = [r for r in out["runs"] if r["encodes"] == variant and r["flood_limit"] == flood_limit]
            for run in runs:
                run["vs_one_chat"] = run["replies_per_s"] / runs[0]["replies_per_s"]
    out["peak_mib"] = memory_mib().get("VmHWM")
    return out
