"""The numbers and bullets Word draws in front of list paragraphs, written out as text.

Word does not store "1." or "（一）" in a numbered paragraph: the paragraph names a list (numId) and a level
(ilvl), and numbering.xml says how that level counts (numFmt), what it looks like (lvlText, e.g. "（%1）") and
where it starts. A reader that takes only the paragraph's text loses the marker, and with it the sign that the
paragraph is a list item. ECMA-376 part 1, 17.9 (numbering) and 17.18.59 (ST_NumberFormat) are the reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAX_LEVELS = 9
_VAL = f"{{{W}}}val"
_PLACEHOLDER = re.compile(r"%([1-9])")
_DIGITS = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


@cache
def w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag: w('p') → '{http://...main}p'."""
    return f"{{{W}}}{tag}"


def val(element: Any, tag: str) -> str | None:
    """The w:val attribute of `element`'s child `tag`, or None when there is no such child."""
    child = element.find(w(tag)) if element is not None else None
    return None if child is None else child.get(_VAL)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _chinese(n: int, digits: str = _DIGITS, units: tuple[str, ...] = ("", "十", "百", "千")) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五; 10,000 and more are written digit by digit."""
    if n <= 0 or n >= 10000:
        return "".join(digits[int(d)] for d in str(max(n, 0)))
    parts, zero = [], False
    for power in range(3, -1, -1):
        d = (n // 10**power) % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append(digits[0])
            zero = False
        parts.append(digits[d] + units[power])
    text = "".join(parts)
    return text[1:] if units[1] == "十" and text.startswith("一十") else text


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"),
                           (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letter(n: int) -> str:
    # Word repeats the letter past Z: 27 → AA, 28 → BB.
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """`n` in one of Word's number formats; a format this module does not know is written in decimal."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand",
               "ideographLegalTraditional"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _LEGAL_DIGITS, ("", "拾", "佰", "仟"))
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _HEAVENLY_STEMS[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return _EARTHLY_BRANCHES[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letter(n)
    if fmt == "lowerLetter":
        return _letter(n).lower()
    if fmt == "none":
        return ""
    return str(n)


def bullet_text(symbol: str) -> str:
    """A bullet as it reads: symbol-font characters (private use area, e.g. Wingdings U+F06C) become '•'."""
    symbol = symbol.strip()
    if not symbol or any(0xE000 <= ord(ch) <= 0xF8FF for ch in symbol):
        return "•"
    return symbol


@dataclass(frozen=True)
class Level:
    """One level of a list definition."""

    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    legal: bool = False  # isLgl: every placeholder in decimal (1.1.1 under a 第一章 level)
    style: str | None = None  # the paragraph style this level is tied to


def _levels(parent: Any) -> dict[int, Level]:
    levels = {}
    for lvl in parent.findall(w("lvl")):
        ilvl = _int(lvl.get(w("ilvl")), 0)
        text_el = lvl.find(w("lvlText"))
        levels[ilvl] = Level(
            fmt=val(lvl, "numFmt") or "decimal",
            text=(text_el.get(w("val")) or "") if text_el is not None else "",
            start=_int(val(lvl, "start"), 1),  # Word always writes it; 1 is what a list without it shows
            legal=lvl.find(w("isLgl")) is not None and val(lvl, "isLgl") not in ("0", "false"),
            style=val(lvl, "pStyle"),
        )
    return levels


@dataclass
class Numbering:
    """The list definitions of one document and the counters as its paragraphs are read in order."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # abstractNumId → style holding the real list (numStyleLink)
    nums: dict[str, str] = field(default_factory=dict)  # numId → abstractNumId
    overrides: dict[str, dict[int, Level]] = field(default_factory=dict)  # numId → levels it redefines
    restarts: dict[str, dict[int, int]] = field(default_factory=dict)  # numId → level → startOverride
    style_num: dict[str, str] = field(default_factory=dict)  # styleId → numId (filled by the reader from styles.xml)
    _counts: dict[str, list[int | None]] = field(default_factory=dict)
    _restarted: set[str] = field(default_factory=set)

    @classmethod
    def from_xml(cls, root: Any) -> Numbering:
        """Read numbering.xml's root element (None: a document without lists)."""
        numbering = cls()
        if root is None:
            return numbering
        for abstract in root.findall(w("abstractNum")):
            key = abstract.get(w("abstractNumId")) or ""
            numbering.abstract[key] = _levels(abstract)
            link = val(abstract, "numStyleLink")
            if link:
                numbering.style_links[key] = link
        for num in root.findall(w("num")):
            num_id = num.get(w("numId")) or ""
            numbering.nums[num_id] = val(num, "abstractNumId") or ""
            for override in num.findall(w("lvlOverride")):
                ilvl = _int(override.get(w("ilvl")), 0)
                start = val(override, "startOverride")
                if start is not None:
                    numbering.restarts.setdefault(num_id, {})[ilvl] = _int(start, 1)
                if override.find(w("lvl")) is not None:
                    numbering.overrides.setdefault(num_id, {}).update(_levels(override))
        return numbering

    def _abstract_of(self, num_id: str) -> str | None:
        abstract = self.nums.get(num_id)
        seen = set()
        # A list defined through a numbering style points, via that style's numId, at the list that counts.
        while abstract in self.style_links and abstract not in seen:
            seen.add(abstract)
            linked = self.style_num.get(self.style_links[abstract])
            if linked is None or self.nums.get(linked) is None:
                break
            abstract = self.nums[linked]
        return abstract if abstract in self.abstract else None

    def level_for_style(self, num_id: str, style_id: str) -> int:
        """The level tied to a paragraph style in this list (a heading style numbered as level 2), else 0."""
        abstract = self._abstract_of(num_id)
        for ilvl, level in (self.abstract.get(abstract or "") or {}).items():
            if level.style == style_id:
                return ilvl
        return 0

    def label(self, num_id: str, ilvl: int) -> str:
        """The marker for the next paragraph of list `num_id` at level `ilvl`, counting it; '' when none is drawn."""
        abstract = self._abstract_of(num_id)
        if abstract is None or num_id == "0":
            return ""
        levels = {**self.abstract[abstract], **self.overrides.get(num_id, {})}
        ilvl = min(max(ilvl, 0), MAX_LEVELS - 1)
        level = levels.get(ilvl)
        if level is None:
            return ""
        # Lists that share a definition share their counters (Word continues them), unless a list restarts a level.
        counts = self._counts.setdefault(abstract, [None] * MAX_LEVELS)
        if num_id not in self._restarted and num_id in self.restarts:
            self._restarted.add(num_id)
            for restart_level, start in self.restarts[num_id].items():
                if 0 <= restart_level < MAX_LEVELS:
                    counts[restart_level] = start - 1
                    for deeper in range(restart_level + 1, MAX_LEVELS):
                        counts[deeper] = None
        current = counts[ilvl]
        counts[ilvl] = (level.start if current is None else current + 1)
        for deeper in range(ilvl + 1, MAX_LEVELS):
            counts[deeper] = None
        if level.fmt == "bullet":
            return bullet_text(level.text)

        def number(m: re.Match[str]) -> str:
            at = int(m.group(1)) - 1
            lvl = levels.get(at, Level())
            n = counts[at] if counts[at] is not None else lvl.start
            return format_number(n or 0, "decimal" if level.legal and lvl.fmt != "none" else lvl.fmt)

        return _PLACEHOLDER.sub(number, level.text).strip()
