"""The port of Telegram's HTML parser: entities, offsets in UTF-16, and tdlib's exact reasons for bad markup."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakes.telegram_html import EntityParseError, parse_html, utf16_len


@pytest.mark.parametrize(
    ("tag", "entity_type"),
    [("b", "bold"), ("strong", "bold"), ("i", "italic"), ("em", "italic"), ("u", "underline"), ("ins", "underline"),
     ("s", "strikethrough"), ("strike", "strikethrough"), ("del", "strikethrough"), ("tg-spoiler", "spoiler"),
     ("code", "code"), ("pre", "pre"), ("blockquote", "blockquote")],
)
def test_each_supported_tag_makes_its_entity(tag: str, entity_type: str) -> None:
    assert parse_html(f"x <{tag}>word</{tag}> y") == ("x word y", [{"type": entity_type, "offset": 2, "length": 4}])


def test_nested_tags_give_nested_entities_sorted_by_offset_then_longest_first() -> None:
    text, entities = parse_html("<b>bold <i>both</i></b> <u>under</u>")
    assert text == "bold both under"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
        {"type": "underline", "offset": 10, "length": 5},
    ]


def test_offsets_count_utf16_code_units_so_an_emoji_counts_two() -> None:
    text, entities = parse_html("😀 <b>上海 😀</b>!")
    assert text == "😀 上海 😀!"
    assert entities == [{"type": "bold", "offset": 3, "length": 5}]
    assert utf16_len(text) == 9


@pytest.mark.parametrize(
    ("markup", "plain"),
    [
        ("a &lt; b &gt; c &amp; d &quot;e&quot;", 'a < b > c & d "e"'),
        ("&amp;lt; stays escaped once", "&lt; stays escaped once"),
        ("&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>"),
        ("&#60;&#x3C;&#x3c;", "<<<"),
        ("&#128512; &#x1F600;", "😀 😀"),
        ("&lt without semicolon", "< without semicolon"),
        ("AT&T &nbsp; &#0; &#xZZ; &", "AT&T &nbsp; &#0; &#xZZ; &"),  # Telegram keeps what is no entity
        ("&#39;single&#x27;", "'single'"),
    ],
)
def test_entities_decode_like_telegram(markup: str, plain: str) -> None:
    assert parse_html(markup) == (plain, [])


def test_link_takes_href_with_entities_decoded() -> None:
    text, entities = parse_html('see <a href="https://example.org/a?x=1&amp;y=2">the page</a>')
    assert text == "see the page"
    assert entities == [{"type": "text_link", "offset": 4, "length": 8, "url": "https://example.org/a?x=1&y=2"}]


def test_link_without_href_links_its_own_text_and_a_bad_link_is_dropped() -> None:
    assert parse_html("<a>example.org</a>")[1] == [
        {"type": "text_link", "offset": 0, "length": 11, "url": "http://example.org"}
    ]
    assert parse_html('<a href="javascript:alert(1)">x</a>') == ("x", [])
    assert parse_html('<a href="tg://user?id=42">someone</a>')[1][0]["type"] == "text_mention"


def test_pre_with_code_language_becomes_one_pre_entity_with_language() -> None:
    assert parse_html('<pre><code class="language-python">x = 1</code></pre>') == (
        "x = 1", [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]
    )
    # A language on code outside pre is dropped, as Telegram does.
    assert parse_html('<code class="language-python">x</code>') == ("x", [{"type": "code", "offset": 0, "length": 1}])


def test_blockquote_expandable_spoiler_span_and_custom_emoji() -> None:
    assert parse_html("<blockquote expandable>long</blockquote>")[1] == [
        {"type": "expandable_blockquote", "offset": 0, "length": 4}
    ]
    assert parse_html('<span class="tg-spoiler">hidden</span>')[1] == [{"type": "spoiler", "offset": 0, "length": 6}]
    assert parse_html('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>')[1] == [
        {"type": "custom_emoji", "offset": 0, "length": 2, "custom_emoji_id": "5368324170671202286"}
    ]


def test_tags_are_case_insensitive_empty_tags_make_no_entity_and_a_bare_end_tag_closes_the_innermost() -> None:
    assert parse_html("<B>x</b>") == ("x", [{"type": "bold", "offset": 0, "length": 1}])
    assert parse_html("a<b></b>b") == ("ab", [])
    assert parse_html("<i>x</>") == ("x", [{"type": "italic", "offset": 0, "length": 1}])


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<p>paragraph</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("中文<div>", 'Unsupported start tag "div" at byte offset 6'),  # offsets are UTF-8 bytes
        ("ends with <b", "Unclosed start tag at byte offset 10"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x" =y>x</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<a href=x/y>x</a>", "Unexpected end of name token at byte offset 8"),
        ('<a href="unterminated>x</a>', "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("&#xD83D;", "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched "
                     "surrogate code units"),
    ],
)
def test_bad_markup_fails_with_tdlibs_reason(markup: str, reason: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(markup)
    assert caught.value.reason == reason


def test_telegram_tolerates_what_strict_mode_rejects() -> None:
    for markup in ("AT&T", "a > b", '<b class="x">y</b>'):
        parse_html(markup)  # Telegram accepts these
        with pytest.raises(EntityParseError, match="strict check of the fake"):
            parse_html(markup, strict=True)
    # What strict mode accepts: escaped text and the attributes Telegram reads.
    assert parse_html('AT&amp;T &gt; <a href="https://x.org">l</a> <code class="language-c">c</code>', strict=True)[0] \
        == "AT&T > l c"


@settings(max_examples=300)
@given(st.text())
def test_any_escaped_text_parses_back_to_itself_without_entities(text: str) -> None:
    assert parse_html(html.escape(text), strict=True) == (text, [])


@settings(max_examples=200)
@given(st.text(min_size=1))
def test_a_bold_escaped_text_covers_exactly_its_utf16_length(text: str) -> None:
    plain, entities = parse_html(f"<b>{html.escape(text)}</b>")
    assert plain == text
    assert entities == [{"type": "bold", "offset": 0, "length": utf16_len(text)}]


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("<>/&;#x=\"' abiuspre-codeqtlmg0123456789中😀\n"))))
def test_arbitrary_markup_either_parses_or_fails_with_a_reason(markup: str) -> None:
    try:
        plain, entities = parse_html(markup)
    except EntityParseError as exc:
        assert exc.reason
        return
    length = utf16_len(plain)
    assert all(0 <= e["offset"] and e["length"] > 0 and e["offset"] + e["length"] <= length for e in entities)
