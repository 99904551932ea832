"""When not to quote, and how sure a quote is: the question checks, and the fitted decline with three outcomes.

Decided from the question alone (``screen``): empty, too long, small talk (greetings, thanks, goodbyes, questions
about the bot: each its own reason, so the bot answers "thanks" rightly), gibberish, too vague (a lone common
word). Decided from the evidence of the best passage (``DeclineModel``): two logistic functions of the signals of
retrieval.signals fitted on real questions (retrieval/data/decline.json, written by ``python -m
benchmarks.calibrate_real``): the probability that the corpus answers the question at all (below ``low``: declined),
and the probability that the first passage is the answer (at or above ``high``: quoted confidently; below it, the
passages are quoted under a one-line hedge, "this may help"). The fit, the curves and the points are in
retrieval/README.md ("Declining").

``confidence`` (two features, fitted on SQuAD-style questions by ``python -m benchmarks.calibrate``) is no longer
what declines: it weights the lexical ranking against the dense one in retrieval.fusion.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from retrieval.model import Confidence, DeclineReason
from retrieval.signals import NAMES, Signals
from retrieval.text import QUESTION_WORDS, fold_width_case, iter_tokens

# Fitted by benchmarks.calibrate; confidence = sigmoid(B0 + B_SHARE*share + B_SENT*sentence_share): the fusion's
# lexical evidence (retrieval.fusion.weights_for_evidence), no longer the decline.
B0, B_SHARE, B_SENTENCE = -5.571, 6.101, 4.141
ANSWER_THRESHOLD = 0.5  # the odds 1:1 of that confidence
DENSE_Z_MIDPOINT, DENSE_Z_SLOPE = 3.4, 3.0  # see dense_confidence


@dataclass(frozen=True)
class Screened:
    """A question after the checks that need no index."""

    text: str  # control characters removed, spaces collapsed
    decline: DeclineReason | None
    detail: str = ""


# A terminal's colour and cursor sequences (ESC [ 0 m), pasted into a question: whole, not only their ESC.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")

# What each kind of small talk is answered with; a message with several kinds gets the first of this order
# ("谢谢 拜拜" is a goodbye, "你好 你是机器人吗" a question about the bot).
_SMALL_TALK_ORDER = (
    ("farewell", DeclineReason.FAREWELL),
    ("thanks", DeclineReason.THANKS),
    ("small_talk", DeclineReason.SMALL_TALK),
    ("greeting", DeclineReason.GREETING),
)
VAGUE_WEIGHT = 4.0  # a lone word this common in general Chinese (今年 2.7, 发展 0.8, 申请 3.9; 补贴 5.5, 医保 6.3) asks nothing


def screen(question: str, max_chars: int, known: Callable[[str], bool]) -> Screened:
    """Decide what can be decided without searching: empty, too long, small talk, gibberish, too vague."""
    text = " ".join(_CONTROL.sub(" ", _ANSI.sub(" ", question)).split())
    if len(text) > max_chars:
        return Screened(text[:max_chars], DeclineReason.TOO_LONG, f"question of {len(text)} characters (limit {max_chars})")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return Screened(text, DeclineReason.EMPTY, "no letters or digits in the question")
    kind = small_talk(text)
    if kind is not None:
        return Screened(text, kind, f"{kind.value.replace('_', ' ')}, not a question")
    if is_gibberish(text, known):
        return Screened(text, DeclineReason.GIBBERISH, "no recognisable words")
    if is_vague(text):
        return Screened(text, DeclineReason.VAGUE, "one common word and no question: too little to search for")
    return Screened(text, None)


def _bare(text: str) -> str:
    """Lower-case letters and digits only, with single spaces between Latin words."""
    kept = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in fold_width_case(text))
    return " ".join(kept.split())


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, str | None], ...]:
    """(phrase, its kind or None for a filler) from retrieval/data/smalltalk.json, longest first."""
    raw = json.loads(resources.files("retrieval").joinpath("data/smalltalk.json").read_text(encoding="utf-8"))
    pairs = [(phrase, kind) for kind, _ in _SMALL_TALK_ORDER for phrase in raw[kind]]
    pairs += [(phrase, None) for phrase in raw["fillers"]]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def small_talk(text: str) -> DeclineReason | None:
    """The kind of small talk a message is (greeting, thanks, farewell, a question about the bot), or None.

    A message is small talk when it is made only of the phrases of retrieval/data/smalltalk.json and fillers,
    in Mandarin, Cantonese (folded: 唔該 → 唔该) or English; anything else in it makes it a question
    ("唔該 點樣申請社保卡").
    """
    from retrieval.text import fold_script

    rest = " " + fold_script(_bare(text)) + " "
    kinds: set[str] = set()
    for phrase, kind in _phrases():
        pattern = f" {phrase} " if phrase.isascii() else phrase
        while pattern in rest:
            rest = rest.replace(pattern, " ", 1)
            if kind is not None:
                kinds.add(kind)
    if rest.strip() or not kinds:
        return None
    return next(reason for kind, reason in _SMALL_TALK_ORDER if kind in kinds)


def is_greeting(text: str) -> bool:
    """True when the text is only greetings, thanks, goodbyes or small talk (in Chinese or English)."""
    return small_talk(text) is not None


def is_vague(text: str) -> bool:
    """True for a lone common word that asks nothing: 今年, 发展, 政策 (not 低保, 社保卡, nor 今年有什么政策?).

    Too little content: one word (jieba's, on folded text), no word that asks, and the word among the commonest of
    general Chinese (surprisal in jieba's counts under VAGUE_WEIGHT above that of function words), or a bare number.
    """
    from retrieval.evidence import QUESTION_MARKERS, background_weight, is_cjk
    from retrieval.text import JIEBA_PREFIX, fold_script, jieba_words

    folded = fold_script(_bare(text))
    words = [w[len(JIEBA_PREFIX) :] for w in jieba_words(folded)]
    words += [t.text for t in iter_tokens(folded) if t.kind in ("word", "num")]
    if any(w in QUESTION_WORDS or any(m in w for m in QUESTION_MARKERS) for w in words):
        return False
    fillers = {phrase for phrase, kind in _phrases() if kind is None}
    content = [w for w in words if w not in fillers]
    if len(content) != 1:
        return False
    word = content[0]
    return word.isdigit() or (is_cjk(word) and background_weight(word) < VAGUE_WEIGHT)


def _keyboard_run(word: str) -> int:
    """The longest run of neighbouring keys typed in order along one keyboard row (either direction)."""
    best = run = 1
    for a, b in zip(word, word[1:], strict=False):
        row = next((r for r in _KEYBOARD_ROWS if a in r and b in r), None)
        run = run + 1 if row and abs(row.index(a) - row.index(b)) == 1 else 1
        best = max(best, run)
    return best


def is_gibberish(text: str, known: Callable[[str], bool]) -> bool:
    """True for keyboard mashing: Latin-only text whose words the corpus lacks and that look like no language.

    A word looks like no language when it runs along a keyboard row, repeats a letter four times, or has
    no vowel in six letters or more. Any common English question word makes the text a question.
    """
    words = [t.text for t in iter_tokens(_bare(text)) if t.kind == "word"]
    if not words or any(t.kind in ("uni", "bi") for t in iter_tokens(_bare(text))):
        return False
    if any(w in QUESTION_WORDS or known(w) for w in words):
        return False
    return all(_keyboard_run(w) >= 4 or re.search(r"(.)\1{3}", w) or (len(w) >= 6 and not re.search(r"[aeiouy]", w)) for w in words)


def dense_confidence(z: float) -> float:
    """Probability that a passage answers, from how far its similarity stands out (search._standard_scores).

    Measured with all-MiniLM-L6-v2 on the English test set (40 passages): the passages that answer stood
    2.6 to 5.4 standard deviations above the question's other candidates, the best passage for a question
    the set cannot answer 1.9 to 3.4; the midpoint is put at 3.4. No other model was available to measure.
    """
    return 1.0 / (1.0 + math.exp(-DENSE_Z_SLOPE * (z - DENSE_Z_MIDPOINT)))


def confidence(share: float, sentence_share: float) -> float:
    """Calibrated probability that a passage with this coverage answers the question."""
    z = B0 + B_SHARE * share + B_SENTENCE * sentence_share
    return 1.0 / (1.0 + math.exp(-z))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-min(max(z, -60.0), 60.0)))


@dataclass(frozen=True)
class Logistic:
    """A logistic function of standardised signals, as benchmarks/calibrate_real.py fits it.

    A term is a signal's name or two names joined by ``*`` (their product). Evaluated with plain Python: the fit
    needs numpy, a search needs nothing.
    """

    terms: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def __post_init__(self) -> None:
        sizes = {len(self.terms), len(self.mean), len(self.scale), len(self.coef)}
        if len(sizes) != 1:
            raise ValueError(f"decline model: terms, mean, scale and coef differ in length ({sorted(sizes)})")
        unknown = [name for term in self.terms for name in term.split("*") if name not in NAMES]
        if unknown:
            raise ValueError(f"decline model: unknown signals {unknown} (known: {', '.join(NAMES)})")
        if any(s <= 0 for s in self.scale):
            raise ValueError("decline model: the scales must be positive")

    @classmethod
    def from_dict(cls, raw: dict) -> Logistic:  # type: ignore[type-arg]
        return cls(terms=tuple(raw["terms"]), mean=tuple(raw["mean"]), scale=tuple(raw["scale"]), coef=tuple(raw["coef"]),
                   intercept=float(raw["intercept"]))

    def to_dict(self) -> dict:  # type: ignore[type-arg]
        return {"terms": list(self.terms), "mean": list(self.mean), "scale": list(self.scale), "coef": list(self.coef),
                "intercept": self.intercept}

    def probability(self, signals: Signals) -> float:
        """The probability on these signals; a term whose signal was not measured (None) counts at its mean."""
        z = self.intercept
        for term, mean, scale, coef in zip(self.terms, self.mean, self.scale, self.coef, strict=True):
            value = term_value(signals, term)
            if value is not None:
                z += coef * (value - mean) / scale
        return _sigmoid(z)


@dataclass(frozen=True)
class DeclineModel:
    """The fitted decline: two logistic functions of the first passage's signals, and an operating point on each.

    ``answers``: the probability that the corpus answers the question at all (fitted on questions the corpus answers,
    whether or not the ranking put the right passage first, against questions it does not answer). Below ``low``
    the question is declined. ``right``: the probability that the first passage is the answer, for a question the
    corpus answers (fitted on answerable questions only). At or above ``high`` the answer is confident; below it,
    the passages are quoted under a hedge. Two questions, two models: an answerable question whose right passage
    is second is not a question to decline, and a question about another city is not one to hedge.
    """

    answers: Logistic
    right: Logistic
    low: float  # answers-probability below which the question is declined
    high: float  # right-probability at or above which the answer is confident
    about: str = ""

    def __post_init__(self) -> None:
        if not (0.0 <= self.low <= 1.0 and 0.0 <= self.high <= 1.0):
            raise ValueError(f"decline model: the operating points must lie in [0, 1] (low {self.low}, high {self.high})")

    @classmethod
    def from_dict(cls, raw: dict) -> DeclineModel:  # type: ignore[type-arg]
        return cls(answers=Logistic.from_dict(raw["answers"]), right=Logistic.from_dict(raw["right"]), low=float(raw["low"]),
                   high=float(raw["high"]), about=raw.get("about", ""))

    def to_dict(self) -> dict:  # type: ignore[type-arg]
        return {"about": self.about, "low": self.low, "high": self.high, "answers": self.answers.to_dict(), "right": self.right.to_dict()}

    def outcome(self, answers: float, right: float) -> Confidence | None:
        """HIGH (quote), LOW (quote under a hedge) or None (decline), from the two probabilities."""
        if answers < self.low:
            return None
        return Confidence.HIGH if right >= self.high else Confidence.LOW


def term_value(signals: Signals, term: str) -> float | None:
    """A model term's value: a signal, or the product of the signals joined by ``*``; None where one is not measured."""
    value = 1.0
    for name in term.split("*"):
        signal = getattr(signals, name)
        if signal is None:
            return None
        value *= signal
    return value


@lru_cache(maxsize=1)
def default_model() -> DeclineModel:
    """The shipped decline (retrieval/data/decline.json)."""
    raw = json.loads(resources.files("retrieval").joinpath("data/decline.json").read_text(encoding="utf-8"))
    return DeclineModel.from_dict(raw)
