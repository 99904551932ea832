"""Query expansion: the question's own terms, plus the words the documents would use for what it says.

Citizens ask in their own words (娃, 老婆, 电瓶车), in Cantonese (幾耐, 冇, 喺邊度), with a pinyin keyboard's slips
(机分, 申清) or in English; the documents say 子女, 配偶, 电动自行车. Each expander below proposes, for words of the
question, words the index knows that may stand for them (an ``Expansion``: which words of the question, what instead,
which expander said so). ``expand`` turns them into weighted BM25 terms, every expansion's terms weighing less than
the question's own, and hands them on to the coverage evidence (retrieval.evidence), where a question word whose
expansion a passage contains counts as covered at a discount.

Expanders (``KINDS``; each was measured alone, the figures are in retrieval/README.md, "Query expansion"):

- ``colloquial``: colloquial → official city-service words (data/colloquial.tsv);
- ``cantonese``: Cantonese → standard written Chinese (data/cantonese.tsv);
- ``typo``: a question bigram the index lacks, one character of which has a same-pinyin or look-alike character
  (pypinyin's table, data/lookalike.tsv) that makes a bigram the index has (retrieval.typo);
- ``english``: English words and phrases → the official words of a city-service glossary (data/english.tsv), else
  Chinese headwords of CC-CEDICT, that the index knows (retrieval.english);
- ``numeral``: a count in Chinese numerals → its digits and back (十五年 ↔ 15年, 两个人 → 2人: retrieval.numerals).

A synonym list (the ``cnsyn`` package's) was measured too and not adopted (README: it moved no question into the
first three). The standard words the Cantonese and English expanders find go through the colloquial table as well.

Everything is pure given the vocabulary (what the index knows and how often), and bounded: the question is cut
to ``MAX_SCAN`` characters for matching, and at most ``MAX_EXPANSIONS`` expansions and ``MAX_TERMS`` terms are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal, Protocol

from retrieval.text import (
    _CJK,
    JIEBA_PREFIX,
    QUESTION_WORDS,
    fold_script,
    fold_width_case,
    iter_tokens,
    jieba_words,
    tokenize,
)

Kind = Literal["colloquial", "cantonese", "typo", "english", "numeral"]

# The expanders Searcher.rank uses, in the order their expansions are kept when there are too many.
ADOPTED: tuple[Kind, ...] = ("cantonese", "colloquial", "typo", "english", "numeral")
# Weight of an expansion's BM25 terms, the question's own weighing 1 (chosen on real_dev by kind of question: README).
WEIGHTS: dict[str, float] = {"colloquial": 0.5, "cantonese": 0.8, "typo": 0.6, "english": 0.8, "numeral": 0.8}
MAX_SCAN = 400  # characters of the question that the expanders look at (the screen allows 2,000)
MAX_EXPANSIONS = 32
MAX_TERMS = 96  # expansion terms handed to BM25 (besides the question's own)
MAX_TARGETS = 4  # standard words kept for one source word
RARE_DF = 2  # a source word in at most this many passages "is not the documents' word": its expansion replaces it


class Vocabulary(Protocol):
    """What the expanders need of the index (retrieval.lexical.LexicalIndex): how many passages hold a term (0: none)."""

    def document_frequency(self, term: str) -> int: ...


@dataclass(frozen=True)
class Expansion:
    """Words the documents may use for some words of the question."""

    source: str  # the question's words it stands for (folded), at ``start`` in the folded question
    start: int
    term: str  # what a passage may contain instead (folded)
    kind: str  # the expander that proposed it
    weight: float  # weight of its BM25 terms; the question's own weigh 1
    replaces: bool  # the source is a surface form the documents do not use (a dialect word, a slip, a foreign word,
    # a word the index lacks): the unit it covers weighs what the term weighs, not more (retrieval.evidence)
    # How much the source says, in (0, 1]: the share of its weight the unit it covers keeps (retrieval.evidence). 1 but
    # for an English word, which says as little as it is common (retrieval.english.says: people, win, care).
    says: float = 1.0

    @property
    def end(self) -> int:
        return self.start + len(self.source)


@dataclass(frozen=True)
class Query:
    """A question ready for BM25 and the evidence: its folded text, weighted terms and expansions."""

    folded: str
    terms: tuple[str, ...]
    weights: tuple[float, ...] | None  # None: every term weighs 1 (no expansion), BM25's unweighted path
    expansions: tuple[Expansion, ...]
    ignore: frozenset[str] = frozenset()  # Latin words of the question that say nothing (English stop words)


class Table(Mapping[str, tuple[str, ...]]):
    """Source word → standard words, with every prefix of the sources, so a scan of a question tries only what may
    still match (one or two look-ups a character instead of one for each length)."""

    def __init__(self, entries: Mapping[str, tuple[str, ...]]) -> None:
        self._entries = dict(entries)
        self.prefixes = frozenset(source[:i] for source in self._entries for i in range(1, len(source) + 1))

    def __getitem__(self, source: str) -> tuple[str, ...]:
        return self._entries[source]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


# --- data files ------------------------------------------------------------------------------------------------


def read_table(text: str) -> dict[str, tuple[str, ...]]:
    """A pair table (``source<TAB>target|target``, ``#`` comments) as source → targets; repeated sources merge."""
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        source, _, targets = line.partition("\t")
        if not targets.strip():
            raise ValueError(f"no target in the table line {line!r}")
        merged = table.setdefault(source.strip(), [])
        merged.extend(t.strip() for t in targets.split("|") if t.strip() and t.strip() not in merged)
    return {source: tuple(targets) for source, targets in table.items()}


def data_text(name: str) -> str:
    """A data file shipped with the package (retrieval/data/)."""
    return resources.files("retrieval").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def colloquial_table() -> Table:
    """data/colloquial.tsv, folded (a traditional question folds onto the simplified entries)."""
    return Table(_folded(read_table(data_text("colloquial.tsv"))))


@lru_cache(maxsize=1)
def cantonese_table() -> Table:
    """data/cantonese.tsv as typed (width-folded), plus each entry's folded form where folding keeps it unambiguous:
    a word of two characters or more, or a character that folding leaves unchanged (冇, 嘅; not 係 → 系)."""
    table: dict[str, tuple[str, ...]] = {}
    for source, targets in read_table(data_text("cantonese.tsv")).items():
        targets = tuple(fold_script(t) for t in targets)
        typed = fold_width_case(source)
        table[typed] = targets
        folded = fold_script(typed)
        if len(folded) == len(typed) and (len(folded) > 1 or folded == typed):
            table.setdefault(folded, targets)
    return Table(table)


def _folded(table: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    folded: dict[str, list[str]] = {}
    for source, targets in table.items():
        merged = folded.setdefault(fold_script(fold_width_case(source)), [])
        merged.extend(t for t in (fold_script(fold_width_case(t)) for t in targets) if t not in merged)
    return {source: tuple(targets) for source, targets in folded.items()}


# --- what the index knows --------------------------------------------------------------------------------------

_CJK_RUN = re.compile(rf"[{_CJK}]+")
_CJK_ONLY = re.compile(rf"^[{_CJK}]+$")


def frequency(term: str, vocabulary: Vocabulary) -> int:
    """About how many passages hold a folded word: a character's or bigram's own count; for a longer word its jieba
    word's count, or failing that its rarest bigram's (an upper bound); a Latin word or number as itself."""
    if not _CJK_ONLY.match(term):
        return vocabulary.document_frequency(term)
    if len(term) <= 2:
        return vocabulary.document_frequency(term)
    whole = vocabulary.document_frequency(JIEBA_PREFIX + term)
    if whole:
        return whole
    return min(vocabulary.document_frequency(term[i : i + 2]) for i in range(len(term) - 1))


_A_NOT_A = re.compile(r"(.)[不没]\1")  # 有没有, 是不是, 需不需要: a question's form


def is_question_word(word: str) -> bool:
    """Words that only ask (多少, 怎么, 哪里, 有没有): an expansion to one adds no term but says the source only asks."""
    return (word in QUESTION_WORDS or any(marker in word for marker in ("什么", "怎", "哪", "谁", "多少", "多久", "为何", "如何", "何时", "是否"))
            or bool(_A_NOT_A.search(word)))


def says_little(word: str) -> bool:
    """A Chinese word as common as a function word (的, 是, 没有, 现在): a BM25 term for it would only add noise."""
    if not _CJK_ONLY.match(word):
        return False
    from retrieval.evidence import background_weight

    return background_weight(word) <= 0


# --- the table expanders ---------------------------------------------------------------------------------------


def table_expansions(text: str, table: Mapping[str, tuple[str, ...]], kind: str, vocabulary: Vocabulary,
                     *, folded: str | None = None) -> list[Expansion]:
    """Every entry of a table found in the text (overlapping ones too: 交社保 and 社保), each with the targets the
    index knows (or that only ask), at most MAX_TARGETS a source. A target found under a longer source is not
    repeated for a shorter one inside it. ``folded``: the folded question, where the text is the question as typed
    (the same length), for the sources' folded form."""
    folded = text if folded is None else folded
    prefixes = (table if isinstance(table, Table) else Table(table)).prefixes
    found: list[Expansion] = []
    seen: set[tuple[str, int, int]] = set()
    done: set[str] = set()
    weight = WEIGHTS[kind]
    text, folded = text[:MAX_SCAN], folded[:MAX_SCAN]
    for start in range(len(text)):
        if text[start] not in prefixes or len(found) >= MAX_EXPANSIONS:
            continue
        end = start + 1
        while end < len(text) and text[start : end + 1] in prefixes:
            end += 1
        for length in range(end - start, 0, -1):
            source = folded[start : start + length]
            if source in done or text[start : start + length] not in table:
                continue  # a word seen before proposes nothing new
            done.add(source)
            replaces = frequency(source, vocabulary) <= RARE_DF  # a corpus written in Cantonese (Hong Kong news) uses 嘅 itself
            kept = 0
            for target in table[text[start : start + length]]:
                if kept >= MAX_TARGETS:
                    break
                if not (is_question_word(target) or frequency(target, vocabulary) > 0):
                    continue
                # A target already proposed for a longer source around this one says nothing new.
                if any(key[0] == target and key[1] <= start and start + length <= key[2] for key in seen):
                    continue
                seen.add((target, start, start + length))
                found.append(Expansion(source, start, target, kind, weight, replaces))
                kept += 1
    return found


def colloquial(question: str, folded: str, vocabulary: Vocabulary, words: Sequence[str] = ()) -> list[Expansion]:
    """Colloquial → official city-service words (data/colloquial.tsv)."""
    return table_expansions(folded, colloquial_table(), "colloquial", vocabulary)


def cantonese(question: str, folded: str, vocabulary: Vocabulary, words: Sequence[str] = ()) -> list[Expansion]:
    """Cantonese → standard written Chinese (data/cantonese.tsv), matched in the question as typed (width-folded):
    folding would turn 係 into 系, which Mandarin uses everywhere. Positions are those of the folded question, since
    folding keeps one character for one; where it did not, only the folded forms are matched."""
    typed = fold_width_case(question)
    text = typed if len(typed) == len(folded) else folded
    return table_expansions(text, cantonese_table(), "cantonese", vocabulary, folded=folded)


def _typo(question: str, folded: str, vocabulary: Vocabulary, words: Sequence[str] = ()) -> list[Expansion]:
    from retrieval.typo import typo_expansions

    return typo_expansions(folded[:MAX_SCAN], vocabulary, WEIGHTS["typo"], words=words)


def _english(question: str, folded: str, vocabulary: Vocabulary, words: Sequence[str] = ()) -> list[Expansion]:
    from retrieval.english import english_expansions

    return english_expansions(folded[:MAX_SCAN], vocabulary, WEIGHTS["english"])


def _numeral(question: str, folded: str, vocabulary: Vocabulary, words: Sequence[str] = ()) -> list[Expansion]:
    from retrieval.numerals import numeral_expansions

    return numeral_expansions(folded[:MAX_SCAN], vocabulary, WEIGHTS["numeral"])


def _english_stop_words(folded: str) -> frozenset[str]:
    if not any(token.kind == "word" for token in iter_tokens(folded[:MAX_SCAN])):
        return frozenset()
    from retrieval.english import stop_words

    return frozenset(token.text for token in iter_tokens(folded[:MAX_SCAN]) if token.kind == "word") & stop_words()


# (question as typed, folded question, vocabulary, the folded question's jieba words) → expansions
Expander = Callable[[str, str, Vocabulary, Sequence[str]], list[Expansion]]
KINDS: dict[str, Expander] = {"colloquial": colloquial, "cantonese": cantonese, "typo": _typo, "english": _english,
                              "numeral": _numeral}


def warm_up(kinds: Sequence[str] = ADOPTED) -> None:
    """Load what the expanders load on the first question that needs it (jieba's dictionary, the word tables,
    pypinyin's table for slips, the reversed CC-CEDICT for English: about 3 s of CPU and 150 MB, which a server holds
    after its first English question and first slip anyway), so that a server can do it before its first such
    question instead of making that citizen wait. Safe beside questions: the large tables are built once, under
    their own locks."""
    jieba_words("预热")
    colloquial_table()
    cantonese_table()
    if "typo" in kinds:
        from retrieval.typo import load_tables as load_typo

        load_typo()
    if "english" in kinds:
        from retrieval.english import load_tables as load_english

        load_english()


# --- from expansions to weighted terms -------------------------------------------------------------------------


def expansion_terms(term: str) -> list[str]:
    """The BM25 terms of an expansion: its bigrams and jieba words (a lone character for a one-character term),
    Latin words and numbers; not its single characters, which the question's own characters already weigh."""
    terms = []
    for token in iter_tokens(term):
        if token.kind == "uni" and len(term) > 1 and _CJK_ONLY.match(term):
            continue
        terms.append(token.text)
    if len(term) > 2 and _CJK_ONLY.match(term):
        terms.extend(jieba_words(term))
    return [t for t in terms if t.lstrip(JIEBA_PREFIX) not in QUESTION_WORDS]


def expand(question: str, vocabulary: Vocabulary, kinds: Sequence[str] = ADOPTED, *, folded: str | None = None) -> Query:
    """The question's terms (weight 1) and those of its expansions (weight below 1), and the expansions."""
    folded = fold_script(question) if folded is None else folded
    words = jieba_words(folded)  # cut once: for the question's terms, and for the typo expander's sense of words
    own = [term for term in tokenize(folded) + words if term.lstrip(JIEBA_PREFIX) not in QUESTION_WORDS]  # query_terms
    found = [expansion for kind in kinds for expansion in KINDS[kind](question, folded, vocabulary, words)]
    if "colloquial" in kinds:
        found.extend(_chained(found, vocabulary))
    expansions = _capped(found)
    ignore = _english_stop_words(folded) if "english" in kinds else frozenset()
    if not expansions:
        return Query(folded, tuple(own), None, (), ignore)
    own_set = set(own)
    extra: dict[str, float] = {}
    for expansion in expansions:
        if is_question_word(expansion.term) or says_little(expansion.term):
            continue  # it only says the source asks or is a function word (幾多 → 多少, 嘅 → 的): nothing to look for
        for term in expansion_terms(expansion.term):
            if term in own_set:
                continue
            if term in extra:
                extra[term] = max(extra[term], expansion.weight)
            elif len(extra) < MAX_TERMS:
                extra[term] = expansion.weight
    if not extra:  # expansions that only tell the evidence something (嘅 → 的): BM25's unweighted path
        return Query(folded, tuple(own), None, expansions, ignore)
    return Query(folded, tuple(own) + tuple(extra), (1.0,) * len(own) + tuple(extra.values()), expansions, ignore)


def _chained(expansions: Sequence[Expansion], vocabulary: Vocabulary) -> list[Expansion]:
    """Colloquial → official words for what the other expanders made standard: 幾耐 → 多久 → 时限, "how long" → 多久
    → 时限, 申清 → 申请 → 申请程序."""
    table = colloquial_table()
    chained = []
    for expansion in expansions:
        if expansion.kind == "colloquial":
            continue
        for target in table.get(expansion.term, ())[:MAX_TARGETS]:
            if frequency(target, vocabulary) > 0:
                chained.append(Expansion(expansion.source, expansion.start, target, "colloquial", WEIGHTS["colloquial"],
                                         expansion.replaces))
    return chained


def _capped(expansions: Iterable[Expansion]) -> tuple[Expansion, ...]:
    """At most MAX_EXPANSIONS, one for each (source place, term), in the expanders' order."""
    kept: dict[tuple[int, int, str], Expansion] = {}
    for expansion in expansions:
        key = (expansion.start, expansion.end, expansion.term)
        if key not in kept and expansion.term != expansion.source:
            kept[key] = expansion
            if len(kept) >= MAX_EXPANSIONS:
                break
    return tuple(kept.values())


def expansion_text(expansions: Sequence[Expansion]) -> str:
    """A one-line account of the expansions (for logs and the benchmarks)."""
    return "; ".join(f"{e.source}→{e.term} ({e.kind})" for e in expansions)
