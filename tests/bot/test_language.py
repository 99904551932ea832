"""Script detection from the question and the language code; display conversion between the Chinese scripts."""

from __future__ import annotations

import pytest

from bot.language import Script, chinese_script, detect_script, script_from_language_code, to_script


@pytest.mark.parametrize(
    ("text", "language_code", "expected"),
    [
        ("上合新区的四六计划是什么？", None, Script.SIMPLIFIED),
        ("上合新區的四六計劃是什麼？", None, Script.TRADITIONAL),
        ("這裡有公園嗎", None, Script.TRADITIONAL),
        ("头发怎么办", "zh-hant", Script.SIMPLIFIED),  # the characters outweigh the account's language
        ("頭髮怎麼辦", "zh-hans", Script.TRADITIONAL),
        ("你好", None, Script.SIMPLIFIED),  # the same in both scripts: the default
        ("你好", "zh-hk", Script.TRADITIONAL),  # ... unless the language code says otherwise
        ("你好", "zh-TW", Script.TRADITIONAL),
        ("你好", "zh_Hant_HK", Script.TRADITIONAL),
        ("你好", "zh-hans", Script.SIMPLIFIED),
        ("你好", "en", Script.SIMPLIFIED),  # Chinese text is answered in Chinese
        ("When does the bus pass start?", None, Script.ENGLISH),
        ("When does the bus pass start?", "zh-hans", Script.ENGLISH),
        ("What is the 上合 policy?", None, Script.ENGLISH),  # an English question naming a place
        ("上合示范区 GDP 是多少", None, Script.SIMPLIFIED),  # a Chinese question with an acronym
        ("👋", "zh-tw", Script.TRADITIONAL),
        ("👋", "en-US", Script.ENGLISH),
        ("👋", "ru", Script.ENGLISH),  # not Chinese: English is the closest reply language we have
        ("", None, Script.SIMPLIFIED),
        ("？？？", None, Script.SIMPLIFIED),
    ],
)
def test_detect_script(text: str, language_code: str | None, expected: Script) -> None:
    assert detect_script(text, language_code) is expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [(None, None), ("", None), ("zh", Script.SIMPLIFIED), ("zh-cn", Script.SIMPLIFIED), ("zh-mo", Script.TRADITIONAL), ("en-GB", Script.ENGLISH)],
)
def test_script_from_language_code(code: str | None, expected: Script | None) -> None:
    assert script_from_language_code(code) is expected


def test_chinese_script_needs_han_characters() -> None:
    assert chinese_script("bus pass 2024") is None
    assert chinese_script("公里") is None  # nothing in it differs between the scripts
    assert chinese_script("公里數據") is Script.TRADITIONAL


def test_to_script_converts_for_display() -> None:
    assert to_script("上合新區的發展平臺", Script.SIMPLIFIED) == "上合新区的发展平台"
    assert to_script("上合新区的发展平台", Script.TRADITIONAL) == "上合新區的發展平臺"
    assert to_script("头发", Script.TRADITIONAL) == "頭髮"  # phrase-aware: 发 is 髮 here, not 發
    assert to_script("上合新区", Script.ENGLISH) == "上合新区"
    assert to_script("Bus pass: 2 yuan", Script.SIMPLIFIED) == "Bus pass: 2 yuan"
    assert to_script("", Script.TRADITIONAL) == ""
