"""Cut a long paragraph into pieces at sentence ends, so that a quote fits a phone screen.

The pieces concatenate back to the paragraph exactly: nothing is dropped or added, whitespace included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# About a phone screen of Chinese text, and under the 512 tokens of the usual sentence encoders.
DEFAULT_MAX_CHARS = 400

_CLOSERS = "”’」』\"')）】》"
# A sentence ends at 。！？；!?; (runs of them), or at a '.' that is not inside a number (3.0),
# together with any closing quotes or brackets and the whitespace after it.
_SENTENCE_END = re.compile(rf"(?:[。！？；!?;…]+|\.(?!\d))[{re.escape(_CLOSERS)}]*\s*")
_CLAUSE_END = re.compile(rf"[，,、：:]+[{re.escape(_CLOSERS)}]*\s*")
_SPACE = re.compile(r"\s+")


def _cut_after(pattern: re.Pattern[str], text: str) -> list[str]:
    """Cut `text` after every match of `pattern`; the pieces concatenate back to `text`."""
    pieces, start = [], 0
    for m in pattern.finditer(text):
        if m.end() > start:
            pieces.append(text[start : m.end()])
            start = m.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _hard_cut(text: str, max_chars: int) -> list[str]:
    """Cut a run with no sentence or clause end: at the last space before the limit, else at the limit."""
    pieces = []
    while len(text) > max_chars:
        spaces = [m.end() for m in _SPACE.finditer(text, 1, max_chars)]
        cut = spaces[-1] if spaces else max_chars
        pieces.append(text[:cut])
        text = text[cut:]
    return pieces + ([text] if text else [])


def _pack(units: list[str], max_chars: int) -> list[str]:
    """Join consecutive units greedily into pieces of at most max_chars."""
    pieces: list[str] = []
    for unit in units:
        if pieces and len(pieces[-1]) + len(unit) <= max_chars:
            pieces[-1] += unit
        else:
            pieces.append(unit)
    return pieces


def split_paragraph(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Cut `text` into pieces of at most `max_chars`, at sentence ends where possible.

    A sentence longer than the limit is cut at clause ends (，、：), and a clause longer than that at a space or
    at the limit itself. A paragraph within the limit comes back as one piece; an empty one as no pieces.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    if len(text) <= max_chars:
        return [text] if text else []
    units: list[str] = []
    for sentence in _cut_after(_SENTENCE_END, text):
        if len(sentence) <= max_chars:
            units.append(sentence)
            continue
        for clause in _cut_after(_CLAUSE_END, sentence):
            units.extend([clause] if len(clause) <= max_chars else _hard_cut(clause, max_chars))
    return _pack(units, max_chars)


CARRY_CHARS = 100  # a lead-in or question longer than this is carried by its first sentence


@dataclass(frozen=True)
class Piece:
    """One piece of a paragraph: the context it carries (lead-in, question, article number) and its own text.

    `body` is an exact slice of the paragraph's text: the bodies of all pieces concatenate back to it.
    """

    carry: tuple[str, ...]
    body: str

    @property
    def text(self) -> str:
        """What is quoted: the carried context, each on its own line, then the piece itself."""
        return "\n".join([*self.carry, self.body.strip()])


def _carried(text: str) -> str:
    """A lead-in as a later piece carries it: whole when short, else its first sentence, else cut with ……."""
    if len(text) <= CARRY_CHARS:
        return text
    first = _cut_after(_SENTENCE_END, text)[0].strip()
    return first if len(first) <= CARRY_CHARS else text[: CARRY_CHARS - 2] + "……"


def _chain(parents: Sequence[int | None], index: int) -> list[int]:
    """The parts `index` hangs under, outermost first."""
    chain: list[int] = []
    at = parents[index]
    while at is not None and at not in chain:
        chain.append(at)
        at = parents[at]
    return chain[::-1]


def split_block(
    parts: Sequence[tuple[str, int | None]], max_chars: int = DEFAULT_MAX_CHARS, label: str | None = None
) -> list[Piece]:
    """Cut a paragraph made of parts (lines) into pieces of at most `max_chars`, each carrying its context.

    Each part is (text, index of the part it hangs under or None); the paragraph's text is the parts joined by
    newlines. Pieces end at part boundaries where they can, at sentence ends inside a part that is too long.
    A piece that does not hold the lead-in (or question) its parts hang under repeats it first; a piece of an
    article (`label`, 第十二条) that does not hold the article's opening starts with the article number.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    texts = [text for text, _ in parts]
    parents = [parent for _, parent in parts]
    whole = "\n".join(texts)
    if len(whole) <= max_chars:
        return [Piece((), whole)] if whole.strip() else []

    def carry_of(index: int, first_chunk: bool) -> tuple[str, ...]:
        lines = [_carried(texts[i]) for i in _chain(parents, index)]
        if label and not (index == 0 and first_chunk) and not any(line.startswith(label) for line in lines):
            lines.insert(0, label + "……")
        while lines and sum(len(line) + 1 for line in lines) > max_chars // 2:
            del lines[0]  # the nearest context matters most
        return tuple(lines)

    # Chunks: (part index, start, end) slices of `whole`; the newline after a part belongs to its last chunk.
    chunks: list[tuple[int, int, int, bool]] = []
    start = 0
    for index, text in enumerate(texts):
        room = max(1, max_chars - sum(len(line) + 1 for line in carry_of(index, False)))
        offset = start
        for n, sub in enumerate(split_paragraph(text, room) or [""]):
            chunks.append((index, offset, offset + len(sub), n == 0))
            offset += len(sub)
        end = offset + (1 if index + 1 < len(texts) else 0)
        last_index, last_start, _, last_first = chunks[-1]
        chunks[-1] = (last_index, last_start, end, last_first)
        start = end

    pieces: list[Piece] = []
    carry: tuple[str, ...] = ()
    held: list[tuple[int, int, int, bool]] = []  # the chunks of the piece being filled
    for chunk in chunks:
        index, _, end, _ = chunk
        if held:
            candidate = whole[held[0][1] : end].strip()
            if len("\n".join([*carry, candidate])) <= max_chars:
                held.append(chunk)
                continue
            # Lead-ins at the end of the full piece belong with the items that follow: they open the next piece.
            chain = set(_chain(parents, index))
            keep = len(held)
            while keep > 1 and held[keep - 1][0] in chain and held[keep - 1][3]:
                keep -= 1
            moved = held[keep:]
            if moved:
                opening = "\n".join([*carry_of(moved[0][0], True), whole[moved[0][1] : end].strip()])
                if len(opening) > max_chars:
                    keep = len(held)
            pieces.append(Piece(carry, whole[held[0][1] : held[keep - 1][2]]))
            held = held[keep:]
        if not held:
            carry = carry_of(index, chunk[3])
        else:
            carry = carry_of(held[0][0], held[0][3])
        held.append(chunk)
    if held:
        pieces.append(Piece(carry, whole[held[0][1] : held[-1][2]]))
    return [piece for piece in pieces if piece.body.strip()]
