"""Which part of a passage to quote, and which of its words to show in bold. Pure functions, no I/O.

A quote is chosen on the original text (which sentence, which terms in bold) and converted to the reader's
script afterwards, run by run, so the bold stays on the right words; `original=True` shows it as published.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.language import Script, chinese_script, to_script
from bot.telegram_text import ELLIPSIS, carriable
from retrieval.model import Answer
from retrieval.text import fold_script

# Sentence ends in Chinese and English text: the boundary falls after the punctuation and any closing quote.
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』）)\"']*\s*|\.[”’\"')]*\s+|\n+")


@dataclass(frozen=True)
class Run:
    """A stretch of a quote, in bold or not."""

    text: str
    bold: bool = False


def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the matched terms occur in text, merged; case-insensitive, and also through script folding."""
    terms = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return []
    spans = occurrences(text, terms)
    # Retrieval compares folded text; should it report folded terms for a traditional passage, find them in the
    # folded passage, whose positions are the original's when folding kept the length.
    folded = fold_script(text)
    if len(folded) == len(text) and folded != text:
        spans += occurrences(folded, _fold_each(terms))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:  # overlapping; adjacent terms stay separate spans
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def occurrences(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """The spans a case-insensitive regular expression of the terms, longest first, finds in text: the leftmost
    occurrence first, the longest term at a place, none overlapping.

    Found with str.find instead: compiled for every quoted passage, that expression made an answer at 100k passages
    take 1.4-2.1 ms to format instead of 0.9-1.5 (benchmarks/RESULTS.md, run 5).
    """
    lowered = text.lower()
    lowered_terms = {t.lower() for t in terms if t}
    if len(lowered) != len(text) or any(len(t.lower()) != len(t) for t in terms):
        # a letter whose lower case is longer ("İ") would shift the positions: let the regular expression match
        pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
        return [m.span() for m in pattern.finditer(text)]
    longest: dict[int, int] = {}  # start -> the end of the longest term there
    for term in lowered_terms:
        start = lowered.find(term)
        while start >= 0:
            longest[start] = max(longest.get(start, 0), start + len(term))
            start = lowered.find(term, start + 1)
    spans: list[tuple[int, int]] = []
    for start in sorted(longest):
        if not spans or start >= spans[-1][1]:
            spans.append((start, longest[start]))
    return spans


def _fold_each(terms: Sequence[str]) -> list[str]:
    """fold_script of each term, in one call of the converter (a line break ends every phrase it converts)."""
    if not any("\n" in t for t in terms):
        folded = fold_script("\n".join(terms)).split("\n")
        if len(folded) == len(terms):
            return folded
    return [fold_script(t) for t in terms]


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _excerpt_bounds(text: str, spans: list[tuple[int, int]], limit: int) -> tuple[int, int]:
    """The stretch of text to quote: all of it when short, else its best sentence and neighbours up to limit."""
    if len(text) <= limit:
        return 0, len(text)
    sentences = _sentences(text)
    # Score each sentence by the distinct terms inside it, then by the bold characters (one pass over the spans).
    starts = [a for a, _ in sentences]
    found: list[set[str]] = [set() for _ in sentences]
    weight = [0] * len(sentences)
    for a, b in spans:
        i = bisect_right(starts, a) - 1
        if b <= sentences[i][1]:
            found[i].add(text[a:b].lower())
            weight[i] += b - a
    best = max(range(len(sentences)), key=lambda i: (len(found[i]), weight[i], -i))
    start, end = sentences[best]
    if end - start > limit:
        return _window(text, spans, start, end, limit)
    before, after = best - 1, best + 1
    while True:  # grow by whole sentences, after first (the sentence that follows usually completes the thought)
        grew = False
        if after < len(sentences) and sentences[after][1] - start <= limit:
            end, after, grew = sentences[after][1], after + 1, True
        if before >= 0 and end - sentences[before][0] <= limit:
            start, before, grew = sentences[before][0], before - 1, True
        if not grew:
            return start, end


def _window(text: str, spans: list[tuple[int, int]], start: int, end: int, limit: int) -> tuple[int, int]:
    """A window of one over-long sentence, around its first matched term; never cutting a term or a word."""
    first = next((a for a, b in spans if a >= start and b <= end), start)
    lo = max(start, min(first - limit // 3, end - limit))
    hi = min(end, lo + limit)
    for a, b in spans:  # a bold term is kept whole or left out (unless it is itself too long to quote)
        if b - a > limit // 2:
            continue
        if a < hi < b:
            hi = a if a > lo else min(b, end)
        if a < lo < b:
            lo = a
    lo, hi = _word_edge(text, lo, forward=True), _word_edge(text, hi, forward=False)
    return (lo, hi) if hi > lo else (start, min(end, start + limit))


def _word_edge(text: str, pos: int, *, forward: bool) -> int:
    """Move a cut off the middle of a Latin word (a few characters at most)."""
    if 0 < pos < len(text) and text[pos - 1].isascii() and text[pos - 1].isalnum() and text[pos].isascii() and text[pos].isalnum():
        step = 1 if forward else -1
        for moved in range(1, 20):
            p = pos + step * moved
            if not 0 < p < len(text):
                break
            if text[p - 1].isspace() or text[p].isspace():
                return p
    return pos


@dataclass(frozen=True)
class Quotable:
    """A passage text made ready once: cleaned, its bold spans found, the script to show it in decided."""

    text: str
    spans: tuple[tuple[int, int], ...]
    target: Script | None  # None: shown as published

    @classmethod
    def of(cls, text: str, terms: Sequence[str], script: Script, original: bool) -> Quotable:
        text = carriable(text).strip()
        return cls(text, tuple(term_spans(text, terms)), display_target(script, text, original))

    def runs(self, limit: int | None) -> tuple[Run, ...]:
        """The excerpt as bold/plain runs, trimmed with … and converted to the target script run by run."""
        text, spans = self.text, list(self.spans)
        start, end = _excerpt_bounds(text, spans, limit) if limit else (0, len(text))
        runs: list[Run] = []
        pos = start
        for a, b in spans:
            a, b = max(a, start), min(b, end)
            if b <= a:
                continue
            if a > pos:
                runs.append(Run(text[pos:a]))
            if runs and runs[-1].bold and a == pos:  # neighbouring terms read as one bold stretch
                runs[-1] = Run(runs[-1].text + text[a:b], bold=True)
            else:
                runs.append(Run(text[a:b], bold=True))
            pos = b
        if pos < end:
            runs.append(Run(text[pos:end]))
        if self.target is not None:
            runs = [Run(to_script(run.text, self.target), run.bold) for run in runs]
        if start > 0:
            runs.insert(0, Run(ELLIPSIS))
        if end < len(text):
            runs.append(Run(ELLIPSIS))
        return tuple(runs) or (Run(ELLIPSIS),)


def display_target(script: Script, text: str, original: bool) -> Script | None:
    """The script to convert a passage to, or None when it is shown as published (already so, or English)."""
    if original or script is Script.ENGLISH:
        return None
    found = chinese_script(text)
    return script if found is not None and found is not script else None


def is_converted(answer: Answer, script: Script) -> bool:
    """Whether a reply in this script shows some passage converted (so an "original text" button is worth offering)."""
    return answer.answered and any(display_target(script, hit.passage.text, False) is not None for hit in answer.hits)

