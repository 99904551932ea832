"""Which script a user writes in (simplified, traditional, English), and display-only conversion between the two Chinese scripts.

Conversion here is for showing a reply in the reader's script; the quote itself stays as published
(DESIGN.md decision 2), and replies offer the original text beside the converted one.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache
from typing import Protocol


class Script(str, Enum):
    """The script a reply is written in."""

    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    ENGLISH = "english"


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


# CJK unified ideographs (basic, extension A, compatibility) are what both Chinese scripts are written in.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_TRADITIONAL_TAGS = ("hant", "tw", "hk", "mo")


@lru_cache(maxsize=None)
def _converter(config: str) -> _Converter:
    """An OpenCC converter, built once per configuration (loading its dictionaries takes milliseconds)."""
    import opencc  # either the C++ binding or opencc-python-reimplemented: both offer OpenCC(config).convert(text)

    return opencc.OpenCC(config)


def to_script(text: str, script: Script) -> str:
    """Convert text to the script for display: traditional↔simplified; English leaves the text as it is."""
    if script is Script.SIMPLIFIED:
        return _converter("t2s").convert(text)
    if script is Script.TRADITIONAL:
        return _converter("s2t").convert(text)
    return text


def script_from_language_code(language_code: str | None) -> Script | None:
    """Telegram's IETF language tag (zh-hant, zh-tw, zh-hans, en, …) as a script; None when it says nothing."""
    if not language_code:
        return None
    parts = language_code.strip().lower().replace("_", "-").split("-")
    if parts[0] != "zh":
        return Script.ENGLISH
    if any(part in _TRADITIONAL_TAGS for part in parts[1:]):
        return Script.TRADITIONAL
    return Script.SIMPLIFIED


def _changes(text: str, config: str) -> int:
    """How many characters a conversion changes: the marks of the script it converts from."""
    converted = _converter(config).convert(text)
    if len(converted) == len(text):
        return sum(map(str.__ne__, text, converted))
    # Phrase tables can change a length now and then; fall back to converting character by character.
    return sum(_changes_char(ch, config) for ch in text)


@lru_cache(maxsize=8192)
def _changes_char(ch: str, config: str) -> int:
    return int(_converter(config).convert(ch) != ch)


def chinese_script(text: str) -> Script | None:
    """Simplified or traditional, by which conversion would change more of the text; None when neither tells."""
    han = "".join(_HAN.findall(text))
    if not han:
        return None
    traditional_marks = _changes(han, "t2s")
    simplified_marks = _changes(han, "s2t")
    if traditional_marks > simplified_marks:
        return Script.TRADITIONAL
    if simplified_marks > traditional_marks:
        return Script.SIMPLIFIED
    return None


def detect_script(text: str, language_code: str | None = None) -> Script:
    """The script to answer in: from the question's characters, else the user's language code, else simplified."""
    han_count = len(_HAN.findall(text))
    latin_words = len(_LATIN_WORD.findall(text))
    from_code = script_from_language_code(language_code)
    if han_count == 0:
        if latin_words:
            return Script.ENGLISH
        return from_code or Script.SIMPLIFIED
    # An English question may name a Chinese place; a Chinese one may contain an acronym.
    if latin_words > han_count:
        return Script.ENGLISH
    found = chinese_script(text)
    if found is not None:
        return found
    if from_code is Script.TRADITIONAL:
        return Script.TRADITIONAL
    return Script.SIMPLIFIED
