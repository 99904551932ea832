"""Repair one line of text: mojibake (ftfy, then short runs of it in Chinese), radical look-alikes, full-width
letters, whitespace, pinyin.

Pure functions. Lines are repaired one at a time so that a reported spot keeps its line number; a text is
split into lines by `split_lines` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ftfy

from corpus.pinyin import HAN, remove_pinyin

# ftfy's defaults would turn Chinese punctuation into ASCII (fix_character_width maps ，to ,) and “” into "":
# both change the text the bot quotes, so they are off. Width is handled below, letters and digits only.
FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, fix_line_breaks=False, explain=False)

# Line breaks, but not U+0085: that byte is part of many UTF-8 sequences read as Latin-1, which ftfy must see whole.
_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")
_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_SPACES = re.compile(r"[^\S\r\n]+")  # any run of whitespace within a line, NBSP and U+3000 included
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_MAX_ROUNDS = 4

# What UTF-8 bytes 0x80-0xFF look like when read as Windows-1252 (or as Latin-1, which Windows uses for the
# five bytes cp1252 leaves undefined). ftfy leaves short runs of them alone inside good text (1786å¹´), so
# they are decoded back here, one UTF-8 sequence at a time, keeping only what decodes to Chinese.
_HIGH_TO_BYTE: dict[str, bytes] = {bytes([b]).decode("latin-1"): bytes([b]) for b in range(0x80, 0x100)}
_HIGH_TO_BYTE |= {bytes([b]).decode("cp1252"): bytes([b]) for b in range(0x80, 0x100) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_HIGH_RUN = re.compile(f"[{re.escape(''.join(_HIGH_TO_BYTE))}]{{2,}}")
_UTF8_SEQUENCE = re.compile(rb"[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}|[\xc2-\xdf][\x80-\xbf]")
_CJK_ONLY = re.compile(f"[{HAN}\u2010-\u206f\u3000-\u303f\uff00-\uffef]+")


@cache
def radical_table() -> dict[int, str]:
    """Kangxi radicals and CJK radical-supplement look-alikes → the unified ideographs they stand for (⻋ → 车).

    From Unicode's own data (EquivalentUnifiedIdeograph.txt, and NFKC for the Kangxi block), shipped as
    corpus/data/radicals.tsv. PDFs made with some fonts map their glyphs to these code points, so 机动⻋ would
    never match 机动车.
    """
    table: dict[int, str] = {}
    text = resources.files("corpus").joinpath("data/radicals.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            radical, ideograph = line.split("\t")[:2]
            table[int(radical, 16)] = chr(int(ideograph, 16))
    return table


@cache
def _radical_pattern() -> re.Pattern[str]:
    return re.compile("[" + "".join(chr(code) for code in sorted(radical_table())) + "]")


def map_radicals(text: str) -> tuple[str, int]:
    """Radical look-alikes (⼈⾏⻋) as the ideographs they stand for (人行车), and how many were mapped."""
    count = len(_radical_pattern().findall(text))
    if not count:
        return text, 0
    return text.translate(radical_table()), count


@dataclass(frozen=True)
class RepairedLine:
    """A repaired line and what was done to it."""

    text: str
    pinyin_removed: int = 0
    ftfy_fixed: bool = False
    cjk_mojibake_fixed: bool = False
    width_fixes: int = 0
    radicals_mapped: int = 0


def split_lines(text: str) -> list[str]:
    """Split text into lines at any line break (CRLF, CR, LF, U+2028, U+2029)."""
    return _LINE_BREAK.split(text)


def narrow_alnum(text: str) -> tuple[str, int]:
    """Full-width Latin letters and digits (ＡＢＣ１２３) to ASCII; full-width punctuation (，。（）) is kept."""
    count = len(_FULLWIDTH_ALNUM.findall(text))
    if not count:
        return text, 0
    return _FULLWIDTH_ALNUM.sub(lambda m: chr(ord(m.group(0)) - 0xFEE0), text), count


def _one_space(m: re.Match[str]) -> str:
    # A lone ideographic space (U+3000) often separates on purpose in Chinese; any other run is one space.
    return m.group(0) if m.group(0) == "\u3000" else " "


def normalise_whitespace(line: str) -> str:
    """Drop invisible characters, make every run of spaces one space, strip both ends."""
    return _SPACES.sub(_one_space, _INVISIBLE.sub("", line)).strip()


def _decode_run(m: re.Match[str]) -> str:
    run = m.group(0)
    raw = b"".join(_HIGH_TO_BYTE[ch] for ch in run)  # one byte per character, so offsets agree
    out, last = [], 0
    for seq in _UTF8_SEQUENCE.finditer(raw):
        decoded = seq.group(0).decode("utf-8", errors="replace")  # well-shaped is not always valid
        if _CJK_ONLY.fullmatch(decoded):
            out += [run[last : seq.start()], decoded]
            last = seq.end()
    return "".join(out) + run[last:]


def fix_cjk_mojibake(line: str) -> str:
    """Decode back runs of Windows-1252/Latin-1 characters that are UTF-8 Chinese: 1786å¹´ → 1786年."""
    return _HIGH_RUN.sub(_decode_run, line)


def _repair_once(line: str) -> RepairedLine:
    fixed = ftfy.fix_text(line, config=FTFY_CONFIG)
    ftfy_fixed = fixed != line
    cjk = fix_cjk_mojibake(fixed)
    ideographs, radicals = map_radicals(cjk)
    narrowed, width = narrow_alnum(ideographs)
    spaced = normalise_whitespace(" ".join(split_lines(narrowed)))  # ftfy may decode a line break
    text, pinyin = remove_pinyin(spaced)
    return RepairedLine(
        text, pinyin_removed=pinyin, ftfy_fixed=ftfy_fixed, cjk_mojibake_fixed=cjk != fixed, width_fixes=width, radicals_mapped=radicals
    )


def repair_line(line: str) -> RepairedLine:
    """Repair one line, repeating until nothing changes so that repairing again is a no-op."""
    total = RepairedLine(line)
    for _ in range(_MAX_ROUNDS):
        step = _repair_once(total.text)
        if step.text == total.text:
            break
        total = RepairedLine(
            step.text,
            pinyin_removed=total.pinyin_removed + step.pinyin_removed,
            ftfy_fixed=total.ftfy_fixed or step.ftfy_fixed,
            cjk_mojibake_fixed=total.cjk_mojibake_fixed or step.cjk_mojibake_fixed,
            width_fixes=total.width_fixes + step.width_fixes,
            radicals_mapped=total.radicals_mapped + step.radicals_mapped,
        )
    return total


def repair_text(text: str) -> str:
    """Repair every line of a text (a convenience for tests and callers with whole texts)."""
    return "\n".join(repair_line(line).text for line in split_lines(text))
