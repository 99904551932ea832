"""Formatting an Answer for Telegram and the terminal, on hand-built answers.

Every HTML message is checked with the port of Telegram's own parser (tests/fakes/telegram_html.py) in strict
mode: what it accepts, Telegram accepts; its plain text is what the user sees and what the 4096 limit counts.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.excerpt import occurrences
from bot.format import format_answer, format_hit, format_paragraph, format_paragraph_plain, format_plain
from bot.language import Script
from bot.telegram_text import TELEGRAM_LIMIT, split_message, telegram_length
from bot.texts import texts_for
from corpus.model import Citation, Passage
from retrieval.model import Answer, Confidence, DeclineReason, Hit
from tests.fakes.telegram_html import parse_html, utf16_len

SAMPLE_SENTENCES = (
    "Bus passes are sold at every metro station. "
    "Children under six ride free on all city buses and trams. "
    "A monthly pass costs 80 yuan, and the fare of a yearly pass is refunded pro rata. "
    "Lost passes can be replaced at the service centre. "
    "The service centre opens at nine."
)


def cite(title: str = "Bus fares 2024", *, url: str | None = "https://city.example/fares", source: str | None = "City Transport", date: str | None = "2024-03-05", doc: str = "fares") -> Citation:
    return Citation(doc_id=doc, title=title, date=date, source=source, url=url, path=f"{doc}.txt")


def passage(text: str, *, citation: Citation | None = None, position: int = 0, part: int = 0, parts: int = 1, also: tuple[Citation, ...] = ()) -> Passage:
    citation = citation or cite()
    return Passage(
        id=f"{citation.doc_id}:{position}:{part}", doc_id=citation.doc_id, text=text, heading=None, position=position,
        cite=citation, part=part, parts=parts, also_cited=also,
    )


def hit(text: str, *terms: str, citation: Citation | None = None, also: tuple[Citation, ...] = ()) -> Hit:
    return Hit(passage=passage(text, citation=citation, also=also), score=0.8, matched_terms=terms)


def parsed(message: str) -> tuple[str, list[dict]]:
    """Telegram's view of a message; fails the test where Telegram would answer 400."""
    text, entities = parse_html(message, strict=True)
    assert utf16_len(text) <= TELEGRAM_LIMIT
    assert utf16_len(text) == telegram_length(message)
    return text, entities


def bold_texts(message: str) -> list[str]:
    """The bold words inside the quotes (the result numbers are bold too)."""
    text, entities = parsed(message)
    quotes = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] == "blockquote"]
    return [
        text[e["offset"] : e["offset"] + e["length"]]
        for e in entities
        if e["type"] == "bold" and any(a <= e["offset"] < b for a, b in quotes)
    ]


def links(message: str) -> list[str]:
    return [e["url"] for e in parsed(message)[1] if e["type"] == "text_link"]


# ---------------------------------------------------------------- escaping


def test_hostile_text_is_escaped_and_shown_literally() -> None:
    hostile = '<script>alert("x")</script> & <b>not bold</b> &amp; &lt;'
    answer = Answer(
        question='<i>why</i> & "how"?',
        hits=(hit(hostile, "script", citation=cite('</a><b>Title & "co"', source="<Source>", url='https://e.example/?a=1&b="q"\'<x>')),),
    )
    message = format_answer(answer, Script.ENGLISH)
    text, entities = parsed(message)
    assert hostile in text
    assert '<i>why</i> & "how"?' in text
    assert '</a><b>Title & "co"' in text and "<Source>" in text
    assert "<script>" not in message
    assert {e["type"] for e in entities} <= {"bold", "italic", "blockquote", "text_link"}
    assert links(message) == ["https://e.example/?a=1&b=%22q%22%27%3Cx%3E"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example/x", "not a url", "https://" + "a" * 3000, "", None])
def test_only_plain_web_links_are_linked(url: str | None) -> None:
    message = format_answer(Answer("fare", hits=(hit("The fare is 2 yuan.", "fare", citation=cite(url=url)),)), Script.ENGLISH)
    assert links(message) == []
    assert "Bus fares 2024" in parsed(message)[0]


def test_the_source_is_cited_under_the_quote() -> None:
    message = format_answer(Answer("fare", hits=(hit("The fare is 2 yuan.", "fare"),)), Script.ENGLISH)
    text, entities = parsed(message)
    assert "Bus fares 2024 · 2024-03-05 · City Transport" in text
    link = next(e for e in entities if e["type"] == "text_link")
    assert text[link["offset"] : link["offset"] + link["length"]] == "Bus fares 2024"
    assert link["url"] == "https://city.example/fares"
    quote = next(e for e in entities if e["type"] == "blockquote")
    assert text[quote["offset"] : quote["offset"] + quote["length"]] == "The fare is 2 yuan."


def test_a_date_with_time_shows_the_day() -> None:
    message = format_answer(Answer("fare", hits=(hit("The fare is 2 yuan.", citation=cite(date="2023-06-05T17:03:00+08:00")),)), Script.ENGLISH)
    assert "· 2023-06-05 ·" in parsed(message)[0]
    assert "17:03" not in message


def test_other_sources_of_the_same_paragraph() -> None:
    also = (cite("Republished", source="Qingdao News", url="http://qingdaonews.example/1", doc="a"), cite("Again", source=None, url=None, doc="b"))
    message = format_answer(Answer("fare", hits=(hit("The fare is 2 yuan.", citation=cite(), also=also),)), Script.ENGLISH)
    text = parsed(message)[0]
    assert "Also published by 2 other sources: Qingdao News, Again" in text
    assert "http://qingdaonews.example/1" in links(message)


# ---------------------------------------------------------------- bold terms and scripts


def test_matched_terms_are_bold() -> None:
    message = format_answer(Answer("fare for children", hits=(hit("Children ride free; the fare for adults is 2 yuan.", "fare", "children"),)), Script.ENGLISH)
    assert bold_texts(message) == ["Children", "fare"]  # case-insensitive, as found in the passage


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAbBcC新區区的 İi", max_size=40), st.lists(st.text(alphabet="aAbBcC新區区的 İi", min_size=1, max_size=4), min_size=1, max_size=6))
def test_terms_are_found_where_the_regular_expression_of_them_finds_them(text: str, terms: list[str]) -> None:
    """The bold spans are found with str.find; they must be the spans of the case-insensitive alternation of the
    terms, longest first, which they replace (it was compiled afresh for every passage)."""
    ordered = sorted(set(terms), key=len, reverse=True)
    expected = [m.span() for m in re.finditer("|".join(re.escape(t) for t in ordered), text, re.IGNORECASE)]
    assert occurrences(text, ordered) == expected


def test_traditional_passage_shown_simplified_keeps_bold_on_the_terms() -> None:
    answer = Answer("上合新区有哪些平台？", hits=(hit("上合新區的發展平臺有六個。", "新區", "平臺"),))
    message = format_answer(answer, Script.SIMPLIFIED)
    text = parsed(message)[0]
    assert "上合新区的发展平台有六个。" in text
    assert bold_texts(message) == ["新区", "平台"]
    assert texts_for(Script.SIMPLIFIED).converted_note in text

    original = format_answer(answer, Script.SIMPLIFIED, original=True)
    assert "上合新區的發展平臺有六個。" in parsed(original)[0]
    assert bold_texts(original) == ["新區", "平臺"]
    assert texts_for(Script.SIMPLIFIED).converted_note not in parsed(original)[0]


def test_simplified_passage_shown_traditional() -> None:
    message = format_answer(Answer("頭髮", hits=(hit("理发店的头发护理很贵。", "头发"),)), Script.TRADITIONAL)
    assert "理髮店的頭髮護理很貴。" in parsed(message)[0]
    assert bold_texts(message) == ["頭髮"]


def test_folded_terms_still_find_their_words() -> None:
    """Should retrieval report a term in simplified for a traditional passage, the original words are bold."""
    message = format_answer(Answer("平台", hits=(hit("上合新區的發展平臺有六個。", "平台"),)), Script.TRADITIONAL)
    assert bold_texts(message) == ["平臺"]


def test_passage_already_in_the_readers_script_is_not_converted() -> None:
    message = format_answer(Answer("平台", hits=(hit("上合新區的發展平臺有六個。", "平臺"),)), Script.TRADITIONAL)
    text = parsed(message)[0]
    assert "上合新區的發展平臺有六個。" in text
    assert texts_for(Script.TRADITIONAL).converted_note not in text


def test_english_reader_gets_the_chinese_quote_as_published() -> None:
    message = format_answer(Answer("platforms", hits=(hit("上合新區的發展平臺有六個。", "平臺"),)), Script.ENGLISH)
    assert "上合新區的發展平臺有六個。" in parsed(message)[0]


# ---------------------------------------------------------------- trimming


def _blockquote(message: str) -> str:
    text, entities = parsed(message)
    quote = next(e for e in entities if e["type"] == "blockquote")
    return text[quote["offset"] : quote["offset"] + quote["length"]]


def test_short_passage_is_quoted_whole() -> None:
    message = format_answer(Answer("pass", hits=(hit(SAMPLE_SENTENCES, "pass"),)), Script.ENGLISH, max_passage_chars=1000)
    assert _blockquote(message) == SAMPLE_SENTENCES.strip()


def test_long_passage_is_trimmed_around_its_best_sentence() -> None:
    # "yearly" and "fare" meet only in the third sentence; "pass" is in most.
    message = format_answer(Answer("yearly pass fare", hits=(hit(SAMPLE_SENTENCES, "yearly", "fare", "pass"),)), Script.ENGLISH, max_passage_chars=120)
    quote = _blockquote(message)
    assert quote.startswith("…") and quote.endswith("…")
    assert "A monthly pass costs 80 yuan, and the fare of a yearly pass is refunded pro rata." in quote
    assert len(quote) <= 120 + 2
    assert "yearly" in bold_texts(message) and "fare" in bold_texts(message)


def test_trimmed_chinese_passage() -> None:
    text = "今年以来，城市建设稳步推进。" * 10 + "公交月票每月八十元，学生半价。" + "各项工作全面起势。" * 10
    message = format_answer(Answer("公交月票多少钱", hits=(hit(text, "公交", "月票"),)), Script.SIMPLIFIED, max_passage_chars=80)
    quote = _blockquote(message)
    assert "公交月票每月八十元，学生半价。" in quote
    assert quote.startswith("…") and quote.endswith("…") and len(quote) <= 82
    assert bold_texts(message) == ["公交月票"]


def test_one_endless_sentence_is_cut_around_the_term_never_inside_it() -> None:
    text = "甲" * 500 + "公交月票" + "乙" * 500
    quote = _blockquote(format_answer(Answer("月票", hits=(hit(text, "公交月票"),)), Script.SIMPLIFIED, max_passage_chars=100))
    assert "公交月票" in quote
    assert quote.startswith("…") and quote.endswith("…") and len(quote) <= 102


def test_english_words_are_not_cut_in_half() -> None:
    text = " ".join(["lorem"] * 60 + ["ticket"] + ["ipsum"] * 60)  # one sentence, no full stop
    quote = _blockquote(format_answer(Answer("ticket", hits=(hit(text, "ticket"),)), Script.ENGLISH, max_passage_chars=100))
    words = quote.strip("…").split()
    assert "ticket" in words
    assert set(words) <= {"lorem", "ticket", "ipsum"}


# ---------------------------------------------------------------- Telegram's limit


def test_huge_passages_fit_one_message() -> None:
    hits = tuple(hit(("长句子里有月票。" * 20 + "\n") * 600, "月票", citation=cite(doc=f"d{i}")) for i in range(3))
    message = format_answer(Answer("月票", hits=hits), Script.SIMPLIFIED, max_passage_chars=3000)
    text = parsed(message)[0]
    assert [n for n in ("1.", "2.", "3.") if n in text] == ["1.", "2.", "3."]


def test_many_hits_with_huge_citations_fit_and_keep_their_order() -> None:
    big = cite("标题" * 2000, source="来源" * 1000, url="https://x.example/" + "p" * 1500)
    hits = tuple(hit("段落" * 3000, "段落", citation=big, also=(big,) * 5) for _ in range(40))
    message = format_answer(Answer("问" * 5000, hits=hits), Script.TRADITIONAL, first_number=7)
    text = parsed(message)[0]
    numbers = [int(n) for n in re.findall(r"^(\d+)\.$", text, re.MULTILINE)]
    assert numbers == list(range(7, 7 + len(numbers))) and len(numbers) >= 3


def test_emoji_count_twice() -> None:
    """Telegram counts UTF-16 units: 4096 emoji would be 8192 units."""
    message = format_answer(Answer("🚌", hits=(hit("🚌" * 5000, "🚌"),)), Script.ENGLISH, max_passage_chars=5000)
    parsed(message)


def test_numbering_starts_where_asked() -> None:
    hits = (hit("The fare is 2 yuan."), hit("Passes are sold at stations."))
    text = parsed(format_answer(Answer("fare", hits=hits), Script.ENGLISH, first_number=4))[0]
    assert re.findall(r"^(\d+)\.$", text, re.MULTILINE) == ["4", "5"]
    assert "Q：fare" in text


# ---------------------------------------------------------------- declines, plain text, single hits


@pytest.mark.parametrize("script", list(Script))
@pytest.mark.parametrize("reason", list(DeclineReason))
def test_declined_answer_gives_the_kind_words(script: Script, reason: DeclineReason) -> None:
    message = format_answer(Answer("天气怎么样", decline=reason), script)
    assert parsed(message)[0] == texts_for(script).decline_text(reason)
    assert format_plain(Answer("天气怎么样", decline=reason), script) == texts_for(script).decline_text(reason)


def test_plain_text_has_the_same_content_without_html() -> None:
    answer = Answer("fare <b>", hits=(hit("Children ride free; the fare is 2 yuan & up.", "fare", citation=cite()),))
    plain = format_plain(answer, Script.ENGLISH)
    assert "Q：fare <b>" in plain
    assert "1. Children ride free; the **fare** is 2 yuan & up." in plain
    assert "Bus fares 2024 · 2024-03-05 · City Transport" in plain
    assert "https://city.example/fares" in plain
    ansi = format_plain(answer, Script.ENGLISH, bold=("\x1b[1m", "\x1b[0m"))
    assert "\x1b[1mfare\x1b[0m" in ansi


def test_plain_text_converts_like_the_html() -> None:
    answer = Answer("平台", hits=(hit("上合新區的發展平臺有六個。", "平臺"),))
    assert "上合新区的发展**平台**有六个。" in format_plain(answer, Script.SIMPLIFIED)
    assert "上合新區的發展**平臺**有六個。" in format_plain(answer, Script.SIMPLIFIED, original=True)


def test_a_single_hit_for_inline_results() -> None:
    message = format_hit(hit("上合新區的發展平臺有六個。" * 500, "平臺"), Script.SIMPLIFIED)
    text = parsed(message)[0]
    assert "平台" in bold_texts(message) and "Bus fares 2024" in text


# ---------------------------------------------------------------- full paragraphs and splitting


def test_full_paragraph_joins_its_pieces() -> None:
    pieces = [passage("第一句话。", part=0, parts=3), passage("第二句话。", part=1, parts=3), passage("Third one.", part=2, parts=3)]
    messages = format_paragraph(list(reversed(pieces)), Script.SIMPLIFIED)
    assert len(messages) == 1
    assert "第一句话。第二句话。Third one." in parsed(messages[0])[0]
    assert "第一句话。第二句话。Third one." in format_paragraph_plain(pieces, Script.SIMPLIFIED)


def test_long_full_paragraph_is_split_into_valid_messages() -> None:
    text = "".join(f"第{i}句话说明<公交>&月票的规定。" for i in range(1500))
    messages = format_paragraph([passage(text)], Script.TRADITIONAL, terms=("月票",))
    assert len(messages) > 1
    shown = "".join(parsed(m)[0] for m in messages)
    assert "".join(f"第{i}句話說明<公交>&月票的規定。" for i in range(1500)) in shown
    for m in messages[:-1]:
        assert parsed(m)[0].endswith("。")  # cut at a sentence end


def test_split_message_closes_and_reopens_tags() -> None:
    html = "<b>Title</b>\n<blockquote>" + " ".join(f"w{i} <b>bold&amp;{i}</b>" for i in range(200)) + '</blockquote>\n<a href="https://x.example/?a=1&amp;b=2">link</a>'
    pieces = split_message(html, limit=100)
    assert len(pieces) > 5
    for piece in pieces:
        parsed(piece)
        assert telegram_length(piece) <= 100
    assert "".join(parse_html(p)[0] for p in pieces).replace("\n", "").replace(" ", "") == parse_html(html)[0].replace("\n", "").replace(" ", "")
    assert all(e["type"] == "blockquote" for p in pieces[1:-1] for e in parse_html(p)[1][:1])


def test_split_message_prefers_line_breaks() -> None:
    html = "\n".join("line %d with some words" % i for i in range(40))
    pieces = split_message(html, limit=200)
    assert all(parse_html(p)[0].endswith("words\n") for p in pieces[:-1])


def test_split_message_leaves_a_short_message_alone() -> None:
    assert split_message("<b>a</b> &amp; b", limit=10) == ["<b>a</b> &amp; b"]


# ---------------------------------------------------------------- any text at all

_FRAGMENTS = st.sampled_from(["<b>", "</b>", "<a href=\"", "\">", "&", "&amp;", "&#", ";", "<", ">", '"', "'", "。", "\n", " ", "🚌", "上合新區", "发展", "x"])
_TEXT = st.one_of(st.text(max_size=300), st.lists(_FRAGMENTS, max_size=60).map("".join))
_BIG_TEXT = st.tuples(_TEXT, st.integers(1, 400)).map(lambda t: t[0] * t[1])


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    hits = []
    for i in range(draw(st.integers(1, 4))):
        text = draw(_BIG_TEXT)
        terms = draw(st.lists(st.one_of(_TEXT, st.just(text[: draw(st.integers(0, 20))])), max_size=4))
        url = draw(st.one_of(st.none(), _TEXT, _TEXT.map(lambda s: "https://x.example/" + s)))
        citation = Citation(doc_id=f"d{i}", title=draw(_TEXT), date=draw(st.one_of(st.none(), _TEXT)), source=draw(st.one_of(st.none(), _TEXT)), url=url)
        also = tuple(Citation(doc_id="o", title=draw(_TEXT), source=draw(_TEXT), url=url) for _ in range(draw(st.integers(0, 2))))
        hits.append(Hit(passage=passage(text, citation=citation, also=also), score=0.5, matched_terms=tuple(terms)))
    return Answer(question=draw(_BIG_TEXT), hits=tuple(hits), confidence=draw(st.sampled_from(list(Confidence))))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answer=answers(), script=st.sampled_from(list(Script)), original=st.booleans())
def test_any_answer_is_valid_telegram_html(answer: Answer, script: Script, original: bool) -> None:
    parsed(format_answer(answer, script, original=original))
    for message in format_paragraph([h.passage for h in answer.hits], script, original=original):
        parsed(message)
    assert format_plain(answer, script, original=original).startswith(texts_for(script).question_label)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answer=answers(), limit=st.integers(2, 600))
def test_any_message_splits_into_valid_pieces_that_keep_every_character(answer: Answer, limit: int) -> None:
    message = format_answer(answer, Script.SIMPLIFIED, original=True)
    pieces = split_message(message, limit)
    for piece in pieces:
        text, _ = parsed(piece)
        assert utf16_len(text) <= limit
    # Pieces with nothing but whitespace are dropped; every other character arrives, in order.
    joined = "".join(parsed(p)[0] for p in pieces)
    whole = parsed(message)[0]
    assert "".join(joined.split()) == "".join(whole.split())
    parsed(format_hit(answer.hits[0], Script.TRADITIONAL))
