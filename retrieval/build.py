"""Build an index directory from passages, and swap it in whole.

A build writes a fresh version directory inside the index directory, finishes it (manifest last), then points
``DIR/current`` at it with one atomic rename (retrieval.layout). A reader therefore sees the old index or the new
one, never a mix and never nothing; a failure before the rename leaves the old index as it was. The previous
version is kept for rollback, so a reader that resolved the link just before a swap can still finish opening it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from corpus.model import Passage
from retrieval import layout, selftest, store
from retrieval.cache import EmbeddingCache, cache_path
from retrieval.config import NO_MODEL, IndexSettings
from retrieval.encoder import (
    Encoder,
    EncoderChoice,
    encode,
    load_encoder,
    text_hash,
    unknown_rate,
)
from retrieval.errors import EmptyCorpusError, ModelLoadError, RetrievalError
from retrieval.lexical import K1, B, LexicalIndex
from retrieval.model import BuildReport
from retrieval.selftest import SelfTest
from retrieval.term_cache import term_cache_path
from retrieval.terms import LexicalBuild, TermScheme, build_lexical
from retrieval.faiss_vectors import build_vectors, choose_kind, extend_previous, save_vectors

log = logging.getLogger(__name__)

LEXICAL_SCHEME = f"fold-t2s+variants+uni+bi+wordnum+jieba+title/v3;bm25 k1={K1} b={B}"  # another scheme needs a rebuild
DEFAULT_TERMS = TermScheme(LEXICAL_SCHEME)  # retrieval.text.lexical_terms under that name
PROGRESS_MIN_PASSAGES = 2000  # below this a build takes a few seconds and needs no bar
ENCODE_BATCHES_PER_CHUNK = 4  # batches per encoder call; each chunk is cached as soon as it is done


def indexed_text(passage: Passage) -> str:
    """The text of a passage that is matched and embedded: its document's title and its heading (context), and its body.

    A paragraph often leaves its subject to the title ("it opened in 1878" under "Tokyo Stock Exchange"); with the
    title matched too, a question naming the subject finds the paragraph (retrieval/README.md has the figures).
    """
    context = dict.fromkeys(part.strip() for part in (passage.cite.title, passage.heading) if part and part.strip())
    return "\n".join([*context, passage.text])


def build_index(
    passages: Sequence[Passage],
    index_dir: Path,
    settings: IndexSettings,
    *,
    encoder: Encoder | None = None,
    documents: int | None = None,
    terms: TermScheme = DEFAULT_TERMS,
    lexical_only: str | None = None,
) -> BuildReport:
    """Index passages into a new version of index_dir and swap it in atomically.

    With ``encoder`` given it is used as ``settings.model`` (tests hand in small ones); otherwise the model is
    loaded by the rules of retrieval.encoder. ``terms`` is how passages are tokenised (and what keys the term
    cache); an index built with another scheme than DEFAULT_TERMS is refused by the Searcher. ``lexical_only``,
    a reason, builds without an encoder and records that reason as the dense note, while the manifest still
    names ``settings.model`` as the model asked for: a grown index keeps the way it was built (bot.ingest).
    """
    started = time.perf_counter()
    passages = _unique(passages)
    if not passages:
        raise EmptyCorpusError("there are no passages to index (the corpus is empty, or every file was skipped)")
    index_dir = Path(index_dir).expanduser().absolute()
    texts = [indexed_text(p) for p in passages]
    layout.refuse_foreign_directory(index_dir)  # before the lock or a cache is written into someone's folder
    first = not index_dir.exists() and not index_dir.is_symlink()
    try:
        with layout.build_lock(index_dir):
            return _build_locked(passages, texts, index_dir, settings, encoder, documents, terms, started, lexical_only)
    except BaseException:
        if first:
            layout.remove_failed_first_build(index_dir)
        raise


def _build_locked(
    passages: list[Passage], texts: list[str], index_dir: Path, settings: IndexSettings, encoder: Encoder | None,
    documents: int | None, terms: TermScheme, started: float, lexical_only: str | None,
) -> BuildReport:
    """The build proper, with the build lock held."""
    layout.refuse_foreign_directory(index_dir)  # again, now that no other build can be writing
    # The lexical half runs in a thread beside the encoder: jieba is pure Python, torch releases the GIL
    # while it computes, so a free core can take the lexical work. (On the shared 2-core machine, whose
    # cores were busy, it measured no gain: 2,000 passages with MiniLM at one torch thread built in 32.1 and
    # 36.1 s overlapped, 33.7 and 32.6 s one half after the other.) Whichever half fails first stops the
    # other (the encoder between chunks, the lexical half between its), and the exception propagates
    # before anything is written.
    cancel = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="quotebot-lexical") as pool:
        lexical_job = pool.submit(
            build_lexical, texts, terms, term_cache_path(index_dir), cancel=cancel,
            progress=settings.progress and len(texts) >= PROGRESS_MIN_PASSAGES,
        )
        try:
            if lexical_only is not None:
                dense = _DenseHalf(None, 0, 0, None, lexical_only, None, ())
            else:
                dense = _dense_half(texts, [p.text for p in passages], index_dir, settings, encoder,
                                    lambda: _raise_if_failed(lexical_job), lexical_job.result, terms)
            lexical = lexical_job.result()
        except BaseException:
            cancel.set()
            raise
    vectors, rate = dense.vectors, dense.unknown_rate
    kind = choose_kind(settings.vector_index, len(passages)) if vectors is not None else None

    version = layout.new_build_dir(index_dir)
    try:
        store.write_passages(version / store.PASSAGES, passages, lexical.folded)
        lexical.index.save(version / store.LEXICAL)
        if vectors is not None and kind is not None:
            previous = extend_previous(layout.version_dir(index_dir) / store.VECTORS, vectors, kind)  # the version now serving
            if previous is not None:
                log.info("vector index: the previous %s index extended to %d rows, not built anew", kind, previous.size)
            save_vectors(previous if previous is not None else build_vectors(vectors, kind), version / store.VECTORS)
        manifest = store.Manifest(
            format_version=store.FORMAT_VERSION,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            passages=len(passages),
            documents=documents if documents is not None else len({p.doc_id for p in passages}),
            newest_date=max((p.cite.date for p in passages if p.cite.date), default=None),
            corpus_fingerprint=_fingerprint(texts, passages),
            model_setting=settings.model,
            model=dense.model if vectors is not None else None,
            dim=int(vectors.shape[1]) if vectors is not None else None,
            dense_enabled=vectors is not None,
            dense_note=dense.note,
            unknown_rate=rate,
            vector_index=kind,
            lexical_scheme=terms.name,
            dense_weight=dense.weight,
            dense_evidence=dense.evidence,
            dense_selftest=dense.tested.to_dict() if dense.tested is not None else None,
        )
        store.write_manifest(version, manifest)
        _fsync_tree(version)
        layout.swap_in(version, index_dir)
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise
    return BuildReport(
        index_dir=str(index_dir),
        passages=manifest.passages,
        documents=manifest.documents,
        embedded=dense.embedded,
        reused=dense.reused,
        dense_enabled=manifest.dense_enabled,
        model=manifest.model,
        unknown_rate=rate,
        vector_index=kind,
        seconds=time.perf_counter() - started,
        warnings=(*dense.warnings, *lexical.warnings),
    )


@dataclass(frozen=True)
class _DenseHalf:
    """The encoder's part of a build."""

    vectors: np.ndarray | None  # None when dense retrieval is off
    embedded: int
    reused: int
    unknown_rate: float | None
    note: str
    model: str | None
    warnings: tuple[str, ...]
    tested: SelfTest | None = None  # the self-test's figures and decision, when it ran
    weight: float | None = None  # the fusion's dense weight (0: off), when the self-test ran
    evidence: bool | None = None  # whether the dense similarity counts for the decline, when the self-test ran


def _dense_half(
    texts: list[str], bodies: list[str], index_dir: Path, settings: IndexSettings, encoder: Encoder | None,
    check: Callable[[], None], lexical: Callable[[], LexicalBuild], terms: TermScheme,
) -> _DenseHalf:
    """Choose the encoder, check that it reads the corpus (the unknown-token rate, then the self-test of
    retrieval.selftest), and embed the texts (``check``: see _embeddings; ``lexical``: the lexical half's result,
    which the self-test waits for once its own encoding is done)."""
    choice = _choose_encoder(settings, encoder)
    warnings = [choice.note] if choice.encoder is None and settings.model.strip().lower() != NO_MODEL else []
    vectors, embedded, reused, rate, note = None, 0, 0, None, choice.note
    tested, weight, evidence = None, None, None
    if choice.encoder is not None:
        rate = unknown_rate(choice.encoder, texts)
        if rate is not None and rate > settings.max_unknown_rate:
            note = (
                f"dense retrieval is off for this corpus: the encoder {choice.model} does not know {rate:.0%} of its "
                f"tokens (limit {settings.max_unknown_rate:.0%}); answers use lexical matching only. Choose a model "
                f"that reads this language with QUOTEBOT_MODEL or --model"
            )
            log.warning(note)
            warnings.append(note)
        else:
            vectors, embedded, reused = _embeddings(choice, texts, index_dir, settings, check)
            tested = _selftest(choice, texts, bodies, vectors, index_dir, settings, lexical, terms)
            note, weight, evidence = tested.reason, tested.weight, tested.evidence
            if weight > 0:
                log.info(note)
            elif settings.dense_gate == "open":
                note, weight, evidence = f"{note}; kept on at weight 1 all the same (dense gate open)", 1.0, True
                log.warning(note)
            else:
                vectors = None
                note += "; answers use lexical matching only"
                log.warning(note)
                warnings.append(note)
    return _DenseHalf(vectors, embedded, reused, rate, note, choice.model, tuple(warnings), tested, weight, evidence)


def _selftest(
    choice: EncoderChoice, texts: list[str], bodies: list[str], vectors: np.ndarray, index_dir: Path,
    settings: IndexSettings, lexical: Callable[[], LexicalBuild], terms: TermScheme,
) -> SelfTest:
    """The dense half's worth on this corpus (retrieval.selftest), its vectors kept in the embedding cache."""
    assert choice.encoder is not None and choice.model is not None
    encoder, model = choice.encoder, choice.model
    cache = EmbeddingCache(cache_path(index_dir))

    def cached(batch: list[str]) -> np.ndarray:
        keys = [text_hash(t) for t in batch]
        found = cache.get(model, keys, dim=vectors.shape[1])
        missing = [(k, t) for k, t in zip(keys, batch, strict=True) if k not in found]
        if missing:
            new = encode(encoder, [t for _, t in missing], batch_size=settings.batch_size)
            cache.put(model, zip((k for k, _ in missing), new, strict=True))
            found.update(zip((k for k, _ in missing), new, strict=True))
        return np.stack([found[k] for k in keys])

    def lexical_half() -> tuple[LexicalIndex, list[str], float]:
        built = lexical()
        return built.index, built.folded, built.mean_length

    try:
        return selftest.run(texts, bodies, vectors, encoder, model, lexical_half, terms=terms.terms,
                            batch_size=settings.batch_size, cached=cached)
    finally:
        cache.close()


def _raise_if_failed(job: Future[LexicalBuild]) -> None:
    """Raise the lexical half's exception as soon as it has one, so the encoder does not work on in vain."""
    if job.done():
        job.result()


def _unique(passages: Sequence[Passage]) -> list[Passage]:
    seen: set[str] = set()
    unique = []
    for passage in passages:
        if passage.id in seen:
            log.info("passage %s appears twice; indexing it once", passage.id)
            continue
        seen.add(passage.id)
        unique.append(passage)
    return unique


def _choose_encoder(settings: IndexSettings, encoder: Encoder | None) -> EncoderChoice:
    if encoder is None:
        return load_encoder(settings)
    if settings.model.strip().lower() == NO_MODEL:
        return EncoderChoice(None, None, "dense retrieval turned off (model 'none')")
    return EncoderChoice(encoder, settings.model, f"encoder {settings.model} handed in")


def _embeddings(
    choice: EncoderChoice, texts: list[str], index_dir: Path, settings: IndexSettings, check: Callable[[], None]
) -> tuple[np.ndarray, int, int]:
    """Vectors for all texts: from the cache where it has them, encoded (and cached) where not.

    ``check`` is called before each chunk; it raises when the build has failed elsewhere.
    """
    assert choice.encoder is not None and choice.model is not None
    keys = [text_hash(t) for t in texts]
    cache = EmbeddingCache(cache_path(index_dir))
    try:
        found = cache.get(choice.model, sorted(set(keys)))
        dims = {v.shape[0] for v in found.values()}
        if len(dims) > 1:  # a model changed under the same name: trust nothing cached
            found = {}
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        size = settings.batch_size * ENCODE_BATCHES_PER_CHUNK
        chunks = range(0, len(missing), size)
        for start in _progress(chunks, settings.progress and len(chunks) > 1, "embedding", unit="chunk"):
            check()
            batch = missing[start : start + size]
            vectors = encode(choice.encoder, [t for _, t in batch], batch_size=settings.batch_size)
            new = {k: v for (k, _), v in zip(batch, vectors, strict=True)}
            cache.put(choice.model, new.items())
            found.update(new)
    finally:
        cache.close()
    dims = {v.shape[0] for v in found.values()}
    if len(dims) != 1:
        raise ModelLoadError(f"the encoder {choice.model} returned vectors of different sizes {sorted(dims)}")
    reused = sum(1 for k in set(keys)) - len(missing)
    return np.stack([found[k] for k in keys]), len(missing), reused


def _fingerprint(texts: list[str], passages: list[Passage]) -> str:
    digest = hashlib.sha256()
    for pid, text in sorted(zip((p.id for p in passages), texts, strict=True)):
        digest.update(pid.encode("utf-8") + b"\0" + text_hash(text).encode("ascii") + b"\n")
    return digest.hexdigest()


def _progress(items, enabled: bool, desc: str, unit: str = "passage"):  # type: ignore[no-untyped-def]
    """A progress bar on standard error for a long loop (a few thousand passages, or several encoder chunks)."""
    if not enabled or (unit == "passage" and len(items) < PROGRESS_MIN_PASSAGES):
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit=unit, leave=False)


def _fsync_tree(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
