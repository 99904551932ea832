"""Remove pinyin annotations that a converter inserted after Chinese characters: 發(fā)展 → 發展.

An annotation is taken out only when every word inside the parentheses is a real Mandarin syllable, written
in lower case with at most one tone mark, at least one of them tone-marked, and it follows as many Chinese
characters as it has syllables. So 海洋(風電)裝備, (SCO), 咖啡(café) and a capitalised 北京(Běijīng) stay.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Every toneless Mandarin syllable (ü kept as ü), taken from the readings in pypinyin's character table.
SYLLABLES = frozenset(
    """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu ca cai can cang
    cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang
    chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die
    din ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai
    gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen
    heng hm hng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju
    juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan
    lang lao le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lü lüe m ma
    mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu n na nai nan nang nao ne nei nen
    neng ng ni nia nian niang niao nie nin ning niu nong nou nu nuan nun nuo nü nüe o ou pa pai pan pang pao
    pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que
    qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai
    shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su
    suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai
    wan wang wei wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang
    yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang
    zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui
    zun zuo lue nue
    """.split()
)

# Chinese characters: the unified ideographs with extension A, the compatibility block, the supplementary planes.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TONE_MARKS = frozenset("\u0304\u0301\u030c\u0300")  # macron, acute, caron, grave (tones 1 to 4)
_CIRCUMFLEX = "\u0302"  # ê, as in ê̄
# Lower-case letters, with the precomposed and combining marks pinyin uses; ASCII or full-width parentheses.
_WORD = "[a-z\u00e0-\u00fc\u0101-\u01dc\u1e3f\u0300-\u036f]+"
_ANNOTATION = re.compile(rf"(?<=[{HAN}])[(（]({_WORD}(?: {_WORD}){{0,7}})[)）]")


@lru_cache(maxsize=4096)
def _tones(word: str) -> int | None:
    """How many tone marks a syllable carries, or None when the word is not one Mandarin syllable."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    bare = "".join(ch for ch in decomposed if ch not in _TONE_MARKS and ch != _CIRCUMFLEX)
    bare = unicodedata.normalize("NFC", bare)
    if tones > 1 or bare not in SYLLABLES:
        return None
    return tones


def is_annotation(content: str) -> bool:
    """True when `content` (inside the parentheses) reads as tone-marked pinyin syllables."""
    counts = [_tones(word) for word in content.split(" ")]
    tones = [c for c in counts if c is not None]
    return len(tones) == len(counts) and sum(tones) >= 1


def _is_han(ch: str) -> bool:
    return bool(re.fullmatch(f"[{HAN}]", ch))


def remove_pinyin(text: str) -> tuple[str, int]:
    """Remove the pinyin annotations in `text`; return the text and how many were removed."""
    removed = 0

    def drop(match: re.Match[str]) -> str:
        nonlocal removed
        content = match.group(1)
        syllables = content.count(" ") + 1
        before = match.string[max(0, match.start() - syllables) : match.start()]
        # Several syllables annotate as many characters: 共產(gòng chǎn), never a lone character.
        if len(before) < syllables or not all(_is_han(ch) for ch in before) or not is_annotation(content):
            return match.group(0)
        removed += 1
        return ""

    # Repeat, because removing 發(fā)(fā)'s first annotation brings the second next to a character.
    while True:
        count_before = removed
        text = _ANNOTATION.sub(drop, text)
        if removed == count_before:
            return text, removed
