"""Bytes of a text file to str: BOMs, then strict UTF-8, then charset-normalizer's detection."""

from __future__ import annotations

import codecs
import logging
import unicodedata
from dataclasses import dataclass

import charset_normalizer

from corpus.errors import SkipFile

logger = logging.getLogger(__name__)

# Checked longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings Chinese and English documents come in; anything else decodes, with a warning to check the text.
COMMON_ENCODINGS = frozenset(
    """
    ascii utf_8 utf-8-sig utf-16 utf-32 utf_16 utf_16_le utf_16_be utf_32 utf_32_le utf_32_be gb18030 gbk
    gb2312 cp936 hz big5 big5hkscs cp950 cp1252 latin_1 iso8859_1
    """.split()
)
_MAX_CONTROL_SHARE = 0.01  # more control characters than this means binary data, whatever the decoder said
_MAX_BAD_UTF8_SHARE = 0.001  # UTF-8 with at most this share of bad bytes is UTF-8 with a few damaged spots


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the encoding it was read in."""

    text: str
    encoding: str
    undecodable: int = 0  # bytes that became U+FFFD (UTF-8 with a few damaged spots)

    @property
    def unusual(self) -> bool:
        """True when the encoding is not one Chinese or English documents usually come in."""
        return self.encoding.lower().replace("-", "_") not in {e.replace("-", "_") for e in COMMON_ENCODINGS}


def _control_share(text: str) -> float:
    sample = text[:100_000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return controls / max(1, len(sample))


def _checked(text: str, encoding: str) -> Decoded:
    if not text.strip():
        raise SkipFile("empty file (only whitespace)")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise SkipFile("binary data, not text")
    return Decoded(text, encoding)


def decode_text(data: bytes) -> Decoded:
    """Decode a text file's bytes; SkipFile when it is empty, binary, or in no encoding that can be found."""
    if not data:
        raise SkipFile("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), encoding)
            except UnicodeDecodeError as err:
                raise SkipFile(f"starts with a {encoding} byte-order mark but does not decode as {encoding} ({err.reason})") from None
    if b"\x00" not in data:  # NUL bytes are binary or UTF-16/32, which charset-normalizer tells apart
        try:
            return _checked(data.decode("utf-8"), "utf_8")
        except UnicodeDecodeError:
            pass
        lenient = data.decode("utf-8", errors="replace")
        bad = lenient.count("\ufffd")
        # A stray byte must not throw away a whole UTF-8 article, nor send it to a detector that will guess
        # another encoding: the damaged spots stay U+FFFD, which the damage report then points at.
        if bad <= _MAX_BAD_UTF8_SHARE * len(data) and len(lenient) < len(data):
            checked = _checked(lenient, "utf_8")
            return Decoded(checked.text, checked.encoding, undecodable=bad)
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise SkipFile("binary data or an unknown text encoding")
    logger.debug("detected %s (chaos %.3f)", best.encoding, best.chaos)
    return _checked(str(best), best.encoding)
