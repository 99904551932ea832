"""Every sentence the bot says to citizens, in simplified Chinese, traditional Chinese and English.

One `Texts` record per script, looked up with `texts_for(script)`. Fields are plain text (no markup);
callers escape them for HTML. Templates use named `{fields}`, and the same fields in every language
(tests/bot/test_texts.py checks it), so a sentence cannot drift between languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from bot.language import Script
from retrieval.model import DeclineReason


class CorpusInfo(Protocol):
    """What /start and /help tell about the corpus."""

    @property
    def documents(self) -> int: ...

    @property
    def passages(self) -> int: ...

    @property
    def newest_date(self) -> str | None: ...  # ISO 8601


@dataclass(frozen=True)
class Texts:
    """The bot's words in one script."""

    help_intro: str
    help_corpus: str  # {documents} {passages} {newest}
    help_corpus_undated: str  # {documents} {passages}
    help_how: str  # {example}
    help_group: str
    example_question: str
    declined: Mapping[DeclineReason, str]
    text_only: str
    too_long: str  # {limit} {length}
    rate_limited: str  # {seconds}
    no_more: str
    expired: str  # a button whose question left the log (retention) or whose passages left the index
    inline_hint: str  # the button over inline results (Telegram cuts it at 64 characters)
    failed: str
    staff_only: str
    feedback_thanks: str
    question_label: str
    also_cited: str  # {count} {sources}
    converted_note: str
    chat_converted_note: str  # the same note in the terminal chat, which has /original instead of a button
    ask_converted_note: str  # and in `quotebot ask`, which has --original
    full_paragraph_title: str
    button_more: str
    button_full: str
    button_original: str
    button_converted: str
    button_helpful: str
    button_unhelpful: str
    chat_commands: str  # the terminal chat's own commands
    chat_no_result: str  # {number}
    hedge: str  # the line above quotes that only may help (the hedged tier of an answer)

    def __post_init__(self) -> None:
        missing = [reason.value for reason in DeclineReason if reason not in self.declined]
        if missing:
            raise ValueError(f"no decline text for: {', '.join(missing)}")

    @property
    def greeting(self) -> str:
        """The reply to a hello: the same words as the greeting decline."""
        return self.declined[DeclineReason.GREETING]

    def help_text(self, info: CorpusInfo | None = None) -> str:
        """The /start and /help reply: what the bot knows, how to ask, how it works in groups."""
        parts = [self.help_intro]
        if info is not None:
            if info.newest_date:
                parts.append(self.help_corpus.format(documents=info.documents, passages=info.passages, newest=info.newest_date[:10]))
            else:
                parts.append(self.help_corpus_undated.format(documents=info.documents, passages=info.passages))
        parts.append(self.help_how.format(example=self.example_question))
        parts.append(self.help_group)
        return "\n\n".join(parts)

    def decline_text(self, reason: DeclineReason | None) -> str:
        """The reply to a question nothing is quoted for."""
        return self.declined[reason or DeclineReason.NOT_COVERED]

    def chat_no_result_text(self, number: str) -> str:
        return self.chat_no_result.format(number=number)

    def too_long_text(self, limit: int, length: int) -> str:
        return self.too_long.format(limit=limit, length=length)

    def rate_limited_text(self, seconds: int) -> str:
        return self.rate_limited.format(seconds=max(1, seconds))

    def also_cited_text(self, count: int, sources: str) -> str:
        return self.also_cited.format(count=count, sources=sources)


def _declined(**by_reason: str) -> Mapping[DeclineReason, str]:
    return MappingProxyType({DeclineReason(name): text for name, text in by_reason.items()})


SIMPLIFIED = Texts(
    help_intro="我会从本市发布的新闻和政策文件中，找出能回答你问题的段落，原文引用，并注明标题、日期和来源。我不会自己编写答案。",
    help_corpus="目前收录 {documents} 份文件、{passages} 个段落，最新一份的日期是 {newest}。",
    help_corpus_undated="目前收录 {documents} 份文件、{passages} 个段落。",
    help_how="直接发送问题即可，用关键词提问效果更好。例如：{example}",
    help_group="在群组中：请 @我 并附上问题，回复我的消息，或使用 /ask 问题。",
    example_question="上合示范区有哪些发展平台？",
    declined=_declined(
        empty="请用文字发送你的问题。",
        greeting="你好！请直接发送你的问题，我会引用文件原文回答。",
        too_long="问题太长了，请缩短后再问。",
        not_covered="抱歉，现有文件中没有找到能回答这个问题的内容。可以换个说法、用更具体的关键词再问一次，或咨询市政服务热线。",
        gibberish="抱歉，我没能看懂这个问题。请用一句完整的话，带上关键词再问一次。",
        thanks="不客气！还有问题的话，直接发给我就好。",
        farewell="再见！有问题随时再来问我。",
        small_talk="我是一个问答机器人：你发来问题，我从本市发布的文件中找出相关段落，原文引用回答。请直接发送你的问题。",
        vague="这个问题有点太短了，我不确定你想了解什么。请用一句完整的话再问一次，例如：今年的低保标准是多少？",
    ),
    text_only="我目前只能阅读文字消息，请用文字发送你的问题。",
    too_long="问题太长了（{length} 个字，上限 {limit} 个字），请缩短后再问。",
    rate_limited="提问太频繁了，请 {seconds} 秒后再试。",
    no_more="没有更多结果了。",
    expired="这条结果已过期，请重新提问。",
    inline_hint="输入问题，引用文件原文回答",
    failed="抱歉，出了点问题，请稍后再试。",
    staff_only="这个命令只供工作人员使用。",
    feedback_thanks="谢谢你的反馈！",
    question_label="问",
    also_cited="另有 {count} 个来源刊登了这段内容：{sources}",
    converted_note="（已转为简体显示，点“原文”可查看原样。）",
    chat_converted_note="（已转为简体显示，输入 /original 可查看原样。）",
    ask_converted_note="（已转为简体显示，加 --original 可查看原样。）",
    full_paragraph_title="完整段落",
    button_more="更多结果",
    button_full="完整段落",
    button_original="原文",
    button_converted="简体显示",
    button_helpful="👍 有帮助",
    button_unhelpful="👎 没帮助",
    chat_commands="命令：/more 更多结果，/full N 第 N 条结果的完整段落，/original 原文，/help 帮助，/quit 退出。",
    chat_no_result="没有第 {number} 条结果。",
    hedge="以下内容可能有帮助，但未必直接回答你的问题：",
)

TRADITIONAL = Texts(
    help_intro="我會從本市發佈的新聞和政策文件中，找出能回答你問題的段落，原文引用，並註明標題、日期和來源。我不會自己編寫答案。",
    help_corpus="目前收錄 {documents} 份文件、{passages} 個段落，最新一份的日期是 {newest}。",
    help_corpus_undated="目前收錄 {documents} 份文件、{passages} 個段落。",
    help_how="直接發送問題即可，用關鍵詞提問效果更好。例如：{example}",
    help_group="在羣組中：請 @我 並附上問題，回覆我的消息，或使用 /ask 問題。",
    example_question="上合示範區有哪些發展平臺？",
    declined=_declined(
        empty="請用文字發送你的問題。",
        greeting="你好！請直接發送你的問題，我會引用文件原文回答。",
        too_long="問題太長了，請縮短後再問。",
        not_covered="抱歉，現有文件中沒有找到能回答這個問題的內容。可以換個說法、用更具體的關鍵詞再問一次，或諮詢市政服務熱線。",
        gibberish="抱歉，我沒能看懂這個問題。請用一句完整的話，帶上關鍵詞再問一次。",
        thanks="不客氣！還有問題的話，直接發給我就好。",
        farewell="再見！有問題隨時再來問我。",
        small_talk="我是一個問答機器人：你發來問題，我從本市發佈的文件中找出相關段落，原文引用回答。請直接發送你的問題。",
        vague="這個問題有點太短了，我不確定你想了解什麼。請用一句完整的話再問一次，例如：今年的低保標準是多少？",
    ),
    text_only="我目前只能閱讀文字消息，請用文字發送你的問題。",
    too_long="問題太長了（{length} 個字，上限 {limit} 個字），請縮短後再問。",
    rate_limited="提問太頻繁了，請 {seconds} 秒後再試。",
    no_more="沒有更多結果了。",
    expired="這條結果已過期，請重新提問。",
    inline_hint="輸入問題，引用文件原文回答",
    failed="抱歉，出了點問題，請稍後再試。",
    staff_only="這個命令只供工作人員使用。",
    feedback_thanks="謝謝你的反饋！",
    question_label="問",
    also_cited="另有 {count} 個來源刊登了這段內容：{sources}",
    converted_note="（已轉爲繁體顯示，點“原文”可查看原樣。）",
    chat_converted_note="（已轉爲繁體顯示，輸入 /original 可查看原樣。）",
    ask_converted_note="（已轉爲繁體顯示，加 --original 可查看原樣。）",
    full_paragraph_title="完整段落",
    button_more="更多結果",
    button_full="完整段落",
    button_original="原文",
    button_converted="繁體顯示",
    button_helpful="👍 有幫助",
    button_unhelpful="👎 沒幫助",
    chat_commands="命令：/more 更多結果，/full N 第 N 條結果的完整段落，/original 原文，/help 幫助，/quit 退出。",
    chat_no_result="沒有第 {number} 條結果。",
    hedge="以下內容可能有幫助，但未必直接回答你的問題：",
)

ENGLISH = Texts(
    help_intro="I look through the city's published news and policy documents for the paragraphs that answer your question, and quote them word for word with their title, date and source. I never write an answer of my own.",
    help_corpus="I currently know {documents} documents ({passages} paragraphs); the newest is dated {newest}.",
    help_corpus_undated="I currently know {documents} documents ({passages} paragraphs).",
    help_how="Just send your question; key words work best. For example: {example}",
    help_group="In a group: mention me with your question, reply to one of my messages, or use /ask followed by the question.",
    example_question="Which platforms does the SCO demonstration zone build?",
    declined=_declined(
        empty="Please send your question as text.",
        greeting="Hello! Send me your question and I will answer by quoting the city's documents.",
        too_long="That question is too long; please shorten it and ask again.",
        not_covered="Sorry, the documents I have do not answer this question. Try rephrasing it with more specific key words, or ask the city's service hotline.",
        gibberish="Sorry, I could not make out the question. Please ask it in a full sentence with key words.",
        thanks="You're welcome! Send me another question any time.",
        farewell="Goodbye! Come back whenever you have a question.",
        small_talk="I am a question-answering bot: send me a question and I reply by quoting the city's published documents word for word. Please send your question.",
        vague="That is a little too short for me to know what you are looking for. Please ask in a full sentence, for example: What is this year's minimum living allowance?",
    ),
    text_only="I can only read text messages; please type your question.",
    too_long="That question is too long ({length} characters; the limit is {limit}). Please shorten it and ask again.",
    rate_limited="You are asking very quickly; please try again in {seconds} seconds.",
    no_more="No more results.",
    expired="This result has expired; please ask again.",
    inline_hint="Type a question; I answer by quoting the documents",
    failed="Sorry, something went wrong. Please try again later.",
    staff_only="This command is for staff only.",
    feedback_thanks="Thank you for your feedback!",
    question_label="Q",
    also_cited="Also published by {count} other sources: {sources}",
    converted_note="",  # English replies quote the passages as published; nothing is converted
    chat_converted_note="",
    ask_converted_note="",
    full_paragraph_title="Full paragraph",
    button_more="More results",
    button_full="Full paragraph",
    button_original="Original text",
    button_converted="Converted text",
    button_helpful="👍 Helpful",
    button_unhelpful="👎 Not helpful",
    chat_commands="Commands: /more more results, /full N the full paragraph of result N, /original the original text, /help help, /quit quit.",
    chat_no_result="There is no result {number}.",
    hedge="The following may help, though it may not answer your question exactly:",
)

TEXTS: Mapping[Script, Texts] = MappingProxyType(
    {Script.SIMPLIFIED: SIMPLIFIED, Script.TRADITIONAL: TRADITIONAL, Script.ENGLISH: ENGLISH}
)


def texts_for(script: Script) -> Texts:
    """The bot's words in the given script."""
    return TEXTS[script]
