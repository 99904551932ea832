"""What the dense half is worth on this corpus: an inverse-cloze self-test at build time, and what it decides.

The unknown-token gate (retrieval.encoder.unknown_rate) only sees a model that cannot tokenise the corpus. A model
that tokenises it but reads it badly passes: a static model's tokenizer has no unknown token, and a weak Chinese
static model fused by the evidence-weighted rule lowered DRCD R@1 from 0.959 to 0.861 (issue 13). So the build
asks the corpus itself, whatever the model: sentences of its passages are the questions, their own passages the
answers (the inverse cloze task of Lee, Chang and Toutanova, "Latent Retrieval for Weakly Supervised Open Domain
Question Answering", ACL 2019). The sentence is taken out of its passage before that passage is scored, on both
sides, so that neither finds it by its verbatim copy: the dense side encodes the passage without it, the lexical
side scores the passage's remaining terms against the index's statistics. Every other passage is scored as the
index has it. Lexical alone (the Searcher's lexical half: BM25, then the best-sentence refinement), dense alone
and the fused ranking at a few dense weights are compared by R@1 (``judge``):

- the dense half is used only when the fused ranking at some weight gets more sentences right than lexical alone,
  by more than chance could explain (a sign test on the sentences the two disagree on) and by at least
  MIN_GAIN_SHARE of them; it is then used at weight 1 (the weight fitted on real questions) unless another weight
  did better by more than noise, else at the weight that did best;
- the dense similarity counts as evidence for the decline (retrieval.decline.dense_confidence) only when, besides,
  the dense ranking alone is right at least as often as the lexical one, and its first place is right at least
  EVIDENCE_PRECISION of the time where it stands out enough to count (z at or above DENSE_Z_MIDPOINT).

The result (``SelfTest``) goes into the manifest; ``dense_use`` reads it back for the Searcher. The sample is seeded
and chosen by text hash, so a rebuild draws the same sentences, and their vectors go into the embedding cache.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from retrieval.decline import DENSE_Z_MIDPOINT, confidence
from retrieval.encoder import Encoder, encode, query_text, text_hash
from retrieval.evidence import Coverage, content_units, coverage
from retrieval.fusion import FusionWeights, fuse, weights_for_evidence
from retrieval.lexical import KIND_WEIGHTS, K1, B, LexicalIndex, term_kind
from retrieval.text import fold_script, query_terms

SEED = 13
QUERIES = 300  # sentences asked; about 1/sqrt(300) = 6% standard error on a rate, enough to see a gain of a few points
# Encoding stops here (the sentences done by then are judged). MiniLM on 2 busy shared cores took 97 s for the whole
# self-test (300 sentences and their passages encoded, then judged) beside a 304 s build of 952 passages.
BUDGET_S = 120.0
CHUNK = 32  # sentences (and their passages) encoded at a time, the clock read between chunks
WEIGHTS = (0.25, 0.5, 1.0, 2.0)  # dense weights tried (the lexical weight is the evidence odds, retrieval.fusion)
MIN_QUERIES = 30  # fewer sentences than this say nothing: the model stays on as fitted, its similarity not evidence
MIN_GAIN_SHARE = 0.01  # the fused ranking must get at least this share of the sentences more right than lexical alone
EVIDENCE_PRECISION = 0.8  # the dense first places that stand out (dense_confidence >= 0.5) must be right this often
SIGN_Z = 2.0  # and its net gain must stand this many standard deviations above no gain (sign test on the disagreements)
MIN_SENTENCE_CHARS = 10  # letters and digits of a sentence asked, and of what is left of its passage
MIN_LATIN_WORDS = 5  # a sentence mostly in Latin letters needs this many words

_END = re.compile(r"[。！？；!?;]+[”’」』\"')）]*|\n+|\.(?=\s+[A-Z0-9\"“‘(\u4e00-\u9fff])")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Probe:
    """One question of the self-test: a sentence of a passage, and that passage's indexed text without it."""

    row: int
    sentence: str
    edited: str


@dataclass(frozen=True)
class ProbeResult:
    """Whether each ranking put the sentence's passage first (or a passage holding the sentence itself)."""

    lexical: bool
    dense: bool
    fused: tuple[bool, ...]  # one per weight of WEIGHTS
    dense_z: float | None  # how far the dense first place stands above the dense candidates (search._standard_scores)


@dataclass(frozen=True)
class SelfTest:
    """The self-test's figures and decision, as the manifest keeps them."""

    model: str
    queries: int
    seed: int
    seconds: float
    lexical_r1: float
    dense_r1: float
    fused_r1: dict[str, float]  # dense weight (as text, a JSON key) -> R@1
    weight: float  # the dense weight chosen; 0: dense off
    gains: int  # sentences the fused ranking at that weight gets right and lexical alone wrong
    losses: int  # and the other way round
    evidence: bool  # whether the dense similarity counts for the decline
    evidence_precision: float | None  # dense first place right, among the sentences where dense_confidence >= 0.5
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DenseUse:
    """How a Searcher uses an index's dense half."""

    enabled: bool
    weight: float
    evidence: bool
    note: str = ""


def sentence_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a passage body, without surrounding spaces.

    Ends: 。！？；!?; (with closing quotes), a line break, or a full stop followed by a space and a capital, a digit
    or a Chinese character (so "9 a.m. and" and "41.4%" stay whole).
    """
    spans, start = [], 0
    for match in _END.finditer(body):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(body)))
    out = []
    for a, b in spans:
        text = body[a:b]
        stripped = text.strip()
        if stripped:
            lead = len(text) - len(text.lstrip())
            out.append((a + lead, a + lead + len(stripped)))
    return out


def _content_chars(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")


def askable(sentence: str, rest: str) -> bool:
    """Whether a sentence can be asked: long enough (a mostly Latin one in words too), and its passage keeps enough."""
    chars = _content_chars(sentence)
    if chars < MIN_SENTENCE_CHARS or _content_chars(rest) < MIN_SENTENCE_CHARS:
        return False
    latin = sum(len(w) for w in _LATIN_WORD.findall(sentence))
    return latin * 2 <= chars or len(_LATIN_WORD.findall(sentence)) >= MIN_LATIN_WORDS


def _order(seed: int, key: str) -> str:
    return hashlib.blake2b(f"{seed}\0{key}".encode(), digest_size=8).hexdigest()


def _candidates(text: str, body: str, seed: int) -> list[tuple[str, str]]:
    """(sentence, edited indexed text) of the askable sentences of a passage, in a seeded order."""
    context = text[: len(text) - len(body)] if text.endswith(body) else ""
    spans = sentence_spans(body)
    found = []
    for a, b in spans:
        sentence = body[a:b]
        if body.count(sentence) != 1:  # said twice: what is left would still hold it
            continue
        rest = (body[:a].rstrip() + (" " if body[:a].strip() and body[b:].strip() else "") + body[b:].lstrip()).strip()
        if askable(sentence, rest):
            found.append((sentence, context + rest))
    return sorted(found, key=lambda pair: _order(seed, pair[0]))


def sample_probes(texts: Sequence[str], bodies: Sequence[str], n: int = QUERIES, seed: int = SEED) -> list[Probe]:
    """Up to n probes: passages in a seeded order by text hash (a rebuild draws the same), one sentence of each,
    then a second sentence of each when the passages run out (a small corpus), and so on.

    ``texts`` are the indexed texts (title and heading, then body: retrieval.build.indexed_text), ``bodies`` the
    passages' bodies; only a body's sentences are asked, and the context stays in the edited passage.
    """
    order = sorted(range(len(texts)), key=lambda row: _order(seed, text_hash(texts[row])))
    options: dict[int, list[tuple[str, str]]] = {}
    probes: list[Probe] = []
    taken: set[str] = set()
    round_ = 0
    while len(probes) < n:
        progressed = False
        for row in order:
            if len(probes) >= n:
                break
            if round_ == 0:
                options[row] = _candidates(texts[row], bodies[row], seed)
            if round_ < len(options[row]):
                progressed = True
                sentence, edited = options[row][round_]
                if sentence not in taken:  # the same sentence in two passages is asked once
                    taken.add(sentence)
                    probes.append(Probe(row, sentence, edited))
        if not progressed:
            break
        round_ += 1
    return probes


@dataclass(frozen=True)
class _Lexical:
    """The lexical side's view of the corpus for the self-test."""

    index: LexicalIndex
    folded: Sequence[str]
    terms: Callable[[str], list[str]]
    mean_length: float


def edited_score(question_terms: Sequence[str], passage_terms: Sequence[str], lexical: _Lexical) -> float:
    """The weighted BM25 score (retrieval.lexical) of a passage of these terms, with the index's IDF and mean length.

    bm25s's Lucene formula: IDF x tf / (tf + k1 (1 - b + b length / mean length)); a term asked twice counts twice,
    as in LexicalIndex.scores.
    """
    counts = Counter(t for t in passage_terms if t)
    norm = K1 * (1 - B + B * sum(counts.values()) / lexical.mean_length)
    total = 0.0
    for term in question_terms:
        tf = counts.get(term, 0)
        if tf and lexical.index.knows(term):
            total += KIND_WEIGHTS[term_kind(term)] * lexical.index.idf(term) * tf / (tf + norm)
    return total


def lexical_ranking(probe: Probe, lexical: _Lexical, candidates: int, refine: int, sentence_weight: float
                    ) -> tuple[list[tuple[int, float]], Coverage | None, Callable[[int], str]]:
    """The Searcher's lexical ranking of the probe's sentence (BM25 top, refined by the best sentence's coverage),
    with its passage scored without the sentence; also the first place's coverage and the folded text of a row."""
    folded_question = fold_script(probe.sentence)
    asked = query_terms(folded_question)
    edited_folded = fold_script(probe.edited)
    rows, scores = lexical.index.top(asked, candidates + 1)
    top = [(int(r), float(s)) for r, s in zip(rows.tolist(), scores.tolist(), strict=True) if r != probe.row]
    own = edited_score(asked, lexical.terms(edited_folded), lexical)
    if own > 0:
        top.append((probe.row, own))
    top.sort(key=lambda pair: (-pair[1], pair[0]))
    top = top[:candidates]

    def folded_of(row: int) -> str:
        return edited_folded if row == probe.row else lexical.folded[row]

    units = content_units(folded_question, lexical.index.idf, lexical.index.max_idf)
    best = top[0][1] if top else 0.0
    covered: dict[int, Coverage] = {}
    refined = []
    for i, (row, score) in enumerate(top):
        bonus = 0.0
        if i < refine:
            covered[row] = coverage(units, folded_of(row))
            bonus = sentence_weight * covered[row].sentence_share
        refined.append((row, score / best + bonus))
    refined.sort(key=lambda pair: -pair[1])
    return refined, (covered[refined[0][0]] if refined else None), folded_of


def dense_ranking(probe_row: int, sims: np.ndarray, edited_sim: float, candidates: int) -> list[tuple[int, float]]:
    """The passages nearest a question (``sims``: its similarity to every passage), best first (exact), with the
    probe's passage at its edited similarity."""
    sims = sims.copy()
    sims[probe_row] = edited_sim
    n = min(candidates, len(sims))
    best = np.argpartition(-sims, n - 1)[:n]
    best = best[np.lexsort((best, -sims[best]))]
    return [(int(r), float(sims[r])) for r in best]


def _z_first(dense: list[tuple[int, float]]) -> float | None:
    if len(dense) < 3:
        return None
    sims = np.array([s for _, s in dense])
    spread = float(sims.std())
    return None if spread <= 1e-9 else (float(sims[0]) - float(sims.mean())) / spread


def judge_probe(probe: Probe, sims: np.ndarray, edited_sim: float, lexical: _Lexical, weights: Sequence[float] = WEIGHTS
                ) -> ProbeResult:
    """Rank one probe lexically, densely (``sims``: the sentence's similarity to every passage as indexed,
    ``edited_sim``: to its own passage without it) and fused at each weight; which put its passage first."""
    from retrieval.search import CANDIDATES, REFINE, SENTENCE_WEIGHT  # search imports build, which imports this

    lex, first_cover, folded_of = lexical_ranking(probe, lexical, CANDIDATES, REFINE, SENTENCE_WEIGHT)
    dense = dense_ranking(probe.row, sims, edited_sim, CANDIDATES)
    target = fold_script(probe.sentence)

    def right(ranking: Sequence[tuple[int, float]]) -> bool:
        # A passage holding the sentence itself (a duplicate, or an overlapping part) answers too.
        return bool(ranking) and (ranking[0][0] == probe.row or target in folded_of(ranking[0][0]))

    lexical_confidence = confidence(first_cover.share, first_cover.sentence_share) if first_cover is not None else 0.0
    fused = tuple(right(fuse(lex, dense, weights_for_evidence(FusionWeights(dense=w), lexical_confidence))) for w in weights)
    return ProbeResult(right(lex), right(dense), fused, _z_first(dense))


def judge(results: Sequence[ProbeResult], model: str, seconds: float, *, seed: int = SEED,
          weights: Sequence[float] = WEIGHTS) -> SelfTest:
    """The decision from the probes' results: the dense weight (0: off) and whether the dense evidence counts.

    A weight passes when the fused ranking at that weight gets at least max(MIN_GAIN_SHARE of the sentences,
    SIGN_Z standard deviations) more right than lexical alone: under no real difference, the sentences the two
    disagree on go either way with even odds, so the net gain's standard deviation is the square root of their
    number (a sign test). Weight 1 (the rule the fusion was fitted with, on real questions) is kept when it passes
    and no other weight did better by more than the noise of that comparison (the square root of the sentences
    the two fused rankings disagree on, at least one); otherwise the passing weight with the largest net gain.
    """
    n = len(results)
    lexical_r1 = sum(r.lexical for r in results) / n if n else 0.0
    dense_r1 = sum(r.dense for r in results) / n if n else 0.0
    fused_r1 = {f"{w:g}": (sum(r.fused[i] for r in results) / n if n else 0.0) for i, w in enumerate(weights)}
    confident = [r.dense for r in results if r.dense_z is not None and r.dense_z >= DENSE_Z_MIDPOINT]
    precision = sum(confident) / len(confident) if confident else None
    gains = [sum(1 for r in results if r.fused[i] and not r.lexical) for i in range(len(weights))]
    losses = [sum(1 for r in results if r.lexical and not r.fused[i]) for i in range(len(weights))]
    net = [g - l for g, l in zip(gains, losses, strict=True)]
    passes = [net[i] > 0 and net[i] >= max(MIN_GAIN_SHARE * n, SIGN_Z * math.sqrt(gains[i] + losses[i])) for i in range(len(weights))]
    best = max(range(len(weights)), key=lambda i: (net[i], -abs(math.log(weights[i])), -weights[i])) if weights else 0
    chosen: int | None = best if weights and passes[best] else None
    if 1.0 in weights:
        one = list(weights).index(1.0)
        apart = sum(1 for r in results if r.fused[one] != r.fused[best])
        if passes[one] and net[best] - net[one] <= max(1.0, math.sqrt(apart)):
            chosen = one
    shown = chosen if chosen is not None else best
    figures = (f"self-test on {n} sentences of the corpus: R@1 lexical {lexical_r1:.3f}, dense {dense_r1:.3f}, fused at "
               f"weight {weights[shown]:g} {fused_r1[f'{weights[shown]:g}']:.3f} (+{gains[shown]} / -{losses[shown]})") if n and weights else ""
    if n < MIN_QUERIES:
        # Too small a corpus to measure: keep the model the unknown-token gate let through, at the weight fitted on
        # real questions, with its similarity not counted for the decline; a build over a bigger corpus tests it.
        return SelfTest(model, n, seed, round(seconds, 2), lexical_r1, dense_r1, fused_r1, 1.0, 0, 0, False, precision,
                        f"dense retrieval is on at weight 1, untested: the corpus gave {n} sentences to test the model "
                        f"on, fewer than {MIN_QUERIES}; its similarity does not count for the decline")
    if chosen is None:
        why = f"the model {model} adds too little to lexical matching on this corpus ({figures})"
        return SelfTest(model, n, seed, round(seconds, 2), lexical_r1, dense_r1, fused_r1, 0.0, gains[shown] if n else 0,
                        losses[shown] if n else 0, False, precision, f"dense retrieval is off: {why}")
    evidence = dense_r1 >= lexical_r1 and (precision is None or precision >= EVIDENCE_PRECISION)
    return SelfTest(model, n, seed, round(seconds, 2), lexical_r1, dense_r1, fused_r1, weights[chosen], gains[chosen], losses[chosen],
                    evidence, precision, f"dense retrieval is on at weight {weights[chosen]:g} ({figures}); its similarity "
                    + ("counts for the decline" if evidence else "does not count for the decline (" + (
                        "dense alone is weaker than lexical" if dense_r1 < lexical_r1 else
                        f"its first places that stand out were right only {precision:.0%} of the time") + ")"))


def run(
    texts: Sequence[str],
    bodies: Sequence[str],
    vectors: np.ndarray,
    encoder: Encoder,
    model: str,
    lexical: Callable[[], tuple[LexicalIndex, Sequence[str], float]],
    *,
    terms: Callable[[str], list[str]],
    batch_size: int = 64,
    cached: Callable[[list[str]], np.ndarray] | None = None,
    n: int = QUERIES,
    seed: int = SEED,
    budget_s: float = BUDGET_S,
    clock: Callable[[], float] = time.perf_counter,
) -> SelfTest:
    """Run the self-test on a corpus whose passages have these vectors, and decide.

    ``lexical`` returns the lexical index, the folded passages and their mean number of terms (the build's lexical
    half: it is asked for only after the encoding, which can overlap the lexical build). ``cached`` encodes texts
    through the embedding cache (else ``encoder`` is called directly). Encoding stops once ``budget_s`` is spent;
    the probes encoded by then are judged. The seconds recorded are the self-test's own (not the wait for the
    lexical half).
    """
    started = clock()
    probes = sample_probes(texts, bodies, n, seed)
    embed = cached or (lambda batch: encode(encoder, batch, batch_size=batch_size))
    questions: list[np.ndarray] = []
    edited: list[np.ndarray] = []
    for start in range(0, len(probes), CHUNK):
        if start and clock() - started > budget_s:
            break
        chunk = probes[start : start + CHUNK]
        questions.extend(embed([query_text(model, p.sentence) for p in chunk]))
        edited.extend(embed([p.edited for p in chunk]))
    probes = probes[: len(questions)]
    spent = clock() - started
    index, folded, mean = lexical()
    started = clock()
    view = _Lexical(index, folded, terms, max(mean, 1.0))
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    results = []
    for start in range(0, len(probes), CHUNK):  # one matrix product a chunk: passages x CHUNK similarities
        asked = np.stack(questions[start : start + CHUNK])
        sims = matrix @ asked.T
        for i, probe in enumerate(probes[start : start + CHUNK]):
            own = float(edited[start + i] @ asked[i])
            results.append(judge_probe(probe, sims[:, i], own, view))
    return judge(results, model, spent + clock() - started, seed=seed)


def dense_use(enabled: bool, weight: float | None, evidence: bool | None, unknown_rate: float | None) -> DenseUse:
    """How to use an index's dense half, from its manifest (dense_enabled, dense_weight, dense_evidence, unknown_rate).

    An index built before the self-test keeps the rule it was built under (weight 1, the dense evidence counted)
    when the unknown-token gate could look at its model; when it could not (a tokenizer without an unknown token,
    such as a static model's), nothing ever checked that the model reads the corpus, and the dense half is not used.
    """
    if not enabled:
        return DenseUse(False, 0.0, False)
    if weight is not None:
        return DenseUse(weight > 0, weight, bool(evidence) and weight > 0)
    if unknown_rate is not None:
        return DenseUse(True, 1.0, True, "index built before the dense self-test: dense weight 1, as it was built")
    return DenseUse(False, 0.0, False, "index built before the dense self-test by a model the unknown-token gate could not check: "
                    "dense retrieval is off; rebuild the index (`quotebot index`) to test the model on the corpus")
