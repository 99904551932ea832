"""Recognise site furniture: lines a web page or a printout carries that are not part of the article.

Rules are by kind, not by site: breadcrumbs, share widgets, lines made only of page-control words,
copyright and licence footers, editor/source-only lines, end marks, printed page numbers. Each returns the kind it matched,
which the cleaner counts; a long line is never furniture, so a body paragraph that mentions 版权 stays.
"""

from __future__ import annotations

import re

_MAX_FURNITURE_CHARS = 160
_TERMINAL = "。！？!?；;"

_BREADCRUMB_SEP = re.compile(r"\s*(?:>|＞|»|›|→|&gt;)\s*")
_BREADCRUMB_START = re.compile(r"^(?:当前位置|當前位置|您的位置|您现在的位置|您現在的位置|你的位置|所在位置|位置)\s*[:：]")
_BREADCRUMB_END = re.compile(r"(?:正文|详情|詳情|正文内容|正文內容|内容|內容)$")
_BREADCRUMB_START_WORD = re.compile(r"^(?:首页|首頁|主页|主頁|网站首页|網站首頁|Home)\b", re.IGNORECASE)

_SHARE = re.compile(
    r"^(?:(?:分享到|分享至|分享给|分享給|转发到|轉發到|转发至|轉發至|一键分享|一鍵分享)|(?:分享|share(?: this)?(?: on| to)?)\s*(?:[:：]|$))",
    re.IGNORECASE,
)

# Words that only page controls are made of; a line made of nothing else is furniture.
_CONTROL_WORDS = frozenset(
    """
    我要爆料 爆料 免责声明 免責聲明 打印 打印本页 打印本頁 关闭 關閉 关闭窗口 關閉窗口 返回顶部 返回頂部 返回
    收藏 收藏本文 加入收藏 微信 微博 新浪微博 腾讯微博 騰訊微博 qq qq空间 qq空間 qzone 朋友圈 豆瓣
    人人网 人人網 facebook twitter linkedin weibo wechat line 字号 字號 大
    中 小 默认 默認 上一篇 下一篇 上一页 下一页 上一頁 下一頁 相关新闻 相關新聞 相关阅读 相關閱讀 推荐阅读
    推薦閱讀 扫一扫 掃一掃 扫码 掃碼 评论 評論 发表评论 發表評論 点赞 點讚 点击 點擊 纠错 糾錯 我要纠错
    我要糾錯 举报 舉報 复制链接 複製鏈接 登录 登錄 注册 註冊 订阅 訂閱 手机版 手機版 客户端 客戶端 下载 下載
    更多 查看更多 阅读全文 閱讀全文 展开全文 展開全文 print close top back share email
    e-mail comment comments more
    """.split()
)
_CONTROL_SPLIT = re.compile(r"[\s|｜丨·•/、,，:：\[\]【】()（）<>《》「」]+")

_FOOTER = re.compile(
    r"版权所有|版權所有|著作权所有|著作權所有|copyright\s*(?:©|\(c\)|\d{4})|all rights reserved|©|\(c\)\s*\d{4}|ICP[备備證证]|公网安备|公網安備"
    r"|违法和不良信息举报|違法和不良信息舉報|未经授权.{0,12}(?:禁止|不得)|未經授權.{0,12}(?:禁止|不得)"
    r"|转载请注明|轉載請註明|本网站所刊|本網站所刊",
    re.IGNORECASE,
)

# Lines that hold only a label and a short value: 责任编辑：张三, 來源:大眾網, [编辑：李四].
_LABEL_ONLY = re.compile(
    r"^[\[【(（]?\s*(?:责任编辑|責任編輯|编辑|編輯|实习编辑|實習編輯|值班编辑|值班編輯|主编|主編|审核|審核|审校|審校|校对|校對"
    r"|监制|監製|责编|責編|来源|來源|稿源|本文来源|本文來源|图片来源|圖片來源|图片|圖片|作者|出品|策划|策劃|统筹|統籌)"
    r"\s*[:：]\s*[^。！？!?]{0,40}?[\]】)）]?$"
)
_PAGE_NUMBER = re.compile(
    r"^(?:-\s*\d{1,4}\s*-|第\s*\d{1,4}\s*[页頁](?:\s*[,，/]?\s*共\s*\d{1,4}\s*[页頁])?"
    r"|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|\d{1,4}\s*/\s*\d{1,4})$",
    re.IGNORECASE,
)
_END_MARK = re.compile(r"^[(（\[【]?\s*(?:完|全文完|-+\s*end\s*-+|end)\s*[)）\]】]?$", re.IGNORECASE)


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
    if _is_breadcrumb(line):
        return "breadcrumb"
    if _SHARE.match(line) and len(line) <= 40:
        return "share widget"
    if _is_controls(line):
        return "page controls"
    if _FOOTER.search(line):
        return "copyright footer"
    if _LABEL_ONLY.match(line):
        return "editor or source line"
    if _END_MARK.match(line):
        return "end mark"
    if _PAGE_NUMBER.match(line):
        return "page number"
    return None
