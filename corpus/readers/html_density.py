"""The fallback extractor for web pages: the element of the page that holds the most prose and the least menu.

Each block of visible text (corpus.readers.html_blocks) scores for every element that contains it: prose
(text with sentence punctuation, little of it link text) adds its length, link text and short labels without
punctuation take theirs away. The element with the highest total is the article: its parent would add the
site's menus and footers, which cost more than they bring; a child would leave prose out. This is the
maximum-scoring subtree form of text-density extraction; it needs no word lists, so it reads Chinese pages
as well as English ones.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from corpus.readers.html_blocks import Block, is_prose, link_share, words

NAME = "text-density fallback"
_LINK_HEAVY = 0.5  # a block whose text is mostly link text is navigation
_LABEL_WEIGHT = 0.5  # a short label costs half its length: an article has a few (its headings), a menu many
_ROW_WEIGHT = 0.5  # data-table rows count, but less than prose: sites also lay out link lists as tables


def block_weight(block: Block) -> float:
    """What a block adds to (prose, table rows) or takes from (menus, labels) the score of its elements."""
    n = words(block.text)
    if not n or block.header:
        return 0.0
    if link_share(block.text, block.link_chars) >= _LINK_HEAVY:
        return -float(n)
    if block.tag == "row":
        return _ROW_WEIGHT * n
    return float(n) if is_prose(block.text) else -_LABEL_WEIGHT * n


def _chain(element: Any) -> list[Any]:
    return [element, *element.iterancestors()] if element is not None else []


def article_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks of the page's article: those inside the best-scoring element, less its link lists.

    Empty when no element scores above zero (a page of menus only).
    """
    scores: dict[Any, float] = defaultdict(float)
    for block in blocks:
        weight = block_weight(block)
        for element in _chain(block.owner):
            scores[element] += weight
    if not scores:
        return []
    best = max(scores, key=lambda el: scores[el])
    if scores[best] <= 0:
        return []
    inside = set(best.iter())
    return [
        b
        for b in blocks
        if b.owner in inside and not (link_share(b.text, b.link_chars) >= _LINK_HEAVY and not is_prose(b.text) and b.tag != "row")
    ]
