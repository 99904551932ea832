"""Plain data returned by retrieval: an Answer is hits or a decline with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from corpus.model import Passage


class DeclineReason(str, Enum):
    """Why no passage is quoted; the bot picks its words from this."""

    EMPTY = "empty"  # nothing to search for: blank, punctuation, emoji
    GREETING = "greeting"  # hello, 早晨, 哈囉
    THANKS = "thanks"  # 谢谢, 唔該晒, thx, and acknowledgements (好的, ok)
    FAREWELL = "farewell"  # 拜拜, 再見, bye
    SMALL_TALK = "small_talk"  # about the bot or the weather: 你是机器人吗, are you a bot
    TOO_LONG = "too_long"
    NOT_COVERED = "not_covered"  # the corpus does not answer it
    GIBBERISH = "gibberish"
    VAGUE = "vague"  # too little to search for (今年, 发展): the reply asks for a fuller question


class Confidence(str, Enum):
    """How sure an answer is: quote it plainly, or quote it under a one-line hedge."""

    HIGH = "high"  # the passages answer: quote them
    LOW = "low"  # they may help: quote the best one under a hedge ("this may help") in the user's script


@dataclass(frozen=True)
class Hit:
    """A passage that answers, with its fused score and the question terms it matched."""

    passage: Passage
    score: float  # calibrated confidence in [0, 1]
    matched_terms: tuple[str, ...] = ()  # surface forms in passage.text to bold
    lexical_rank: int | None = None
    dense_rank: int | None = None


@dataclass(frozen=True)
class Answer:
    """What retrieval says about one question."""

    question: str
    hits: tuple[Hit, ...] = ()
    decline: DeclineReason | None = None
    detail: str = ""  # one sentence for logs and staff, not for citizens
    confidence: Confidence = Confidence.HIGH  # of an answered question; LOW is the hedged tier (three outcomes: DESIGN.md 8)

    @property
    def answered(self) -> bool:
        return self.decline is None and bool(self.hits)

    @property
    def hedged(self) -> bool:
        """Answered, but only as "this may help": the reply says so in one line above the quote."""
        return self.answered and self.confidence is Confidence.LOW


@dataclass(frozen=True)
class IndexInfo:
    """What an open index holds: for /status replies, logs and the command line."""

    documents: int
    passages: int
    newest_date: str | None
    model: str | None  # the encoder of the dense path; None when the index is lexical-only
    dense_enabled: bool
    built_at: str  # ISO 8601, UTC
    index_dir: str
    dense_note: str = ""  # why dense retrieval is on or off
    vector_index: str | None = None
    encoder_backend: str | None = None  # what encodes questions: "onnx" (ONNX Runtime) or "torch"; None when lexical-only


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    index_dir: str
    passages: int
    documents: int
    embedded: int  # passages encoded by this build
    reused: int  # passage vectors taken from the embedding cache
    dense_enabled: bool
    model: str | None
    unknown_rate: float | None
    vector_index: str | None
    seconds: float
    warnings: tuple[str, ...] = ()
