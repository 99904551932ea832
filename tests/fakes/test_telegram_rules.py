"""The Bot API's checks on what a bot sends: text length and emptiness, keyboards, inline results, commands."""

from __future__ import annotations

import pytest

from tests.fakes.telegram_rules import (
    Rejected,
    check_commands,
    check_inline_results,
    check_reply_markup,
    find_entities,
    plain_texts,
    prepare_text,
)


def _rejection(call, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(Rejected) as caught:
        call(*args, **kwargs)
    return caught.value.description


def test_the_limit_is_4096_utf16_units_after_entity_parsing() -> None:
    assert prepare_text("a" * 4096)[0] == "a" * 4096
    assert _rejection(prepare_text, "a" * 4097) == "Bad Request: message is too long"
    # Tags and entities do not count, their text does.
    assert len(prepare_text("<b>" + "a" * 4096 + "</b>", parse_mode="HTML")[0]) == 4096
    assert len(prepare_text("&amp;" * 4096, parse_mode="HTML")[0]) == 4096
    assert _rejection(prepare_text, "&amp;" * 4097, parse_mode="HTML") == "Bad Request: message is too long"
    # An emoji outside the BMP is two UTF-16 units: 2048 fit, 2049 do not.
    prepare_text("😀" * 2048)
    assert _rejection(prepare_text, "😀" * 2049) == "Bad Request: message is too long"


@pytest.mark.parametrize("text", ["", "   ", "\n \n", "<b> </b>", "<i></i>", "\r\r"])
def test_a_text_with_nothing_but_blanks_is_empty(text: str) -> None:
    assert _rejection(prepare_text, text, parse_mode="HTML") == "Bad Request: message text is empty"


def test_text_is_cleaned_and_trimmed_and_entities_move_with_it() -> None:
    text, entities = prepare_text("\n  hello <b>wor\rld</b>\t!  \n", parse_mode="HTML")
    assert text == "hello world !"
    assert entities == [{"type": "bold", "offset": 6, "length": 5}]
    assert plain_texts(entities, text) == ["world"]


def test_bad_html_and_unknown_parse_modes_are_refused_with_telegrams_words() -> None:
    assert _rejection(prepare_text, "<b>x", parse_mode="HTML") == (
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )
    assert _rejection(prepare_text, "x", parse_mode="Klingon") == "Bad Request: unsupported parse_mode"
    assert prepare_text("<b>x</b>", parse_mode="html")[1]  # parse modes are case-insensitive


def test_explicit_entities_must_lie_inside_the_text() -> None:
    assert prepare_text("hello", entities=[{"type": "bold", "offset": 0, "length": 5}])[1] == [
        {"type": "bold", "offset": 0, "length": 5}
    ]
    assert "ends after the end of the text" in _rejection(
        prepare_text, "hello", entities=[{"type": "bold", "offset": 3, "length": 5}]
    )


def _keyboard(**button: object) -> dict:
    return {"inline_keyboard": [[{"text": "press", **button}]]}


def test_callback_data_is_1_to_64_bytes_of_utf8() -> None:
    check_reply_markup(_keyboard(callback_data="x" * 64))
    check_reply_markup(_keyboard(callback_data="问" * 21))  # 63 bytes
    for data in ("x" * 65, "问" * 22, ""):
        assert _rejection(check_reply_markup, _keyboard(callback_data=data)) == "Bad Request: BUTTON_DATA_INVALID"


def test_a_button_must_do_something_and_markup_must_parse() -> None:
    assert "Text buttons are unallowed" in _rejection(check_reply_markup, _keyboard())
    assert _rejection(check_reply_markup, "{not json") == "Bad Request: can't parse reply keyboard markup JSON object"
    assert _rejection(check_reply_markup, _keyboard(url="not a url")) == "Bad Request: BUTTON_URL_INVALID"
    assert check_reply_markup('{"inline_keyboard": [[{"text": "go", "url": "https://x.org"}]]}')


def _article(result_id: str, text: str = "quote") -> dict:
    return {"type": "article", "id": result_id, "title": "t",
            "input_message_content": {"message_text": text, "parse_mode": "HTML"}}


def test_inline_results_are_at_most_50_with_unique_ids_and_valid_texts() -> None:
    check_inline_results([_article(str(i)) for i in range(50)])
    assert _rejection(check_inline_results, [_article(str(i)) for i in range(51)]) == "Bad Request: RESULTS_TOO_MUCH"
    assert _rejection(check_inline_results, [_article("1"), _article("1")]) == "Bad Request: RESULT_ID_DUPLICATE"
    assert _rejection(check_inline_results, [_article("1", "<b>x")]).startswith("Bad Request: can't parse entities")
    assert _rejection(check_inline_results, [_article("1", "x" * 4097)]) == "Bad Request: message is too long"


def test_commands_are_lowercase_words_with_a_description() -> None:
    assert check_commands([{"command": "Ask", "description": "ask"}]) == [{"command": "ask", "description": "ask"}]
    bad_name = [{"command": "bad-name", "description": "x"}]
    assert _rejection(check_commands, bad_name) == "Bad Request: BOT_COMMAND_INVALID"
    assert _rejection(check_commands, [{"command": "ok", "description": ""}]) == (
        "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
    )


def test_commands_and_mentions_are_detected_in_user_text_as_telegram_does() -> None:
    text = "/ask@quotebot_test_bot 垃圾 /start /a/b @x @quotebot_test_bot 😀 /help"
    entities = find_entities(text)
    assert [(e["type"], t) for e, t in zip(entities, plain_texts(entities, text), strict=True)] == [
        ("bot_command", "/ask@quotebot_test_bot"),
        ("bot_command", "/start"),
        ("mention", "@quotebot_test_bot"),
        ("bot_command", "/help"),
    ]
