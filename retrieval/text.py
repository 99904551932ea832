"""Text for matching: script folding and the tokens that BM25 and the decline check compare.

Folding (traditional→simplified with OpenCC, then the few variant characters OpenCC keeps, data/variants.tsv;
full-width→half-width, lower-case) is applied to passages and questions alike, and only where text is compared;
quotes keep the original script. Folding keeps one folded character per original character wherever it can, so a
match in folded text maps back to the same positions in the original (the bold terms of a reply).

Tokens:
- Chinese (and other CJK) runs: every character and every pair of neighbouring characters;
- Latin and other alphabetic words, whole;
- numbers with what follows them kept whole enough to match: ``570列``, ``41.4%``, ``2022年10月12日`` (and their
  pieces ``2022年``, ``10月``, ``12日`` and bare numbers, so a question that names only part of a date still matches).

OpenCC comes in two packages that install the same ``opencc`` module: the C++ binding (``OpenCC``) converted the
449k characters of the DRCD dev paragraphs in 0.030 s, the pure-Python ``opencc-python-reimplemented`` in 1.145 s
(38x slower), with the same output on 989 of 1,000 paragraphs. Either works here; the C++ one is preferred.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _converter() -> _Converter:
    """The OpenCC traditional→simplified converter (either package; both are imported as ``opencc``)."""
    import opencc

    with _lock:
        return opencc.OpenCC("t2s")


def _fold_char(ch: str) -> str:
    """Full-width→half-width and lower-case for one character, keeping it one character."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
        ch = chr(code - 0xFEE0)
    elif code == 0x3000:  # ideographic space
        ch = " "
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}
_FINAL_SIGMA = "\u03a3"  # the one character str.lower() lowers by its context (Σ → ς at the end of a word)


def fold_width_case(text: str) -> str:
    """Full-width→half-width and lower-case, one character for one character."""
    narrow = text.translate(_WIDTH)
    lower = narrow.lower()
    # str.lower() on the whole text is _fold_char on each character, except where it lengthens a character
    # (İ → i̇) or lowers Σ by context; those texts take the slow path (folding is on every question's path).
    if len(lower) == len(narrow) and _FINAL_SIGMA not in narrow:
        return lower
    return "".join(_fold_char(ch) for ch in text)


def fold_script(text: str) -> str:
    """Fold text for comparison: traditional→simplified, full-width→half-width, lower-case Latin, and the variant
    characters OpenCC keeps to their standard form (``variants``: 衞 → 卫, 帐 → 账)."""
    converter = _converter()
    with _lock:  # the bindings do not promise that one converter may be used by two threads at once
        folded = converter.convert(fold_width_case(text))
    table, present = variants()
    # Most texts hold none: a search costs a twentieth of a translation (retrieval/README.md, "Variant characters").
    return folded.translate(table) if present.search(folded) else folded


@lru_cache(maxsize=1)
def variants() -> tuple[dict[int, int], re.Pattern[str]]:
    """data/variants.tsv as a str.translate table (variant characters → standard simplified ones, one for one) and a
    pattern that finds any of them."""
    from retrieval.expand import data_text, read_table  # retrieval.expand imports this module

    table = read_table(data_text("variants.tsv"))
    bad = [variant for variant, standard in table.items() if len(variant) != 1 or [len(s) for s in standard] != [1]]
    if bad:
        raise ValueError(f"variants.tsv: not one character for one character: {bad}")
    return {ord(variant): ord(standard[0]) for variant, standard in table.items()}, re.compile(f"[{''.join(table)}]")


def fold_aligned(text: str, convert: Callable[[str], str] | None = None) -> tuple[str, tuple[int, ...] | None]:
    """Fold text and say where each folded character came from.

    Returns the folded text and, when folding changed the length, the original index of each folded
    character; None means position i maps to i. (No entry of OpenCC's t2s tables changes the length, so
    the second case is a safety net for other tables or future versions; ``convert`` replaces OpenCC.)
    """
    convert = convert or fold_script
    folded = convert(fold_width_case(text))
    if len(folded) == len(text):
        return folded, None
    # Convert one character at a time, which keeps the origin of every output character.
    pieces: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(fold_width_case(text)):
        out = convert(ch)
        pieces.append(out)
        origin.extend([index] * len(out))
    return "".join(pieces), tuple(origin)


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_NUMBER = r"\d+(?:[.,]\d+)*"
_DATE = r"\d{1,4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日"
_TOKEN_RE = re.compile(
    rf"(?P<date>{_DATE})"
    rf"|(?P<num>{_NUMBER})(?:(?P<unit>%|‰|[a-z]+)|(?=(?P<cjkunit>[{_CJK}])))?"
    rf"|(?P<cjk>[{_CJK}]+)"
    rf"|(?P<word>(?:(?![{_CJK}])[^\W\d_])+)"
)
_DATE_PART_RE = re.compile(r"(\d+)([年月日])")


@dataclass(frozen=True)
class Token:
    """A token of folded text and where it stands in that text."""

    text: str
    start: int
    end: int
    kind: str  # "uni", "bi", "word", "num" (a number, with % or a Latin unit), "numunit" (with a Chinese unit), "date", "datepart"


def iter_tokens(folded: str) -> Iterator[Token]:
    """Tokens of already folded text, with their positions, in reading order."""
    for match in _TOKEN_RE.finditer(folded):
        start, end = match.span()
        if match.group("date"):
            yield Token(match.group(), start, end, "date")
            for part in _DATE_PART_RE.finditer(match.group()):
                yield Token(part.group(), start + part.start(), start + part.end(), "datepart")
                yield Token(part.group(1), start + part.start(1), start + part.end(1), "datepart")
        elif match.group("num"):
            yield Token(match.group("num"), start, start + len(match.group("num")), "num")
            if match.group("unit"):
                yield Token(match.group(), start, end, "num")
            elif match.group("cjkunit"):
                # The unit stays part of the Chinese run that follows, which the next match tokenizes.
                yield Token(match.group() + match.group("cjkunit"), start, end + 1, "numunit")
        elif match.group("cjk"):
            yield from _cjk_tokens(match.group(), start)
        else:
            yield Token(match.group(), start, end, "word")


def _cjk_tokens(run: str, offset: int) -> Iterator[Token]:
    for i, ch in enumerate(run):
        yield Token(ch, offset + i, offset + i + 1, "uni")
        if i + 1 < len(run):
            yield Token(run[i : i + 2], offset + i, offset + i + 2, "bi")


def tokenize(folded: str) -> list[str]:
    """The BM25 tokens of already folded text."""
    return [token.text for token in iter_tokens(folded)]


# Words that make a sentence a question but say nothing about its subject. Dropping them from the query
# raised R@1 from 0.947 to 0.950 (DRCD pool) and from 0.969 to 0.979 (CMRC pool); see retrieval/README.md.
QUESTION_WORDS = frozenset(
    "哪 什 么 谁 几 何 吗 呢 吧 啊 呀 请 问 哪个 哪里 哪些 哪一 哪儿 什么 甚么 为什么 为何 怎么 怎样 怎么样 如何 多少 "
    "何时 何处 何地 是否 请问 是谁 谁是 是什 是哪 么时 一个 啥 咋 "
    "what which who whom whose when where why how is are was were do does did the a an of in on at to for "
    "and or i me my we you your it its this that there be been can could would should will please tell about".split()
)

JIEBA_PREFIX = "~"  # jieba words live in their own namespace, apart from the character bigrams they may equal


_jieba_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    with _jieba_lock:
        # jieba attaches a DEBUG stream handler to its own logger at import and would print its dictionary
        # loading to stderr on every run; keep it to warnings.
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
    return jieba


def jieba_words(folded: str) -> list[str]:
    """jieba's words for the Chinese runs of folded text (namespaced with JIEBA_PREFIX)."""
    cut = _jieba().lcut
    words: list[str] = []
    for run in re.findall(rf"[{_CJK}]+", folded):
        words.extend(JIEBA_PREFIX + word for word in cut(run) if word.strip())
    return words


def word_frequency(word: str) -> tuple[int, int]:
    """How often jieba's dictionary saw the word, and its total count (a general-language prior)."""
    tokenizer = _jieba().dt
    return tokenizer.FREQ.get(word, 0), tokenizer.total


def lexical_terms(folded: str, *, words: bool = True) -> list[str]:
    """What the lexical index stores for a passage: characters, bigrams, words, numbers (and jieba words)."""
    terms = tokenize(folded)
    if words:
        terms.extend(jieba_words(folded))
    return terms


def query_terms(folded: str, *, words: bool = True) -> list[str]:
    """The lexical terms of a question, without the words that only make it a question."""
    return [term for term in lexical_terms(folded, words=words) if term.lstrip(JIEBA_PREFIX) not in QUESTION_WORDS]


def is_letter_or_digit(ch: str) -> bool:
    """True for characters that can carry meaning in a question (letters, ideographs, digits)."""
    return unicodedata.category(ch)[0] in "LN"
