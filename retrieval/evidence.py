"""How much of a question a passage covers: the evidence behind ranking refinements, declines and bold terms.

A question's *content units* are its words (jieba, on folded text), Latin words and numbers, minus the words
that only make it a question. A unit weighs what it says in general (its surprisal in jieba's word counts,
so 的, 里 or 工作 count little and 驾照 much, whatever the size of the corpus) times how specific it is to
some passages of the index (its IDF over the highest IDF; a multi-character Chinese word: the mean IDF of its
bigrams, which the index knows even when jieba cut the passage differently; each at least LEAST_SPECIFICITY of the
highest, so that a word every passage holds, such as the title of an index of one document, still counts a little).
A unit is covered by a passage when the passage's folded text contains it. Coverage is the covered share of
the question's weight; sentence coverage is the best share within one sentence, since an answer usually
stands in one sentence. Everything here is pure: the IDF function is passed in.

Query expansions (retrieval.expand) give a unit *alternatives*: words the documents may use for it (配偶 for 老婆,
没有 for 冇, 积分 for 机分, 社会保障卡 for "social security card"). A unit whose alternative a passage contains, and
not the unit itself, counts at EXPANSION_DISCOUNT of its weight. Where the expansion says the question's word is a
surface form the documents do not use (a dialect word, a slip, a foreign word, a word the index lacks), the unit
weighs no more than its heaviest such alternative: 冇 weighs what 没有 weighs (nothing), not what an unknown
character would. A Cantonese word weighs no more than its standard word even where the documents use it too (Hong
Kong news writes 嘅 and 喺): it says what 的 and 在 say, however rare it is in jieba's Mandarin counts.
``Coverage.expanded_share`` says how much of a passage's coverage came only through expansions. An English phrase
that an expansion translates whole (per month → 每月, social security card → 社保卡) is one unit, as its Chinese is one
word: counted word by word it weighed once for each of its words, and a passage that missed it lost it twice over.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from retrieval.answer_type import AnswerType, holds
from retrieval.text import _CJK, _TOKEN_RE, JIEBA_PREFIX, QUESTION_WORDS, iter_tokens, jieba_words, word_frequency

if TYPE_CHECKING:
    from retrieval.expand import Expansion

SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;\n]*")
_CJK_RE = re.compile(rf"^[{_CJK}]+$")
BACKGROUND_FLOOR = 6.0  # surprisal (natural log) of the most common words (了 5.2, 工作 6.8), counted as nothing
NUMBER_BASE = 4  # numbers are not in jieba's counts
LATIN_WEIGHT = 6.0  # nor are Latin words: all weigh alike, and the corpus IDF (specificity) tells them apart
# Parts of words that make them ask rather than say (哪些方面, 怎么回事, 什么样).
QUESTION_MARKERS = ("哪", "什么", "甚么", "怎", "谁", "几", "吗", "呢", "多少", "多久", "多长", "多远", "那里", "那儿", "为何", "如何", "何时", "何处", "是否", "啥", "咋")
FUNCTION_CHARS = frozenset("是的了在有和与及或也都就把被给跟让对向从到为以于这那个吗呢吧啊")
# A word's specificity (its IDF over the highest; a Chinese word's bigrams each) counts at least this: a word that
# most passages hold tells few of them apart, but it is still what the question is about, and the decline reads the
# same weights. In an index of one document its title, prefixed to every passage, weighed nothing, and most answerable
# questions were declined there (retrieval/README.md, "A deployment of one document").
LEAST_SPECIFICITY = 0.15
# A sentence that holds none of the question's words, under a heading that holds none either, counts what its
# document's title holds at this share: a page titled 綜援長生津出雙糧 gives all its paragraphs those words, and its
# 金融服務 list said as much of 綜援今年有冇雙糧 as the paragraph on 綜援 (retrieval/README.md, "The title alone").
TITLE_ALONE = 0.5
EXPANSION_DISCOUNT = 0.8  # a unit covered only through an expansion counts this share of its weight
MAX_ALTERNATIVES = 6  # alternatives kept for one unit
WEIGHED_AS_TARGET = frozenset({"cantonese"})  # expanders whose source weighs no more than its target, always


@dataclass(frozen=True)
class Alternative:
    """A word a passage may hold instead of a unit of the question (from a query expansion)."""

    text: str  # folded
    kind: str  # the expander that proposed it (retrieval.expand.KINDS)
    latin: bool  # matched as a whole word


@dataclass(frozen=True)
class Unit:
    """One piece of a question's content."""

    text: str  # folded
    weight: float
    latin: bool  # matched as a whole word, not as a substring
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True)
class Coverage:
    """How well one passage covers a question's content."""

    share: float  # covered weight / question weight, in [0, 1]
    sentence_share: float  # the same within the passage's best sentence
    covered: tuple[str, ...]  # what the passage holds of the question (folded): units, or alternatives found instead
    # The part of share (and of sentence_share) that only expansions covered, already discounted: 0 when the passage
    # holds the question's own words, share itself when it holds only words the expansions proposed.
    expanded_share: float = 0.0
    expanded_sentence_share: float = 0.0
    # The expanders whose words the passage holds in place of the question's, sorted, once each: two expanders that
    # agree on a passage (a Cantonese word and a colloquial one both bridged) are more evidence than one.
    expansion_kinds: tuple[str, ...] = ()
    # The question asks for a kind of answer (a time, an amount, a place: retrieval.answer_type); whether the passage
    # holds an instance of one; and the best coverage share among its sentences that hold one (0 when none does).
    answer_asked: bool = False
    holds_answer: bool = False
    answer_sentence_share: float = 0.0
    title_share: float = 0.0  # the share of the question its document's title holds (0 when not measured)
    # The share of the question's numbers (2026, 65) that the passage's own text holds, its heading or body, not its
    # document's title alone: of sibling paragraphs under a title that says 2025年…和2026年…, the one about 2026 says
    # it. 0 when the question names no number.
    number_share: float = 0.0


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


def content_units(folded_question: str, idf: Callable[[str], float], max_idf: float,
                  expansions: Sequence[Expansion] = (), ignore: frozenset[str] = frozenset(),
                  known_word: Callable[[str], bool] | None = None) -> tuple[Unit, ...]:
    """The content units of a folded question, each weighed by general surprisal times corpus specificity.

    Specificity is the unit's IDF in the index over the highest IDF (a word every passage has says nothing
    about which passage answers, and a word no passage has counts fully). ``expansions`` (retrieval.expand) give
    the units they stand for alternatives (see the module docstring); ``ignore``: Latin words that say nothing
    (English stop words, when the question is English). ``known_word``: whether some passage has a word (as jieba
    cut it); given, the question's words that none has are cut again into words that passages have (``recut``).
    """
    words = _question_words(folded_question)
    if known_word is not None:
        words = recut(words, known_word, lambda term: idf(term) < max_idf, [expansion.source for expansion in expansions])
    found: dict[str, bool] = {}
    for word in words:
        found.setdefault(word, False)
    phrases = _latin_phrases(folded_question, expansions)
    for token in iter_tokens(folded_question):
        if token.kind in ("word", "num", "date") and token.text not in QUESTION_WORDS and token.text not in ignore:
            found[phrases.get(token.start, token.text)] = token.kind == "word"
    units = []
    for text, latin in found.items():
        weight = unit_weight(text, idf, max_idf) * min((e.says for e in expansions if e.source == text), default=1.0)
        alternatives: tuple[Alternative, ...] = ()
        if expansions:
            alternatives, replacing = _alternatives(text, folded_question, expansions)
            if replacing:
                weight = min(weight, max(unit_weight(alt, idf, max_idf) for alt in replacing))
            if any(alt.kind in WEIGHED_AS_TARGET and alt.text in QUESTION_WORDS for alt in alternatives):
                weight = 0.0  # 咩 (什么), 邊度 (哪里): a word that asks, whatever else a typo or a word list makes of it
        if weight > 0:
            units.append(Unit(text, weight, latin, alternatives))
    return tuple(units)


def _latin_phrases(folded_question: str, expansions: Sequence[Expansion]) -> dict[int, str]:
    """Where a Latin word of the question stands inside a phrase that an expansion translates whole (per month →
    每月, social security card → 社保卡): its start → the phrase. The phrase is one unit, as its Chinese is one
    word; counted word by word, a phrase of three words weighed three times what it says."""
    phrases: dict[int, str] = {}
    for expansion in expansions:
        inside = [token for token in iter_tokens(expansion.source) if token.kind == "word"]
        if len(inside) > 1:
            for token in inside:
                phrases.setdefault(expansion.start + token.start, expansion.source)
    return phrases


def recut(words: Sequence[str], known_word: Callable[[str], bool], known_term: Callable[[str], bool],
          keep: Sequence[str] = ()) -> list[str]:
    """The question's words, with each run of adjacent Chinese words that no passage can contain cut again into
    words that passages have (the longest pieces: most characters in long words), characters where none fits.

    jieba's guesser glues characters it does not know into words no document contains (打完新冠针 → 完新冠针): as a
    unit it can never be covered, and it is the heaviest of the question, as a word no passage has counts fully.
    Cut again, 新冠 is a unit a passage can hold. A word is cut again only where neither jieba's dictionary nor any
    passage has it as a word (``known_word``) and one of its bigrams is in no passage (``known_term``): a name the
    passages spell out (利嘉 of 利嘉国际) stays whole. A word inside a source of ``keep`` (the expansions': 幾耐,
    邊間) stays whole too, as its expansion stands for it.
    """
    out: list[str] = []
    run = ""
    for word in [*words, ""]:
        unknown = (len(word) > 1 and is_cjk(word) and word_frequency(word)[0] == 0 and not known_word(word)
                   and not all(known_term(word[i : i + 2]) for i in range(len(word) - 1))
                   and not any(word in source for source in keep if source))
        if unknown:
            run += word
            continue
        if run:
            out.extend(_longest_known(run, known_word))
            run = ""
        if word:
            out.append(word)
    return out


def _longest_known(text: str, known_word: Callable[[str], bool], longest: int = 6) -> list[str]:
    """A cut of text into known words and single characters with the largest sum of squared lengths."""
    best: list[tuple[int, list[str]]] = [(0, [])]
    for end in range(1, len(text) + 1):
        options = [(best[end - 1][0] + 1, [*best[end - 1][1], text[end - 1]])]
        for start in range(max(0, end - longest), end - 1):
            piece = text[start:end]
            if known_word(piece):
                options.append((best[start][0] + len(piece) ** 2, [*best[start][1], piece]))
        best.append(max(options, key=lambda option: (option[0], -len(option[1]))))
    return best[-1][1]


def unit_weight(text: str, idf: Callable[[str], float], max_idf: float) -> float:
    """What a unit of a question weighs: general surprisal times specificity to some passages (at least
    LEAST_SPECIFICITY); nothing for a word that only asks."""
    if text in QUESTION_WORDS or (is_cjk(text) and any(marker in text for marker in QUESTION_MARKERS)):
        return 0.0
    floor = LEAST_SPECIFICITY * max_idf
    if is_cjk(text) and len(text) > 1:
        bigrams = [text[i : i + 2] for i in range(len(text) - 1)]
        specificity = sum(max(idf(b), floor) for b in bigrams) / len(bigrams) / max_idf
    else:
        specificity = max(idf(text), floor) / max_idf
    return background_weight(text) * specificity


def _alternatives(unit: str, folded_question: str, expansions: Sequence[Expansion]) -> tuple[tuple[Alternative, ...], list[str]]:
    """The alternatives of a unit: the terms of the expansions whose source holds one of its places in the question,
    or lies inside it (then the unit with that part replaced); and the texts of those that replace the unit (or that
    it weighs as: WEIGHED_AS_TARGET)."""
    places = []
    at = folded_question.find(unit)
    while at >= 0 and len(places) < 8:
        places.append(at)
        at = folded_question.find(unit, at + 1)
    alternatives: dict[str, Alternative] = {}
    replacing: list[str] = []
    for expansion in expansions:
        for place in places:
            end = place + len(unit)
            if expansion.start <= place and end <= expansion.end:
                text = expansion.term
            elif place <= expansion.start and expansion.end <= end:
                text = unit[: expansion.start - place] + expansion.term + unit[expansion.end - place :]
            else:
                continue
            if text and text != unit and text not in alternatives and len(alternatives) < MAX_ALTERNATIVES:
                alternatives[text] = Alternative(text, expansion.kind, not is_cjk(text) and text.isascii() and text.isalpha())
                if expansion.replaces or expansion.kind in WEIGHED_AS_TARGET:
                    replacing.append(text)
            break
    return tuple(alternatives.values()), replacing


def _latin_words(folded: str) -> set[str]:
    """The Latin words of folded text: what a Latin unit must match whole (the word tokens of iter_tokens)."""
    return {match.group() for match in _TOKEN_RE.finditer(folded) if match.group("word")}


@lru_cache(maxsize=1024)
def _words_of(latin: str) -> frozenset[str]:
    """The words of a Latin unit: one, or a phrase's (per month, points-based)."""
    return frozenset(_latin_words(latin))


def _latin_in(latin: str, words: set[str]) -> bool:
    """Whether a text whose Latin words are ``words`` holds a Latin unit: the word, or each word of the phrase."""
    return latin in words or bool(_words_of(latin)) and _words_of(latin) <= words


def coverage(units: Sequence[Unit], folded_passage: str, asked: Sequence[AnswerType] = (), context: int = 0,
             title: int = 0) -> Coverage:
    """How much of the question's weight the passage (and its best sentence) contains, its own words counting
    whole and the words of expansions in their place at EXPANSION_DISCOUNT; and, for the answer types the question
    asks (retrieval.answer_type.asked_types), whether the passage and which of its sentences hold one.

    ``context``: the first characters of the passage that are its context (its document's title and its heading:
    retrieval.store.Indexed), not its body. A sentence of the body is read under them: what they hold of the question
    counts toward every sentence (a notice titled 积分入学 answers "积分入学最多填几个志愿" with "最多填报19个志愿"),
    the title's part at TITLE_ALONE toward a sentence that, with its heading, holds none of the question's words.
    ``title``: the first characters that are the title, whose share of the question is ``title_share``.
    """
    # The question's own numbers (2026 of 2026年…什么时候) are what it asks about, not an answer: masked first.
    numbers = _question_numbers(tuple(units))
    own = _as_number(numbers) if asked and numbers else None
    held = bool(asked) and holds(asked, _masked(folded_passage, own))
    total = sum(unit.weight for unit in units)
    if total <= 0:
        return Coverage(0.0, 0.0, (), answer_asked=bool(asked), holds_answer=held)
    latin = any(unit.latin or any(alt.latin for alt in unit.alternatives) for unit in units)
    words = _latin_words(folded_passage) if latin else set()
    # What the passage holds of each unit: (text found, weight counted, Latin, expander or None for the unit itself).
    found: list[tuple[str, float, bool, str | None]] = []
    for unit in units:
        if _latin_in(unit.text, words) if unit.latin else unit.text in folded_passage:
            found.append((unit.text, unit.weight, unit.latin, None))
            continue
        for alt in unit.alternatives:
            if alt.text in words if alt.latin else alt.text in folded_passage:
                found.append((alt.text, unit.weight * EXPANSION_DISCOUNT, alt.latin, alt.kind))
                break
    best_sentence = best_expanded = best_answer = 0.0
    latin_found = any(is_latin for _, _, is_latin, _ in found)
    if found:
        # What the context holds counts toward every sentence; the rest is looked for sentence by sentence.
        in_context = _within(found, folded_passage[:context], latin_found)
        headed = [item for item, here in zip(found, in_context, strict=True) if here]
        context_weight = sum(weight for _, weight, _, _ in headed)
        context_expanded = sum(weight for _, weight, _, kind in headed if kind is not None)
        heading_says = any(_within(found, folded_passage[title:context], latin_found))
        for sentence in SENTENCE_RE.findall(folded_passage[context:]):
            here = _within(found, sentence, latin_found)
            inside = [(weight, kind) for (_, weight, _, kind), held_here, in_head in zip(found, here, in_context, strict=True)
                      if held_here and not in_head]
            says = heading_says or any(here)
            weight = context_weight * (1.0 if says else TITLE_ALONE) + sum(w for w, _ in inside)
            if weight > best_sentence:
                best_sentence = weight
                best_expanded = context_expanded + sum(w for w, kind in inside if kind is not None)
            if held and weight > best_answer and holds(asked, _masked(sentence, own)):
                best_answer = weight
    return Coverage(
        share=sum(weight for _, weight, _, _ in found) / total,
        sentence_share=best_sentence / total,
        covered=tuple(dict.fromkeys(text for text, _, _, _ in found)),
        expanded_share=sum(weight for _, weight, _, kind in found if kind is not None) / total,
        expanded_sentence_share=best_expanded / total,
        expansion_kinds=tuple(sorted({kind for _, _, _, kind in found if kind is not None})),
        answer_asked=bool(asked),
        holds_answer=held,
        answer_sentence_share=best_answer / total,
        title_share=sum(weight for (_, weight, _, _), here in zip(found, _within(found, folded_passage[:title], latin_found), strict=True)
                        if here) / total,
        number_share=_number_share(numbers, folded_passage[title:]),
    )


@lru_cache(maxsize=64)
def _question_numbers(units: tuple[Unit, ...]) -> tuple[str, ...]:
    """The numbers a question names (its units that are numbers), longest first (once a question, not a passage)."""
    return tuple(sorted({unit.text for unit in units if unit.text[:1].isdigit()}, key=len, reverse=True))


@lru_cache(maxsize=256)
def _as_number(numbers: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern that finds any of the numbers as a whole number: 65 in 65岁, not in 165 or 6.65."""
    return re.compile(rf"(?<![\d.])(?:{'|'.join(map(re.escape, numbers))})(?![\d])")


def _masked(text: str, own: re.Pattern[str] | None) -> str:
    """The text with the question's own numbers blanked out (the same length, so that nothing else moves)."""
    return own.sub(lambda match: "_" * len(match.group()), text) if own else text


def _number_share(numbers: tuple[str, ...], text: str) -> float:
    """The share of the question's numbers that the text holds as numbers (0 when the question names none)."""
    if not numbers:
        return 0.0
    return sum(bool(_as_number((number,)).search(text)) for number in numbers) / len(numbers)


def _within(found: Sequence[tuple[str, float, bool, str | None]], text: str, latin: bool) -> list[bool]:
    """Whether each unit (or alternative) found in a passage is within this part of it (``latin``: whether any
    found is a Latin word, which must match whole)."""
    words = _latin_words(text) if latin else set()
    return [_latin_in(found_text, words) if is_latin else found_text in text for found_text, _, is_latin, _ in found]


def is_cjk(text: str) -> bool:
    return bool(_CJK_RE.match(text))
