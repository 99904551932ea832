"""Recognise site furniture: lines a web page or a printout carries that are not part of the article.

Rules are by kind and shape, never by site: breadcrumbs, share and print widgets, lines made only of page-control
words (font size, accessibility, login, site-service links), "scan to open on phone", follow lines, search boxes,
page counters, copyright/ICP/site-identifier footers, editor/source-only lines, end marks, printed page numbers,
lines of symbols only, and lines made of many short names (a department-link footer). Each returns the kind it
matched, which the cleaner counts; a long line is never furniture, so a body paragraph that mentions 版权 stays.

Some furniture is only recognisable as a run of lines: a footer of organisation links one a line, a "related
articles" heading and its list of titles. `furniture_runs` finds those in a document's lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.pinyin import HAN

_MAX_FURNITURE_CHARS = 160
_TERMINAL = "。！？!?；;"
_CLAUSE_PUNCT = "。，；：！？、,;:!?"  # what prose has and names, labels and menus lack
_WORD = re.compile(f"[{HAN}0-9A-Za-z]")
_HAN_CHAR = re.compile(f"[{HAN}]")

_BREADCRUMB_SEP = re.compile(r"\s*(?:>|＞|»|›|→|&gt;)\s*")
_BREADCRUMB_START = re.compile(
    r"^(?:当前位置|當前位置|您的位置|您现在的位置|您現在的位置|你的位置|所在位置|位置"
    r"|(?:您|你)?(?:当前|當前|现在|現在)?所在(?:的)?位置|(?:您|你)(?:当前|當前)(?:的)?位置)\s*[:：]"
)
_BREADCRUMB_END = re.compile(r"(?:正文|详情|詳情|正文内容|正文內容|内容|內容)$")
_BREADCRUMB_START_WORD = re.compile(r"^(?:首页|首頁|主页|主頁|网站首页|網站首頁|Home)\b", re.IGNORECASE)

_SHARE = re.compile(
    r"^(?:(?:分享到|分享至|分享给|分享給|分享文章|分享本文|分享此文|转发到|轉發到|转发至|轉發至|一键分享|一鍵分享)"
    r"|(?:快|赶紧|趕緊|赶快|趕快)?(?:转发|轉發)(?:给|給)"
    r"|(?:分享|share(?: this)?(?: on| to)?)\s*(?:[:：]|$))",
    re.IGNORECASE,
)

# Words that only page controls are made of; a line made of nothing else is furniture. By kind: share and print,
# navigation, font size, accessibility and language switches, login, the site-service links of a footer, and the
# headings of related-article boxes.
_CONTROL_WORDS = frozenset(
    """
    我要爆料 爆料 免责声明 免責聲明 打印 打印本页 打印本頁 打印此页 打印此頁 关闭 關閉 关闭窗口 關閉窗口 返回顶部 返回頂部 返回
    收藏 收藏本文 加入收藏 添加收藏 微信 微博 新浪微博 腾讯微博 騰訊微博 qq qq空间 qq空間 qzone 朋友圈 豆瓣
    人人网 人人網 facebook twitter linkedin weibo wechat line 字号 字號 大
    中 小 默认 默認 上一篇 下一篇 上一页 下一页 上一頁 下一頁 相关新闻 相關新聞 相关阅读 相關閱讀 推荐阅读
    推薦閱讀 扫一扫 掃一掃 扫码 掃碼 评论 評論 发表评论 發表評論 点赞 點讚 点击 點擊 纠错 糾錯 我要纠错
    我要糾錯 举报 舉報 复制链接 複製鏈接 登录 登錄 注册 註冊 订阅 訂閱 手机版 手機版 客户端 客戶端 下载 下載
    更多 查看更多 阅读全文 閱讀全文 展开全文 展開全文 print close top back share email
    e-mail comment comments more
    字体 字體 字体大小 字體大小 文字大小 浏览字号 瀏覽字號 字号大小 a a+ a- 放大 缩小 縮小 重置 默认大小
    无障碍 無障礙 无障碍阅读 無障礙閱讀 无障碍浏览 無障礙瀏覽 网站无障碍 網站無障礙 网站无障碍关怀版 关怀版 關懷版 关怀模式
    關懷模式 长者版 長者版 长者模式 長者模式 长者助手 長者助手 适老化 適老化 读屏 讀屏 语音 語音 简体 簡體 繁体 繁體 english
    简体版 簡體版 繁体版 繁體版 英文版 en
    电脑版 電腦版 pc版 移动版 移動版 登录 用户登录 用戶登錄 个人登录 法人登录 退出 您好 注销 註銷 搜索 检索 檢索 搜 站内搜索
    政务邮箱 政務郵箱 网站地图 網站地圖 联系我们 聯繫我們 使用帮助 使用幫助 关于我们 關於我們 隐私声明 隱私聲明 隐私政策
    隱私政策 网站声明 網站聲明 网站建议 網站建議 内容纠错 內容糾錯 意见建议 意見建議 网站导航 網站導航 设为首页 設為首頁
    相关附件 相關附件 相关链接 相關鏈接 相关文章 相關文章 相关稿件 相關稿件 关联稿件 關聯稿件 相关推荐 相關推薦 延伸阅读 延伸閱讀
    热点新闻 熱點新聞 猜你喜欢 猜你喜歡 更多阅读 更多閱讀 相关信息 相關信息 相关文件 相關文件 相关解读 相關解讀
    """.split()
)
_CONTROL_SPLIT = re.compile(r"[\s|｜丨·•/、,，:：\[\]【】()（）<>《》「」+]+")

_FOOTER = re.compile(
    r"版权所有|版權所有|著作权所有|著作權所有|copyright\s*(?:©|\(c\)|\d{4})|all rights reserved|©|\(c\)\s*\d{4}|ICP[备備證证]|公网安备|公網安備"
    r"|违法和不良信息举报|違法和不良信息舉報|未经授权.{0,12}(?:禁止|不得)|未經授權.{0,12}(?:禁止|不得)"
    r"|转载请注明|轉載請註明|本网站所刊|本網站所刊|网站标识码|網站標識碼",
    re.IGNORECASE,
)
# A site footer's labelled lines: who runs the site, who built it, how to reach its webmaster.
_SITE_LABEL = re.compile(
    r"^(?:主办单位|主辦單位|承办单位|承辦單位|协办单位|協辦單位|主管单位|主管單位|技术支持|技術支持|维护单位|維護單位|网站维护|網站維護"
    r"|网站主办|網站主辦|联系我们|聯繫我們|建议使用|建議使用|最佳浏览|最佳瀏覽)\s*[:：]"
)
# An appeal to subscribe or donate that a news site puts under every article: it names subscribers (订户) or
# subscribing, and asks (加入, 成为, 支持) or points to where (网址, a link).
_SUBSCRIBE = re.compile(r"訂戶|订户|訂閱|订阅|subscribe|subscription|捐款|贊助|赞助", re.IGNORECASE)
_APPEAL = re.compile(r"加入|成為|成为|支持我|網址|网址|https?://|www\.|\.com|\.org|join|support us", re.IGNORECASE)
_MAX_APPEAL_CHARS = 100
# A font-size widget written without spaces: A+大A+中A+小, 【大 中 小】, 字号：大中小.
_FONT_SIZE = re.compile(
    r"^(?:字体|字體|字号|字號|浏览字号|瀏覽字號|字体大小|字體大小)?\s*[:：]?\s*[【\[]?\s*(?:A?\s*[+\-]?\s*[大中小]\s*){2,3}[】\]]?$",
    re.IGNORECASE,
)
_SCAN = re.compile(r"扫一扫|掃一掃|扫码|掃碼|扫描二维码|掃描二維碼|二维码|二維碼|手机扫描|手機掃描|scan (?:the )?qr", re.IGNORECASE)
# A step of instructions (1. 扫码打开…, （一）, Step 2) is content even when it mentions a QR code.
_LIST_MARKER = re.compile(r"^(?:\d{1,3}\s*[.、．)）]|[(（]\s*[\d一二三四五六七八九十]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}、|[①-⑳]|step\s*\d|第\s*\S{1,3}\s*步)", re.IGNORECASE)
_FOLLOW = re.compile(r"^(?:关注|關注|订阅|訂閱)(?:我们|我們|本站|公众号|公眾號)?\s*(?:[·:：|｜]\s*\S[^。，；！？]{0,24})?$")
_SEARCH = re.compile(r"^(?:搜索热词|搜索熱詞|热搜词|熱搜詞|热门搜索|熱門搜索|热门关键词|熱門關鍵詞|热词|熱詞|搜索|検索)\s*[:：]")
_COUNTER = re.compile(
    r"^(?:访问量|訪問量|浏览量|瀏覽量|浏览次数|瀏覽次數|阅读量|閱讀量|阅读次数|閱讀次數|点击数|點擊數|点击量|點擊量|点击率|點擊率|阅读|閱讀)"
    r"\s*[:：]?\s*[\d,\s\-]*(?:次)?(?:\s*(?:分享|打印|收藏))*$"
)

# Lines that hold only a label and a short value: 责任编辑：张三, 來源:大眾網, [编辑：李四].
_LABEL_ONLY = re.compile(
    r"^[\[【(（]?\s*(?:责任编辑|責任編輯|编辑|編輯|实习编辑|實習編輯|值班编辑|值班編輯|主编|主編|审核|審核|审校|審校|校对|校對"
    r"|监制|監製|责编|責編|来源|來源|稿源|本文来源|本文來源|信息来源|信息來源|文章来源|文章來源|新闻来源|新聞來源"
    r"|图片来源|圖片來源|图片|圖片|作者|出品|策划|策劃|统筹|統籌)"
    r"\s*[:：]\s*[^。！？!?]{0,40}?[\]】)）]?$"
)
_PAGE_NUMBER = re.compile(
    r"^(?:-\s*\d{1,4}\s*-|第\s*\d{1,4}\s*[页頁](?:\s*[,，/]?\s*共\s*\d{1,4}\s*[页頁])?"
    r"|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|\d{1,4}\s*/\s*\d{1,4})$",
    re.IGNORECASE,
)
_END_MARK = re.compile(r"^[(（\[【]?\s*(?:完|全文完|-+\s*end\s*-+|end)\s*[)）\]】]?$", re.IGNORECASE)

# A name in a list of links: a few characters, no clause punctuation, no digits (a list item, a date or a
# table row has them). A leading bullet is not part of it.
_BULLET = re.compile(r"^[·•●◆◇■□▪▫○◎\-*>»]+\s*")
_NAME_SPLIT = re.compile(r"\s*[·•]\s*|\s+")  # not at |: a table row's cells are joined with it
_MIN_NAMES_IN_LINE = 6
_MIN_NAMES_IN_RUN = 8
_MAX_NAME_CHARS = 16
_RELATED_HEADING = re.compile(
    r"^(?:相关|相關|关联|關聯|推荐|推薦|延伸|更多|热点|熱點|热门|熱門|最新)(?:新闻|新聞|文章|链接|鏈接|稿件|阅读|閱讀|推荐|推薦|信息|文件|解读|解讀|附件|资讯|資訊)"
    r"(?:推荐|推薦)?\s*[:：]?$"
)
# An entry of a list of articles: a title (not a label such as 实施日期：) and the date it was published.
_ENDS_WITH_DATE = re.compile(r"^.{6,}[^:：\s]\s+[(（\[]?\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[)）\]]?$")
_MAX_LISTED_TITLE = 80


def _is_name(text: str) -> bool:
    return (
        1 < len(text) <= _MAX_NAME_CHARS
        and not any(ch in _CLAUSE_PUNCT or ch.isdigit() for ch in text)
        and bool(_WORD.search(text))
    )


def _names_in_line(line: str) -> bool:
    """A line made of many short names and nothing else: a footer of department or district links.

    The names are Chinese: a run of Latin words split at its spaces is a line of prose (a hard-wrapped English
    sentence), not six names.
    """
    parts = [p for p in _NAME_SPLIT.split(_BULLET.sub("", line)) if p]
    return len(parts) >= _MIN_NAMES_IN_LINE and all(_is_name(p) and _HAN_CHAR.search(p) for p in parts)


def _is_breadcrumb(line: str) -> bool:
    if _BREADCRUMB_START.match(line):
        return True
    parts = [p for p in _BREADCRUMB_SEP.split(line) if p]
    if len(parts) < 2 or any(len(p) > 20 or p[-1] in _TERMINAL for p in parts):
        return False
    # A > B alone could be a comparison; a breadcrumb has three steps, or starts at home, or ends at 正文.
    return len(parts) >= 3 or bool(_BREADCRUMB_END.search(parts[-1]) or _BREADCRUMB_START_WORD.match(parts[0]))


def _is_controls(line: str) -> bool:
    words = [w for w in _CONTROL_SPLIT.split(line.lower()) if w]
    return bool(words) and all(w in _CONTROL_WORDS for w in words)


def furniture_kind(line: str) -> str | None:
    """The kind of site furniture this (repaired, stripped) line is, or None when it is content."""
    if not line or len(line) > _MAX_FURNITURE_CHARS:
        return None
    if not _WORD.search(line):
        return "separator"  # symbols only: ×, | |, ↺, a rule of dashes
    if _is_breadcrumb(line):
        return "breadcrumb"
    if _SHARE.match(line) and len(line) <= 40:
        return "share widget"
    if _is_controls(line) or _FONT_SIZE.match(line):
        return "page controls"
    if _FOOTER.search(line) or _SITE_LABEL.match(line):
        return "copyright footer"
    if _SCAN.search(line) and len(line) <= 40 and not any(ch in line for ch in _TERMINAL) and not _LIST_MARKER.match(line):
        return "scan to open on phone"
    if _FOLLOW.match(line):
        return "follow widget"
    if len(line) <= _MAX_APPEAL_CHARS and _SUBSCRIBE.search(line) and _APPEAL.search(line):
        return "subscription appeal"
    if _SEARCH.match(line) or _COUNTER.match(line):
        return "page controls"
    if _LABEL_ONLY.match(line):
        return "editor or source line"
    if _END_MARK.match(line):
        return "end mark"
    if _PAGE_NUMBER.match(line):
        return "page number"
    if _names_in_line(line):
        return "link list"
    return None


def _listed_title(line: str) -> bool:
    """A line that can be an entry of a list of articles: a title, perhaps with its date, and no sentence."""
    return len(line) <= _MAX_LISTED_TITLE and "。" not in line and "；" not in line and bool(_WORD.search(line))


def furniture_runs(lines: Sequence[str]) -> list[str | None]:
    """For each line, the kind of furniture it is as part of a run of lines, or None.

    Two shapes: a run of at least 8 short names one a line (a footer of department or district links; a list
    that a sentence introduces, ending in a colon, is content and is kept), and a related-articles box: a heading
    such as 相关新闻 followed by article titles, or a run of titles each ending with its date. A line that is
    furniture on its own is left to `furniture_kind`, so each is counted once.
    """
    kinds: list[str | None] = [None] * len(lines)
    texts = [line.strip() for line in lines]
    i = 0
    while i < len(texts):
        j = i
        while j < len(texts) and _is_name(_BULLET.sub("", texts[j])):
            j += 1
        lead_in = i > 0 and texts[i - 1].rstrip().endswith((":", "："))
        if j - i >= _MIN_NAMES_IN_RUN and not lead_in:
            kinds[i:j] = ["link list"] * (j - i)
        i = max(j, i + 1)
    for i, text in enumerate(texts):
        if _RELATED_HEADING.match(text):
            j = i + 1
            while j < len(texts) and _listed_title(texts[j]) and not _RELATED_HEADING.match(texts[j]):
                j += 1
            if j > i + 1:
                kinds[i:j] = [k or "related links" for k in kinds[i:j]]
    i = 0
    while i < len(texts):
        j = i
        while j < len(texts) and _listed_title(texts[j]) and _ENDS_WITH_DATE.search(texts[j]):
            j += 1
        if j - i >= 2:
            kinds[i:j] = [k or "related links" for k in kinds[i:j]]
        i = max(j, i + 1)
    return [None if kind is None or furniture_kind(texts[n]) else kind for n, kind in enumerate(kinds)]
