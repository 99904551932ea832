"""How much of a question a passage covers: the evidence behind ranking refinements, declines and bold terms.

A question's *content units* are its words (jieba, on folded text), Latin words and numbers, minus the words
that only make it a question. A unit weighs what it says in general (its surprisal in jieba's word counts,
so 的, 里 or 工作 count little and 驾照 much, whatever the size of the corpus) times how specific it is to
some passages of the index (its IDF over the highest IDF; a multi-character Chinese word: the mean IDF of its
bigrams, which the index knows even when jieba cut the passage differently).
A unit is covered by a passage when the passage's folded text contains it. Coverage is the covered share of
the question's weight; sentence coverage is the best share within one sentence, since an answer usually
stands in one sentence. Everything here is pure: the IDF function is passed in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.text import _CJK, _TOKEN_RE, JIEBA_PREFIX, QUESTION_WORDS, iter_tokens, jieba_words, word_frequency

SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;\n]*")
_CJK_RE = re.compile(rf"^[{_CJK}]+$")
BACKGROUND_FLOOR = 6.0  # surprisal (natural log) of the most common words (了 5.2, 工作 6.8), counted as nothing
NUMBER_BASE = 4  # numbers are not in jieba's counts
LATIN_WEIGHT = 6.0  # nor are Latin words: all weigh alike, and the corpus IDF (specificity) tells them apart
# Parts of words that make them ask rather than say (哪些方面, 怎么回事, 什么样).
QUESTION_MARKERS = ("哪", "什么", "甚么", "怎", "谁", "几", "吗", "呢", "多少", "为何", "如何", "何时", "何处", "是否")
FUNCTION_CHARS = frozenset("是的了在有和与及或也都就把被给跟让对向从到为以于这那个吗呢吧啊")


@dataclass(frozen=True)
class Unit:
    """One piece of a question's content."""

    text: str  # folded
    weight: float
    latin: bool  # matched as a whole word, not as a substring


@dataclass(frozen=True)
class Coverage:
    """How well one passage covers a question's content."""

    share: float  # covered weight / question weight, in [0, 1]
    sentence_share: float  # the same within the passage's best sentence
    covered: tuple[str, ...]  # the covered units (folded)


def background_weight(word: str) -> float:
    """How much a word says in general Chinese: its surprisal in jieba's word counts, less that of a function word.

    From about 0 for 的/是/什么 to 12 for a word jieba never saw; numbers weigh by their length
    (a year or a count says more than a single digit).
    """
    if word[:1].isdigit():
        return float(NUMBER_BASE + min(len(word), 4))
    if not is_cjk(word):
        return LATIN_WEIGHT
    freq, total = word_frequency(word)
    return max(0.0, math.log(total / (freq + 1)) - BACKGROUND_FLOOR)


def _question_words(folded_question: str) -> list[str]:
    """jieba's words of a question, without the ones that ask (哪些方面, 怎么回事) and with cutting slips undone.

    jieba's guesser glues an unknown character to a function word now and then (市长是谁 → 胶州市 / 长是 / 谁);
    such a two-character word that is in no dictionary is taken apart again.
    """
    words: list[str] = []
    for word in jieba_words(folded_question):
        word = word[len(JIEBA_PREFIX) :]
        if word in QUESTION_WORDS or any(marker in word for marker in QUESTION_MARKERS):
            continue
        if len(word) == 2 and is_cjk(word) and word_frequency(word)[0] == 0 and any(ch in FUNCTION_CHARS for ch in word):
            words.extend(ch for ch in word if ch not in FUNCTION_CHARS)
        else:
            words.append(word)
    return words


def content_units(folded_question: str, idf: Callable[[str], float], max_idf: float) -> tuple[Unit, ...]:
    """The content units of a folded question, each weighed by general surprisal times corpus specificity.

    Specificity is the unit's IDF in the index over the highest IDF (a word every passage has says nothing
    about which passage answers, and a word no passage has counts fully).
    """
    found: dict[str, bool] = {}
    for word in _question_words(folded_question):
        found.setdefault(word, False)
    for token in iter_tokens(folded_question):
        if token.kind in ("word", "num", "date") and token.text not in QUESTION_WORDS:
            found[token.text] = token.kind == "word"
    units = []
    for text, latin in found.items():
        if is_cjk(text) and len(text) > 1:
            bigrams = [text[i : i + 2] for i in range(len(text) - 1)]
            specificity = sum(idf(b) for b in bigrams) / len(bigrams) / max_idf
        else:
            specificity = idf(text) / max_idf
        weight = background_weight(text) * specificity
        if weight > 0:
            units.append(Unit(text, weight, latin))
    return tuple(units)


def _latin_words(folded: str) -> set[str]:
    """The Latin words of folded text: what a Latin unit must match whole (the word tokens of iter_tokens)."""
    return {match.group() for match in _TOKEN_RE.finditer(folded) if match.group("word")}


def _covered(units: Sequence[Unit], folded: str) -> list[Unit]:
    # Only Latin units match whole words; tokenising every passage and sentence for them cost 95% of a
    # search's time (benchmarks/RESULTS.md), so the words are found only when a Latin unit asks.
    words = _latin_words(folded) if any(unit.latin for unit in units) else set()
    return [unit for unit in units if (unit.text in words if unit.latin else unit.text in folded)]


def coverage(units: Sequence[Unit], folded_passage: str) -> Coverage:
    """How much of the question's weight the passage (and its best sentence) contains."""
    total = sum(unit.weight for unit in units)
    if total <= 0:
        return Coverage(0.0, 0.0, ())
    covered = _covered(units, folded_passage)
    best_sentence = 0.0
    for sentence in SENTENCE_RE.findall(folded_passage):
        best_sentence = max(best_sentence, sum(unit.weight for unit in _covered(covered, sentence)))
    return Coverage(
        share=sum(unit.weight for unit in covered) / total,
        sentence_share=best_sentence / total,
        covered=tuple(unit.text for unit in covered),
    )


def is_cjk(text: str) -> bool:
    return bool(_CJK_RE.match(text))
