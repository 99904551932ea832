"""The shared reply logic (bot.conversation) and the terminal chat loop (bot.chat), with a small hand-written searcher."""

from __future__ import annotations

import importlib.util
import io
import logging
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.chat import ANSI_BOLD, chat_loop
from bot.conversation import Reply, ReplyKind, reply_to
from bot.language import Script, to_script
from bot.texts import texts_for
from corpus.model import Citation, Passage
from retrieval.model import Answer, DeclineReason, Hit
from tests.conftest import REPO, SAMPLE_ARTICLE
from tests.fakes.telegram_html import parse_html

_CITE = Citation(doc_id="fares", title="Bus fares 2024", date="2024-03-05", source="City Transport", url="https://city.example/fares")
_ZH_CITE = Citation(doc_id="shanghe", title="上合新區有了“新打法”", date="2023-06-05", source="大眾網")


def _passage(n: int, text: str, cite: Citation = _CITE, part: int = 0, parts: int = 1) -> Passage:
    return Passage(id=f"{cite.doc_id}:{n}:{part}", doc_id=cite.doc_id, text=text, heading=None, position=n, cite=cite, part=part, parts=parts)


PASSAGES = [
    _passage(0, "A monthly bus pass costs 80 yuan."),
    _passage(1, "Children under six ride the bus free."),
    _passage(2, "Lost bus passes are replaced at the service centre.", part=0, parts=2),
    _passage(2, "Bring an identity card.", part=1, parts=2),
    _passage(3, "Night bus routes run until two."),
    _passage(4, "上合示範區發佈促進金融業健康發展政策措施。", _ZH_CITE),
]


@dataclass
class WordSearcher:
    """A stand-in for retrieval's Searcher: hits are the passages containing a word of the question, in order."""

    passages: list[Passage] = field(default_factory=lambda: list(PASSAGES))
    calls: list[tuple[str, int, int]] = field(default_factory=list)
    fail_on: str | None = None

    def search(self, question: str, k: int = 3, offset: int = 0) -> Answer:
        self.calls.append((question, k, offset))
        if self.fail_on is not None and self.fail_on in question:
            raise RuntimeError("index unreadable")
        words = [w for w in question.lower().replace("?", " ").split() if len(w) > 2]
        if question.lower().strip("!. ") in ("hello", "hi", "你好"):
            return Answer(question, decline=DeclineReason.GREETING)
        if question.strip("?？!！ ") == "":
            return Answer(question, decline=DeclineReason.EMPTY)
        found = [p for p in self.passages if any(w in p.text.lower() for w in words) or ("金融" in question and "金融" in p.text)]
        if not found:
            return Answer(question, decline=DeclineReason.NOT_COVERED, detail="no passage shares a word")
        terms = lambda p: tuple(w for w in words if w in p.text.lower()) or (("金融業",) if "金融業" in p.text else ())  # noqa: E731
        return Answer(question, hits=tuple(Hit(p, 0.9, matched_terms=terms(p)) for p in found[offset : offset + k]))

    def paragraph(self, passage_id: str) -> list[Passage]:
        doc, position, _ = passage_id.split(":")
        return [p for p in self.passages if p.doc_id == doc and p.position == int(position)]


@dataclass(frozen=True)
class Info:
    documents: int = 2
    passages: int = 6
    newest_date: str | None = "2024-03-05"


# ---------------------------------------------------------------- reply_to


def test_an_answer_is_quoted_in_html_and_plain_text() -> None:
    searcher = WordSearcher()
    reply = reply_to("How much is a monthly pass?", searcher)
    assert reply.kind is ReplyKind.ANSWER and reply.answered and reply.script is Script.ENGLISH
    assert searcher.calls == [("How much is a monthly pass?", 4, 0)]  # one deeper than the page: is there more?
    text, entities = parse_html(reply.html, strict=True)
    assert "A monthly bus pass costs 80 yuan." in text
    assert "1. A **monthly** bus **pass** costs 80 yuan." in reply.plain
    assert not reply.converted


def test_reply_in_the_script_of_the_question() -> None:
    reply = reply_to("金融政策有哪些？", WordSearcher())
    assert reply.script is Script.SIMPLIFIED and reply.converted
    assert "上合示范区发布促进**金融业**健康发展政策措施。" in reply.plain
    assert reply_to("金融政策有哪些？", WordSearcher(), script=Script.TRADITIONAL).converted is False
    assert reply_to("金融", WordSearcher(), language_code="zh-hant").script is Script.TRADITIONAL


def test_more_results_continue_the_numbering() -> None:
    searcher = WordSearcher()
    reply = reply_to("bus", searcher, offset=3)
    assert reply.kind is ReplyKind.ANSWER and reply.offset == 3
    assert reply.plain.count("\n4. ") == 1 and "\n1. " not in reply.plain
    assert reply_to("bus", searcher, offset=30).kind is ReplyKind.NO_MORE
    assert reply_to("bus", searcher, offset=30).plain == texts_for(Script.ENGLISH).no_more


def test_more_is_offered_only_when_there_is_more() -> None:
    searcher = WordSearcher()  # "bus" is in four passages
    first, second = reply_to("bus", searcher), reply_to("bus", searcher, offset=3)
    assert first.more and len(first.answer.hits) == 3  # type: ignore[union-attr]
    assert not second.more and [h.passage.id for h in second.answer.hits] == ["fares:3:0"]  # type: ignore[union-attr]
    assert not reply_to("bus", searcher, k=4).more
    # pages are cut from one ranking: page two starts after the last passage of page one, whatever the searcher filters
    assert [c[1:] for c in searcher.calls] == [(4, 0), (7, 0), (5, 0)]


def test_one_paragraph_button_for_pieces_of_one_paragraph() -> None:
    from bot.buttons import answer_keyboard

    def labels(reply: Reply) -> list[str]:
        return [b.text for row in answer_keyboard("KEY", reply).inline_keyboard for b in row if (b.callback_data or "").startswith("p:")]

    english = texts_for(Script.ENGLISH)
    pieces = reply_to("lost identity", WordSearcher())  # both pieces of paragraph 2
    assert len(pieces.answer.hits) == 2 and labels(pieces) == [english.button_full]  # type: ignore[union-attr]
    mixed = reply_to("children lost identity", WordSearcher())  # paragraph 1, then both pieces of 2
    assert labels(mixed) == [f"{english.button_full} 1", f"{english.button_full} 2,3"]


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_message_is_not_searched(text: str) -> None:
    searcher = WordSearcher()
    reply = reply_to(text, searcher)
    assert reply.kind is ReplyKind.EMPTY and reply.answer is None and searcher.calls == []


def test_too_long_is_not_searched() -> None:
    searcher = WordSearcher()
    assert reply_to("bus " * 125, searcher, max_chars=500).kind is ReplyKind.ANSWER  # 499 characters once stripped
    reply = reply_to("公交" * 300, searcher, max_chars=500)
    assert reply.kind is ReplyKind.TOO_LONG and reply.answer is None
    assert "600" in reply.plain and "500" in reply.plain
    assert len(searcher.calls) == 1


@pytest.mark.parametrize(
    ("question", "kind", "reason"),
    [
        ("hello", ReplyKind.GREETING, DeclineReason.GREETING),
        ("weather forecast tomorrow", ReplyKind.DECLINED, DeclineReason.NOT_COVERED),
        ("？？", ReplyKind.EMPTY, DeclineReason.EMPTY),
    ],
)
def test_declines_get_their_words(question: str, kind: ReplyKind, reason: DeclineReason) -> None:
    reply = reply_to(question, WordSearcher())
    assert reply.kind is kind and not reply.answered
    assert reply.plain == texts_for(reply.script).decline_text(reason)
    assert parse_html(reply.html, strict=True)[0] == reply.plain


def test_decline_text_is_escaped_for_html() -> None:
    reply = reply_to("<b>weather</b> & rain", WordSearcher())
    assert reply.kind is ReplyKind.DECLINED
    parse_html(reply.html, strict=True)


# ---------------------------------------------------------------- the terminal chat


def _chat(lines: str, searcher: WordSearcher | None = None, **options: object) -> str:
    out = io.StringIO()
    searcher = searcher or WordSearcher()
    status = chat_loop(searcher, io.StringIO(lines), out, info=Info(), paragraph=searcher.paragraph, **options)  # type: ignore[arg-type]
    assert status == 0
    return out.getvalue()


def test_welcome_says_what_the_bot_knows() -> None:
    out = _chat("")
    english = texts_for(Script.ENGLISH)
    simplified = texts_for(Script.SIMPLIFIED)
    assert simplified.help_intro in out and "2024-03-05" in out and simplified.chat_commands in out
    assert english.help_intro in _chat("", language_code="en")


def test_a_conversation() -> None:
    searcher = WordSearcher()
    out = _chat("bus passes\n/more\n/more\n/full 2\n/full 3\n/full 9\n/original\nhello\n/quit\nbus\n", searcher)
    english = texts_for(Script.ENGLISH)
    blocks = out.split("\n\n")
    assert "1. A monthly **bus** pass costs 80 yuan." in out
    assert "4. Night **bus** routes run until two." in out  # /more continues the numbering
    assert english.no_more in out  # the second /more: nothing after result 4
    assert "Lost bus passes are replaced at the service centre. Bring an identity card." in out  # /full 3 joins the pieces
    assert english.chat_no_result_text("9") in out
    assert english.greeting in out
    assert [c[0] for c in searcher.calls] == ["bus passes", "bus passes", "bus passes", "hello"]  # nothing read after /quit
    assert any(b.startswith(english.full_paragraph_title) and "Children under six" in b for b in blocks)  # /full 2


def test_original_shows_the_text_as_published() -> None:
    out = _chat("金融\n/original\n")
    assert "上合示范区发布促进**金融业**健康发展政策措施。" in out
    assert "上合示範區發佈促進**金融業**健康發展政策措施。" in out


def test_full_before_any_question() -> None:
    out = _chat("/full 1\n/more\n/original\n", language_code="en")
    english = texts_for(Script.ENGLISH)
    assert english.chat_no_result_text("1") in out and out.count(english.no_more) == 2


def test_more_after_a_declined_question_and_unknown_commands() -> None:
    searcher = WordSearcher()
    out = _chat("bus\nweather forecast\n/more\n/frobnicate\n", searcher, language_code="en")
    english = texts_for(Script.ENGLISH)
    assert english.no_more in out  # /more does not continue the answer before the declined question
    assert out.count(english.chat_commands) == 2  # the welcome, and the reply to an unknown command
    assert [c[0] for c in searcher.calls] == ["bus", "weather forecast"]


def test_a_failing_search_is_reported_and_the_chat_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.chat"):
        out = _chat("broken bus\nnight routes\n", WordSearcher(fail_on="broken"), language_code="en")
    assert texts_for(Script.ENGLISH).failed in out
    assert "**Night** bus **routes**" in out
    assert "index unreadable" in caplog.text  # the traceback goes to the log, not the screen
    assert "Traceback" not in out


def test_ansi_bold_and_prompt() -> None:
    out = _chat("night\n", bold=ANSI_BOLD, prompt="> ")
    assert "\x1b[1mnight\x1b[0m" in out.lower()
    assert out.count("> ") == 2  # before each read, the last one meeting EOF


class _Interrupted(io.StringIO):
    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise KeyboardInterrupt


def test_ctrl_c_ends_cleanly() -> None:
    out = io.StringIO()
    assert chat_loop(WordSearcher(), _Interrupted(), out) == 0
    assert out.getvalue().endswith("\n")


# ---------------------------------------------------------------- with the real searcher on the bundled sample


@pytest.fixture(scope="module")
def sample_searcher(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """retrieval's Searcher over a lexical-only index of the bundled (traditional-script) sample article."""
    from corpus.pipeline import build_passages
    from retrieval.build import build_index
    from retrieval.config import IndexSettings
    from retrieval.search import Searcher

    settings = IndexSettings(model="none", model_explicit=True, progress=False)
    index_dir = tmp_path_factory.mktemp("chat-index") / "index"
    build_index(build_passages([SAMPLE_ARTICLE]).passages, index_dir, settings, documents=1)
    return Searcher.open(index_dir, settings)


def test_real_search_shown_in_the_readers_script(sample_searcher) -> None:  # type: ignore[no-untyped-def]
    simplified = reply_to("上合示范区搭建了哪些发展平台？", sample_searcher)
    assert simplified.kind is ReplyKind.ANSWER and simplified.converted
    text, entities = parse_html(simplified.html, strict=True)
    assert "六大发展平台" in text and "提速一体化发展" in text  # the traditional article, shown simplified
    assert any(e["type"] == "bold" and text[e["offset"] : e["offset"] + e["length"]] == "平台" for e in entities)
    traditional = reply_to("上合示範區搭建了哪些發展平臺？", sample_searcher)
    assert traditional.script is Script.TRADITIONAL and not traditional.converted
    assert "六大發展平臺" in parse_html(traditional.html, strict=True)[0]


@pytest.mark.parametrize(("question", "kind"), [("今天天气怎么样", ReplyKind.DECLINED), ("你好", ReplyKind.GREETING)])
def test_real_search_declines(sample_searcher, question: str, kind: ReplyKind) -> None:  # type: ignore[no-untyped-def]
    assert reply_to(question, sample_searcher).kind is kind


def test_chat_with_the_real_searcher(sample_searcher) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    lines = "上合示范区搭建了哪些发展平台？\n/original\n/full 1\n/more\n"
    assert chat_loop(sample_searcher, io.StringIO(lines), out, info=sample_searcher.info, paragraph=sample_searcher.paragraph) == 0
    shown = out.getvalue().replace("**", "")  # bold marks split the words
    assert "1 份文件" in shown and "2023-06-05" in shown  # the welcome tells what the index holds
    assert "六大发展平台" in shown and "六大發展平臺" in shown  # converted, then /original as published
    first = reply_to("上合示范区搭建了哪些发展平台？", sample_searcher).answer
    assert first is not None
    whole = "".join(p.text for p in sample_searcher.paragraph(first.hits[0].passage.id))
    assert to_script(whole, Script.SIMPLIFIED) in shown  # /full 1: the whole paragraph, untrimmed
    assert "\n4. " in shown or texts_for(Script.SIMPLIFIED).no_more in shown  # /more continues after 3


# ---------------------------------------------------------------- `quotebot chat` as a real process


def test_quotebot_chat_in_a_real_process(tmp_path: Path) -> None:
    """Index the bundled sample (lexical only), then talk to `python -m bot.cli chat` through a pipe."""
    if importlib.util.find_spec("bot.runtime") is None:
        pytest.skip("bot.runtime (open_searcher) is not written yet")
    index = tmp_path / "index"
    built = subprocess.run(
        [sys.executable, "-m", "bot.cli", "index", str(SAMPLE_ARTICLE), "--index", str(index), "--model", "none"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stderr
    chat = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--index", str(index)],
        cwd=REPO, input="上合示范区搭建了哪些发展平台？\n/full 1\n/more\n今天天气怎么样\n/quit\n", capture_output=True, text=True, timeout=300,
    )
    assert chat.returncode == 0, chat.stderr
    assert "Traceback" not in chat.stderr
    simplified = texts_for(Script.SIMPLIFIED)
    assert simplified.help_intro in chat.stdout
    assert "1. " in chat.stdout and "六大发展平台" in chat.stdout  # the traditional sample, shown in simplified
    assert "提速一体化发展" in chat.stdout  # the title under the quote
    assert simplified.full_paragraph_title in chat.stdout
    assert simplified.decline_text(DeclineReason.NOT_COVERED) in chat.stdout


def test_quotebot_chat_without_an_index_says_so_in_one_line(tmp_path: Path) -> None:
    if importlib.util.find_spec("bot.runtime") is None:
        pytest.skip("bot.runtime (open_searcher) is not written yet")
    missing = tmp_path / "no-index"
    chat = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--index", str(missing)], cwd=REPO, input="", capture_output=True, text=True, timeout=120
    )
    assert chat.returncode != 0
    assert "Traceback" not in chat.stderr
    assert str(missing) in chat.stderr and len(chat.stderr.strip().splitlines()) == 1
