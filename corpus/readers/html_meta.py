"""A web page's headline and its visible publication date, read from the page's markup and blocks.

The headline is the article's, not the site's: <title> usually reads "headline - site name" (or "column - site
name"), so a candidate counts when two sources agree on it (an <h1>, og:title, the ArticleTitle meta that
Chinese government sites carry, a part of <title>). The date is the one the page shows beside the headline
(发布时间：…, 生成日期 …), which beats a page-generation meta when they disagree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from corpus.furniture import furniture_kind
from corpus.metadata import FoundDate, parse_date
from corpus.readers.html_blocks import Block, normalize

_MAX_HEADLINE = 120
_TITLE_SPLIT = re.compile(r"\s+[-_|–—·]\s+|\s*[|｜_]\s*|(?<=[^\d\s])\s*[-–—]\s*(?=[^\d\s])")
_HEADLINE_METAS = ("og:title", "twitter:title", "articletitle", "headline", "dc.title")
_SITE_METAS = ("og:site_name", "sitename", "application-name", "apple-mobile-web-app-title")
_DATE_METAS = (
    "article:published_time", "og:published_time", "pubdate", "publishdate", "publish_date", "publication_date",
    "datepublished", "dc.date.issued", "dcterms.issued", "firstpublishedtime", "published_time", "release_date",
)  # fmt: skip
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')

# Labels of a date shown on the page, best first: when published, when the document was issued, when the
# page was made, a bare "date", when it was updated. 实施/失效 (takes effect, expires) are not publication dates.
_DATE_LABELS = (
    r"发布时间|發佈時間|發布時間|发布日期|發佈日期|發布日期|发表时间|發表時間|发表日期|發表日期|发布于|發佈於|发稿时间|發稿時間|published|posted",
    r"成文日期|发文日期|發文日期|印发日期|印發日期|签发日期|簽發日期",
    r"生成日期|创建日期|創建日期",
    r"日期|时间|時間|date",
    r"更新时间|更新時間|更新日期|updated",
)
_PLAIN_LABEL_RANK = 3  # 日期, 时间 and 更新时间: labels an article's own text may use too
_LABELLED = [re.compile(rf"(?:^|\s)(?:{labels})\s*[:：]?\s*(.*)$", re.IGNORECASE) for labels in _DATE_LABELS]
_ONLY_DATE = re.compile(r"^[(（\[]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*[)）\]]?$")
_MAX_DATE_LINE = 100
_NEAR_HEADLINE = 3  # blocks after the headline where a bare date is the article's
_DATE_WINDOW = 40  # blocks around the headline where a labelled date is looked for


def text_key(text: str) -> str:
    """What two spellings of a headline share: NFKC, no whitespace, no separator or full stop at the ends."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).strip("-_|–—·:：")


def _metas(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = normalize(meta.get("content") or "")
        if name and content and name not in found:
            found[name] = content
    return found


def title_parts(title: str) -> list[str]:
    """The pieces of a <title> split at the separators sites put between headline, column and site name."""
    return [p for p in (normalize(x) for x in _TITLE_SPLIT.split(title)) if p]


def site_names(tree: Any, extra: Iterable[str | None] = ()) -> set[str]:
    """The site's own name, from its metas (og:site_name, SiteName, ...) and what trafilatura found."""
    metas = _metas(tree)
    return {text_key(n) for n in [*(metas.get(m) for m in _SITE_METAS), *extra] if n}


def site_name(tree: Any) -> str | None:
    """The site's name as its metas give it (og:site_name, then SiteName, ...), for a page whose extractor found none."""
    metas = _metas(tree)
    return next((metas[m] for m in _SITE_METAS if metas.get(m)), None)


def _usable(text: str, sites: set[str]) -> bool:
    return 2 <= len(text) <= _MAX_HEADLINE and text_key(text) not in sites and furniture_kind(text) is None


def headline(tree: Any, blocks: Sequence[Block], sites: set[str], found_title: str | None = None) -> str | None:
    """The article's headline: one that two sources agree on (the longest such), else the best single source."""
    metas = _metas(tree)
    title_el = tree.find(".//title")
    page_title = normalize(title_el.text_content()) if title_el is not None else ""
    parts = [p for p in title_parts(page_title) if _usable(p, sites)]
    headings = [b.text for level in (1, 2) for b in blocks if b.heading_level == level and _usable(b.text, sites)]
    from_metas = [normalize(metas[m]) for m in _HEADLINE_METAS if metas.get(m)]
    from_metas = [m for m in from_metas if _usable(m, sites)]
    # trafilatura's title is read from <title> too, so it is no second witness: it is only the last resort.
    sources = [parts + ([page_title] if page_title and _usable(page_title, sites) else []), headings, from_metas]
    candidates = [c for source in sources for c in source]
    confirmed = [
        c for c in candidates if sum(1 for source in sources if any(text_key(c) == text_key(other) for other in source)) >= 2
    ]
    best = max(confirmed, key=len) if confirmed else next(iter(from_metas + headings), None)
    if best is None:
        best = max(parts, key=len) if parts else found_title
    return _without_site(best, sites) if best else None


def _without_site(text: str, sites: set[str]) -> str:
    """A headline less the site's name that some pages append to it (og:title "headline - site")."""
    pieces = title_parts(text)
    if len(pieces) > 1 and any(text_key(p) in sites for p in pieces):
        rest = [p for p in pieces if text_key(p) not in sites]
        if rest:
            return max(rest, key=len)
    return text


def _labelled_date(blocks: Sequence[Block], i: int) -> tuple[int, FoundDate] | None:
    """(label rank, date) when block i shows a labelled date; the value may sit in the next block."""
    text = blocks[i].text
    if len(text) > _MAX_DATE_LINE:
        return None
    for rank, pattern in enumerate(_LABELLED):
        m = pattern.search(text)
        if not m:
            continue
        rest = m.group(1)
        found = parse_date(rest[:30]) if rest else None
        if found is None and not rest.strip() and i + 1 < len(blocks) and _ONLY_DATE.match(blocks[i + 1].text):
            found = parse_date(blocks[i + 1].text)
        if found is not None:
            return rank, found
    return None


def visible_date(blocks: Sequence[Block], headline_text: str | None) -> FoundDate | None:
    """The date the page shows for the article, or None (a meta date is then the only word, see `meta_date`).

    The best-labelled date near the headline (publication over issue over generation, the nearest of a kind); a
    bare "日期：" or "时间：" label only above the headline or just below it, since an article's own text may
    give the time of an event so; else a date standing alone just below the headline.
    """
    key = text_key(headline_text) if headline_text else None
    at = next((i for i, b in enumerate(blocks) if key and text_key(b.text) == key), None)
    if at is None:
        at = next((i for i, b in enumerate(blocks) if b.heading_level == 1), 0)
    best: tuple[int, int, FoundDate] | None = None
    for i in range(max(0, at - _DATE_WINDOW), min(len(blocks), at + _DATE_WINDOW)):
        hit = _labelled_date(blocks, i)
        if hit is None or (hit[0] >= _PLAIN_LABEL_RANK and i - at > _NEAR_HEADLINE):
            continue
        candidate = (hit[0], abs(i - at), hit[1])
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    if best is not None:
        return best[2]
    for block in blocks[at + 1 : at + 1 + _NEAR_HEADLINE]:
        if _ONLY_DATE.match(block.text):
            return parse_date(block.text)
    return None


def meta_date(tree: Any) -> FoundDate | None:
    """The publication date the page's metas or JSON-LD declare (PubDate, article:published_time, ...)."""
    metas = _metas(tree)
    for name in _DATE_METAS:
        if metas.get(name) and (found := parse_date(metas[name])):
            return found
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            m = _LD_DATE.search(script.text)
            if m and (found := parse_date(m.group(1))):
                return found
    return None


def iso(found: FoundDate) -> str:
    """A found date as the metadata string the cleaner parses back (date and time when the page gave one)."""
    return found.datetime or found.date

