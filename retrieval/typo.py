"""Typos and homophones: a question word the index lacks, corrected to a same-pinyin or look-alike word it has.

A pinyin keyboard's slip keeps the sound and changes the character (申清 for 申请, 机分 for 积分, 身份正 for 身份证);
a stroke keyboard's or a hurried reader's keeps the shape (货款 for 贷款). So a bigram of the question that the index
lacks (or barely has) is tried with each of its two characters replaced by a character of the same pinyin (tones
ignored: pypinyin's table, MIT) or of the same look-alike group (data/lookalike.tsv), and corrected where that makes
a word the index knows as a word (a jieba word of its passages) of two to four characters around it, far more common
than what was typed. Only the index's own words are proposed, so a correction can only point at the corpus.

Bounded: at most MAX_BIGRAMS rare bigrams of a question are tried and MAX_CORRECTIONS corrections kept; a character
has at most a few hundred candidates (the most common syllables), each a dictionary look-up.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
import weakref
from collections.abc import Sequence
from functools import lru_cache

from retrieval.expand import Expansion, Vocabulary, data_text, is_question_word
from retrieval.text import _CJK, JIEBA_PREFIX, jieba_words, word_frequency

RARE_DF = 0  # a question bigram in at most this many passages may be a slip (1: as good on real_dev, 0.2 ms more a question)
MIN_RATIO = 10  # the corrected word must be in this many times more passages than what was typed (and in MIN_DF)
MIN_DF = 2
COMMON_WORD = 1000  # a jieba word seen this often in general Chinese is taken as meant (大概 3,331; 货款 154)
FIT_GAIN = math.log(4)  # the corrected character's bigrams, together, in this many times more passages (log)
MAX_BIGRAMS = 8
MAX_CORRECTIONS = 4
MAX_WORD = 4  # the longest corrected word looked for around a corrected bigram

# Characters never taken for slips: function and question characters, which every pair of neighbours makes rare or
# common by chance (还能 → 不能, 有几 → 有机, 在哪 → 在内).
STEADY = frozenset("的了是在有和与及或也都就这那个吗呢吧啊哪什么谁几怎多少还不没能要会可我你他她它们")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
_TONE_MARKS = re.compile(r"[\u0300-\u036f]")


def toneless(syllable: str) -> str:
    """A pinyin syllable without its tone mark (ü kept apart from u, as v)."""
    return _TONE_MARKS.sub("", unicodedata.normalize("NFD", syllable).replace("u\u0308", "v"))


_loading = threading.Lock()


def _sounds() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Character → its toneless readings, and reading → the characters that have it (pypinyin's table, loaded on the
    first question that needs it: about 21,000 characters of the common block, 0.5-0.7 s; concurrent first questions
    wait for one load)."""
    with _loading:
        return _sounds_once()


@lru_cache(maxsize=1)
def _sounds_once() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    from pypinyin.pinyin_dict import pinyin_dict

    readings: dict[str, tuple[str, ...]] = {}
    by_sound: dict[str, list[str]] = {}
    for code, pinyins in pinyin_dict.items():
        if not 0x4E00 <= code <= 0x9FFF:  # the common block; rarer characters are not what a keyboard offers first
            continue
        char = chr(code)
        sounds = tuple(dict.fromkeys(toneless(p) for p in pinyins.split(",")))
        readings[char] = sounds
        for sound in sounds:
            by_sound.setdefault(sound, []).append(char)
    return readings, {sound: tuple(chars) for sound, chars in by_sound.items()}


def load_tables() -> None:
    """Load pypinyin's table and the look-alike groups now rather than on the first question that needs them."""
    _sounds()
    _lookalikes()


@lru_cache(maxsize=1)
def _lookalikes() -> dict[str, tuple[str, ...]]:
    """Character → the other characters of its look-alike groups (data/lookalike.tsv)."""
    groups: dict[str, list[str]] = {}
    for line in data_text("lookalike.tsv").splitlines():
        group = line.split("#", 1)[0].strip()
        for char in group:
            merged = groups.setdefault(char, [])
            merged.extend(other for other in group if other != char and other not in merged)
    return {char: tuple(others) for char, others in groups.items()}


@lru_cache(maxsize=4096)
def similar_characters(char: str) -> tuple[str, ...]:
    """The characters one may have meant by this one: same pinyin (any of its readings, tones ignored), or look-alike."""
    readings, by_sound = _sounds()
    found = dict.fromkeys(other for sound in readings.get(char, ()) for other in by_sound.get(sound, ()))
    found.update(dict.fromkeys(_lookalikes().get(char, ())))
    found.pop(char, None)
    return tuple(found)


_KNOWN_SIMILAR: weakref.WeakKeyDictionary[Vocabulary, dict[str, tuple[str, ...]]] = weakref.WeakKeyDictionary()


def _known_similar(char: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The similar characters that some passage of this index holds (remembered per index: a character's candidates
    shrink from up to 300 to the few dozen a corpus uses)."""
    try:
        known = _KNOWN_SIMILAR[vocabulary]
    except (KeyError, TypeError):
        known = {}
        try:
            _KNOWN_SIMILAR[vocabulary] = known
        except TypeError:  # a vocabulary that cannot be weakly referenced: not remembered
            pass
    found = known.get(char)
    if found is None:
        found = tuple(other for other in similar_characters(char) if vocabulary.document_frequency(other) >= MIN_DF)
        if len(known) < 20_000:
            known[char] = found
    return found


def _known_word(word: str, vocabulary: Vocabulary) -> int:
    """About how many passages hold the word as a word: its jieba term's count; for a two-character word its bigram's;
    for a longer word of jieba's dictionary that the corpus's cuts swallowed (居民身份证 holds 身份证) its rarest bigram's."""
    df = vocabulary.document_frequency(JIEBA_PREFIX + word)
    if df:
        return df
    if len(word) == 2:
        return vocabulary.document_frequency(word)
    if word_frequency(word)[0] > 0:
        return min(vocabulary.document_frequency(word[i : i + 2]) for i in range(len(word) - 1))
    return 0


def _run_words(folded: str, words: Sequence[str]) -> dict[int, list[str]]:
    """jieba's words of each Chinese run of the text, by the run's start, from the words of the whole text (which
    jieba_words cuts run by run, in order); {} when they do not add up to the runs."""
    if not words:
        return {}
    plain = [word[len(JIEBA_PREFIX) :] if word.startswith(JIEBA_PREFIX) else word for word in words]
    cuts: dict[int, list[str]] = {}
    at = 0
    for match in _CJK_RUN.finditer(folded):
        taken: list[str] = []
        length = 0
        while length < len(match.group()) and at < len(plain):
            taken.append(plain[at])
            length += len(plain[at])
            at += 1
        if "".join(taken) != match.group():
            return {}
        cuts[match.start()] = taken
    return cuts


def _protected(run: str, vocabulary: Vocabulary, cut: Sequence[str] | None = None) -> set[int]:
    """Places of a Chinese run that belong to a word the question spells right: a jieba word of two characters or
    more that the index knows, that is common in general Chinese (大概, 出去) or that only asks (银行 in 银行办,
    怎么 in 怎么定). A slip rarely makes a common word, and correcting a character of one (大概 → 大家) points away
    from the question; a rarer real word the index lacks (货款 for 贷款) may still be a slip."""
    protected: set[int] = set()
    at = 0
    for word in cut if cut is not None else (word[len(JIEBA_PREFIX) :] for word in jieba_words(run)):
        if len(word) > 1 and (vocabulary.document_frequency(JIEBA_PREFIX + word) > RARE_DF or is_question_word(word)
                              or word_frequency(word)[0] >= COMMON_WORD):
            protected.update(range(at, at + len(word)))
        at += len(word)
    return protected


def _correction(run: str, i: int, vocabulary: Vocabulary, protected: set[int]) -> tuple[int, int, str] | None:
    """The best correction of the bigram at i of a Chinese run: (start, end, corrected word), or None.

    Each character of the bigram is tried with its similar characters; a candidate counts when the corrected bigram
    is in MIN_DF passages at least and the character fits both its neighbours better (``_fit``). Of the words of the
    index around the corrected character (two to MAX_WORD characters) that are MIN_RATIO times more common than what
    was typed there, the longest, then commonest, that jieba reads as a word of the corrected run wins."""
    typed_df = vocabulary.document_frequency(run[i : i + 2])
    found: list[tuple[int, int, int, int, str]] = []  # (length, df, start, end, word)
    for place, keep in ((i, run[i + 1]), (i + 1, run[i])):
        if place in protected or run[place] in STEADY:
            continue
        typed_fit = _fit(run, place, run[place], vocabulary)
        for other in _known_similar(run[place], vocabulary):
            bigram = other + keep if place == i else keep + other
            if vocabulary.document_frequency(bigram) < MIN_DF:
                continue
            # The character must fit both its neighbours better than the typed one, not just the rare pair:
            # 名字有 → 名自有 mends 字有 and breaks 名字.
            if _fit(run, place, other, vocabulary) < typed_fit + FIT_GAIN:
                continue
            found.extend(_words_around(run, place, other, typed_df, vocabulary))
    for _, _, start, end, word in sorted(found, reverse=True):
        if _reads_as_word(run, start, end, word):
            return start, end, word
    return None


def _fit(run: str, place: int, char: str, vocabulary: Vocabulary) -> float:
    """How well a character fits between its neighbours in the run: the log counts of the two bigrams it makes."""
    fit = 0.0
    if place > 0:
        fit += math.log1p(vocabulary.document_frequency(run[place - 1] + char))
    if place + 1 < len(run):
        fit += math.log1p(vocabulary.document_frequency(char + run[place + 1]))
    return fit


def _words_around(run: str, place: int, other: str, typed_df: int, vocabulary: Vocabulary) -> list[tuple[int, int, int, int, str]]:
    """The words of the index around ``place`` once its character is ``other`` that are MIN_RATIO times more common
    than what was typed there: (length, df, start, end, word)."""
    found = []
    for length in range(2, MAX_WORD + 1):
        for start in range(max(0, place - length + 1), min(place, len(run) - length) + 1):
            word = run[start:place] + other + run[place + 1 : start + length]
            if any(char in STEADY for char in word):
                continue  # a word made with a function character (签在 → 潜在) is a slip's accident
            df = _known_word(word, vocabulary)
            if df >= MIN_DF and df >= MIN_RATIO * max(_known_word(run[start : start + length], vocabulary), typed_df):
                found.append((length, df, start, start + length, word))
    return found


def _reads_as_word(run: str, start: int, end: int, word: str) -> bool:
    """Whether jieba, cutting the corrected text around the correction, reads the corrected word as one of its words:
    身份证丢了 reads 身份证 / 丢 / 了, but 银行为 reads 银行 / 为, not 行为 (a slip that makes a word across a word
    boundary is an accident of the neighbours)."""
    left = max(0, start - MAX_WORD)
    corrected = run[left:start] + word + run[end : end + MAX_WORD]
    at = left
    for token in jieba_words(corrected):
        token = token[len(JIEBA_PREFIX) :]
        if at == start and token == word:
            return True
        at += len(token)
        if at > start:
            return False
    return False


def typo_expansions(folded: str, vocabulary: Vocabulary, weight: float, *, words: Sequence[str] = ()) -> list[Expansion]:
    """Corrections of the question's rare bigrams to words the index knows (see the module docstring). ``words``:
    jieba's words of the folded question (retrieval.text.jieba_words), when the caller has cut it already."""
    found: list[Expansion] = []
    tried = 0
    cuts = _run_words(folded, words)
    for match in _CJK_RUN.finditer(folded):
        run = match.group()
        protected: set[int] | None = None  # found on the first rare bigram
        for i in range(len(run) - 1):
            if tried >= MAX_BIGRAMS or len(found) >= MAX_CORRECTIONS:
                return found
            if vocabulary.document_frequency(run[i : i + 2]) > RARE_DF:
                continue
            tried += 1
            if protected is None:
                protected = _protected(run, vocabulary, cuts.get(match.start()))
            correction = _correction(run, i, vocabulary, protected)
            if correction is None:
                continue
            start, end, word = correction
            source = run[start:end]
            at = match.start() + start
            if not any(e.start == at and e.term == word for e in found):
                found.append(Expansion(source, at, word, "typo", weight, True))
    return found
