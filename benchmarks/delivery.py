"""The kill test: how often a reply is lost or repeated when the bot dies by SIGKILL while answering.

Each trial queues N questions (distinct users, so the per-user limit stays out of it) in the fake Bot API server
(tests/fakes, in this process, over real HTTP), starts the real `quotebot serve` in another process against it, waits
for its first accepted reply, kills it with SIGKILL after a random moment (uniform in 0..--kill-within seconds), starts
it again on the same database, and waits until every question has a reply. Per question, the server's log says how
often it was answered: once, twice, never.

In flight at the kill: questions with no reply accepted before it, plus those answered again afterwards (their reply
was accepted just before the kill, but not yet recorded as such). The duplicate rate is given as a share of those,
and of all questions. Telegram has no idempotency key, so the window that remains is from Telegram accepting a reply
to the bot's commit of that fact (bot.delivery.recording_reply).

    python -m benchmarks.delivery [--trials 6] [--questions 40] [--seed 1]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.settings import Settings
from retrieval.config import IndexSettings
from tests.conftest import SAMPLE_ARTICLE
from tests.fakes.bot_api import FakeBotApi

QUESTIONS = ["中欧班列开行了多少列？", "上合示范区有哪些发展平台？", "空港综合保税区", "营商环境有哪些重点任务？", "1567工作体系是什么？"]


@dataclasses.dataclass(frozen=True)
class Trial:
    once: int
    twice: int  # or more
    never: int
    in_flight: int
    killed_after: float  # seconds after the first accepted reply


def _index(home: Path) -> Path:
    from bot.runtime import index_paths

    settings = dataclasses.replace(
        Settings(home=home, index_dir=home / "index", docs_dir=home / "documents", db_path=home / "unused.sqlite3"),
        index=IndexSettings(model="none", model_explicit=True, progress=False),
    )
    index_paths(settings, [SAMPLE_ARTICLE], settings.index_dir)
    return settings.index_dir


def _serve(fake: FakeBotApi, home: Path, index_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "QUOTEBOT_TELEGRAM_API_URL": fake.base_url,
        "QUOTEBOT_TELEGRAM_FILE_URL": fake.base_file_url,
        "QUOTEBOT_HOME": str(home),
        "QUOTEBOT_INDEX": str(index_dir),
        "QUOTEBOT_MODEL": "none",
        "QUOTEBOT_RATE_PER_MINUTE": "0",
        "PTB_TIMEDELTA": "true",
    }
    quotebot = Path(sys.executable).with_name("quotebot")
    return subprocess.Popen([str(quotebot), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _replies(fake: FakeBotApi, update_id: int) -> list[float]:
    message = fake.pushed_message(update_id)
    return [
        c.finished for c in fake.accepted("sendMessage", chat_id=message["chat"]["id"])
        if (c.params.get("reply_parameters") or {}).get("message_id") == message["message_id"]
    ]


def run_trial(index_dir: Path, questions: int, kill_within: float, rng: random.Random) -> Trial:
    with tempfile.TemporaryDirectory() as tmp, FakeBotApi() as fake:
        home = Path(tmp)
        pushed = [fake.push_message(QUESTIONS[i % len(QUESTIONS)], user_id=10_000 + i) for i in range(questions)]
        bot = _serve(fake, home, index_dir)
        try:
            fake.wait_accepted(1, method="sendMessage", timeout=60)
            first = time.monotonic()
            time.sleep(rng.uniform(0, kill_within))
            bot.send_signal(signal.SIGKILL)
            bot.wait()
            killed = time.monotonic()
        finally:
            if bot.poll() is None:
                bot.kill()
        before = {u for u in pushed if any(t <= killed for t in _replies(fake, u))}
        bot = _serve(fake, home, index_dir)
        try:
            fake.wait_for(lambda _calls: all(_replies(fake, u) for u in pushed), timeout=60)
            fake.wait_idle(quiet=1.0, timeout=30)
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(30)
            except subprocess.TimeoutExpired:
                bot.kill()
        counts = [len(_replies(fake, u)) for u in pushed]
        twice = sum(n >= 2 for n in counts)
        return Trial(counts.count(1), twice, counts.count(0), questions - len(before) + twice, killed - first)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--kill-within", type=float, default=1.5, help="seconds after the first reply (default 1.5)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = _index(Path(tmp))
        trials = []
        for number in range(1, args.trials + 1):
            trial = run_trial(index_dir, args.questions, args.kill_within, rng)
            trials.append(trial)
            print(f"trial {number}: killed {trial.killed_after:.2f} s after the first reply; once {trial.once}, "
                  f"twice {trial.twice}, never {trial.never}; in flight {trial.in_flight}", flush=True)
    once, twice, never = (sum(getattr(t, f) for t in trials) for f in ("once", "twice", "never"))
    in_flight, total = sum(t.in_flight for t in trials), args.questions * len(trials)
    print(f"\n{len(trials)} trials x {args.questions} questions: answered once {once}, twice {twice}, never {never}")
    print(f"duplicates: {twice / in_flight:.1%} of {in_flight} in flight at the kill, {twice / total:.1%} of all {total}")


if __name__ == "__main__":
    main()
