"""A fake Telegram Bot API server on 127.0.0.1 that the tests own and the real python-telegram-bot talks to.

    server = FakeBotApi()            # or the ``fake_bot_api`` fixture (tests/fakes/fixtures.py)
    server.start()
    app = ApplicationBuilder().token(server.token).base_url(server.base_url).base_file_url(server.base_file_url)...
    server.push_message("你好", user_id=42)
    [call] = server.wait_accepted(1, chat_id=42)
    server.stop()

It answers over real HTTP in Telegram's shapes (``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code",
"description", "parameters"}``) and wording, checks what Telegram checks (telegram_rules, telegram_html), long-polls
for real, forgets updates only once an offset confirms them, ends an older getUpdates with 409 when a newer one
arrives, and delivers to a webhook when one is set. Tests script it from their own thread (every public method is
thread-safe), read back every call it answered, and make it fail on purpose: 429 with retry_after, 500, 403 for a user
who blocked the bot, or a slow answer (``slow``, ``slow_next``). Injected failures happen before the method runs, so a
refused sendMessage sends nothing, and they are recorded like any other answer; ``drop_next`` is the other way round:
the method runs and the connection closes without its answer.

Where it knowingly differs from Telegram:
- ``strict_html=True`` (the default) also refuses an unescaped ``&`` or ``>`` and an attribute Telegram ignores
  (see telegram_html); pass ``strict_html=False`` for Telegram's own leniency.
- Text length is counted in UTF-16 code units (at least Telegram's count, so never more lenient).
- A webhook may be plain ``http://`` (no TLS here); every pushed group message is delivered (privacy mode off).
- Markdown parse modes answer 400 "not implemented"; there is no flood limit of its own (inject 429s instead).
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from tests.fakes.bot_api_http import DROP, BadParameters, ConnectionTrackingServer, post_json, read_params
from tests.fakes.bot_api_methods import CHAT_METHODS, MESSAGE_METHODS, METHODS, SERVER_METHODS, check_webhook
from tests.fakes.bot_api_users import UserActions
from tests.fakes.bot_api_world import World
from tests.fakes.telegram_rules import Rejected

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-token"
_TOKEN_FORM = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,100}")
_CONFLICT_POLL = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
_CONFLICT_WEBHOOK = ("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
                     "webhook first")
_DESCRIPTIONS = {403: "Forbidden: bot was blocked by the user", 409: _CONFLICT_POLL, 500: "Internal Server Error",
                 502: "Bad Gateway"}


@dataclass(frozen=True)
class ApiCall:
    """One request the server answered: the method, its decoded parameters, and what was answered."""

    seq: int
    method: str  # canonical spelling, e.g. "sendMessage"; "downloadFile" for a file download
    params: dict[str, Any]
    status: int
    description: str | None
    result: Any
    injected: bool  # the answer came from fail_next or block_user, not from the method
    started: float  # time.monotonic() when the request arrived
    finished: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def chat_id(self) -> int | str | None:
        value = self.params.get("chat_id")
        return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else value

    @property
    def text(self) -> str | None:
        """The plain text Telegram stored (entities parsed out) for an accepted message, else the text sent."""
        if isinstance(self.result, dict) and "text" in self.result:
            return self.result["text"]
        return self.params.get("text")


@dataclass
class _Failure:
    method: str
    status: int
    retry_after: int
    remaining: int
    description: str
    chat_id: int | None
    body: bytes | None = None  # answered instead of Telegram's JSON error (a proxy's error page)


@dataclass(frozen=True)
class WebhookDelivery:
    """One POST of an update to the webhook: the update and the HTTP status answered (0: no answer)."""

    update_id: int
    status: int


@dataclass
class _Webhook:
    url: str
    secret_token: str | None
    last_error: tuple[int, str] | None = None
    deliveries: list[WebhookDelivery] = field(default_factory=list)


class FakeBotApi(UserActions):
    """The fake server; see the module docstring. Start it, point python-telegram-bot at ``base_url``, stop it."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, username: str = "quotebot_test_bot",
                 first_name: str = "Quote Bot", strict_html: bool = True, first_update_id: int = 1,
                 clock: Callable[[], float] = time.time, webhook_retry_delay: float = 0.1) -> None:
        if not _TOKEN_FORM.fullmatch(token):
            raise ValueError(f"a bot token has the form 123456:ABC-def, got {token!r}")
        self.token = token
        self.strict_html = strict_html
        self.webhook_retry_delay = webhook_retry_delay
        bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": first_name, "username": username}
        # Re-entrant, so a wait_for predicate may call the inspection methods, which take the lock too.
        self._changed = threading.Condition(threading.RLock())
        self._world = World(bot_user=bot_user, clock=clock, first_update_id=first_update_id)
        self._calls: list[ApiCall] = []
        self._failures: list[_Failure] = []
        self._blocked: set[int] = set()
        self._slow: dict[str, float] = {}
        self._slow_next: dict[str, list[float]] = {}  # method -> delays of its next calls, first first
        self._drops: dict[str, int] = {}  # method -> how many of its next calls run, then lose their answer
        self._in_flight = 0
        self._polls_waiting = 0
        self._last_activity = time.monotonic()
        self._poll_generation = 0
        self._webhook: _Webhook | None = None
        self._webhook_thread: threading.Thread | None = None
        self._query_ids = itertools.count(1)
        self._stopping = threading.Event()
        self._http: ConnectionTrackingServer | None = None
        self._serve_thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        """Listen on a free port of 127.0.0.1 and serve from a background thread."""
        if self._http is not None:
            raise RuntimeError("the fake Bot API server is already started")
        self._stopping.clear()
        self._http = ConnectionTrackingServer(self._respond, self.token)
        self._serve_thread = threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05},
                                              name="fake-bot-api", daemon=True)
        self._serve_thread.start()
        return self

    def stop(self) -> None:
        """Wake every waiting long poll, close every connection, and join every thread the server started."""
        if self._http is None:
            return
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
            webhook_thread = self._webhook_thread
        self._http.shutdown()
        assert self._serve_thread is not None
        self._serve_thread.join()
        left = self._http.close_all()
        if webhook_thread is not None:
            webhook_thread.join(5)
            left += [webhook_thread] if webhook_thread.is_alive() else []
        self._http = self._serve_thread = self._webhook_thread = None
        if left:
            raise RuntimeError(f"fake Bot API: threads still running after stop: {[t.name for t in left]}")

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._http is None:
            raise RuntimeError("the fake Bot API server is not started")
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``: the client appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)`` / ``Bot(base_file_url=...)``."""
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return dict(self._world.bot_user)

    # -- HTTP → method ----------------------------------------------------------------------------------------------

    def _respond(self, path: str, query: str, content_type: str, body: bytes) -> tuple[int, str, bytes]:
        """Route one HTTP request: ``/bot<token>/<method>`` or ``/file/bot<token>/<file_path>``."""
        started = time.monotonic()
        prefix = "/file/bot" if path.startswith("/file/bot") else "/bot" if path.startswith("/bot") else ""
        token, _, rest = path[len(prefix):].partition("/") if prefix else ("", "", "")
        # Telegram answers 404 to a malformed token and 401 to a well-formed one it does not know.
        if not _TOKEN_FORM.fullmatch(token) or not rest:
            return _error_body(404, "Not Found")
        if token != self.token:
            return _error_body(401, "Unauthorized")
        with self._changed:
            self._in_flight += 1
        try:
            if prefix == "/file/bot":
                return self._download(rest, started)
            try:
                params = read_params(query, content_type, body)
            except BadParameters as exc:
                return self._finish(rest, {}, started, 400, str(exc), None, injected=False)
            return self._call(rest, params, started)
        finally:
            with self._changed:
                self._in_flight -= 1
                self._changed.notify_all()

    def _call(self, method: str, params: dict[str, Any], started: float) -> tuple[int, str, bytes]:
        key = method.lower()
        name = METHODS[key][0] if key in METHODS else SERVER_METHODS.get(key)
        if name is None:
            return self._finish(method, params, started, 404, "Not Found", None, injected=False)
        with self._changed:
            delay = self._slow.get(key, 0.0)
            if self._slow_next.get(key):
                delay = self._slow_next[key].pop(0)
        if delay:
            self._stopping.wait(delay)
        with self._changed:
            injected = self._injected_failure(key, params)
        if injected is not None:
            return self._finish(name, params, started, injected.status, injected.description, None, injected=True,
                                retry_after=injected.retry_after, body=injected.body)
        description = None
        try:
            if key == "getupdates":
                result = self._get_updates(params)
            elif key in SERVER_METHODS:
                with self._changed:
                    result, description = self._webhook_method(key, params)
            else:
                with self._changed:
                    result = METHODS[key][1](self._world, params, strict_html=self.strict_html)
        except Rejected as exc:
            return self._finish(name, params, started, exc.status, exc.description, None, injected=False)
        except Exception as exc:  # noqa: BLE001 - a bug of the fake must reach the test, not hang the client
            logger.exception("fake Bot API: %s failed", name)
            return self._finish(name, params, started, 500, f"Internal Server Error: bug in the fake: {exc!r}",
                                None, injected=False)
        answer = self._finish(name, params, started, 200, description, result, injected=False)
        with self._changed:
            if self._drops.get(key, 0) > 0:
                self._drops[key] -= 1
                return DROP  # done, recorded as accepted; the client never hears of it
        return answer

    def _finish(self, method: str, params: dict[str, Any], started: float, status: int, description: str | None,
                result: Any, *, injected: bool, retry_after: int = 0, body: bytes | None = None) -> tuple[int, str, bytes]:
        """Record the call and build Telegram's answer."""
        with self._changed:
            call = ApiCall(len(self._calls), method, params, status, description, copy.deepcopy(result), injected,
                           started, time.monotonic())
            self._calls.append(call)
            if method != "getUpdates" or result:
                self._last_activity = call.finished  # an empty long poll is not activity
            self._changed.notify_all()
        if call.ok:
            payload: dict[str, Any] = {"ok": True, "result": result}
            if description:
                payload["description"] = description
            return 200, "application/json", json.dumps(payload).encode("utf-8")
        if body is not None:
            return status, "text/html", body
        return _error_body(status, description or HTTPStatus(status).phrase, retry_after)

    def _injected_failure(self, key: str, params: dict[str, Any]) -> _Failure | None:
        """The failure a test asked for that this call triggers, if any (caller holds the lock)."""
        chat_id = params.get("chat_id")
        chat_id = int(chat_id) if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit() else chat_id
        for failure in self._failures:
            if failure.method == key and failure.chat_id in (None, chat_id):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return failure
        if key in CHAT_METHODS and chat_id in self._blocked:
            return _Failure(key, 403, 0, 0, "Forbidden: bot was blocked by the user", chat_id)
        return None

    def _download(self, file_path: str, started: float) -> tuple[int, str, bytes]:
        """Serve a file registered by a push_* method, at the path getFile gave."""
        with self._changed:
            stored = self._world.files_by_path.get(file_path)
            injected = self._injected_failure("downloadfile", {})
        if injected is not None:
            return self._finish("downloadFile", {"file_path": file_path}, started, injected.status, injected.description,
                                None, injected=True, retry_after=injected.retry_after, body=injected.body)
        if stored is None:
            self._finish("downloadFile", {"file_path": file_path}, started, 404, "Not Found", None, injected=False)
            return _error_body(404, "Not Found")
        self._finish("downloadFile", {"file_path": file_path}, started, 200, None, len(stored.content),
                     injected=False)
        return 200, "application/octet-stream", stored.content

    # -- getUpdates and the webhook -------------------------------------------------------------------------------

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: confirm the offset, then answer at once if updates wait, else when one arrives or at timeout.

        A newer getUpdates ends an older one still waiting with 409 Conflict, as Telegram does."""
        offset, limit, timeout = (_number(params, "offset", 0), _number(params, "limit", 100),
                                  _number(params, "timeout", 0))
        limit = limit if 1 <= limit <= 100 else 100
        allowed = params.get("allowed_updates")
        if allowed is not None and not (isinstance(allowed, list) and all(isinstance(a, str) for a in allowed)):
            raise Rejected("Bad Request: can't parse allowed_updates JSON object")
        deadline = time.monotonic() + max(timeout, 0)
        with self._changed:
            if self._webhook is not None:
                raise Rejected(_CONFLICT_WEBHOOK, status=409)
            self._poll_generation += 1
            generation = self._poll_generation
            if offset:
                self._world.confirm(int(offset))
            self._world.set_allowed_updates(allowed)
            self._polls_waiting += 1
            self._changed.notify_all()
            try:
                while True:
                    if generation != self._poll_generation:
                        raise Rejected(_CONFLICT_POLL, status=409)
                    if self._webhook is not None:
                        raise Rejected(_CONFLICT_WEBHOOK, status=409)
                    updates = self._world.deliverable(int(limit))
                    remaining = deadline - time.monotonic()
                    if updates or remaining <= 0 or self._stopping.is_set():
                        return updates
                    self._changed.wait(remaining)
            finally:
                self._polls_waiting -= 1
                self._changed.notify_all()

    def _webhook_method(self, key: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        """setWebhook, deleteWebhook, getWebhookInfo (caller holds the lock)."""
        if key == "getwebhookinfo":
            info: dict[str, Any] = {"url": self._webhook.url if self._webhook else "", "has_custom_certificate": False,
                                    "pending_update_count": len(self._world.pending)}
            if self._webhook is not None:
                info["max_connections"] = 40
                if self._world.allowed_updates:
                    info["allowed_updates"] = sorted(self._world.allowed_updates)
                if self._webhook.last_error is not None:
                    info["last_error_date"], info["last_error_message"] = self._webhook.last_error
            return info, None
        url, secret = check_webhook(params) if key == "setwebhook" else ("", None)
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self._world.confirm(self._world.next_update_id)
        if key == "setwebhook" and url:
            self._world.set_allowed_updates(params.get("allowed_updates"))
            self._webhook = _Webhook(url, secret)
            self._changed.notify_all()
            if self._webhook_thread is None:
                self._webhook_thread = threading.Thread(target=self._deliver_to_webhook, name="fake-bot-api-webhook",
                                                        daemon=True)
                self._webhook_thread.start()
            return True, "Webhook was set"
        was_set, self._webhook = self._webhook is not None, None
        self._changed.notify_all()
        return True, "Webhook was deleted" if was_set else "Webhook is already deleted"

    def _deliver_to_webhook(self) -> None:
        """POST pending updates one by one, in order, until each is answered 2xx; stop when the webhook is deleted."""
        while True:
            with self._changed:
                while True:
                    hook = self._webhook
                    if self._stopping.is_set():
                        return  # stop() joins this thread
                    if hook is None:
                        self._webhook_thread = None  # deleted: a later setWebhook starts a new thread
                        return
                    ready = self._world.deliverable(1)
                    if ready:
                        break
                    self._changed.wait(0.5)
            update = ready[0]
            status = post_json(hook.url, update, hook.secret_token, timeout=3)
            with self._changed:
                hook.deliveries.append(WebhookDelivery(update["update_id"], status))
                if 200 <= status < 300:
                    self._world.confirm(update["update_id"] + 1)
                else:
                    reason = f"Wrong response from the webhook: {status}" if status else "Connection refused"
                    hook.last_error = (self._world.now(), reason)
                self._changed.notify_all()
            if not 200 <= status < 300:
                self._stopping.wait(self.webhook_retry_delay)

    @property
    def webhook(self) -> dict[str, Any] | None:
        """The webhook set by the bot (url, secret_token, deliveries so far), or None."""
        with self._changed:
            hook = self._webhook
            return None if hook is None else {"url": hook.url, "secret_token": hook.secret_token,
                                              "deliveries": list(hook.deliveries), "last_error": hook.last_error}

    # -- failure injection ----------------------------------------------------------------------------------------

    def fail_next(self, method: str, status: int = 429, *, retry_after: int = 1, times: int = 1,
                  description: str | None = None, chat_id: int | None = None, body: bytes | None = None) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id`` only, if given) with ``status``.

        429 carries ``parameters.retry_after``; the method does not run, so nothing is sent. ``method`` may be
        ``"downloadFile"``: a request for a file's content. ``body`` is answered instead of Telegram's JSON error,
        as a proxy or load balancer in front of the Bot API answers (an HTML error page)."""
        if status == 429:
            description = description or f"Too Many Requests: retry after {retry_after}"
        description = description or _DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
        with self._changed:
            self._failures.append(_Failure(method.lower(), status, retry_after if status == 429 else 0, times,
                                           description, chat_id, body))

    def slow_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` ``seconds`` late (the method runs after the delay, whether
        or not the client still waits, as Telegram acts on a request its client gave up on)."""
        with self._changed:
            self._slow_next.setdefault(method.lower(), []).extend([seconds] * times)

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Run the next ``times`` calls of ``method``, then close the connection without answering: the request was
        accepted (the call is recorded as accepted) and the client cannot know."""
        with self._changed:
            self._drops[method.lower()] = self._drops.get(method.lower(), 0) + times

    def block_user(self, chat_id: int) -> None:
        """The user blocked the bot: sends to ``chat_id`` get 403 Forbidden: bot was blocked by the user."""
        with self._changed:
            self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        with self._changed:
            self._blocked.discard(chat_id)

    def slow(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` ``seconds`` late (0 to stop)."""
        with self._changed:
            self._slow[method.lower()] = seconds

    def clear_failures(self) -> None:
        """Forget pending fail_next, blocked users and slow methods."""
        with self._changed:
            self._failures.clear()
            self._blocked.clear()
            self._slow.clear()
            self._slow_next.clear()
            self._drops.clear()

    # -- inspection -----------------------------------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every call answered so far, in the order answered."""
        with self._changed:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Every answered call of ``method`` (case-insensitive), successful or not."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def accepted(self, method: str | None = None, chat_id: int | None = None) -> list[ApiCall]:
        """Successful calls of ``method`` (default: sendMessage, editMessageText, editMessageReplyMarkup)."""
        return _accepted(self.calls, method, chat_id)

    def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The bot's messages as they are now (edits applied), oldest first."""
        with self._changed:
            keys = [k for k in self._world.bot_messages if chat_id is None or k[0] == chat_id]
            return [copy.deepcopy(self._world.messages[k]) for k in keys]

    def wait_for(self, predicate: Callable[[list[ApiCall]], Any], timeout: float = 10.0) -> list[ApiCall]:
        """Block until ``predicate(calls)`` is true; return the calls. On timeout raise TimeoutError listing them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(list(self._calls)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"fake Bot API: condition not met in {timeout} s; calls so far:\n"
                                       + _summary(self._calls))
                self._changed.wait(remaining)
            return list(self._calls)

    def wait_accepted(self, count: int, *, method: str | None = None, chat_id: int | None = None,
                      timeout: float = 10.0) -> list[ApiCall]:
        """Block until at least ``count`` calls were accepted (as ``accepted`` counts them); return them all."""
        self.wait_for(lambda calls: len(_accepted(calls, method, chat_id)) >= count, timeout)
        return self.accepted(method, chat_id)

    def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Block until every pushed update is confirmed, no request but a long poll is running, and none ended
        for ``quiet`` seconds: the bot has handled what it was sent.

        python-telegram-bot confirms fetched updates with its next poll, before its handlers run, so ``quiet`` must
        exceed the longest time a handler thinks before its first request; prefer ``wait_accepted(n)`` first, then
        ``wait_idle`` to be sure nothing more (a duplicate) follows."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                polls = sum(1 for c in self._calls if c.method == "getUpdates")
                busy = self._in_flight - self._polls_waiting
                idle_for = time.monotonic() - self._last_activity
                done = not self._world.pending and busy <= 0 and idle_for >= quiet
                if done:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"fake Bot API: not idle after {timeout} s ({len(self._world.pending)} updates "
                                       f"unconfirmed, {busy} requests running, {polls} polls); calls so far:\n"
                                       + _summary(self._calls))
                self._changed.wait(min(remaining, max(quiet - idle_for, 0.02)))

    @property
    def polls_waiting(self) -> int:
        """How many getUpdates requests are being held open right now (long polling)."""
        with self._changed:
            return self._polls_waiting

    @property
    def confirmed_offset(self) -> int:
        """The highest offset the bot confirmed: every update with a smaller id is forgotten for good."""
        with self._changed:
            return self._world.confirmed_offset

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates pushed and not yet confirmed by an offset (or a webhook's 2xx)."""
        with self._changed:
            return copy.deepcopy(self._world.pending)

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        """The command list the bot set for ``scope`` (default scope) and ``language_code``."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        with self._changed:
            return copy.deepcopy(self._world.commands.get(key, []))

    def file_bytes(self, file_id: str) -> bytes:
        """The content of a file the server holds."""
        with self._changed:
            return self._world.files[file_id].content


def _number(params: dict[str, Any], name: str, default: float) -> float:
    value = params.get(name, default)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Rejected(f"Bad Request: wrong parameter {name} in request") from None


def _accepted(calls: list[ApiCall], method: str | None, chat_id: int | None) -> list[ApiCall]:
    methods = {m.lower() for m in (MESSAGE_METHODS if method is None else (method,))}
    return [c for c in calls if c.ok and c.method.lower() in methods and (chat_id is None or c.chat_id == chat_id)]


def _error_body(status: int, description: str, retry_after: int = 0) -> tuple[int, str, bytes]:
    payload: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after:
        payload["parameters"] = {"retry_after": retry_after}
    return status, "application/json", json.dumps(payload).encode("utf-8")


def _summary(calls: list[ApiCall]) -> str:
    lines = [f"  {c.method} {c.status} {c.description or ''} "
             f"{json.dumps(c.params, ensure_ascii=False, default=str)[:200]}"
             for c in calls if c.method != "getUpdates" or not c.ok or c.result]
    return "\n".join(lines) or "  (none)"
