"""What kind of answer a question asks for (a time, an amount of money, a duration...), and whether a text holds one.

A passage can share every word of 图书馆几点关门 and still not say when: the one that answers holds a clock time.
So a question's cue words (几点, 多少钱, 多久, 电话, 在哪, 什么材料, and their Cantonese and English forms) name the
types it asks, and a passage (or one of its sentences) holds the type when it contains an instance: a number with one
of the type's units (9点, 5000元, 15个工作日), one of its words (免费, 窗口, 身份证), or one of its shapes (9:00, a phone
number). The words live in retrieval/data/answer_types.json; everything here is pure and works on folded text
(retrieval.text: simplified script, lower case), so 幾點 and 几点 are one cue.

Cues are read longest first, each place of the question once: 几个小时 asks a duration, not a count (几个). A cue
that names its measure word (多少所, 几套: ``cue_units``) asks for a count in that word, so 有多少所学校 is not held by
a passage that counts pupils (全县在校学生102090人) but by one that counts schools (学校228所). A bare
多少 asks nothing here: "some number" is held by almost every passage of a statistics page or an encyclopaedia, and
measured, it only moved the SQuAD pools down (retrieval/README.md, "Answer types"). Places (在哪, 地址) neither: the
answer to 在哪里 is as often a name as an address.

The evidence is deliberately coarse: an instance says the passage *can* hold the answer, not that it does.
retrieval.evidence records it in the coverage, retrieval.search gives such passages a bonus, retrieval.signals
turns it into two of the decline's signals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_NEVER = re.compile(r"(?!x)x")  # the pattern of a type with no instance: never held


@dataclass(frozen=True)
class AnswerType:
    """One kind of answer and the pattern of its instances in folded text."""

    name: str
    instance: re.Pattern[str]


@dataclass(frozen=True)
class Catalogue:
    """The answer types and the cues that ask for them (retrieval/data/answer_types.json, or one built in a test)."""

    types: Mapping[str, AnswerType]
    cue: re.Pattern[str]  # every cue, longest first
    owners: Mapping[str, tuple[str, ...]]  # cue -> the types it asks


def _alternation(words: Iterable[str]) -> str:
    """A regular expression matching any of the words, longest first (so 个工作日 wins over 日)."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda w: (-len(w), w)))


def _cue_pattern(chinese: Iterable[str], english: Iterable[str]) -> re.Pattern[str]:
    """Chinese cues anywhere, English ones as whole words; all longest first."""
    parts = [(word, re.escape(word)) for word in set(chinese)]
    parts += [(word, rf"(?<![a-z]){re.escape(word)}(?![a-z])") for word in set(english)]
    parts.sort(key=lambda part: (-len(part[0]), part[0]))
    return re.compile("|".join(pattern for _, pattern in parts)) if parts else _NEVER


def instance_pattern(spec: Mapping[str, Any], number: str) -> re.Pattern[str]:
    """What an instance of a type looks like: a number with one of its units, one of its words, one of its shapes."""
    instances = list(spec.get("patterns", ()))
    if spec.get("units"):
        instances.append(rf"{number}\s?(?:{_alternation(spec['units'])})")
    if spec.get("words"):
        instances.append(_alternation(spec["words"]))
    return re.compile("|".join(instances)) if instances else _NEVER


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """The catalogue of an answer_types.json document."""
    types: dict[str, AnswerType] = {}
    owners: dict[str, list[str]] = {}
    english: set[str] = set()
    for name, spec in data["types"].items():
        number = data["short_number"] if spec.get("short_numbers") else data["number"]
        types[name] = AnswerType(name, instance_pattern(spec, number))
        narrowed = spec.get("cue_units", {})
        for unit, kin in narrowed.items():
            # Held in the cue's own measure word (and its kin), also after 万 or 亿: 3.2万人 is a number of people.
            units = [f"{scale}{word}" for word in kin for scale in ("", "万", "亿")]
            types[f"{name}:{unit}"] = AnswerType(name, instance_pattern({"units": units}, number))
        for cue in spec.get("cues", ()):
            owners.setdefault(cue, []).append(f"{name}:{cue[-1]}" if cue[-1] in narrowed else name)
        for cue in spec.get("cues_en", ()):
            owners.setdefault(cue, []).append(name)
            english.add(cue)
    cue = _cue_pattern((c for c in owners if c not in english), english)
    return Catalogue(types, cue, {c: tuple(names) for c, names in owners.items()})


NONE = Catalogue({}, _NEVER, {})  # asks nothing: a Searcher made with it ranks as if there were no answer types


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The catalogue of retrieval/data/answer_types.json."""
    text = resources.files("retrieval").joinpath("data/answer_types.json").read_text(encoding="utf-8")
    return parse_catalogue(json.loads(text))


def asked_types(folded_question: str, catalogue: Catalogue | None = None) -> tuple[AnswerType, ...]:
    """The types a folded question asks for, in the order their cues come (none for a question that asks why,
    whether or how)."""
    catalogue = default_catalogue() if catalogue is None else catalogue
    names: dict[str, None] = {}
    for match in catalogue.cue.finditer(folded_question):
        names.update(dict.fromkeys(catalogue.owners[match.group()]))
    return tuple(catalogue.types[name] for name in names)


def holds(asked: Iterable[AnswerType], folded_text: str) -> bool:
    """Whether folded text holds an instance of any of the asked types."""
    return any(t.instance.search(folded_text) for t in asked)
