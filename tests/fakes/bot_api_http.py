"""HTTP plumbing of the fake Bot API server: a threaded HTTP/1.1 server that can be stopped cleanly, and request
parameters read the ways the Bot API accepts them (query string, form, multipart form, JSON body).

The server tracks its connections so ``stop`` can close idle keep-alive connections (httpx keeps them open) and join
every handler thread: a test leaves no thread behind.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

logger = logging.getLogger(__name__)

# Parameters that arrive as text in a form but are numbers, flags or JSON objects in the Bot API.
_INT_PARAMS = frozenset({"message_id", "offset", "limit", "timeout", "user_id", "cache_time", "reply_to_message_id",
                         "message_thread_id", "max_connections"})
_BOOL_PARAMS = frozenset({"disable_notification", "protect_content", "show_alert", "is_personal",
                          "drop_pending_updates", "allow_sending_without_reply", "disable_web_page_preview"})
_JSON_PARAMS = frozenset({"reply_markup", "entities", "results", "commands", "scope", "allowed_updates",
                          "reply_parameters", "link_preview_options", "button", "caption_entities"})


DROP = (0, "", b"")  # a responder's answer that closes the connection without a response


class BadParameters(ValueError):
    """The request body could not be read as parameters; the message is the Bot API's description."""


def _coerce(name: str, value: str) -> Any:
    """A form value as the type the Bot API parameter has; left as text where it does not parse (checked later)."""
    if name == "chat_id" or name in _INT_PARAMS:
        return int(value) if value.lstrip("-").isdigit() and value.isascii() else value
    if name in _BOOL_PARAMS:
        return {"true": True, "1": True, "false": False, "0": False}.get(value.lower(), value)
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadParameters("Bad Request: strings must be encoded in UTF-8") from None


def read_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """The call's parameters from its query string and body; a JSON body keeps its types, form fields are coerced."""
    params: dict[str, Any] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params[name] = _coerce(name, value)
    kind = content_type.split(";")[0].strip().lower()
    if not body:
        return params
    if kind == "application/json":
        try:
            data = json.loads(_decode(body))
        except ValueError:
            raise BadParameters("Bad Request: can't parse JSON object") from None
        if not isinstance(data, dict):
            raise BadParameters("Bad Request: JSON object expected")
        params.update(data)
    elif kind == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(_decode(body), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise BadParameters("Bad Request: strings must be encoded in UTF-8") from None
        params.update((name, _coerce(name, value)) for name, value in pairs)
    elif kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
                                                      + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                params[name] = {"file_name": part.get_filename(), "content": payload}
            else:
                params[name] = _coerce(name, _decode(payload))
    return params


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Telegram and httpx use
    server: ConnectionTrackingServer

    def do_GET(self) -> None:  # noqa: N802 - the name http.server looks up
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        self._serve()

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while (size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)) > 0:
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self) -> None:
        target = urlsplit(self.path)
        try:
            status, content_type, payload = self.server.respond(
                unquote(target.path), target.query, self.headers.get("Content-Type", ""), self._body()
            )
        except Exception as exc:  # noqa: BLE001 - a bug of the fake must reach the client as an answer, not a hang
            logger.exception("fake Bot API: request failed")
            status, content_type = 500, "application/json"
            payload = json.dumps({"ok": False, "error_code": 500,
                                  "description": f"Internal Server Error: bug in the fake: {exc!r}"}).encode()
        if status == 0:
            self.close_connection = True  # DROP: the connection closes with no answer
            return
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            # The client gave up (a cancelled long poll): Telegram, too, just drops the answer.
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of http.server
        # The path holds the bot token; keep it out of the log.
        line = format % args
        for form in (self.server.token, quote(self.server.token, safe="")):
            line = line.replace(form, "<token>")
        logger.debug("fake Bot API: %s", line)


Responder = Callable[[str, str, str, bytes], tuple[int, str, bytes]]


class ConnectionTrackingServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that remembers its connections and handler threads, so ``close`` ends them all."""

    block_on_close = False  # close_all joins the handler threads itself, after closing their connections

    def __init__(self, respond: Responder, token: str) -> None:
        self.respond = respond
        self.token = token
        self._connections: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        self._track = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm and the client's delayed ACK
        # add about 40 ms to every answer.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        thread = threading.Thread(target=self._serve_connection, args=(request, client_address), daemon=True,
                                  name="fake-bot-api-connection")
        with self._track:
            self._connections.add(request)
            self._handler_threads.add(thread)
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - a broken connection must not kill the server
            logger.debug("fake Bot API: connection error", exc_info=True)
        finally:
            self.shutdown_request(request)
            with self._track:
                self._connections.discard(request)
                self._handler_threads.discard(threading.current_thread())

    def close_all(self, timeout: float = 5.0) -> list[threading.Thread]:
        """Close the listening socket and every connection; join the handler threads; return any still alive."""
        self.server_close()
        with self._track:
            connections, threads = list(self._connections), list(self._handler_threads)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout)
        return [t for t in threads if t.is_alive()]


def post_json(url: str, payload: dict[str, Any], secret_token: str | None, timeout: float) -> int:
    """POST ``payload`` as JSON, as Telegram delivers an update to a webhook; return the HTTP status (0: no answer)."""
    headers = {"Content-Type": "application/json"}
    if secret_token:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - a test's own URL
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return int(exc.code)
    except (urllib.error.URLError, OSError):
        return 0
