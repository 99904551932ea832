"""`quotebot chat`: the bot's replies in a terminal conversation, for trying it without a Telegram token."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.conversation import DEFAULT_K, Reply, Searcher, reply_to
from bot.format import format_paragraph_plain, format_plain
from bot.language import Script, detect_script
from bot.texts import CorpusInfo, texts_for
from corpus.model import Passage
from retrieval.model import Hit

if TYPE_CHECKING:
    from bot.settings import Settings

logger = logging.getLogger(__name__)

ANSI_BOLD = ("\x1b[1m", "\x1b[0m")
PLAIN_BOLD = ("**", "**")
# What people type for "more results" (issue 13: 更多 is not a question), besides the /more command.
MORE_WORDS = frozenset({"更多", "更多结果", "更多結果", "more", "more results"})

ParagraphOf = Callable[[str], Sequence[Passage]]  # a passage id → all pieces of its paragraph (Searcher.paragraph)


@dataclass
class _Chat:
    """One terminal conversation: how to answer, and what the last question left for /more, /full, /original."""

    searcher: Searcher
    script: Script
    info: CorpusInfo | None = None
    paragraph: ParagraphOf | None = None
    language_code: str | None = None
    max_chars: int = 500
    k: int = DEFAULT_K
    bold: tuple[str, str] = PLAIN_BOLD
    last: Reply | None = None  # the last answer shown; None after a declined question
    shown: dict[int, Hit] = field(default_factory=dict)  # result number → hit, for /full

    def help(self) -> str:
        texts = texts_for(self.script)
        return texts.help_text(self.info) + "\n\n" + texts.chat_commands

    def respond(self, line: str) -> str:
        """The text for one line of input: a chat command or a question."""
        texts = texts_for(self.script)
        command, _, argument = line.partition(" ")
        command, argument = command.lower(), argument.strip()
        last = self.last
        if command in ("/help", "/start"):
            return self.help()
        if command == "/more" or line.strip().lower() in MORE_WORDS:
            if last is None or last.answer is None:
                return texts.no_more
            offset = last.offset + len(last.answer.hits)
            return self._remember(self._ask(last.question, script=self.script, offset=offset))
        if command == "/full":
            hit = self.shown.get(int(argument)) if argument.isdigit() else None
            if hit is None:
                return texts.chat_no_result_text(argument or "?")
            passages = self.paragraph(hit.passage.id) if self.paragraph is not None else ()
            return format_paragraph_plain(passages or [hit.passage], self.script)
        if command == "/original":
            if last is None or last.answer is None:
                return texts.no_more
            return format_plain(last.answer, self.script, first_number=last.offset + 1, original=True, bold=self.bold)
        if command.startswith("/"):
            return texts.chat_commands  # an unknown command is not a question
        self.shown.clear()
        return self._remember(self._ask(line, language_code=self.language_code))

    def _ask(self, question: str, *, script: Script | None = None, language_code: str | None = None, offset: int = 0) -> Reply:
        return reply_to(
            question, self.searcher, script=script, language_code=language_code, max_chars=self.max_chars, k=self.k, offset=offset, bold=self.bold
        )

    def _remember(self, reply: Reply) -> str:
        """Keep what /more, /full and /original need from a reply; return its text."""
        self.script = reply.script
        if reply.answered and reply.answer is not None:
            self.last = reply
            self.shown.update(enumerate(reply.answer.hits, start=reply.offset + 1))
        elif reply.offset == 0:
            self.last = None  # a declined question: /more and /original have nothing to show
        return reply.plain


def chat_loop(
    searcher: Searcher,
    stdin: TextIO,
    stdout: TextIO,
    *,
    info: CorpusInfo | None = None,
    paragraph: ParagraphOf | None = None,
    language_code: str | None = None,
    max_chars: int = 500,
    k: int = DEFAULT_K,
    bold: tuple[str, str] = PLAIN_BOLD,
    prompt: str = "",
) -> int:
    """Read questions from stdin until EOF, /quit or Ctrl-C and write the bot's replies to stdout; returns 0."""
    chat = _Chat(searcher, detect_script("", language_code), info, paragraph, language_code, max_chars, k, bold)

    def say(text: str) -> None:
        stdout.write(text.rstrip("\n") + "\n\n")
        stdout.flush()

    say(chat.help())
    try:
        while True:
            if prompt:
                stdout.write(prompt)
                stdout.flush()
            line = stdin.readline()
            if not line:
                break
            line = line.strip()
            if line.lower() in ("/quit", "/exit"):
                break
            if not line:
                continue
            try:
                say(chat.respond(line))
            except Exception:  # one failed question must not end the conversation; the traceback goes to the log
                logger.exception("reply failed for a %d-character message", len(line))
                say(texts_for(chat.script).failed)
    except KeyboardInterrupt:
        stdout.write("\n")
        stdout.flush()
    return 0


def run_chat(settings: Settings, index_dir: Path | None = None) -> int:
    """Open the index and talk in the terminal until EOF, /quit or Ctrl-C."""
    from bot.runtime import open_searcher
    from retrieval.errors import RetrievalError

    try:
        searcher = open_searcher(settings, index_dir)
    except RetrievalError as err:  # its message names the index and what to run
        print(f"quotebot chat: {err}", file=sys.stderr)
        return 2
    interactive = sys.stdin.isatty()
    return chat_loop(
        searcher,
        sys.stdin,
        sys.stdout,
        info=searcher.info,
        paragraph=searcher.paragraph,
        max_chars=settings.max_question_chars,
        bold=ANSI_BOLD if sys.stdout.isatty() else PLAIN_BOLD,
        prompt="> " if interactive else "",
    )
