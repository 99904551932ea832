"""Folding and tokens: what the lexical index and the decline check compare."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.highlight import surface_terms
from retrieval.lexical import term_kind
from retrieval.text import (
    JIEBA_PREFIX,
    _converter,
    _fold_char,
    fold_aligned,
    fold_script,
    fold_width_case,
    iter_tokens,
    lexical_terms,
    query_terms,
    tokenize,
    variants,
)


def test_fold_makes_traditional_simplified_full_width_half_and_latin_lower() -> None:
    assert fold_script("上合示範區黨工委") == "上合示范区党工委"
    assert fold_script("ＡＢＣ１２３，Ｈｅｌｌｏ") == "abc123,hello"
    assert fold_script("膠州市長是誰？") == "胶州市长是谁?"


def test_fold_takes_the_variants_opencc_keeps_to_the_mainland_s_form() -> None:
    """Hong Kong writes 衞生署, the mainland 卫生署; 帳戶 folds to 帐户 where a mainland notice says 账户."""
    assert fold_script("衞生署") == fold_script("卫生署") == "卫生署"
    assert fold_script("個人帳戶") == fold_script("个人账户") == fold_script("個人賬戶") == "个人账户"
    assert fold_script("瞭解") == "了解" and fold_script("蚊帳") == fold_script("蚊帐")  # both sides alike
    assert surface_terms(("卫生署",), "衞生署今日公佈") == ("衞生署",)  # bold terms stay in the original script
    table, _ = variants()
    # Each entry is one OpenCC keeps (else it would be dead), and its standard form folds to itself.
    assert all(_converter().convert(chr(v)) == chr(v) and fold_script(chr(std)) == chr(std) for v, std in table.items())


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
@settings(max_examples=200, deadline=None)
def test_fold_keeps_one_character_per_character(text: str) -> None:
    folded, origin = fold_aligned(text)
    assert origin is None or len(origin) == len(folded)
    if origin is None:
        assert len(folded) == len(text)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
@settings(max_examples=300, deadline=None)
def test_width_and_case_folding_of_a_text_is_that_of_each_character(text: str) -> None:
    # The fast path lowers the whole text at once; it must agree with folding one character at a time.
    assert fold_width_case(text) == "".join(_fold_char(ch) for ch in text)


def test_width_and_case_folding_keeps_lengthening_and_contextual_letters_as_one_character_each() -> None:
    for text in ("İSTANBUL", "ΟΔΟΣ", "ΣΑ ΟΔΟΣ", "ＡＢＣ　ΣΙΣ", "Straße"):
        assert len(fold_width_case(text)) == len(text)
        assert fold_width_case(text) == "".join(_fold_char(ch) for ch in text)
    assert fold_width_case("ΟΔΟΣ") == "οδοσ"  # per character: no final sigma


def test_fold_aligned_maps_back_when_a_conversion_changes_the_length() -> None:
    # OpenCC's t2s tables never change the length; a converter that does exercises the fallback.
    def expand(text: str) -> str:
        return text.replace("臺", "台湾")

    folded, origin = fold_aligned("在臺北", convert=expand)
    assert folded == "在台湾北"
    assert origin == (0, 1, 1, 2)


def test_chinese_runs_give_characters_and_bigrams() -> None:
    assert tokenize("上合新区") == ["上", "上合", "合", "合新", "新", "新区", "区"]


def test_numbers_keep_their_units_and_dates_their_parts() -> None:
    tokens = tokenize(fold_script("2022年10月12日下午，開行570列，增長41.4%，長3km"))
    for expected in ("2022年10月12日", "2022年", "10月", "12日", "2022", "570列", "570", "41.4%", "41.4", "3km", "3"):
        assert expected in tokens
    assert "列" in tokens and "下午" in tokens  # the unit is still part of the Chinese run


def test_latin_words_are_whole_and_other_scripts_are_words() -> None:
    assert tokenize(fold_script("COVID-19 vaccine Δέλτα")) == ["covid", "19", "vaccine", "δέλτα"]


def test_token_positions_point_into_the_folded_text() -> None:
    folded = fold_script("開行中歐班列570列，同比增長41.4%")
    for token in iter_tokens(folded):
        assert folded[token.start : token.end] == token.text


def test_jieba_words_have_their_own_namespace_and_question_words_are_dropped() -> None:
    terms = lexical_terms("胶州市委书记")
    assert JIEBA_PREFIX + "市委书记" in terms or JIEBA_PREFIX + "书记" in terms
    assert {term_kind(t) for t in terms} == {"uni", "bi", "jieba"}
    asked = query_terms("胶州市委书记是谁")
    assert "谁" not in asked and JIEBA_PREFIX + "谁" not in asked
    assert "书记" in asked


def test_surface_terms_are_in_the_original_script() -> None:
    text = "據膠州市委書記張新竹介紹，開行中歐班列570列"
    assert surface_terms(("胶州", "市委书记", "570列"), text) == ("膠州市委書記", "570列")
    for term in surface_terms(("张新竹", "班列"), text):
        assert term in text


def test_surface_terms_match_latin_words_whole() -> None:
    assert surface_terms(("art",), "The party starts; art is free") == ("art",)
