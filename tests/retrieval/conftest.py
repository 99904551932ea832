"""Fixtures of the retrieval tests: hand-made passages, the English test set, a counting MiniLM encoder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corpus.model import Citation, Passage
from retrieval.build import build_index
from retrieval.config import IndexSettings

DATA = Path(__file__).parent / "data"


def make_passage(pid: str, text: str, *, doc: str | None = None, position: int = 0, part: int = 0, parts: int = 1,
                 title: str = "", date: str | None = None, heading: str | None = None) -> Passage:
    doc_id = doc or pid
    return Passage(id=pid, doc_id=doc_id, text=text, heading=heading, position=position, part=part, parts=parts,
                   cite=Citation(doc_id=doc_id, title=title or doc_id, date=date, source="test", path=f"{doc_id}.txt"))


class CountingEncoder:
    """A real encoder (MiniLM) that counts the texts it is asked to encode; it can be told to fail."""

    def __init__(self, model: Any, fail_after: int | None = None) -> None:
        self.model = model
        self.tokenizer = model.tokenizer
        self.calls = 0
        self.texts: list[str] = []
        self.fail_after = fail_after

    def encode(self, sentences: list[str], **kwargs: Any) -> np.ndarray:
        if self.fail_after is not None and len(self.texts) + len(sentences) > self.fail_after:
            raise RuntimeError("encoder failed mid-build (injected)")
        self.calls += 1
        self.texts.extend(sentences)
        return self.model.encode(sentences, **kwargs)


class HashingEncoder:
    """A small real encoder: hashed character trigrams, the same row for a text whatever batch it is in."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def encode(self, sentences: list[str], **kwargs: Any) -> np.ndarray:
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        for i, text in enumerate(sentences):
            text = f"  {text.lower()} "
            for j in range(len(text) - 2):
                out[i, hashlib.blake2b(text[j : j + 3].encode(), digest_size=4).digest()[0] % self.dim] += 1.0
        return out


# Settings for HashingEncoder's indexes: the self-test would turn so weak a model off (retrieval.selftest), and the
# tests that use it are about the dense path itself, so its gate is open.
HASHED = IndexSettings(model="hashed-trigrams", progress=False, dense_gate="open")


@pytest.fixture()
def hashed_index(tmp_path: Path, english_passages: list[Passage]) -> Path:
    """The English test set indexed with HashingEncoder: a dense index that builds in a moment, no model file."""
    build_index(english_passages, tmp_path / "index", HASHED, encoder=HashingEncoder())
    return tmp_path / "index"


@pytest.fixture(scope="session")
def english_set() -> dict[str, Any]:
    return json.loads((DATA / "english_city.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def english_passages(english_set: dict[str, Any]) -> list[Passage]:
    return [make_passage(p["id"], p["text"], title=p["title"], date="2024-03-01") for p in english_set["passages"]]


@pytest.fixture()
def lexical_settings() -> IndexSettings:
    return IndexSettings(model="none", progress=False)


@pytest.fixture(scope="session")
def minilm_settings(minilm_path: Path) -> IndexSettings:
    return IndexSettings(model=str(minilm_path), model_explicit=True, progress=False)


@pytest.fixture(scope="session")
def sample_passages() -> tuple[Passage, ...]:
    from corpus.pipeline import build_passages, sample_paths

    return build_passages(sample_paths()).passages


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, sample_passages: tuple[Passage, ...]) -> Path:
    from retrieval.build import build_index

    index_dir = tmp_path_factory.mktemp("sample") / "index"
    build_index(sample_passages, index_dir, IndexSettings(model="none", progress=False))
    return index_dir


@pytest.fixture(scope="session")
def english_index(tmp_path_factory: pytest.TempPathFactory, english_passages: list[Passage], minilm: Any, minilm_settings: IndexSettings) -> Path:
    from retrieval.build import build_index

    index_dir = tmp_path_factory.mktemp("english") / "index"
    build_index(english_passages, index_dir, minilm_settings, encoder=minilm)
    return index_dir
