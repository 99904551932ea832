"""Plain data passed between the corpus stages: load → clean → split."""

from __future__ import annotations

from dataclasses import dataclass, field

SIDECAR_KEYS = "sidecar_keys"  # Document.metadata key: the names of the values a sidecar gave, space-separated


@dataclass(frozen=True)
class Document:
    """A file as loaded: its text decoded, plus any metadata the file or its sidecar carried."""

    id: str  # stable: derived from the file's resolved path relative to the corpus root
    path: str
    raw_text: str
    metadata: dict[str, str] = field(default_factory=dict)  # title/date/source/url/byline found or given


@dataclass(frozen=True)
class Citation:
    """Where a passage comes from: what a reply shows under a quote."""

    doc_id: str
    title: str
    date: str | None = None  # ISO 8601 (YYYY-MM-DD, or with time)
    source: str | None = None  # publisher, e.g. 大眾網
    url: str | None = None
    path: str = ""


@dataclass(frozen=True)
class Passage:
    """One body paragraph (or one piece of a long one), quoted word for word in replies."""

    id: str  # stable across runs: document id + position + content hash
    doc_id: str
    text: str  # cleaned original script; never folded
    heading: str | None
    position: int  # paragraph number within the document, from 0
    cite: Citation
    part: int = 0  # which piece, when a long paragraph was split at sentence ends
    parts: int = 1
    also_cited: tuple[Citation, ...] = ()  # other documents that carry the same paragraph (republished news)


@dataclass(frozen=True)
class CleanDocument:
    """A document after cleaning: the metadata a citation needs, and what was found in the text."""

    id: str
    path: str
    title: str
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD): what a citation shows
    datetime: str | None = None  # ISO 8601 date and time (YYYY-MM-DDTHH:MM) when the text gives a time
    source: str | None = None  # publisher, from 來源:/来源:, the page's site name or a sidecar
    url: str | None = None
    byline: str | None = None  # e.g. 大眾日報客戶端記者 白曉 通訊員 劉偉 報道
    headings: tuple[str, ...] = ()  # section headings, in order
    paragraphs: int = 0  # body paragraphs (before long ones are split)
    format: str = ""  # txt, md, html, docx, pdf

    def citation(self) -> Citation:
        """What a reply shows under a quote from this document."""
        return Citation(doc_id=self.id, title=self.title, date=self.date, source=self.source, url=self.url, path=self.path)
