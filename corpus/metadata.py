"""Read metadata out of article text: dates, the source line, bylines, titles and section headings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from corpus.pinyin import HAN

_DATE = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:：時时点點]\s*(\d{2})(?:\s*[:：分]\s*(\d{2}))?)?"
)
_DATELINE_WORDS = re.compile(r"来源|來源|发布|發布|时间|時間|日期|作者|编辑|編輯|稿源|published|updated|date", re.IGNORECASE)
_SOURCE = re.compile(r"(?:来源|來源|稿源|出处|出處|source)\s*[:：]\s*([^\s|｜,，;；]+)", re.IGNORECASE)
_BYLINE_WORDS = r"记者|記者|通讯员|通訊員|报道|報道|报导|報導|编辑|編輯|摄影|攝影|撰稿|撰文|作者|特约|特約"
_BYLINE_PARENS = re.compile(rf"^[(（]([^()（）]*(?:{_BYLINE_WORDS})[^()（）]*)[)）]$")
_BYLINE_PLAIN = re.compile(
    rf"^(?:(?:本报|本報|本台|本臺|本刊|新华社|新華社)?(?:特约记者|特約記者|记者|記者|通讯员|通訊員)\s*[{HAN}·]{{2,4}}"
    r"|作者\s*[:：]|(?:文|撰文|文字|文/图|文/圖)\s*[/／|｜:：]|by\s+[A-Z])"
)
_BYLINE_LABEL = re.compile(r"^作者\s*[:：]\s*")
# What ends a sentence or clause; closing quotes and brackets after it do not count.
_FINAL_PUNCT = "。！？!?；;.…:：,，、"
_CLOSERS = "”’」』\"'）)】]》〉"
_SENTENCE_END = "。！？!?；;…"
_HAS_HAN = re.compile(f"[{HAN}]")

MAX_HEADING_CHARS = 40  # Chinese; a Latin-script heading may be twice as long
MAX_TITLE_CHARS = 100


@dataclass(frozen=True)
class FoundDate:
    """A date read from text: ISO date, and ISO date-time when a time was given."""

    date: str
    datetime: str | None = None


def parse_date(text: str) -> FoundDate | None:
    """The first valid date in `text` (2023-06-05 17:03, 2023年6月5日, 2023/6/5, ISO with time), or None."""
    for m in _DATE.finditer(text):
        year, month, day, hour, minute, second = m.groups()
        try:
            day_value = dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if hour is None:
            return FoundDate(day_value.isoformat())
        try:
            moment = dt.datetime(day_value.year, day_value.month, day_value.day, int(hour), int(minute), int(second or 0))
        except ValueError:
            return FoundDate(day_value.isoformat())
        return FoundDate(day_value.isoformat(), moment.isoformat(timespec="seconds" if second else "minutes"))
    return None


def ends_with_punctuation(line: str) -> bool:
    """True when the line ends with sentence or clause punctuation (closing quotes after it ignored)."""
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _FINAL_PUNCT


def ends_sentence(line: str) -> bool:
    """True when the line ends a sentence: 。！？; ... possibly followed by closing quotes."""
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and (stripped[-1] in _SENTENCE_END or (stripped[-1] == "." and not stripped[-2:-1].isdigit()))


def _short(line: str, chinese_limit: int) -> bool:
    limit = chinese_limit if _HAS_HAN.search(line) else chinese_limit * 2
    return len(line) <= limit


def looks_like_heading(line: str) -> bool:
    """A short line without final punctuation and without a sentence end inside it."""
    if not _short(line, MAX_HEADING_CHARS) or ends_with_punctuation(line):
        return False
    if any(ch in line for ch in "。！？"):
        return False
    return not (line[0] in "(（" and line[-1] in ")）")  # a parenthesised note, not a heading


def looks_like_title(line: str) -> bool:
    """A line that can be an article's title: not long, not a finished sentence."""
    return _short(line, MAX_TITLE_CHARS) and not ends_sentence(line) and not line.endswith(("，", ",", "、", ":", "："))


def dateline(line: str) -> FoundDate | None:
    """The date of a dateline (2023-06-05 17:03 來源:大眾網), or None when the line is not one."""
    if len(line) > 80 or ends_sentence(line):
        return None
    m = _DATE.search(line)
    if not m:
        return None
    found = parse_date(line)
    if found and (m.start() <= 8 or _DATELINE_WORDS.search(line)):
        return found
    return None


def source_in(line: str) -> str | None:
    """The publisher named by a 來源:/来源: label in the line, or None."""
    m = _SOURCE.search(line)
    if not m:
        return None
    value = m.group(1).strip(_CLOSERS + "。.,，:：")
    return value or None


def byline(line: str) -> str | None:
    """The byline this line carries, (大眾日報客戶端記者 白曉 ...) or 记者 张三, or None."""
    m = _BYLINE_PARENS.match(line)
    if m:
        return m.group(1).strip()
    if len(line) <= 60 and not ends_sentence(line) and _BYLINE_PLAIN.match(line):
        return _BYLINE_LABEL.sub("", line).strip()
    return None


def restore_opening_quote(heading: str) -> str:
    """Put back an opening quotation mark lost before a closing one: 1567”體系 → “1567”體系."""
    for opening, closing in (("“", "”"), ("「", "」"), ("『", "』")):
        first_close = heading.find(closing)
        if first_close > 0 and opening not in heading[:first_close]:
            return opening + heading
    return heading
