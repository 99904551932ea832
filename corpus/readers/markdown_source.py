"""A Markdown file's source before it is parsed: a reader tool's header above a saved page, and shortcodes."""

from __future__ import annotations

import re

# Hugo and Jekyll expand these before Markdown is rendered; what they stand for is not in the file.
_SHORTCODE = re.compile(r"\{\{<.*?>\}\}|\{\{%.*?%\}\}|\{%.*?%\}", re.DOTALL)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# The header r.jina.ai-style reader tools write above a saved page, ending with "Markdown Content:".
_READER_KEY = re.compile(r"^(Title|URL Source|Published Time|Description|Warning|Number of Pages|Markdown Content):[ \t]*(.*?)\s*$")
_READER_META = {"Title": "title", "URL Source": "url", "Published Time": "date"}


def reader_tool_header(text: str) -> tuple[str, dict[str, str], int]:
    """Split off a reader tool's header ("Title: …", "URL Source: …", "Markdown Content:"), keeping line numbers.

    Returns the text, the metadata the header gives (title, url, date) and how many header lines were dropped.
    """
    lines = text.split("\n")
    values: dict[str, str] = {}
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        m = _READER_KEY.match(line.lstrip("\ufeff"))
        if m is None or (not values and m.group(1) != "Title"):
            return text, {}, 0
        if m.group(1) == "Markdown Content":
            found = {key: values[name] for name, key in _READER_META.items() if values.get(name)}
            dropped = sum(1 for x in lines[: i + 1] if x.strip())
            return "\n" * (i + 1) + "\n".join(lines[i + 1 :]), found, dropped
        values[m.group(1)] = m.group(2)
    return text, {}, 0


def without_shortcodes(text: str) -> tuple[str, int]:
    """`text` with Hugo/Jekyll shortcodes taken out (outside fenced code), and how many there were."""
    out: list[str] = []
    chunk: list[str] = []
    count = 0
    fence: str | None = None

    def flush() -> None:
        nonlocal count
        joined = "\n".join(chunk)
        count += len(_SHORTCODE.findall(joined))
        out.append(_SHORTCODE.sub("", joined))
        chunk.clear()

    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence is None and m:
            chunk.append(line)
            flush()
            fence = m.group(1)[0] * len(m.group(1))
            continue
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        chunk.append(line)
    if chunk or not out:
        flush()
    return "\n".join(out), count
