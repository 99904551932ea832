"""The command line as a user meets it: --version, `ask` in the question's script (or --original), `ask -`'s exit
status, the terminal chat's note, `serve` with no Bot API to reach, `index --sample-if-empty` and `index --rollback`."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.chat import chat_loop
from bot.cli import main
from bot.language import Script
from bot.settings import Settings
from bot.texts import texts_for
from retrieval.config import IndexSettings
from retrieval.layout import versions
from retrieval.search import Searcher
from tests.conftest import REPO, SAMPLE_ARTICLE

SIMPLIFIED, TRADITIONAL = texts_for(Script.SIMPLIFIED), texts_for(Script.TRADITIONAL)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample article, indexed lexical-only (the sample is in traditional script)."""
    from bot.runtime import index_paths

    target = tmp_path_factory.mktemp("cli") / "index"
    settings = Settings.from_env({"QUOTEBOT_HOME": str(target.parent), "QUOTEBOT_MODEL": "none"})
    index_paths(settings, [SAMPLE_ARTICLE], target)
    return target


def _run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_version() -> None:
    result = _run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"quotebot {version('quotebot')}"


def test_ask_quotes_in_the_questions_script_and_original_as_published(index_dir: Path) -> None:
    simplified = _run("ask", "上合示范区有哪些奖补政策?", "--index", str(index_dir))
    assert simplified.exit_code == 0
    assert "29条奖补政策" in simplified.stdout and "29條獎補政策" not in simplified.stdout
    assert SIMPLIFIED.ask_converted_note in simplified.stdout  # says it was converted, and how to see the original
    assert "原文”" not in simplified.stdout  # no button to tap in a terminal

    original = _run("ask", "上合示范区有哪些奖补政策?", "--index", str(index_dir), "--original")
    assert "29條獎補政策" in original.stdout and SIMPLIFIED.ask_converted_note not in original.stdout

    traditional = _run("ask", "上合示範區有哪些獎補政策?", "--index", str(index_dir))
    assert "29條獎補政策" in traditional.stdout and TRADITIONAL.ask_converted_note not in traditional.stdout


def test_ask_json_keeps_the_published_text(index_dir: Path) -> None:
    import json

    result = _run("ask", "上合示范区有哪些奖补政策?", "--index", str(index_dir), "--json")
    assert "29條獎補政策" in json.loads(result.stdout)["hits"][0]["text"]


@pytest.mark.parametrize(
    ("lines", "status"),
    [("你好\n医保报销比例是多少?\n", 1), ("你好\n上合示范区有哪些奖补政策?\n医保报销比例是多少?\n", 0), ("\n\n", 1)],
    ids=["all declined", "one answered", "no question"],
)
def test_ask_from_standard_input_exits_1_when_nothing_was_answered(index_dir: Path, lines: str, status: int) -> None:
    for json_flag in ([], ["--json"]):
        result = _run("ask", "-", "--index", str(index_dir), *json_flag, stdin=lines)
        assert result.exit_code == status, (json_flag, result.output)


def test_ask_from_standard_input_names_each_declined_question(index_dir: Path) -> None:
    result = _run("ask", "-", "--index", str(index_dir), stdin="医保报销比例是多少?\n")
    assert f"{SIMPLIFIED.question_label}：医保报销比例是多少?" in result.stdout


def test_the_terminal_chat_names_its_command_not_a_button(index_dir: Path) -> None:
    searcher = Searcher.open(index_dir, IndexSettings(model="none"))
    out = io.StringIO()
    chat_loop(searcher, io.StringIO("上合示范区搭建了哪些发展平台？\n/full 1\n"), out, paragraph=searcher.paragraph)
    shown = out.getvalue()
    assert "六大发展平台" in shown.replace("**", "")  # converted from the traditional article
    assert SIMPLIFIED.chat_converted_note in shown and "/original" in SIMPLIFIED.chat_converted_note
    assert SIMPLIFIED.converted_note not in shown  # the Telegram note, which names the 原文 button


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_with_no_bot_api_to_reach_is_one_line_and_no_traceback(index_dir: Path, tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{_closed_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUOTEBOT_", "TELEGRAM_"))}
    env.update(TELEGRAM_BOT_TOKEN="123456:secret-token", QUOTEBOT_HOME=str(tmp_path), QUOTEBOT_MODEL="none",
               QUOTEBOT_TELEGRAM_API_URL=f"{api}/bot")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--index", str(index_dir)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "secret-token" not in done.stderr
    ours = [line for line in done.stderr.splitlines() if line.startswith("quotebot serve:")]
    assert len(ours) == 1 and f"cannot reach the Telegram Bot API at {api}" in ours[0]
    assert done.stderr.splitlines()[-1] == ours[0]
    assert not [line for line in done.stderr.splitlines() if line.startswith("ERROR")]


def test_index_of_empty_folders_falls_back_to_the_sample_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "documents").mkdir()
    target = str(tmp_path / "index")
    refused = _run("index", str(tmp_path / "documents"), str(tmp_path / "missing"), "--index", target, "--model", "none")
    assert refused.exit_code == 2 and "no passages" in refused.stderr
    sample = _run("index", str(tmp_path / "documents"), str(tmp_path / "missing"), "--index", target, "--model", "none", "--sample-if-empty")
    assert sample.exit_code == 0, sample.output
    assert "no documents in" in sample.stderr and "bundled sample" in sample.stderr
    assert _run("ask", "上合示范区有哪些奖补政策?", "--index", target).exit_code == 0
    # A folder with files that cannot be read is not empty: that stays an error for the operator to see.
    (tmp_path / "documents" / "broken.pdf").write_bytes(b"not a pdf")
    broken = _run("index", str(tmp_path / "documents"), "--index", target, "--model", "none", "--sample-if-empty")
    assert broken.exit_code == 2 and "bundled sample" not in broken.stderr


def test_index_rollback(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("公园开放时间\n\n人民公园每天早上六点开放，晚上十点关闭。\n", encoding="utf-8")
    target = str(tmp_path / "index")
    assert _run("index", str(docs), "--index", target, "--model", "none").exit_code == 0
    nothing = _run("index", "--rollback", "--index", target)
    assert nothing.exit_code == 2 and "no previous version" in nothing.stderr
    (docs / "b.txt").write_text("图书馆开放时间\n\n市图书馆周一闭馆，其余每天九点开放。\n", encoding="utf-8")
    assert _run("index", str(docs), "--index", target, "--model", "none").exit_code == 0
    assert _run("ask", "图书馆周一开放吗?", "--index", target).exit_code == 0
    back = _run("index", "--rollback", "--index", target)
    assert back.exit_code == 0 and "previous version" in back.stdout and len(versions(tmp_path / "index")) == 2
    assert _run("ask", "图书馆周一开放吗?", "--index", target).exit_code == 1  # the library notice is not in the old version
    assert _run("index", str(docs), "--rollback", "--index", target).exit_code == 2  # a usage error
