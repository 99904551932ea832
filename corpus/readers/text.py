"""Plain text in any encoding charset-normalizer can find, with optional front matter; a typed table of contents is left out."""

from __future__ import annotations

import re

from corpus.decode import Decoded, decode_text
from corpus.readers.common import METADATA_KEYS, Extracted
from corpus.readers.inline import join_pieces
from corpus.readers.toc import table_of_contents

EXTRACTOR = "text"
# YAML between --- lines (Jekyll, Hugo, most static-site generators), or TOML between +++ lines (Hugo).
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n(.*?)\r?\n\1[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_YAML_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(?:\s+(.*?))?\s*$")
_TOML_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*$")
_BLOCK_SCALAR = re.compile(r"^[|>][+-]?\d*$")
_ALIASES = {"author": "byline", "publishdate": "date", "published": "date", "pubdate": "date"}


def _unquote(value: str) -> str:
    """A scalar as written in YAML or TOML: quotes taken off (and their escapes undone), a trailing comment dropped."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return re.sub(r"\s+#.*$", "", value).strip()


def _front_values(block: str, toml: bool) -> dict[str, str]:
    """The top-level `key: value` pairs of a front-matter block; lists and nested maps (tags, categories) are skipped.

    A tolerant flat reader rather than a YAML parser: PyYAML is not a runtime dependency, and front matter that a
    strict parser rejects (a stray colon, a tab) should still give its title and date.
    """
    found: dict[str, str] = {}
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        m = (_TOML_KEY if toml else _YAML_KEY).match(lines[i])
        i += 1
        if not m:
            continue
        key, value = m.group(1).lower(), (m.group(2) or "").strip()
        if not toml and _BLOCK_SCALAR.match(value):
            # A folded (>) or literal (|) block: the indented lines below.
            body = []
            while i < len(lines) and (not lines[i].strip() or lines[i][:1] in " \t"):
                body.append(lines[i].strip())
                i += 1
            value = join_pieces(body) if value.startswith(">") else "\n".join(body).strip()
        else:
            value = _unquote(value)
        key = _ALIASES.get(key, key)
        if value and key in METADATA_KEYS and key not in found:
            found[key] = value
    return found


def front_matter(text: str) -> tuple[str, dict[str, str]]:
    """Split off front matter, keeping blank lines in its place so that line numbers stay."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, {}
    return "\n" * m.group(0).count("\n") + text[m.end() :], _front_values(m.group(2), toml=m.group(1) == "+++")


def without_table_of_contents(text: str) -> tuple[str, int]:
    """`text` with each typed table of contents blanked out (line numbers stay), and how many lines that was."""
    lines = text.split("\n")
    dropped = 0
    for first, last in table_of_contents(lines):
        for i in range(first, last + 1):
            dropped += bool(lines[i].strip())
            lines[i] = ""
    return "\n".join(lines), dropped


def decoding_notes(decoded: Decoded) -> tuple[str, ...]:
    """What a reader says about how a text file was decoded: an unusual encoding, undecodable bytes."""
    notes = []
    if decoded.unusual:
        notes.append(f"decoded as {decoded.encoding}, an unusual encoding: check the text")
    if decoded.undecodable:
        notes.append(f"UTF-8 with {decoded.undecodable} undecodable byte sequence(s), kept as U+FFFD (see unrepaired spots)")
    return tuple(notes)


def read_text(data: bytes) -> Extracted:
    """A .txt file in any encoding charset-normalizer can find."""
    decoded = decode_text(data)
    text, meta = front_matter(decoded.text)
    text, toc_lines = without_table_of_contents(text)
    meta["encoding"] = decoded.encoding
    dropped = {"table of contents": toc_lines} if toc_lines else {}
    return Extracted(text, meta, decoding_notes(decoded), EXTRACTOR, dropped)
