"""Find damage that repair could not undo, so that it is reported rather than hidden.

The signs, each seen in real scraped text: a '?' standing for a character a converter could not encode
(那?社會, 解難?!蹦z州), a stray Latin letter inside Chinese (蹦z州), U+FFFD and private-use characters
(bytes lost in decoding), GBK readings of UTF-8 text (銆?, 锟斤拷: lossy, so not repairable), and
Latin-1 mojibake that ftfy judges bad but could not fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ftfy.badness import is_bad

from corpus.pinyin import HAN

_QUESTION_PARTICLES = "嗎吗呢嘛吧麼么"
_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("replacement character U+FFFD (bytes lost in decoding)", re.compile("\ufffd+")),
    ("private-use character (undecodable glyph)", re.compile("[\ue000-\uf8ff]+")),
    # A '?' between Chinese characters, perhaps with ASCII symbols after it; not after a question particle.
    ("lost character ('?' inside Chinese text)", re.compile(rf"(?<=[{HAN}])(?<![{_QUESTION_PARTICLES}])\?[!\"#$%&'*+<=>@^_`|~]*(?=[{HAN}])")),
    ("stray Latin letter inside Chinese text", re.compile(rf"(?<=[{HAN}])[a-z](?=[{HAN}])")),
    # GBK's reading of UTF-8 punctuation (銆 for 。, 鈥 for “, 锛 for ，) and of U+FFFD itself (锟斤拷).
    ("UTF-8 read as GBK (not recoverable)", re.compile("锟斤拷|[銆鈥锛][^\\s]?")),
)
_MERGE_GAP = 4  # signs this close together are one damaged spot


@dataclass(frozen=True)
class Damage:
    """One damaged spot in a line: 0-based start and end, and what it looks like."""

    start: int
    end: int
    kind: str


def find_damage(line: str) -> list[Damage]:
    """The damaged spots of a repaired line, nearby signs merged into one spot."""
    found = sorted((m.start(), m.end(), kind) for kind, pattern in _SIGNS for m in pattern.finditer(line))
    spots: list[Damage] = []
    for start, end, kind in found:
        if spots and start - spots[-1].end <= _MERGE_GAP:
            last = spots[-1]
            spots[-1] = Damage(last.start, max(last.end, end), last.kind)
        else:
            spots.append(Damage(start, end, kind))
    if not spots and is_bad(line):
        spots.append(Damage(0, len(line), "mojibake that ftfy could not repair"))
    return spots


def snippet(line: str, spot: Damage, context: int = 6) -> str:
    """A few characters either side of a spot, for the report."""
    return line[max(0, spot.start - context) : spot.end + context]
