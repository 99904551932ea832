"""What about a ranked passage says whether it answers the question: the decline's features, as pure functions.

Each signal is a number computed from the question's content units (retrieval.evidence), the ranked candidates
(their folded text, document and coverage) and two small look-ups passed in (which terms the index knows, which
words are places). retrieval.decline turns them into a probability with a model fitted on real questions
(benchmarks/calibrate_real.py); retrieval/README.md ("Declining") has what each signal is worth.

- ``share``, ``sentence_share``: the question's weighted content the passage (and its best sentence) covers;
- ``known_share``: the share over the terms some passage of the index has (a typo or a word jieba glued to a
  particle, 能贷, weighs as much as a rare word but no passage can cover it);
- ``doc_share``: the share that the candidates of the passage's document cover together;
- ``doc_gain``: what those other candidates add to the passage's own share (doc_share less share);
- ``rare_share``: the same over the question's rarest terms that the index knows (the third with the highest IDF);
- ``unknown_share``: the share of the question's weight in terms no passage of the index has, nor any word an
  expansion gave for them;
- ``place_missing``: a place the question names (深圳, 天河区) that neither the passage with its title nor another
  candidate of its document names, nor its document's publisher (a page of 广州市人力资源和社会保障局网站 that says
  only 本市 is about Guangzhou): another city's version of the same service is the commonest wrong answer;
- ``place_matched``: the question names places and the passage (or its document's candidates) names them all;
- ``number_missing``: a number the question names that the passage lacks;
- ``margin``: how far the passage's ranking score stands above the best other candidate's (relative);
- ``sentence_margin``: the same for the best sentence's coverage;
- ``concentration``: how far the candidates crowd into the passage's document beyond chance; None (not measured: the
  decline counts it at its mean) in an index of one document, where all of them must come from it;
- ``expansion_share``: the share of the passage's coverage that only the question's expansions found
  (retrieval.evidence.Coverage.expanded_share);
- ``answer_missing``: the question asks a kind of answer (a time, an amount, a duration: retrieval.answer_type) and
  the passage holds no instance of it: it shares the question's words without saying what was asked;
- ``answer_held``: the question asks a kind of answer and the passage holds one (both 0 when it asks none);
- ``title_share``: the share of the question its document's title holds (retrieval.evidence.Coverage.title_share):
  a question about the document's own subject, rather than another service that shares its words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources

from retrieval.evidence import Coverage, Unit, is_cjk
from retrieval.expand import data_text, read_table

NAMES = (
    "share", "sentence_share", "known_share", "doc_share", "doc_gain", "rare_share", "unknown_share", "place_missing",
    "place_matched", "number_missing", "margin", "sentence_margin", "concentration", "expansion_share",
    "answer_missing", "answer_held", "title_share",
)
RARE_PART = 1 / 3  # the rarest third of a question's terms (at least two) make its "rare" terms
_ADMIN_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|省|市|区|县)$")


@dataclass(frozen=True)
class Candidate:
    """One ranked passage as the signals see it."""

    doc_id: str
    folded: str  # the indexed text (title, heading, body), folded
    score: float  # its ranking score: only the order and the ratios mean something
    coverage: Coverage
    publisher: str = ""  # its document's source (a city's site, a department), folded: a place it names is the page's


@dataclass(frozen=True)
class Signals:
    """The decline's features of one candidate (names in NAMES)."""

    share: float
    sentence_share: float
    known_share: float
    doc_share: float
    doc_gain: float
    rare_share: float
    unknown_share: float
    place_missing: float
    place_matched: float
    number_missing: float
    margin: float
    sentence_margin: float
    concentration: float | None
    expansion_share: float = 0.0
    answer_missing: float = 0.0
    answer_held: float = 0.0
    title_share: float = 0.0

    def vector(self, names: Sequence[str]) -> list[float | None]:
        """The features named, in that order (None for one not measured; KeyError for a name that is not a signal)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return [values[name] for name in names]


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """The gazetteer (retrieval/data/places.txt): China's divisions with short names, Hong Kong, Macau, Taiwan."""
    text = resources.files("retrieval").joinpath("data/places.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def place_names(units: Iterable[Unit], gazetteer: frozenset[str]) -> list[str]:
    """The places the question names: its units in the gazetteer, or a gazetteer name with an administrative suffix;
    and for an English word, the place its English expansion gives first (Guangzhou → 广州: an English question about
    another city's service is as much another city's as a Chinese one). Only its first reading: Wanzai is 万载 (a
    county) before it is 湾仔 (a district of Hong Kong), and a page about 万载 does not miss a place the question names."""
    found: list[str] = []
    for unit in units:
        if unit.latin or not is_cjk(unit.text):
            readings = [a.text for a in unit.alternatives if a.kind == "english"]
            found.extend(readings[:1] if readings and _is_place(readings[0], gazetteer) else [])
        elif _is_place(unit.text, gazetteer):
            found.append(unit.text)
    return list(dict.fromkeys(found))


def _is_place(word: str, gazetteer: frozenset[str]) -> bool:
    return word in gazetteer or bool(_ADMIN_SUFFIX.search(word) and _ADMIN_SUFFIX.sub("", word) in gazetteer)


@lru_cache(maxsize=1)
def place_groups() -> dict[str, tuple[str, ...]]:
    """Place → the names of the groups it belongs to (retrieval/data/place_groups.tsv: 香港 → 港澳, 港澳台, …)."""
    groups: dict[str, list[str]] = {}
    for group, members in read_table(data_text("place_groups.tsv")).items():
        for member in members:
            groups.setdefault(member, []).append(group)
    return {member: tuple(names) for member, names in groups.items()}


def names_place(folded: str, place: str) -> bool:
    """Whether folded text names a place, under its full or its short name (深圳市 / 深圳), or a group's name that
    stands for it among others (港澳 for 香港)."""
    short = _ADMIN_SUFFIX.sub("", place)
    if place in folded or (len(short) >= 2 and short in folded):
        return True
    groups = place_groups()
    return any(group in folded for group in groups.get(short) or groups.get(place, ()))


def rare_share(units: Sequence[Unit], coverage: Coverage, specificity: Callable[[Unit], float],
               known: Callable[[str], bool] = lambda text: True) -> float:
    """The covered weight share among the question's rarest units that the index knows (highest IDF first)."""
    units = [u for u in units if known(u.text)]
    if not units:
        return 0.0
    count = max(2, math.ceil(len(units) * RARE_PART))
    rarest = sorted(units, key=lambda u: -specificity(u))[:count]
    total = sum(u.weight for u in rarest)
    covered = set(coverage.covered)
    return sum(u.weight for u in rarest if u.text in covered) / total if total > 0 else 0.0


def covered_share(units: Sequence[Unit], covered: Iterable[str], among: Callable[[Unit], bool] = lambda unit: True) -> float:
    """The share of the weight of the units chosen by ``among`` that ``covered`` holds."""
    chosen = [u for u in units if among(u)]
    total = sum(u.weight for u in chosen)
    found = set(covered)
    return sum(u.weight for u in chosen if u.text in found) / total if total > 0 else 0.0


def unknown_share(units: Sequence[Unit], known: Callable[[str], bool]) -> float:
    """The share of the question's weight in units that no passage of the index contains, nor any word an expansion
    gave for them: a typo or a colloquial word the expansions bridged is known through its alternative; a word no
    expansion bridges (a service the corpus never mentions) is not."""
    total = sum(u.weight for u in units)
    unbridged = sum(u.weight for u in units if not known(u.text) and not any(known(a.text) for a in u.alternatives))
    return unbridged / total if total > 0 else 0.0


def concentration(same_doc: int, candidates: int, documents: int | None) -> float | None:
    """How far the candidates crowd into the passage's document beyond chance: 0 when they are spread as evenly as
    the documents allow, 1 when all of them come from it; None in an index of one document (or of one candidate),
    where crowding says nothing (0 would say the candidates are spread: against an answer). With ``documents``
    unknown, the plain share of candidates from the passage's document."""
    share = same_doc / candidates if candidates else 0.0
    if documents is None:
        return share
    chance = 1 / max(1, min(documents, candidates))
    return max(0.0, (share - chance) / (1 - chance)) if chance < 1 else None


def signals(
    units: Sequence[Unit],
    candidates: Sequence[Candidate],
    at: int = 0,
    *,
    known: Callable[[str], bool],
    specificity: Callable[[Unit], float],
    gazetteer: frozenset[str] = frozenset(),
    documents: int | None = None,
) -> Signals:
    """The signals of candidates[at], among the question's ranked candidates (best first); ``documents``: how many
    documents the index holds (None: not known, and concentration is not measured against chance)."""
    this = candidates[at]
    others = [c for i, c in enumerate(candidates) if i != at]
    cover = this.coverage
    same_doc = [c for c in candidates if c.doc_id == this.doc_id]
    named = place_names(units, gazetteer)
    missing_place = any(not any(names_place(c.folded, place) or names_place(c.publisher, place) for c in same_doc) for place in named)
    numbers = [u.text for u in units if u.text[:1].isdigit()]
    best_other = max((c.score for c in others), default=0.0)
    doc_share = covered_share(units, (text for c in same_doc for text in c.coverage.covered))
    return Signals(
        share=cover.share,
        sentence_share=cover.sentence_share,
        known_share=covered_share(units, cover.covered, lambda unit: known(unit.text)),
        doc_share=doc_share,
        doc_gain=max(0.0, doc_share - cover.share),
        rare_share=rare_share(units, cover, specificity, known),
        unknown_share=unknown_share(units, known),
        place_missing=float(missing_place),
        place_matched=float(bool(named) and not missing_place),
        number_missing=float(any(n not in cover.covered for n in numbers)),
        margin=(this.score - best_other) / this.score if this.score > 0 else 0.0,
        sentence_margin=cover.sentence_share - max((c.coverage.sentence_share for c in others), default=0.0),
        concentration=concentration(len(same_doc), len(candidates), documents),
        expansion_share=cover.expanded_share,
        answer_missing=float(cover.answer_asked and not cover.holds_answer),
        answer_held=float(cover.answer_asked and cover.holds_answer),
        title_share=cover.title_share,
    )
