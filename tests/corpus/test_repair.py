"""Line repair: pinyin annotations, mojibake, width, whitespace; and the damage left behind."""

from __future__ import annotations

import pytest

from corpus.damage import find_damage
from corpus.pinyin import is_annotation, remove_pinyin
from corpus.repair import FTFY_CONFIG, narrow_alnum, normalise_whitespace, repair_line, split_lines


@pytest.mark.parametrize(
    ("damaged", "clean", "removed"),
    [
        ("發(fā)展", "發展", 1),
        ("上合新區(qū)有了", "上合新區有了", 1),
        ("發（fā）展", "發展", 1),  # full-width parentheses
        ("發（fā)展和區(qū）域", "發展和區域", 2),  # mixed widths
        ("海洋(風(fēng)電)裝備", "海洋(風電)裝備", 1),  # an annotation inside real parentheses
        ("共產(gòng chǎn)黨", "共產黨", 1),  # two syllables after two characters
        ("女(nǚ)士和綠(lǜ)地", "女士和綠地", 2),  # ü with tone marks
        ("嗯(ń)和呣(ḿ)", "嗯和呣", 2),  # syllabic n and m
        ("呣(m̀)", "呣", 1),  # a tone mark with no precomposed form: m + combining grave
        ("發(fā)(fā)展", "發展", 2),  # a repeated annotation
    ],
)
def test_pinyin_annotations_removed(damaged: str, clean: str, removed: int) -> None:
    assert remove_pinyin(damaged) == (clean, removed)


@pytest.mark.parametrize(
    "kept",
    [
        "海洋(風電)裝備",
        "(大眾日報客戶端記者 白曉 通訊員 劉偉 報道)",
        "上海合作組織(SCO)峰會",
        "咖啡(café)",  # tone-like accents, but not a Mandarin syllable
        "北京(Běijīng)",  # a capitalised romanisation an author wrote on purpose
        "的(de)",  # no tone mark: the converter always marks one
        "共(gòng chǎn)",  # two syllables cannot annotate one character
        "(fā)展",  # nothing annotated before it
        "項目(a)和(b)",
        "第2(3)條",
    ],
)
def test_real_parentheses_untouched(kept: str) -> None:
    assert remove_pinyin(kept) == (kept, 0)


def test_annotation_check() -> None:
    assert is_annotation("zhuàng")
    assert not is_annotation("zhuàngg")
    assert not is_annotation("fāā")  # two tone marks are never one syllable


def test_ftfy_repairs_latin1_and_cp1252_mojibake() -> None:
    original = "上合新區“一核引領”，發展迅速。"
    latin1 = original.encode("utf-8").decode("latin-1")
    fixed = repair_line(latin1)
    assert fixed.text == original and fixed.ftfy_fixed


def test_ftfy_keeps_chinese_punctuation_and_curly_quotes() -> None:
    # ftfy's defaults would make ，→ , and “”→ "": the quoted text must not change.
    line = "他說：“今年（2023年）完成！”，共１２項。"
    assert repair_line(line).text == "他說：“今年（2023年）完成！”，共12項。"
    assert FTFY_CONFIG.uncurl_quotes is False and FTFY_CONFIG.fix_character_width is False


def test_full_width_letters_and_digits_narrowed_punctuation_kept() -> None:
    assert narrow_alnum("ＧＤＰ增長５％，（ａ）") == ("GDP增長5％，（a）", 5)


def test_whitespace() -> None:
    assert normalise_whitespace("\u3000\u3000據介紹,\u00a0\u00a0今年\t以來 \u200b") == "據介紹, 今年 以來"
    assert normalise_whitespace("四年\u3000漢玄菟") == "四年\u3000漢玄菟"  # a lone ideographic space separates
    assert split_lines("a\r\nb\rc\u2028d\u0085e") == ["a", "b", "c", "d\u0085e"]


def test_repair_line_counts() -> None:
    line = "\u3000發(fā)展ＧＤＰ "
    fixed = repair_line(line)
    assert (fixed.text, fixed.pinyin_removed, fixed.width_fixes) == ("發展GDP", 1, 3)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("助力企業紓困解難?!蹦z州市委副書記", "lost character"),
        ("令更多人感到快樂，那?社會就勢必", "lost character"),  # from DRCD: 那麼 lost its 麼
        ("數據\ufffd\ufffd缺失", "replacement character"),
        ("造字\ue123在這裡", "private-use"),
        ("他說銆?今天", "UTF-8 read as GBK"),
        ("標題锟斤拷內容", "UTF-8 read as GBK"),
    ],
)
def test_damage_found(line: str, kind: str) -> None:
    (spot,) = find_damage(line)
    assert spot.kind.startswith(kind)


@pytest.mark.parametrize(
    "line",
    [
        "性與其所含能量有關嗎?》，隨後導出了",  # a real question mark after 嗎
        "這是什麼?",
        "What? Really?",
        "A股和B超",
        "上合示范區發布“6+6”促進金融業健康發展政策措施和29條獎補政策",
    ],
)
def test_no_damage_on_clean_text(line: str) -> None:
    assert find_damage(line) == []
