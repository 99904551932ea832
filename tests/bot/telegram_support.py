"""Running the real bot against the fake Bot API server, for the end-to-end tests (tests/bot/test_telegram_*.py).

`BotRunner` builds the application with the same `build_application` that `quotebot serve` uses, and runs it on
its own event loop in a background thread, in the order `Application.run_polling` uses (initialize, post_init,
start polling, start; then stop the updater, stop, shutdown, post_shutdown). The test stays an ordinary
synchronous function: it pushes updates into the fake server and waits for the calls the bot makes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from retrieval.config import IndexSettings
from retrieval.model import Answer
from retrieval.search import Searcher
from tests.conftest import SAMPLE_ARTICLE
from tests.fakes.bot_api import ApiCall, FakeBotApi

STAFF_ID = 900001


def bot_settings(home: Path, fake: FakeBotApi, index_dir: Path, **changes: Any) -> Settings:
    """Settings for a bot that talks to the fake server and answers from a lexical-only index."""
    settings = Settings(
        home=home,
        index_dir=index_dir,
        docs_dir=home / "documents",
        db_path=home / "quotebot.sqlite3",
        index=IndexSettings(model="none", model_explicit=True, progress=False),
        telegram_token=fake.token,
        telegram_api_url=fake.base_url,
        telegram_file_url=fake.base_file_url,
        staff_ids=frozenset({STAFF_ID}),
    )
    return dataclasses.replace(settings, **changes)


class BotRunner:
    """The real Application on a background event loop; a context manager."""

    def __init__(self, settings: Settings, *, index_dir: Path | None = None, **build_options: Any) -> None:
        self.settings = settings
        self.index_dir = index_dir
        self.build_options = build_options
        self.app: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="bot-runner", daemon=True)

    def __enter__(self) -> BotRunner:  # noqa: PYI034 - a plain class, never subclassed
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 30.0) -> None:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("the bot did not start")
        if self._failure is not None:
            raise self._failure

    def stop(self, timeout: float = 30.0) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError("the bot did not stop")
        if self._failure is not None:
            raise self._failure

    def call(self, function: Callable[[Any], Any], timeout: float = 10.0) -> Any:
        """Run function(app) on the bot's loop (for looking at its state) and return the result."""
        assert self._loop is not None

        async def run() -> Any:
            return function(self.app)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout)

    @property
    def services(self) -> Any:
        from bot.services import SERVICES

        return self.app.bot_data[SERVICES]

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            self._failure = err
        finally:
            self._ready.set()

    async def _main(self) -> None:
        from telegram import Update

        from bot.telegram_app import build_application

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        app = self.app = build_application(self.settings, index_dir=self.index_dir, **self.build_options)
        await app.initialize()
        try:
            await app.post_init(app)
            await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
            await app.start()
            self._ready.set()
            await self._stop.wait()
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
            await app.post_shutdown(app)


class SlowSearcher(Searcher):
    """The real searcher of an index, each search taking `delay` seconds longer, as on a busy machine or with a
    cold model; with `fails`, the search raises after the delay. `finished` is released as each search ends."""

    delay = 2.0
    fails = False
    finished: threading.Semaphore

    def search(self, question: str, k: int = 3, offset: int = 0) -> Answer:
        try:
            time.sleep(self.delay)
            if self.fails:
                raise RuntimeError("the index could not be read")
            return super().search(question, k=k, offset=offset)
        finally:
            self.finished.release()

    @classmethod
    def opener(cls, index_dir: Path, settings: Settings, *, delay: float = 2.0, fails: bool = False) -> Callable[[], SlowSearcher]:
        """An `open_searcher` for `build_application` (the bot's searcher is then `BotRunner.services.searcher`)."""

        def open_slow() -> SlowSearcher:
            searcher = cls.open(index_dir, settings.index)
            searcher.delay, searcher.fails, searcher.finished = delay, fails, threading.Semaphore(0)
            return searcher  # type: ignore[return-value]

        return open_slow


def visible(call: ApiCall) -> str:
    """The text a user sees for a message the bot sent (as the server stored it, entities parsed out)."""
    return call.text or ""


def replies_to(fake: FakeBotApi, update_id: int) -> list[ApiCall]:
    """Accepted sendMessage calls that reply to the message of a pushed update."""
    message = fake.pushed_message(update_id)
    return [
        c for c in fake.accepted("sendMessage", chat_id=message["chat"]["id"])
        if (c.params.get("reply_parameters") or {}).get("message_id") == message["message_id"]
    ]


def wait_reply(fake: FakeBotApi, update_id: int, timeout: float = 10.0) -> ApiCall:
    """Wait for the bot's reply to a pushed message; return it."""
    fake.wait_for(lambda _calls: replies_to(fake, update_id), timeout)
    return replies_to(fake, update_id)[0]


def buttons(call: ApiCall) -> dict[str, str]:
    """The inline keyboard of a sent message: label → callback data."""
    markup = call.params.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row if "callback_data" in b}


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lexical-only index of the bundled sample article, built once per test module."""
    from bot.runtime import index_paths

    home = tmp_path_factory.mktemp("sample-index")
    settings = dataclasses.replace(
        Settings(home=home, index_dir=home / "index", docs_dir=home / "documents", db_path=home / "unused.sqlite3"),
        index=IndexSettings(model="none", model_explicit=True, progress=False),
    )
    index_paths(settings, [SAMPLE_ARTICLE], settings.index_dir)
    return settings.index_dir
