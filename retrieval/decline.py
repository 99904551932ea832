"""When not to quote: questions that are empty, greetings, gibberish or too long, and evidence too thin to answer.

The first four are decided from the question alone (``screen``). The last from the evidence of the best
passage (``confidence``): a logistic function of how much of the question's content the passage covers and
how much its best sentence covers, fitted on answerable questions (DRCD and CMRC questions against pools that
hold their paragraph) and unanswerable ones (the same questions against the other pool only). The fit and
the resulting error rates are in retrieval/README.md ("Declining"); ``python -m benchmarks.calibrate`` redoes it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.model import DeclineReason
from retrieval.text import QUESTION_WORDS, fold_width_case, iter_tokens

# Fitted by benchmarks.calibrate (see the module docstring); confidence = sigmoid(B0 + B_SHARE*share + B_SENT*sentence_share).
B0, B_SHARE, B_SENTENCE = -5.571, 6.101, 4.141
ANSWER_THRESHOLD = 0.5  # below this confidence the best passage does not answer
DENSE_Z_MIDPOINT, DENSE_Z_SLOPE = 3.4, 3.0  # see dense_confidence


@dataclass(frozen=True)
class Screened:
    """A question after the checks that need no index."""

    text: str  # control characters removed, spaces collapsed
    decline: DeclineReason | None
    detail: str = ""


_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# Greetings, thanks and small talk, folded (simplified, lower case). A question made only of these and of
# particles is small talk, not a question about the corpus.
GREETINGS = frozenset(
    "你好 您好 你们好 大家好 哈喽 嗨 早 早上好 早安 上午好 中午好 下午好 晚上好 晚安 在吗 在不在 有人吗 谢谢 多谢 感谢 谢了 "
    "辛苦了 再见 拜拜 好的 好 嗯 哦 ok okay 没事 没问题 你是谁 你叫什么 你叫什么名字 你是机器人吗 你会什么 你能做什么 测试 "
    "hi hello hey hiya yo thanks thank you thx cheers bye goodbye good morning afternoon evening night how are you "
    "what's up whats up sup who are you test ping".split()
)
_FILLERS = frozenset("啊 呀 呢 吧 嘛 哦 喔 哈 啦 哟 呐 的 了 你 您 我 们 很 非常 there everyone all bot so much very guys".split())
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")


def screen(question: str, max_chars: int, known: Callable[[str], bool]) -> Screened:
    """Decide what can be decided without searching: empty, too long, greeting, gibberish."""
    text = " ".join(_CONTROL.sub(" ", question).split())
    if len(text) > max_chars:
        return Screened(text[:max_chars], DeclineReason.TOO_LONG, f"question of {len(text)} characters (limit {max_chars})")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return Screened(text, DeclineReason.EMPTY, "no letters or digits in the question")
    if is_greeting(text):
        return Screened(text, DeclineReason.GREETING, "greeting or small talk")
    if is_gibberish(text, known):
        return Screened(text, DeclineReason.GIBBERISH, "no recognisable words")
    return Screened(text, None)


def _bare(text: str) -> str:
    """Lower-case letters and digits only, with single spaces between Latin words."""
    kept = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in fold_width_case(text))
    return " ".join(kept.split())


def is_greeting(text: str) -> bool:
    """True when the text is only greetings, thanks or small talk (in Chinese or English)."""
    from retrieval.text import fold_script

    rest = " " + fold_script(_bare(text)) + " "
    found = False
    for phrase in sorted(GREETINGS | _FILLERS, key=len, reverse=True):
        latin = phrase.isascii()
        pattern = f" {phrase} " if latin else phrase
        while pattern in rest:
            rest = rest.replace(pattern, " ", 1)
            found = found or phrase in GREETINGS
    return found and not rest.strip()


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
