"""`quotebot serve` as a real process against the fake Bot API server: polling, webhook, SIGTERM, a crash
(SIGKILL) and a restart, and a debug log that never shows the token."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.bot.telegram_support import replies_to, sample_index, visible, wait_reply
from tests.conftest import REPO
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.fixtures import fake_bot_api  # noqa: F401 - a fixture, used by name

__all__ = ["sample_index"]

QUESTION = "中欧班列开行了多少列？"


@pytest.fixture
def fake(fake_bot_api: FakeBotApi) -> FakeBotApi:  # noqa: F811
    return fake_bot_api


class Serve:
    """One `quotebot -vv serve` process; its standard error is kept in a file."""

    def __init__(self, fake: FakeBotApi, index_dir: Path, home: Path, **env: str) -> None:
        self.log = home / f"serve-{time.monotonic_ns()}.log"
        environment = {
            **os.environ,
            "QUOTEBOT_HOME": str(home),
            "QUOTEBOT_MODEL": "none",
            "TELEGRAM_BOT_TOKEN": fake.token,
            "QUOTEBOT_TELEGRAM_API_URL": fake.base_url,
            "QUOTEBOT_TELEGRAM_FILE_URL": fake.base_file_url,
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        with self.log.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "-vv", "serve", "--index", str(index_dir)],
                cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=err,
            )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout)

    @property
    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def serving(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> Iterator[list[Serve]]:
    started: list[Serve] = []
    yield started
    for serve in started:
        if serve.process.poll() is None:
            serve.process.kill()
            serve.process.wait(10)


def _start(serving: list[Serve], fake: FakeBotApi, index_dir: Path, home: Path, **env: str) -> Serve:
    serve = Serve(fake, index_dir, home, **env)
    serving.append(serve)
    return serve


def test_missing_token_is_one_clear_line() -> None:
    result = CliRunner().invoke(main, ["serve"], env={"TELEGRAM_BOT_TOKEN": ""})
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN is not set" in lines[0]


def test_polling_answers_and_sigterm_stops_cleanly(fake: FakeBotApi, sample_index: Path, tmp_path: Path, serving: list[Serve]) -> None:
    serve = _start(serving, fake, sample_index, tmp_path)
    update = fake.push_message(QUESTION, user_id=401)
    assert "570列" in visible(wait_reply(fake, update, timeout=60))
    fake.wait_idle()
    # The query expanders' tables (the reversed CC-CEDICT, pypinyin's) load in the background after start-up.
    deadline = time.monotonic() + 60
    while "query expanders ready" not in serve.stderr and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "query expanders ready" in serve.stderr
    assert serve.stop(signal.SIGTERM) == 0
    log = serve.stderr
    assert fake.token not in log
    assert "<token>" in log  # python-telegram-bot's own debug line, redacted
    assert "Traceback" not in log
    assert fake.pending_updates == []  # the last offset was confirmed on the way out


def test_crash_then_restart_answers_every_question_once(fake: FakeBotApi, sample_index: Path, tmp_path: Path, serving: list[Serve]) -> None:
    first = _start(serving, fake, sample_index, tmp_path, QUOTEBOT_TYPING_AFTER="0")  # typing before every answer
    wait_reply(fake, fake.push_message(QUESTION, user_id=410), timeout=60)
    # Handlers hang on the typing action; the Updater meanwhile confirms the updates it fetched.
    fake.slow("sendChatAction", 5)
    pushed = [fake.push_message(QUESTION, user_id=411 + i) for i in range(5)]
    fake.wait_for(lambda _calls: fake.confirmed_offset > max(pushed), timeout=30)
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL
    assert all(not replies_to(fake, u) for u in pushed)  # fetched, confirmed, unanswered: only the journal has them
    fake.clear_failures()
    second = _start(serving, fake, sample_index, tmp_path)
    fake.wait_for(lambda _calls: all(replies_to(fake, u) for u in pushed), timeout=60)
    fake.wait_idle(timeout=20)  # (the killed process's typing calls are still held by the server for a while)
    assert second.stop() == 0
    assert {u: len(replies_to(fake, u)) for u in pushed} == {u: 1 for u in pushed}
    assert "re-queued 5 updates" in second.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_webhook_mode_with_secret_token(fake: FakeBotApi, sample_index: Path, tmp_path: Path, serving: list[Serve]) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/quotebot-hook"
    serve = _start(
        serving, fake, sample_index, tmp_path,
        QUOTEBOT_WEBHOOK_URL=url, QUOTEBOT_WEBHOOK_LISTEN="127.0.0.1", QUOTEBOT_WEBHOOK_PORT=str(port),
        QUOTEBOT_WEBHOOK_SECRET="s3cret-Token_1",
    )
    fake.wait_for(lambda calls: any(c.method == "setWebhook" and c.ok for c in calls), timeout=60)
    hook = fake.webhook
    assert hook is not None and hook["url"] == url and hook["secret_token"] == "s3cret-Token_1"
    update = fake.push_message(QUESTION, user_id=420)
    assert "570列" in visible(wait_reply(fake, update, timeout=30))
    forged = httpx.post(url, json=fake.update(update), headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
    assert forged.status_code == 403
    assert serve.stop() == 0
    assert len(replies_to(fake, update)) == 1
    assert fake.token not in serve.stderr
