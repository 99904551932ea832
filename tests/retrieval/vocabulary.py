"""A vocabulary made by hand for the query-expansion tests: what an index of some passages knows, and how often."""

from __future__ import annotations

from retrieval.text import fold_script, lexical_terms


class Vocab:
    """The terms of some passages, counted per passage (retrieval.expand.Vocabulary without an index)."""

    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        self.df: dict[str, int] = {}
        for text in texts:
            for term in set(lexical_terms(fold_script(text))):
                self.df[term] = self.df.get(term, 0) + 1

    def document_frequency(self, term: str) -> int:
        return self.df.get(term, 0)
