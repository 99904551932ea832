"""The bot's words: complete in every script, the same templates everywhere, the two Chinese versions in step."""

from __future__ import annotations

import dataclasses
import re
import string
from dataclasses import dataclass

import pytest

from bot.language import Script, detect_script, to_script
from bot.texts import TEXTS, Texts, texts_for
from retrieval.model import DeclineReason

_HAN = re.compile(r"[\u4e00-\u9fff]")
# Fields that say which script the reply was converted to: they differ between the scripts on purpose.
_NAMES_A_SCRIPT = {"converted_note", "chat_converted_note", "ask_converted_note", "button_converted"}


def _strings(texts: Texts) -> dict[str, str]:
    """Every sentence of a Texts record, decline texts included, by field name."""
    out: dict[str, str] = {}
    for f in dataclasses.fields(texts):
        value = getattr(texts, f.name)
        if isinstance(value, str):
            out[f.name] = value
        else:
            out.update({f"declined.{reason.value}": text for reason, text in value.items()})
    return out


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@dataclass(frozen=True)
class _Info:
    documents: int
    passages: int
    newest_date: str | None


def test_every_script_has_its_texts() -> None:
    assert set(TEXTS) == set(Script)
    for script in Script:
        assert texts_for(script) is TEXTS[script]


@pytest.mark.parametrize("script", list(Script))
@pytest.mark.parametrize("reason", list(DeclineReason))
def test_a_decline_text_for_every_script_and_reason(script: Script, reason: DeclineReason) -> None:
    text = texts_for(script).decline_text(reason)
    assert text.strip()
    assert "{" not in text


def test_unknown_reason_reads_as_not_covered() -> None:
    texts = texts_for(Script.SIMPLIFIED)
    assert texts.decline_text(None) == texts.declined[DeclineReason.NOT_COVERED]


def test_a_record_missing_a_decline_text_is_refused() -> None:
    declined: dict[DeclineReason, str] = {reason: "x" for reason in DeclineReason if reason is not DeclineReason.GIBBERISH}
    with pytest.raises(ValueError, match="gibberish"):
        dataclasses.replace(texts_for(Script.ENGLISH), declined=declined)


def test_templates_take_the_same_fields_in_every_language() -> None:
    english = _strings(texts_for(Script.ENGLISH))
    for script in (Script.SIMPLIFIED, Script.TRADITIONAL):
        other = _strings(texts_for(script))
        assert other.keys() == english.keys()
        for name, template in english.items():
            assert _fields(other[name]) == _fields(template), (script, name)


def test_no_sentence_is_empty() -> None:
    for script in Script:
        for name, text in _strings(texts_for(script)).items():
            if script is Script.ENGLISH and name in ("converted_note", "chat_converted_note", "ask_converted_note"):
                continue  # English replies are never converted
            assert text.strip(), (script, name)


def test_traditional_and_simplified_say_the_same() -> None:
    """Converting the traditional texts to simplified gives the simplified texts: neither drifted from the other."""
    simplified = _strings(texts_for(Script.SIMPLIFIED))
    for name, text in _strings(texts_for(Script.TRADITIONAL)).items():
        if name in _NAMES_A_SCRIPT:
            continue
        assert to_script(text, Script.SIMPLIFIED) == simplified[name], name


def test_each_language_reads_as_its_script() -> None:
    for script in Script:
        texts = texts_for(script)
        for name in ("help_intro", "text_only", "failed"):
            assert detect_script(getattr(texts, name)) is script, (script, name)
    assert not any(_HAN.search(text) for text in _strings(texts_for(Script.ENGLISH)).values())


@pytest.mark.parametrize("script", list(Script))
def test_help_says_what_the_bot_knows(script: Script) -> None:
    texts = texts_for(script)
    dated = texts.help_text(_Info(documents=12, passages=345, newest_date="2024-03-05T10:00:00"))
    assert "12" in dated and "345" in dated and "2024-03-05" in dated and "10:00" not in dated
    assert texts.example_question in dated
    assert "/ask" in dated
    undated = texts.help_text(_Info(documents=1, passages=9, newest_date=None))
    assert "9" in undated and "None" not in undated
    bare = texts.help_text()
    assert texts.help_intro in bare and "{" not in bare


def test_filled_templates() -> None:
    english = texts_for(Script.ENGLISH)
    assert "600" in english.too_long_text(500, 600) and "500" in english.too_long_text(500, 600)
    assert "1 seconds" in english.rate_limited_text(0)  # never "wait 0 seconds"
    assert "17" in texts_for(Script.TRADITIONAL).rate_limited_text(17)
    assert "2" in english.also_cited_text(2, "A, B") and "A, B" in english.also_cited_text(2, "A, B")
    assert "3" in texts_for(Script.SIMPLIFIED).chat_no_result_text("3")
    assert english.greeting == english.declined[DeclineReason.GREETING]


def test_buttons_are_short() -> None:
    """Inline keyboard labels stay readable on a phone; the inline-mode button is cut by Telegram at 64."""
    for script in Script:
        texts = texts_for(script)
        assert 0 < len(texts.inline_hint) <= 64
        for name in ("button_more", "button_full", "button_original", "button_converted", "button_helpful", "button_unhelpful"):
            assert 0 < len(getattr(texts, name)) <= 20, (script, name)
