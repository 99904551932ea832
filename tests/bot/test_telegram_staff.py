"""End to end over real HTTP: staff commands and document uploads, and their refusal to everyone else."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.language import Script
from bot.texts import texts_for
from retrieval.layout import version_dir
from tests.bot.telegram_support import STAFF_ID, BotRunner, bot_settings, buttons, sample_index, visible, wait_reply
from tests.conftest import SAMPLE_ARTICLE
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.fixtures import fake_bot_api  # noqa: F401 - a fixture, used by name

__all__ = ["sample_index"]

SIMPLIFIED = texts_for(Script.SIMPLIFIED)


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


UNIQUE_FACT = "胶州市民卡补办窗口设在市民服务中心三楼十二号，周六上午也办理。"


@pytest.fixture
def fake(fake_bot_api: FakeBotApi) -> FakeBotApi:  # noqa: F811
    return fake_bot_api


@pytest.fixture
def index_copy(sample_index: Path, tmp_path: Path) -> Path:
    """The sample index copied, so a test that rebuilds it leaves the module's index alone."""
    target = tmp_path / "index"
    shutil.copytree(sample_index, target, symlinks=True)
    return target


@pytest.fixture
def bot(fake: FakeBotApi, index_copy: Path, tmp_path: Path) -> Iterator[BotRunner]:
    with BotRunner(bot_settings(tmp_path, fake, index_copy, max_upload_bytes=4096), index_dir=index_copy) as runner:
        yield runner


@pytest.mark.parametrize("command", ["/stats", "/unanswered", "/reload"])
def test_staff_commands_refuse_others_and_log_it(fake: FakeBotApi, bot: BotRunner, command: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.staff")
    update = fake.push_message(f"{command} 机密的话", user_id=555)
    assert visible(wait_reply(fake, update)) == SIMPLIFIED.staff_only
    refusals = [r.getMessage() for r in caplog.records if r.name == "bot.staff" and "refused" in r.getMessage()]
    assert refusals and "555" in refusals[0] and command.strip("/") in refusals[0]
    assert not any("机密的话" in r.getMessage() for r in caplog.records)


def test_stats_and_unanswered_for_staff(fake: FakeBotApi, bot: BotRunner) -> None:
    answered = wait_reply(fake, fake.push_message("中欧班列开行了多少列？", user_id=201))
    wait_reply(fake, fake.push_message("明天会下雨吗？需要带伞吗？", user_id=202))
    wait_reply(fake, fake.push_message("明天会下雨吗？需要带伞吗？", user_id=203))
    wait_reply(fake, fake.push_message("你好", user_id=204))
    fake.push_callback_query(buttons(answered)[SIMPLIFIED.button_helpful], message=answered.result, user_id=201)
    fake.wait_for(lambda calls: any(c.method == "answerCallbackQuery" for c in calls))

    stats = visible(wait_reply(fake, fake.push_message("/stats", user_id=STAFF_ID)))
    assert "4 asked, 1 answered (25%)" in stats
    assert "not_covered 2" in stats and "greeting 1" in stats
    assert "👍 1 · 👎 0" in stats
    assert stats.count("asked") >= 8  # the total and seven days

    unanswered = visible(wait_reply(fake, fake.push_message("/unanswered", user_id=STAFF_ID)))
    assert "明天会下雨吗？需要带伞吗？ (×2" in unanswered
    assert "你好" not in unanswered  # a greeting is not a gap in the corpus


def test_reload_swaps_in_the_index_built_on_disk(fake: FakeBotApi, bot: BotRunner, index_copy: Path, tmp_path: Path) -> None:
    from bot.runtime import index_paths

    question = "市民卡补办窗口在哪里？"
    assert "三楼十二号" not in visible(wait_reply(fake, fake.push_message(question, user_id=210)))
    # the operator rebuilds the index with one more document while the bot runs (`quotebot index`)
    extra = tmp_path / "extra" / "card.txt"
    extra.parent.mkdir()
    extra.write_text(f"市民卡办理\n\n{UNIQUE_FACT}\n", encoding="utf-8")
    index_paths(bot.settings, [SAMPLE_ARTICLE, extra], index_copy)
    assert "三楼十二号" not in visible(wait_reply(fake, fake.push_message(question, user_id=211)))  # still the old one

    reply = visible(wait_reply(fake, fake.push_message("/reload", user_id=STAFF_ID)))
    assert reply.startswith("Index reloaded: 2 documents")
    assert "三楼十二号" in visible(wait_reply(fake, fake.push_message(question, user_id=212)))
    assert "570列" in visible(wait_reply(fake, fake.push_message("中欧班列开行了多少列？", user_id=213)))


def test_uploaded_document_becomes_searchable(fake: FakeBotApi, bot: BotRunner, tmp_path: Path) -> None:
    question = "市民卡补办窗口在哪里？"
    before = visible(wait_reply(fake, fake.push_message(question, user_id=220)))
    assert "三楼十二号" not in before

    content = f"胶州市民卡办理指南\n\n2024-03-01 来源：胶州市政务服务网\n\n{UNIQUE_FACT}\n".encode()
    upload = fake.push_document(content, "../../市民卡 指南.txt", user_id=STAFF_ID)
    report = visible(wait_reply(fake, upload, timeout=60))
    assert report.startswith("Added 市民卡 指南.txt: 1 passages.")
    assert "Now answering from 2 documents" in report
    stored = list((tmp_path / "documents").iterdir())
    assert [p.name for p in stored if not p.name.startswith(".")] and all(p.parent == tmp_path / "documents" for p in stored)
    assert not (tmp_path.parent / "市民卡 指南.txt").exists()

    after = visible(wait_reply(fake, fake.push_message(question, user_id=221)))
    assert "三楼十二号" in after
    # the corpus kept what it had
    assert "570列" in visible(wait_reply(fake, fake.push_message("中欧班列开行了多少列？", user_id=222)))

    again = fake.push_document(content, "市民卡 指南.txt", user_id=STAFF_ID)
    assert "already in the corpus" in visible(wait_reply(fake, again))


def test_a_republished_paragraph_is_cited_not_repeated(fake: FakeBotApi, bot: BotRunner) -> None:
    question = "中欧班列开行了多少列？"
    paragraph = bot.services.searcher.search(question).hits[0].passage.text
    content = f"中欧班列成绩单\n\n2023-06-06 来源：青岛日报\n\n{paragraph}\n".encode()
    report = visible(wait_reply(fake, fake.push_document(content, "republished.txt", user_id=STAFF_ID), timeout=60))
    assert report.startswith("Added republished.txt: 0 passages (1 already in the index, now also cited from it).")
    answer = visible(wait_reply(fake, fake.push_message(question, user_id=225)))
    assert answer.count("570列") == 1
    assert SIMPLIFIED.also_cited.split("{")[0] in answer and "青岛日报" in answer


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("setup.exe", b"MZ\x90\x00", "not a type I can read"),
        ("big.txt", b"x" * 5000, "the limit is 4096 bytes"),
        ("empty.md", b"", "empty"),
    ],
)
def test_uploads_over_limits_are_refused(fake: FakeBotApi, bot: BotRunner, tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    reply = visible(wait_reply(fake, fake.push_document(content, name, user_id=STAFF_ID)))
    assert reply.startswith("Not added") and expected in reply
    assert not (tmp_path / "documents").exists() or not any((tmp_path / "documents").iterdir())
    assert not fake.calls_to("downloadFile")  # refused before downloading


def test_unreadable_upload_is_reported_and_not_kept(fake: FakeBotApi, bot: BotRunner, tmp_path: Path) -> None:
    reply = visible(wait_reply(fake, fake.push_document(b"%PDF-1.7\n garbage that is no pdf", "broken.pdf", user_id=STAFF_ID), timeout=60))
    assert reply.startswith("Not added: broken.pdf could not be read")
    assert not any(p.suffix == ".pdf" for p in (tmp_path / "documents").iterdir())
    assert "570列" in visible(wait_reply(fake, fake.push_message("中欧班列开行了多少列？", user_id=230)))


def test_retention_is_applied_daily_while_running(fake: FakeBotApi, index_copy: Path, tmp_path: Path) -> None:
    clock = Clock()
    settings = bot_settings(tmp_path, fake, index_copy, retention_days=30)
    with BotRunner(settings, index_dir=index_copy, clock=clock):
        wait_reply(fake, fake.push_message("中欧班列开行了多少列？", user_id=240))
        clock.now += 29 * 86400
        wait_reply(fake, fake.push_message("上合示范区有哪些发展平台？", user_id=241))
        assert "2 asked" in visible(wait_reply(fake, fake.push_message("/stats", user_id=STAFF_ID)))
        clock.now += 2 * 86400  # the first question is now 31 days old; the next update purges it
        wait_reply(fake, fake.push_message("你好", user_id=242))
        assert "2 asked" in visible(wait_reply(fake, fake.push_message("/stats", user_id=STAFF_ID)))  # 2nd + greeting
    db = sqlite3.connect(tmp_path / "quotebot.sqlite3")
    assert [q for (q,) in db.execute("SELECT question FROM questions ORDER BY asked_at")] == ["上合示范区有哪些发展平台？", "你好"]


def test_an_upload_adds_to_an_index_built_without_the_unavailable_default_model(fake: FakeBotApi, tmp_path: Path) -> None:
    """The default offline setup: the default encoder cannot be had, so `quotebot index` built lexical-only; an
    upload adds to that index the same way, and does not insist on loading the model."""
    import json

    from bot.runtime import index_paths
    from retrieval.config import DEFAULT_MODEL, IndexSettings

    offline_default = IndexSettings(progress=False)  # QUOTEBOT_MODEL unset: the default model, not the user's choice
    settings = bot_settings(tmp_path, fake, tmp_path / "index", index=offline_default)
    index_paths(settings, [SAMPLE_ARTICLE], settings.index_dir)
    built = json.loads((version_dir(settings.index_dir) / "manifest.json").read_text(encoding="utf-8"))
    assert built["model_setting"] == DEFAULT_MODEL and not built["dense_enabled"]  # the build fell back to lexical

    with BotRunner(settings, index_dir=settings.index_dir):
        content = f"胶州市民卡办理指南\n\n2024-03-01 来源：胶州市政务服务网\n\n{UNIQUE_FACT}\n".encode()
        report = visible(wait_reply(fake, fake.push_document(content, "card.txt", user_id=STAFF_ID), timeout=60))
        assert report.startswith("Added card.txt: 1 passages."), report
        assert "三楼十二号" in visible(wait_reply(fake, fake.push_message("市民卡补办窗口在哪里？", user_id=250)))
    after = json.loads((version_dir(settings.index_dir) / "manifest.json").read_text(encoding="utf-8"))
    # the index is what it was: lexical, for the same reason, still asking for the default model once it can be had
    assert (after["model_setting"], after["model"], after["dense_enabled"]) == (DEFAULT_MODEL, None, False)
    assert after["dense_note"] == built["dense_note"] and after["passages"] == built["passages"] + 1


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, None, "NetworkError: Internal Server Error; send it again in a while"),
        (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "Parsing the server response"),
        (404, None, "Not Found: Telegram no longer has the file; send it again"),
    ],
    ids=["5xx", "error-page", "gone"],
)
def test_a_failed_download_tells_staff_why(fake: FakeBotApi, bot: BotRunner, tmp_path: Path, status: int, body: bytes | None, reason: str) -> None:
    fake.fail_next("downloadFile", status, body=body)
    upload = fake.push_document(f"市民卡\n\n{UNIQUE_FACT}\n".encode(), "card.txt", user_id=STAFF_ID)
    reply = visible(wait_reply(fake, upload))  # a reply to the staff member's message
    assert reply.startswith("Not added: card.txt could not be downloaded from Telegram (") and reason in reply, reply
    assert reply != SIMPLIFIED.failed and not (tmp_path / "documents").exists()
    # sent again, it is taken
    assert visible(wait_reply(fake, fake.push_document(f"市民卡\n\n{UNIQUE_FACT}\n".encode(), "card.txt", user_id=STAFF_ID), timeout=60)).startswith("Added")


def test_a_file_telegram_will_not_hand_over_is_explained(fake: FakeBotApi, index_copy: Path, tmp_path: Path) -> None:
    # An operator raised the upload limit past what the cloud Bot API lets a bot download (20 MB).
    with BotRunner(bot_settings(tmp_path, fake, index_copy, max_upload_bytes=64 * 1024 * 1024), index_dir=index_copy):
        upload = fake.push_document(b"x" * (20 * 1024 * 1024 + 1), "huge.txt", user_id=STAFF_ID)
        reply = visible(wait_reply(fake, upload))
    assert reply.startswith("Not added: huge.txt could not be downloaded from Telegram (File is too big: bots may download files of at most 20 MB")
    assert [c.status for c in fake.calls_to("getFile")] == [400] and not fake.calls_to("downloadFile")


def test_any_other_failure_gives_staff_its_reason(fake: FakeBotApi, bot: BotRunner) -> None:
    bot.call(lambda app: setattr(bot.services, "searcher", None))  # as if the index had failed to open
    staff = visible(wait_reply(fake, fake.push_message("中欧班列开行了多少列？", user_id=STAFF_ID)))
    assert staff.startswith("Failed: AttributeError:") and "search" in staff
    fake.push_message("中欧班列开行了多少列？", user_id=260)
    fake.wait_for(lambda _calls: fake.accepted("sendMessage", chat_id=260))
    assert visible(fake.accepted("sendMessage", chat_id=260)[0]) == SIMPLIFIED.failed  # citizens get the apology
