"""A stand-in for a Hugging Face hub mirror on 127.0.0.1: serves one model's files the way the hub's HTTP API does.

What `huggingface_hub` asks of an endpoint (HF_ENDPOINT) to download a model: HEAD and GET of
``/{repo}/resolve/{revision}/{file}`` (with ``X-Repo-Commit`` and ``ETag`` headers; a missing file is a 404 with
``X-Error-Code: EntryNotFound``), and ``/api/models/{repo}`` for the commit. Enough to check that `quotebot model
pull` downloads through a mirror, and records what it was asked for.

    with FakeModelHub("sentence-transformers/all-MiniLM-L6-v2", model_folder) as hub:
        ... HF_ENDPOINT=hub.url ...
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeModelHub:
    """Serves the files of ``folder`` as the model ``repo`` at revision main; ``requests`` lists (method, path)."""

    def __init__(self, repo: str, folder: Path) -> None:
        self.repo = repo
        self.folder = folder
        self.requests: list[tuple[str, str]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                hub.requests.append((self.command, self.path))

            def do_HEAD(self) -> None:
                hub._answer(self, body=False)

            def do_GET(self) -> None:
                hub._answer(self, body=True)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-model-hub", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeModelHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*") if p.is_file())

    def _answer(self, handler: BaseHTTPRequestHandler, *, body: bool) -> None:
        path = handler.path.split("?", 1)[0]
        if path == f"/api/models/{self.repo}":
            info = {"id": self.repo, "sha": COMMIT, "siblings": [{"rfilename": name} for name in self.files()]}
            return self._send(handler, 200, json.dumps(info).encode(), body, {"Content-Type": "application/json"})
        if path.startswith(f"/api/models/{self.repo}/tree/"):  # a folder listing: the model has no subfolders asked for
            return self._send(handler, 404, b"", body, {"X-Error-Code": "EntryNotFound"})
        prefix = f"/{self.repo}/resolve/"
        if not path.startswith(prefix):
            return self._send(handler, 404, b"", body, {})
        _revision, _, name = path[len(prefix) :].partition("/")
        file = self.folder / name
        if not name or ".." in Path(name).parts or not file.is_file():
            return self._send(handler, 404, b"", body, {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": COMMIT})
        data = file.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest() + '"'
        return self._send(handler, 200, data, body, {"X-Repo-Commit": COMMIT, "ETag": etag})

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, data: bytes, body: bool, headers: dict[str, str]) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if body:
            handler.wfile.write(data)
