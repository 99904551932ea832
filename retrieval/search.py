"""Answer questions from an index directory: rank passages, decide whether they answer, or decline.

A question is screened (retrieval.decline), folded and tokenized like the passages, and expanded with the words the
documents would use for its own (retrieval.expand: colloquial, Cantonese, mistyped and English words); BM25 ranks
every passage, the expansions' terms weighing below the question's own;
the lexical top candidates are refined by how much of the question their best sentence covers (read under the
passage's title and heading) and their document's title holds, and the paragraph of the first document to put first
is chosen again among its siblings by a model fitted on real questions (retrieval.siblings); the dense
ranking (when the index has one) is fused in; the best passage's coverage of the question decides between
quoting and declining. A Searcher is read-only after opening and safe to share between threads; it reads
passages from the index's SQLite file as a search needs them (retrieval.store.PassageStore).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from corpus.model import Passage
from retrieval import layout, store
from retrieval.batcher import MAX_BATCH, EncodeBatcher
from retrieval.build import LEXICAL_SCHEME
from retrieval.config import NO_MODEL, IndexSettings
from retrieval.decline import DeclineModel, Logistic, confidence, default_model, dense_confidence, screen
from retrieval.encoder import Encoder, encode, faiss_threads, for_questions, load_encoder, query_text
from retrieval.errors import IndexCorruptError, IndexMissingError, IndexModelError, IndexVersionError, RetrievalError
from retrieval.expand import ADOPTED, Kind, Query, expand
from retrieval.answer_type import AnswerType, Catalogue, asked_types, default_catalogue
from retrieval.evidence import Coverage, Unit, content_units, coverage, is_cjk
from retrieval.fusion import DEFAULT_WEIGHTS, FusionWeights, fuse, weights_for_evidence
from retrieval.highlight import surface_terms
from retrieval.lexical import LexicalIndex
from retrieval.model import Answer, Confidence, DeclineReason, Hit, IndexInfo
from retrieval.selftest import dense_use
from retrieval.siblings import SiblingModel, choose_first, features
from retrieval.siblings import default_model as default_siblings
from retrieval.signals import Candidate, Signals, places, signals
from retrieval.text import JIEBA_PREFIX, fold_script
from retrieval.faiss_vectors import open_faiss
from retrieval.vectors import OpenVectors, VectorIndex

log = logging.getLogger(__name__)

CANDIDATES = 100  # passages taken from each ranking before fusion
REFINE = 30  # lexical candidates re-scored by sentence coverage
HANDOFF_S = 0.002  # at most this long the lexical half waits for the dense half to start (see Searcher.rank)
SENTENCE_WEIGHT = 0.5  # weight of the best sentence's coverage against BM25 relative to the best passage (measured: README)
# A passage whose document's title holds the question's words gains TITLE_WEIGHT times the share it holds: of two
# passages that cover a question alike, the one from the document about it (README, "Sentences under their title").
TITLE_WEIGHT = 0.2
# A passage that holds the kind of answer the question asks (a time, an amount, a duration: retrieval.answer_type)
# gains ANSWER_WEIGHT, and ANSWER_SENTENCE_WEIGHT times the coverage of its best sentence that holds one: the one
# that shares the question's words *and* says when or how much. Measured on real_dev (README, "Answer types").
ANSWER_WEIGHT = 0.2
ANSWER_SENTENCE_WEIGHT = 0.2
# A passage loses POSITION_WEIGHT times the log of 1 + its paragraph's number in its document: of sibling paragraphs
# that cover a question alike, the earlier one answers more often (a notice or an article states its arrangements
# first, and ends with notes, contacts and appendices). Measured on real_dev (README, "Earlier paragraphs first").
POSITION_WEIGHT = 0.06
# A passage gains NUMBER_WEIGHT times the share of the question's numbers its own heading or body holds (Coverage.
# number_share), not only its document's title. Measured on real_dev (README, "Numbers in the passage itself").
NUMBER_WEIGHT = 0.1
LEAD_SLACK = 20  # further passages ranked so that the best by evidence alone are among them
SIGNAL_CANDIDATES = 10  # the candidates the decline's signals look at (margin, concentration, a place named in the document)


@dataclass(frozen=True)
class Ranked:
    """One passage in a ranking, with the evidence behind its place."""

    row: int
    # Fused (or lexical) ranking score; only the order means something. Lexical alone, the score before the position
    # term (POSITION_WEIGHT): the order is the score less that term, so a later passage can stand first by its score,
    # and then the choice among the first document's paragraphs (retrieval.siblings), which moves one of them first.
    score: float
    lexical_rank: int | None
    dense_rank: int | None
    coverage: Coverage
    dense_z: float | None = None  # how far the passage's similarity stands above the question's other candidates


@dataclass(frozen=True)
class _Refined:
    """The refined lexical ranking (Searcher._refine), before the sibling choice."""

    ranking: list[tuple[int, float]]  # (row, score before the position term), best first
    covered: dict[int, Coverage]  # of the passages refined (the first REFINE of BM25)
    evidence: dict[int, dict[str, float]]  # their retrieval.siblings.features
    docs: dict[int, str]  # their document ids


@dataclass(frozen=True)
class Assessed:
    """A question's ranking and the decline's view of its first passages."""

    ranked: tuple[Ranked, ...]  # best first, at least SIGNAL_CANDIDATES when the index has them
    signals: tuple[Signals, ...]  # of the first passages (as many as asked for)
    probabilities: tuple[float, ...]  # that the corpus answers, on each passage's evidence (dense evidence where there is)
    right: tuple[float, ...]  # that each passage is the answer, if the corpus answers (the decline's two models)
    # The passage whose evidence is best (the highest score: the first but for the position term) and the probability,
    # on its signals, that the corpus answers the question: whether the documents answer does not hang on which of
    # two sibling paragraphs goes first.
    lead: Signals | None = None
    answers: float = 0.0


class Searcher:
    """Ranks the passages of one index for a question; thread-safe for concurrent searches."""

    def __init__(
        self,
        *,
        index_dir: Path,
        manifest: store.Manifest,
        passages: store.PassageStore,
        lexical: LexicalIndex,
        vectors: VectorIndex | None,
        encoder: Encoder | None,
        settings: IndexSettings,
        weights: FusionWeights = DEFAULT_WEIGHTS,
        decline: DeclineModel | None = None,
        expansions: Sequence[Kind] | None = None,
        dense_evidence: bool = True,
        answer_types: Catalogue | None = None,
        siblings: SiblingModel | None = None,
    ) -> None:
        self._index_dir = index_dir
        self._decline = decline or default_model()
        # The query expanders (retrieval.expand), None: those adopted (expand.ADOPTED, read when the Searcher is made).
        self._expansions: tuple[Kind, ...] = ADOPTED if expansions is None else tuple(expansions)
        # The kinds of answer a question may ask (retrieval.answer_type), None: retrieval/data/answer_types.json's.
        self._answer_types = default_catalogue() if answer_types is None else answer_types
        # Which paragraph of the first document goes first (retrieval.siblings), None: retrieval/data/siblings.json's;
        # a model with no weights keeps the refined order.
        self._siblings = default_siblings() if siblings is None else siblings
        self._manifest = manifest
        self._passages = passages  # read on demand: a search needs a few dozen of them
        self._lexical = lexical
        self._vectors = vectors if encoder is not None else None
        self._encoder = encoder
        self._settings = settings
        self._weights = weights
        self._dense_evidence = dense_evidence  # whether the dense similarity counts for the decline (the self-test's say)
        # Concurrent questions share one encode call; it also keeps to one encode at a time, as the
        # tokenizers of sentence-transformers are not safe to share between threads.
        self._batcher = None if encoder is None else EncodeBatcher(lambda texts: encode(encoder, texts, batch_size=len(texts)))
        # Threads that run the dense half (waiting on the batcher, then searching the vectors) while their callers
        # rank lexically: as many as one batch can take, so that concurrent questions still meet in one encode.
        # Idle threads cost nothing but their stacks. Each sets FAISS's threads for itself (OpenMP's count is per thread).
        self._encodes = ThreadPoolExecutor(max_workers=MAX_BATCH, thread_name_prefix="quotebot-encode",
                                           initializer=faiss_threads, initargs=(settings.threads,))

    @classmethod
    def open(
        cls, index_dir: Path, settings: IndexSettings, *, encoder: Encoder | None = None, weights: FusionWeights | None = None,
        decline: DeclineModel | None = None, expansions: Sequence[Kind] | None = None, answer_types: Catalogue | None = None,
        siblings: SiblingModel | None = None, open_vectors: OpenVectors = open_faiss,
    ) -> Searcher:
        """Open an index directory (built by retrieval.build); errors name the directory and what to run.

        The fusion's dense weight, and whether the dense similarity counts for the decline, are the build's self-test's
        (retrieval.selftest.dense_use reads them from the manifest); ``weights`` given replaces the fusion weights.
        ``open_vectors``: the dense index's backend (retrieval.vectors), given the version's directory.
        """
        index_dir = Path(index_dir).expanduser().absolute()
        if not index_dir.exists():
            raise IndexMissingError(index_dir, "no index there")
        # Resolve the link once: a build may swap in a new version while this one is being read.
        version = layout.version_dir(index_dir)
        manifest = store.read_manifest(version, name=index_dir)
        if manifest.lexical_scheme != LEXICAL_SCHEME:
            raise IndexVersionError(index_dir, f"built with term scheme {manifest.lexical_scheme!r}, this quotebot uses {LEXICAL_SCHEME!r}",
                                    f"run `quotebot index --index {index_dir}` to rebuild it")
        if not _model_agrees(manifest, settings):
            raise IndexModelError(
                index_dir,
                f"built with model {manifest.model_setting!r}, but {settings.model!r} was asked for",
                f"run `quotebot index --index {index_dir} --model {settings.model}` to rebuild it with that model",
            )
        use = dense_use(manifest.dense_enabled, manifest.dense_weight, manifest.dense_evidence, manifest.unknown_rate)
        if manifest.dense_enabled and not use.enabled:
            log.warning("%s: %s", index_dir, use.note)
        try:
            passages = store.PassageStore(version / store.PASSAGES, name=index_dir)
            lexical = LexicalIndex.load(version / store.LEXICAL)
            vectors = open_vectors(version) if use.enabled else None
        except Exception as err:  # noqa: BLE001 - sqlite, numpy, json and faiss each fail in their own way
            raise IndexCorruptError(index_dir, f"its files cannot be read ({err.__class__.__name__}: {err})") from None
        sizes = {manifest.passages, passages.count, lexical.size} | ({vectors.size} if vectors is not None else set())
        if len(sizes) != 1:
            raise IndexCorruptError(index_dir, f"its parts disagree on the number of passages ({sorted(sizes)})")
        if settings.model.strip().lower() == NO_MODEL:
            encoder, vectors = None, None  # asked for lexical retrieval only: the vectors are left unused
        elif not use.enabled:
            encoder = None
        elif encoder is None:
            encoder = _query_encoder(manifest, settings)
        return cls(index_dir=index_dir, manifest=manifest, passages=passages, lexical=lexical, vectors=vectors, encoder=encoder,
                   settings=settings, weights=weights if weights is not None else FusionWeights(dense=use.weight), decline=decline,
                   expansions=expansions, dense_evidence=use.evidence, answer_types=answer_types, siblings=siblings)

    @property
    def info(self) -> IndexInfo:
        m = self._manifest
        return IndexInfo(
            documents=m.documents, passages=m.passages, newest_date=m.newest_date, model=m.model if self._vectors is not None else None,
            dense_enabled=self._vectors is not None, built_at=m.built_at, index_dir=str(self._index_dir), dense_note=m.dense_note,
            vector_index=m.vector_index, encoder_backend=None if self._vectors is None else getattr(self._encoder, "backend", None),
        )

    def passage(self, passage_id: str) -> Passage | None:
        """The passage with this id, or None."""
        row = self._passages.row_of(passage_id)
        return None if row is None else self._passages.passage(row)

    def passage_at(self, row: int) -> Passage:
        """The passage at a row of the index (rows are what Ranked refers to); IndexError for a row it has not."""
        return self._passages.passage(row)

    def paragraph(self, passage_id: str) -> tuple[Passage, ...]:
        """Every part of the paragraph this passage belongs to, in order (empty for an unknown id)."""
        row = self._passages.row_of(passage_id)
        return () if row is None else self._passages.paragraph(row)

    def query(self, question: str) -> Query:
        """The question as rank sees it: folded, its weighted terms and its expansions (retrieval.expand)."""
        return expand(question, self._lexical, self._expansions)

    def _units(self, query: Query) -> tuple[Unit, ...]:
        """The question's content units, with the alternatives its expansions found (retrieval.evidence)."""
        return content_units(query.folded, self._lexical.idf, self._lexical.max_idf, query.expansions, query.ignore,
                             known_word=self._knows_word)

    def _knows_word(self, word: str) -> bool:
        """Whether some passage has this word as jieba cut it."""
        return self._lexical.knows(JIEBA_PREFIX + word)

    def rank(self, question: str, n: int = 10, query: Query | None = None, units: tuple[Unit, ...] | None = None) -> list[Ranked]:
        """The n best passages for a question, best first, with no decline (the evaluation uses this).

        ``query``: the question already expanded (``self.query``), and ``units`` its content units (``self._units``),
        when the caller needs them too.

        With a dense index the dense half (encoding the question, searching the vectors) runs in another thread
        while this one ranks the question lexically: the encoder and FAISS compute without the GIL, so the lexical
        half (tokenising, BM25, sentence coverage) costs almost no time of its own (benchmarks/RESULTS.md, runs 4-5).
        """
        dense_half: Future[list[tuple[int, float]]] | None = None
        if self._vectors is not None and self._batcher is not None:
            started = threading.Event()
            dense_half = self._encodes.submit(self._dense_ranking, question, started)
            # The lexical half is pure Python for milliseconds: without this handoff it keeps the GIL for up to the
            # interpreter's switch interval (5 ms) before the dense thread can even start its encoder, and the two
            # halves run one after the other (benchmarks/RESULTS.md, run 5).
            started.wait(HANDOFF_S)
        query = self.query(question) if query is None else query
        units = self._units(query) if units is None else units
        asked = asked_types(query.folded, self._answer_types)
        refined = self._refined(query, units, asked)
        lexical, covered = choose_first(refined.ranking, refined.docs, refined.evidence, self._siblings), refined.covered
        dense = dense_half.result() if dense_half is not None else []
        z = _standard_scores(dense)
        if dense:
            lexical_confidence = confidence(covered[lexical[0][0]].share, covered[lexical[0][0]].sentence_share) if lexical else 0.0
            weights = weights_for_evidence(self._weights, lexical_confidence)
            fused = fuse(lexical, dense, weights)
        else:
            fused = lexical
        lex_rank = {row: i for i, (row, _) in enumerate(lexical, start=1)}
        dense_rank = {row: i for i, (row, _) in enumerate(dense, start=1)}
        texts = self._passages.indexed(row for row, _ in fused[:n] if row not in covered)
        return [
            Ranked(row, score, lex_rank.get(row), dense_rank.get(row), covered[row] if row in covered else _coverage(units, texts[row], asked), z.get(row))
            for row, score in fused[:n]
        ]

    def _dense_ranking(self, question: str, started: threading.Event) -> list[tuple[int, float]]:
        """The passages nearest the question's vector (encoded through the micro-batcher), best first; ``started``
        is set as soon as this thread runs."""
        started.set()
        assert self._batcher is not None and self._vectors is not None
        return self._vectors.search(self._batcher.encode(query_text(self._manifest.model, question)), CANDIDATES)

    def sibling_evidence(self, question: str) -> list[tuple[int, str, dict[str, float]]]:
        """The refined lexical candidates that carry evidence, in the refined order before the sibling choice, each as
        (row, document id, retrieval.siblings.features): what benchmarks.fit_siblings fits that choice on."""
        refined = self._refined(self.query(question))
        return [(row, refined.docs[row], refined.evidence[row]) for row, _ in refined.ranking if row in refined.evidence]

    def _refined(self, query: Query, units: tuple[Unit, ...] | None = None, asked: tuple[AnswerType, ...] | None = None) -> _Refined:
        """The BM25 top of an expanded question, refined (``_refine``)."""
        units = self._units(query) if units is None else units
        asked = asked_types(query.folded, self._answer_types) if asked is None else asked
        rows, scores = self._lexical.top(query.terms, CANDIDATES, query.weights)
        return self._refine(list(zip(rows.tolist(), scores.tolist(), strict=True)), units, asked)

    def _refine(self, top: list[tuple[int, float]], units: tuple[Unit, ...], asked: tuple[AnswerType, ...] = ()) -> _Refined:
        """Lexical ranking of the BM25 top (row, score), best first: BM25 relative to the best, plus the share of
        the question the best sentence covers (read under the passage's title and heading), plus the share its
        document's title holds, plus a bonus where the passage holds the kind of answer asked, less a little for a
        paragraph further into its document; and a little where its own text holds the question's numbers.

        Returns the ranking (before the choice among siblings: retrieval.siblings), each passage with its score before
        the position term (its evidence: the decline judges whether the documents answer on the passage whose
        evidence is best, retrieval.search.Assessed), and, for the passages it refined, their coverage, their
        evidence for the choice among siblings and their documents.
        """
        best = top[0][1] if top else 0.0
        out = _Refined([], {}, {}, {})
        refined = []
        texts = self._passages.indexed(row for row, _ in top[:REFINE])
        for i, (row, score) in enumerate(top):
            relative = score / best
            bonus = later = 0.0
            if i < REFINE:
                text = texts[row]
                cover = out.covered[row] = _coverage(units, text, asked)
                bonus = (SENTENCE_WEIGHT * cover.sentence_share + TITLE_WEIGHT * cover.title_share + answer_bonus(cover)
                         + NUMBER_WEIGHT * cover.number_share)
                evidence = out.evidence[row] = features(relative, cover, text.position)
                later = POSITION_WEIGHT * evidence["position"]  # log(1 + the paragraph's number)
                out.docs[row] = text.doc_id
            refined.append((row, relative + bonus, later))
        refined.sort(key=lambda item: -(item[1] - item[2]))
        out.ranking.extend((row, score) for row, score, _ in refined)
        return out

    def assess(self, question: str, n: int = 1) -> Assessed:
        """Rank a question and weigh its first n passages with the decline's signals (no screening, no decline)."""
        query = self.query(question)
        units = self._units(query)
        found = self.rank(question, n=max(n, SIGNAL_CANDIDATES) + LEAD_SLACK, query=query, units=units)
        ranked = tuple(found[:max(n, SIGNAL_CANDIDATES)])
        if not ranked:
            return Assessed((), (), (), ())
        # The passages by evidence alone (their score, before the position term): the decline judges whether the
        # documents answer on the best of them, among the candidates that stand around it by evidence.
        by_evidence = sorted(found, key=lambda item: -item.score)[:SIGNAL_CANDIDATES]
        read = self._passages.candidates(item.row for item in (*ranked, *by_evidence))

        def weigh(items: Sequence[Ranked], at: Sequence[int]) -> list[Signals]:
            candidates = [Candidate(read[item.row][0], read[item.row][1], item.score, item.coverage, fold_script(read[item.row][2]))
                          for item in items]
            return [signals(units, candidates, i, known=self._knows_unit, specificity=self._unit_idf, gazetteer=places(),
                            documents=self._manifest.documents) for i in at]

        weighed = weigh(ranked, range(min(n, len(ranked))))
        # Most often the position term moved nothing among these: the lead is the first, among the same candidates.
        same = [item.row for item in by_evidence] == [item.row for item in ranked]
        lead_signals = weighed[0] if same else weigh(by_evidence, [0])[0]
        # A further passage answers on its own evidence (coverage, places), in a ranking whose first place stands out
        # as it does: its margin below the first is its place in the ranking, not evidence against it.
        weighed = [weighed[0]] + [replace(s, margin=weighed[0].margin, sentence_margin=weighed[0].sentence_margin) for s in weighed[1:]]
        pairs = list(zip(ranked, weighed, strict=False))
        return Assessed(ranked, tuple(weighed), tuple(self._probability(self._decline.answers, item, s) for item, s in pairs),
                        tuple(self._probability(self._decline.right, item, s) for item, s in pairs),
                        lead_signals, self._probability(self._decline.answers, by_evidence[0], lead_signals))

    def _knows_unit(self, text: str) -> bool:
        """Whether some passage contains a content unit (a Chinese word: each of its bigrams)."""
        if is_cjk(text) and len(text) > 1:
            return all(self._lexical.knows(text[i : i + 2]) for i in range(len(text) - 1))
        return self._lexical.knows(text)

    def _unit_idf(self, unit: Unit) -> float:
        """A content unit's IDF (a Chinese word: the mean of its bigrams'), as retrieval.evidence weighs it."""
        text = unit.text
        if is_cjk(text) and len(text) > 1:
            return sum(self._lexical.idf(text[i : i + 2]) for i in range(len(text) - 1)) / (len(text) - 1)
        return self._lexical.idf(text)

    def _probability(self, model: Logistic, item: Ranked, weighed: Signals) -> float:
        """One of the decline's probabilities for a passage, or the dense evidence's where that is higher (only where
        the build's self-test trusts the model's similarity: retrieval.selftest, ``dense_evidence``)."""
        lexical = model.probability(weighed)
        return lexical if item.dense_z is None or not self._dense_evidence else max(lexical, dense_confidence(item.dense_z))

    def search(self, question: str, k: int = 3, offset: int = 0) -> Answer:
        """Quote up to k passages that answer (from offset on, for "more results"), or decline with a reason.

        Three outcomes (DESIGN.md 8), from the decline's two probabilities for the best passage: below ``low`` that the
        corpus answers at all, the question is declined; at or above ``high`` that the best passage is the answer, it
        is quoted; in between, it is quoted under a hedge (Answer.confidence LOW). Either way the further passages that
        answer on their own evidence (at least ``low``, or at least the first's: ``quoted_places``) are quoted after
        it: when the best passage is in doubt, the next ones are the likeliest to hold the answer (real_dev: 19 of 150
        right passages stood 2nd or 3rd behind a hedged best). A hit's score is the probability that it answers (that
        the corpus answers, times that this passage is the answer).
        """
        screened = screen(question, self._settings.max_question_chars, self._lexical.knows)
        if screened.decline is not None:
            return Answer(question, decline=screened.decline, detail=screened.detail)
        assessed = self.assess(screened.text, n=offset + k)
        if not assessed.ranked:
            return Answer(question, decline=DeclineReason.NOT_COVERED, detail="no passage shares a word with the question")
        top, answers = assessed.lead, assessed.answers
        assert top is not None  # assess weighs a lead whenever it ranks a passage
        outcome = self._decline.outcome(answers, assessed.right[0])
        if outcome is None:
            return Answer(
                question,
                decline=DeclineReason.NOT_COVERED,
                detail=f"best passage covers {top.share:.0%} of the question (best sentence {top.sentence_share:.0%}"
                f"{', not the place it names' if top.place_missing else ''}); probability that the documents answer "
                f"{answers:.2f} < {self._decline.low:.2f}",
            )
        chosen = quoted_places(assessed.probabilities, self._decline.low, offset)
        if not chosen:
            return Answer(question, decline=DeclineReason.NOT_COVERED, detail=f"no further passages answer (offset {offset})")
        quoted = [(assessed.ranked[i], assessed.probabilities[i] * assessed.right[i]) for i in chosen]
        passages = self._passages.passages(item.row for item, _ in quoted)
        hits = [
            Hit(passages[item.row], round(p, 4), surface_terms(item.coverage.covered, passages[item.row].text), item.lexical_rank, item.dense_rank)
            for item, p in quoted
        ]
        return Answer(question, hits=tuple(hits), confidence=outcome)


def quoted_places(probabilities: Sequence[float], low: float, offset: int = 0) -> list[int]:
    """The places (from offset on) of the ranked passages to quote once the documents answer: the first, whatever its
    own probability (whether the documents answer is judged on the lead's evidence), and each further one whose own
    probability is at least ``low`` or at least the first's: a passage with more evidence than one quoted above it is
    never left out (房子一租租20多年 合同有效吗: the first at 0.29, the right one third at 0.38, under ``low`` 0.49)."""
    bar = min(low, probabilities[0]) if probabilities else low
    return [i for i in range(offset, len(probabilities)) if i == 0 or probabilities[i] >= bar]


def answer_bonus(cover: Coverage) -> float:
    """What holding the kind of answer the question asks adds to a passage's refined score (0 when it asks none)."""
    if not cover.holds_answer:
        return 0.0
    return ANSWER_WEIGHT + ANSWER_SENTENCE_WEIGHT * cover.answer_sentence_share


def _coverage(units: tuple[Unit, ...], text: store.Indexed, asked: tuple[AnswerType, ...]) -> Coverage:
    """A passage's coverage of the question, its sentences read under its title and heading."""
    return coverage(units, text.folded, asked, context=text.context, title=text.title)


def _standard_scores(dense: list[tuple[int, float]]) -> dict[int, float]:
    """Each candidate's similarity in standard deviations above the mean of the question's candidates.

    Unlike a raw cosine it does not depend on the model's scale (bge's cosines crowd between 0.3 and 0.9,
    MiniLM's spread from 0 to 0.9): only on how much the passage stands out.
    """
    if len(dense) < 3:
        return {}
    sims = np.array([sim for _, sim in dense])
    spread = float(sims.std())
    if spread <= 1e-9:
        return {}
    mean = float(sims.mean())
    return {row: (sim - mean) / spread for row, sim in dense}


def _model_agrees(manifest: store.Manifest, settings: IndexSettings) -> bool:
    """Whether an index serves the model the settings ask for (an explicit choice must match; 'none' always does)."""
    if not settings.model_explicit or settings.model.strip().lower() == NO_MODEL:
        return True
    return settings.model in (manifest.model_setting, manifest.model)


def _query_encoder(manifest: store.Manifest, settings: IndexSettings) -> Encoder | None:
    """The encoder the index was built with, for questions; lexical-only (with a warning) if it is gone."""
    assert manifest.model is not None
    try:
        choice = load_encoder(replace(settings, model=manifest.model, model_explicit=True))
        return None if choice.encoder is None else for_questions(choice.encoder, settings)
    except RetrievalError as err:
        log.warning("dense retrieval is off for this session: %s; answers use lexical matching only", err)
        return None
