"""Numbers written the other way: Chinese numerals in a question ↔ digits in the documents, and back.

A citizen types 交不满十五年, 两个人住, 一千元; a notice says 满15年, 2人户, 1,000元, and a law says 十五年 where a
question has 15年. The lexical index keeps digit runs and characters as they are written, so the two never meet.
For a count followed by what it counts (a measure word or unit: 年, 个月, 人, 元, 套…), this expander proposes the
other writing with the same unit: 十五年 → 15年, 两个人 → 2人 (个 dropped, as notices write 2人) and 2个人,
15年 → 十五年. Ordinals (第三) and set phrases (一些, 统一, 十分) are not counts and are left alone; a lone 一 is too
(一年, 一个月 are rates, retrieval/data/colloquial.tsv's business). Pure functions; bounded by the question's length.
"""

from __future__ import annotations

import re

from retrieval.expand import Expansion, Vocabulary, frequency

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
MYRIADS = {"万": 10_000, "亿": 100_000_000}
# What a count counts: the characters after a number that make it a quantity (years, months, people, money, times).
MEASURES = "年月天日周岁个次人户套间元万名项倍小分届级层栋本张份座所家"
LARGEST = 10**12  # numbers beyond this are not counts a citizen types
_WRITTEN = "零一二三四五六七八九"  # each digit as a document writes it
_CHINESE = "".join(DIGITS) + "".join(UNITS) + "".join(MYRIADS)
# A Chinese numeral run with its measure, not after 第 (an ordinal) nor inside another numeral or a digit run.
_CHINESE_COUNT = re.compile(rf"(?<![第{_CHINESE}\d])([{_CHINESE}]+)(个)?([{MEASURES}])(?!之)")  # 百分之: a share
SET_PHRASES = ("十分", "万分", "千万", "万万", "百分")  # numerals that are words (very, by all means), not counts
_DIGIT_COUNT = re.compile(rf"(?<![\d.,])(\d{{1,3}})(个)?([{MEASURES}])")


def chinese_value(numeral: str) -> int | None:
    """The value of a Chinese numeral (十五 → 15, 两百 → 200, 一千二百 → 1200, 三万 → 30000, 二〇二五 → 2025),
    or None where the characters do not make one number."""
    if not numeral or any(ch not in DIGITS and ch not in UNITS and ch not in MYRIADS for ch in numeral):
        return None
    if len(numeral) > 2 and all(ch in DIGITS for ch in numeral):  # digit by digit, as years are read: 二〇二五
        return int("".join(str(DIGITS[ch]) for ch in numeral))
    total = section = 0
    digit: int | None = None
    for ch in numeral:
        if ch in "零〇":
            continue  # a place held empty (一百零五)
        if ch in DIGITS:
            if digit is not None:
                return None  # two digits in a row inside a positional number (三五年: "three or five")
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            section += digit or 0
            if section == 0:
                return None
            total += section * MYRIADS[ch]
            section, digit = 0, None
    value = total + section + (digit or 0)
    return value if 0 < value <= LARGEST else None


def chinese_numeral(value: int) -> str:
    """How a document writes a count below 100 in Chinese (15 → 十五, 20 → 二十, 2 → 二); "" for others."""
    if not 0 < value < 100:
        return ""
    tens, ones = divmod(value, 10)
    if not tens:
        return _WRITTEN[ones]
    return ("" if tens == 1 else _WRITTEN[tens]) + "十" + ("" if not ones else _WRITTEN[ones])


def numeral_expansions(folded: str, vocabulary: Vocabulary, weight: float) -> list[Expansion]:
    """The other writing of each count in the question, where the index knows it (see the module docstring)."""
    found: list[Expansion] = []
    for match in _CHINESE_COUNT.finditer(folded):
        numeral, classifier, measure = match.group(1), match.group(2) or "", match.group(3)
        if match.group(0) in SET_PHRASES:
            continue
        value = chinese_value(numeral)
        if value is None or value == 1:
            continue
        targets = [f"{value}{measure}", f"{value}{classifier}{measure}"]
        found.extend(_known(folded, match.start(), match.end(), targets, vocabulary, weight))
    for match in _DIGIT_COUNT.finditer(folded):
        digits, classifier, measure = match.group(1), match.group(2) or "", match.group(3)
        chinese = chinese_numeral(int(digits))
        if not chinese or chinese == "一":
            continue
        targets = [f"{chinese}{classifier}{measure}"] + ([f"两{classifier}{measure}"] if chinese == "二" else [])
        found.extend(_known(folded, match.start(), match.end(), targets, vocabulary, weight))
    return found


def _known(folded: str, start: int, end: int, targets: list[str], vocabulary: Vocabulary, weight: float) -> list[Expansion]:
    """Expansions of folded[start:end] to the targets the index knows (each once)."""
    source = folded[start:end]
    return [Expansion(source, start, target, "numeral", weight, False)
            for target in dict.fromkeys(targets) if target != source and frequency(target, vocabulary) > 0]
