"""The typo expander (retrieval.typo): a bigram the index lacks, mended by a same-pinyin or look-alike character into
a word the index knows; only there, and never a word the question spells right."""

from __future__ import annotations

import pytest

from retrieval.text import fold_script
from retrieval.typo import similar_characters, toneless, typo_expansions
from tests.retrieval.vocabulary import Vocab

PASSAGES = [
    "积分入户申请需要满足条件。", "积分制入学申请时间为六月。", "申请人应当提交申请材料。", "居民身份证丢失应当申请补领。",
    "居民身份证有效期为十年。", "核酸检测阳性应当报告。", "抗原检测结果为阴性。", "创业担保贷款可以申请贴息。",
    "贷款额度最高为30万元。", "新生儿出生后办理参保。", "出生医学证明是必需的。", "公司注册地址可以变更。",
    "注册登记需要身份证明。", "银行办理社保卡业务。", "积分达到标准可以申请。", "申请贷款要有担保人。", "检测机构名单。",
] * 2


@pytest.fixture(scope="module")
def vocab() -> Vocab:
    return Vocab(PASSAGES)


def test_toneless() -> None:
    assert toneless("jī") == "ji" and toneless("lǜ") == "lv" and toneless("zhōng") == "zhong"


def test_similar_characters_share_a_sound_or_a_shape() -> None:
    assert "积" in similar_characters("机")  # ji
    assert "证" in similar_characters("正")  # zheng
    assert "贷" in similar_characters("货")  # look-alike
    assert "机" not in similar_characters("机")


@pytest.mark.parametrize(("question", "source", "word"), [
    ("机分入户要多少分", "机分", "积分"),
    ("创业货款怎么申清", "货款", "贷款"),
    ("创业货款怎么申清", "申清", "申请"),
    ("身份正丢了怎么办", "身份正", "身份证"),
    ("核酸检侧阳性", "检侧", "检测"),
    ("公司注侧地址", "注侧", "注册"),
])
def test_slips_are_mended_to_words_the_index_knows(vocab: Vocab, question: str, source: str, word: str) -> None:
    folded = fold_script(question)
    found = typo_expansions(folded, vocab, 0.6)
    assert (source, word) in {(e.source, e.term) for e in found}
    expansion = next(e for e in found if e.term == word)
    assert folded[expansion.start : expansion.end] == source and expansion.kind == "typo" and expansion.replaces


@pytest.mark.parametrize("question", [
    "积分入户申请条件",  # spelled right
    "在银行办社保卡",  # 行办 is rare but 银行 is a word: not 行为
    "有几个检测机构",  # function and question characters are never taken for slips
    "abc 123 😀",
    "",
])
def test_what_is_spelled_right_is_left_alone(vocab: Vocab, question: str) -> None:
    assert typo_expansions(fold_script(question), vocab, 0.6) == []


def test_bounded_for_long_and_repeated_text(vocab: Vocab) -> None:
    assert len(typo_expansions("机分" * 1000, vocab, 0.6)) <= 4
    assert typo_expansions("娃" * 2000, vocab, 0.6) == []
