"""A local stand-in for the Slack Web API, for the offline demo and for tests.

`SlackStandIn` is a small threaded HTTP server on 127.0.0.1 (port chosen by the OS)
that answers the Web API methods Podbrief uses the way Slack does, records every
request it receives, and can inject the failures Slack produces (429 with
``Retry-After``, 5xx, ``{"ok": false, "error": ...}`` and slow answers)::

    with SlackStandIn(user_timezones={"U1": "Europe/Paris"}) as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        client.chat_postMessage(channel="C1", text="hi")
        assert slack.posted_messages()[0]["text"] == "hi"

Besides the Web API (``/api/<method>``) it serves upload URLs for
``files_upload_v2`` and ``response_url(name)`` endpoints that record what is posted
to them. Recorded method names are the API method (``"chat.postMessage"``),
``"upload"`` for file bytes sent to an upload URL and ``"response_url:<name>"`` for
posts to a response URL; faults can be injected for any of these names.
Standard library only, so it ships in the package.
"""

from __future__ import annotations

import email.policy
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
UPLOAD_METHOD = "upload"
RESPONSE_URL_PREFIX = "response_url:"
_FIRST_TS_SECONDS = 1_700_000_000
_JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")

JsonDict = dict[str, Any]
CallPredicate = Callable[["RecordedCall"], bool]


@dataclass(frozen=True)
class RecordedCall:
    """One request the stand-in received, with what it answered.

    ``params`` merges the query string and the body (JSON, form or multipart); the
    JSON strings slack_sdk sends for ``blocks``, ``attachments``, ``view``, ``files``
    and ``metadata`` in form bodies are decoded, so tests see lists and dicts either
    way. ``headers`` has lower-cased names. ``fault`` names the injected fault that
    replaced the normal answer (``"rate_limit"``, ``"server_error"``, ``"fail"``),
    ``delayed`` the seconds an injected delay held the answer back.
    """

    method: str
    params: JsonDict
    headers: dict[str, str]
    response: JsonDict = field(default_factory=dict)
    status: int = 200
    fault: str | None = None
    delayed: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether Slack would count this call as a success (HTTP 200 and ``ok: true``)."""
        return self.status == 200 and self.response.get("ok") is True

    @property
    def error(self) -> str | None:
        """The Slack error code answered (``invalid_auth``, ``ratelimited``…), if any."""
        error = self.response.get("error")
        return error if isinstance(error, str) else None


@dataclass(frozen=True)
class UploadedFile:
    """A file shared through ``files_upload_v2`` (uploaded, then completed)."""

    file_id: str
    filename: str
    title: str
    content: bytes
    channel_id: str | None
    initial_comment: str | None
    thread_ts: str | None

    @property
    def text(self) -> str:
        """The content decoded as UTF-8 (export files are text)."""
        return self.content.decode("utf-8")


@dataclass
class _Fault:
    kind: str
    remaining: int | None
    status: int = 200
    error: str = ""
    retry_after: int = 0
    seconds: float = 0.0
    chance: float = 1.0  # below 1: strikes each call with this probability

    def consume(self) -> bool:
        """Count one use; True when the fault is used up."""
        if self.remaining is None:
            return False
        self.remaining -= 1
        return self.remaining <= 0


@dataclass(frozen=True)
class _Reply:
    status: int
    body: JsonDict
    text: str | None = None  # a plain-text body instead of JSON
    headers: dict[str, str] = field(default_factory=dict)


def _error(code: str) -> JsonDict:
    return {"ok": False, "error": code}


def _decode_json_fields(params: JsonDict) -> JsonDict:
    decoded = dict(params)
    for key in _JSON_FIELDS:
        value = decoded.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                decoded[key] = json.loads(value)
            except ValueError:
                pass
    return decoded


def _parse_multipart(content_type: str, body: bytes) -> JsonDict:
    message = message_from_bytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body, policy=email.policy.HTTP
    )
    params: JsonDict = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        params[str(name)] = payload if part.get_filename() else payload.decode("utf-8")
    return params


def _parse_body(content_type: str, body: bytes) -> JsonDict:
    """Parse a JSON, multipart or form-encoded body; ValueError when JSON is malformed."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        parsed = json.loads(body)
        if not isinstance(parsed, dict):
            raise ValueError("JSON body is not an object")
        return parsed
    if content_type.startswith("multipart/form-data"):
        return _parse_multipart(content_type, body)
    return {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}


def _tz_details(tz: str) -> tuple[str, int]:
    """A label and the current UTC offset in seconds for an IANA zone name."""
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return tz, 0
    offset = now.utcoffset()
    return now.tzname() or tz, int(offset.total_seconds()) if offset else 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, standin: SlackStandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.standin = standin


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        self._answer()

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._answer()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        return

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.server.standin._dispatch(self.path, headers, body)
        payload = (reply.text if reply.text is not None else json.dumps(reply.body)).encode("utf-8")
        content_type = "text/plain; charset=utf-8" if reply.text is not None else "application/json; charset=utf-8"
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. its timeout)
            pass


class SlackStandIn:
    """A fake Slack Web API server on 127.0.0.1 that records calls and injects faults.

    Every user exists (time zone from ``user_timezones``, else ``"UTC"``) and every
    channel exists with the bot as a member; adjust with `set_user` / `set_channel`.
    """

    def __init__(
        self,
        bot_token: str = "xoxb-standin",
        team_id: str = "T0STANDIN",
        *,
        user_timezones: dict[str, str] | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self._users: dict[str, JsonDict] = {u: {"tz": tz} for u, tz in (user_timezones or {}).items()}
        self._channels: dict[str, JsonDict] = {}
        self._memberships: dict[str, list[str]] = {}
        self._changed = threading.Condition(threading.RLock())
        self._calls: list[RecordedCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._random = random.Random(20261126)  # reproducible chance-based faults
        self._delays: dict[str, _Fault] = {}
        self._pending_files: dict[str, JsonDict] = {}
        self._uploads: list[UploadedFile] = []
        self._counter = 0
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._api: dict[str, Callable[[JsonDict], JsonDict]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "conversations.open": self._conversations_open,
            "users.conversations": self._users_conversations,
            "reactions.add": self._reactions_add,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> SlackStandIn:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the Slack stand-in is already running")
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="slack-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (safe to call twice)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self._stopping.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/`` of the running server."""
        if self._server is None:
            raise RuntimeError("start() the Slack stand-in first")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def api_url(self) -> str:
        """The Web API base URL, for ``WebClient(base_url=...)``; ends with ``/api/``."""
        return self.base_url + "api/"

    def response_url(self, name: str = "default") -> str:
        """A response_url on this server; posts to it are kept under ``name``."""
        return f"{self.base_url}response/{quote(name, safe='')}"

    # ----------------------------------------------------------------- configuration
    def set_user(self, user_id: str, **fields: Any) -> None:
        """Override fields of a user's ``users.info`` object (``tz``, ``is_admin``…)."""
        with self._changed:
            self._users.setdefault(user_id, {}).update(fields)

    def set_channel(self, channel_id: str, **fields: Any) -> None:
        """Override fields of a channel's ``conversations.info`` object (``is_member``…)."""
        with self._changed:
            self._channels.setdefault(channel_id, {}).update(fields)

    def set_memberships(self, user_id: str, channel_ids: list[str]) -> None:
        """The channels ``users.conversations`` lists for a user (none unless set)."""
        with self._changed:
            self._memberships[user_id] = list(channel_ids)

    # ----------------------------------------------------------------- recordings
    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """Every call received since the last `reset`, optionally only one method's."""
        with self._changed:
            return [c for c in self._calls if method is None or c.method == method]

    def responses(self, name: str = "default") -> list[JsonDict]:
        """The bodies posted to ``response_url(name)``, in order (faulted posts excluded)."""
        return [c.params for c in self.calls(RESPONSE_URL_PREFIX + name) if c.ok]

    def posted_messages(self) -> list[JsonDict]:
        """The params of each accepted ``chat.postMessage``, with the ``ts`` it got."""
        return [{**c.params, "ts": c.response["ts"]} for c in self.calls("chat.postMessage") if c.ok]

    def uploaded_files(self) -> list[UploadedFile]:
        """Files shared with ``files_upload_v2``, in order of completion."""
        with self._changed:
            return list(self._uploads)

    def wait_for(self, predicate_or_method: str | CallPredicate, timeout: float = 5.0) -> RecordedCall:
        """Block until a matching call has arrived and return the first one.

        A method name matches the first *successful* call to it; a predicate is
        applied to every `RecordedCall`, faulted ones included. Raises
        AssertionError naming what arrived instead when ``timeout`` passes.
        """
        if isinstance(predicate_or_method, str):
            method = predicate_or_method
            wanted = f"a successful {method} call"

            def predicate(call: RecordedCall) -> bool:
                return call.method == method and call.ok
        else:
            predicate, wanted = predicate_or_method, "a call matching the predicate"
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                match = next((c for c in self._calls if predicate(c)), None)
                if match is not None:
                    return match
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(f"{c.method}({c.status}, {c.error or 'ok'})" for c in self._calls) or "nothing"
                    raise AssertionError(f"waited {timeout}s for {wanted}; received: {seen}")
                self._changed.wait(remaining)

    def reset(self) -> None:
        """Forget recorded calls, uploads and faults (users, channels and ts continue)."""
        with self._changed:
            self._calls.clear()
            self._faults.clear()
            self._delays.clear()
            self._pending_files.clear()
            self._uploads.clear()

    # ----------------------------------------------------------------- fault injection
    def rate_limit(self, method: str, retry_after: int = 1, times: int | None = 1, chance: float = 1.0) -> None:
        """Answer ``method`` with HTTP 429 and ``Retry-After`` (``times=None``: until cleared;
        ``chance`` < 1: only that share of calls, at random)."""
        self._add_fault(method, _Fault("rate_limit", times, status=429, error="ratelimited", retry_after=retry_after,
                                       chance=chance))

    def server_error(self, method: str, status: int = 500, times: int | None = 1, chance: float = 1.0) -> None:
        """Answer ``method`` with an HTTP 5xx status."""
        self._add_fault(method, _Fault("server_error", times, status=status, error="internal_error", chance=chance))

    def fail(self, method: str, error: str = "not_in_channel", times: int | None = 1) -> None:
        """Answer ``method`` with HTTP 200 and ``{"ok": false, "error": error}``."""
        self._add_fault(method, _Fault("fail", times, error=error))

    def delay(self, method: str, seconds: float, times: int | None = None) -> None:
        """Hold every answer to ``method`` back by ``seconds`` (on top of any other fault)."""
        self._check_times(times)
        with self._changed:
            self._delays[method] = _Fault("delay", times, seconds=seconds)

    def clear_faults(self, method: str | None = None) -> None:
        """Remove injected faults and delays for one method, or for all."""
        with self._changed:
            for table in (self._faults, self._delays):
                if method is None:
                    table.clear()
                else:
                    table.pop(method, None)

    @staticmethod
    def _check_times(times: int | None) -> None:
        if times is not None and times < 1:
            raise ValueError("times must be a positive number or None (until cleared)")

    def _add_fault(self, method: str, fault: _Fault) -> None:
        self._check_times(fault.remaining)
        with self._changed:
            self._faults.setdefault(method, []).append(fault)

    def _take(self, method: str) -> tuple[_Fault | None, float]:
        fault = None
        queue = self._faults.get(method)
        if queue and (queue[0].chance >= 1.0 or self._random.random() < queue[0].chance):
            fault = queue[0]
            if fault.consume():
                queue.pop(0)
        delay = self._delays.get(method)
        if delay is not None and delay.consume():
            del self._delays[method]
        return fault, delay.seconds if delay else 0.0

    # ----------------------------------------------------------------- request handling
    def _dispatch(self, path: str, headers: dict[str, str], body: bytes) -> _Reply:
        url = urlsplit(path)
        kind, _, rest = url.path.lstrip("/").partition("/")
        name = unquote(rest)
        if kind == "upload":
            upload = {"file_id": name, "length": len(body)}
            return self._serve(UPLOAD_METHOD, upload, headers, lambda: self._receive_upload(name, body))
        if kind not in ("api", "response") or not name:
            return _Reply(404, _error("not_found"), text="Not Found")
        method = name if kind == "api" else RESPONSE_URL_PREFIX + name
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        try:
            params = _decode_json_fields({**query, **_parse_body(headers.get("content-type", ""), body)})
        except ValueError:  # malformed JSON, or form fields that are not UTF-8
            return self._serve(method, query, headers, lambda: _Reply(200, _error("invalid_json")))
        if kind == "response":
            return self._serve(method, params, headers, lambda: _Reply(200, {"ok": True}, "ok"))
        return self._serve(method, params, headers, lambda: self._call_api(method, params, headers))

    def _serve(
        self, method: str, params: JsonDict, headers: dict[str, str], answer: Callable[[], _Reply]
    ) -> _Reply:
        """Apply faults, compute the answer, record the call, then honour any delay."""
        with self._changed:
            fault, delay = self._take(method)
            reply = self._fault_reply(fault) if fault else answer()
            kind = fault.kind if fault else None
            call = RecordedCall(method, params, headers, reply.body, reply.status, kind, delay)
            self._calls.append(call)
            self._changed.notify_all()
        if delay:
            self._stopping.wait(delay)
        return reply

    @staticmethod
    def _fault_reply(fault: _Fault) -> _Reply:
        extra = {"Retry-After": str(fault.retry_after)} if fault.kind == "rate_limit" else {}
        return _Reply(fault.status, _error(fault.error), headers=extra)

    def _call_api(self, method: str, params: JsonDict, headers: dict[str, str]) -> _Reply:
        handler = self._api.get(method)
        if handler is None:
            return _Reply(200, _error("unknown_method"))
        auth_error = self._auth_error(params, headers)
        return _Reply(200, _error(auth_error) if auth_error else handler(params))

    def _auth_error(self, params: JsonDict, headers: dict[str, str]) -> str | None:
        """Slack's answer to the token: JSON bodies must use the Authorization header."""
        authorization = headers.get("authorization", "")
        token = authorization[7:] if authorization.lower().startswith("bearer ") else None
        if token is None and not headers.get("content-type", "").startswith("application/json"):
            token = params.get("token")
        if not token:
            return "not_authed"
        return None if token == self.bot_token else "invalid_auth"

    def _next_ts(self) -> str:
        self._counter += 1
        micros = self._counter * 100
        return f"{_FIRST_TS_SECONDS + micros // 1_000_000}.{micros % 1_000_000:06d}"

    # ----------------------------------------------------------------- Web API methods
    def _auth_test(self, params: JsonDict) -> JsonDict:
        return {"ok": True, "url": "https://standin.slack.com/", "team": "Stand-in Team", "user": "podbrief",
                "team_id": self.team_id, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def _message(self, params: JsonDict, ts: str) -> JsonDict:
        message = {"type": "message", "text": params.get("text", ""), "user": BOT_USER_ID, "bot_id": BOT_ID,
                   "team": self.team_id, "ts": ts}
        message.update({k: params[k] for k in ("blocks", "attachments", "thread_ts", "metadata") if k in params})
        return message

    @staticmethod
    def _message_error(params: JsonDict) -> str | None:
        if not params.get("channel"):
            return "channel_not_found"
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            return "no_text"
        return None

    def _chat_post_message(self, params: JsonDict) -> JsonDict:
        if error := self._message_error(params):
            return _error(error)
        channel = str(params["channel"])
        if channel[:1] in ("U", "W"):  # posting to a user id lands in the DM with them
            channel = self._dm_id(channel)
        ts = self._next_ts()
        return {"ok": True, "channel": channel, "ts": ts, "message": self._message(params, ts)}

    def _chat_post_ephemeral(self, params: JsonDict) -> JsonDict:
        error = self._message_error(params)
        if error is None and not params.get("user"):
            error = "user_not_found"
        if error:
            return _error(error)
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, params: JsonDict) -> JsonDict:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not params.get("ts"):
            return _error("message_not_found")
        ts = str(params["ts"])
        return {"ok": True, "channel": params["channel"], "ts": ts, "text": params.get("text", ""),
                "message": self._message(params, ts)}

    def _chat_delete(self, params: JsonDict) -> JsonDict:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not params.get("ts"):
            return _error("message_not_found")
        return {"ok": True, "channel": params["channel"], "ts": params["ts"]}

    def _views_publish(self, params: JsonDict) -> JsonDict:
        view = params.get("view")
        if not params.get("user_id") or not isinstance(view, dict):
            return _error("invalid_arguments")
        self._counter += 1
        return {"ok": True, "view": {**view, "id": f"V{self._counter:08d}", "team_id": self.team_id,
                                     "hash": f"{self._counter}.standin", "app_id": "A0STANDIN"}}

    def _users_info(self, params: JsonDict) -> JsonDict:
        user_id = params.get("user")
        if not user_id:
            return _error("user_not_found")
        overrides = self._users.get(str(user_id), {})
        tz = str(overrides.get("tz", "UTC"))
        label, offset = _tz_details(tz)
        user = {"id": user_id, "team_id": self.team_id, "name": str(user_id).lower(), "real_name": f"User {user_id}",
                "deleted": False, "is_bot": False, "is_admin": False, "is_owner": False,
                "tz": tz, "tz_label": label, "tz_offset": offset}
        return {"ok": True, "user": {**user, **overrides}}

    def _conversations_info(self, params: JsonDict) -> JsonDict:
        channel_id = str(params.get("channel") or "")
        if not channel_id:
            return _error("channel_not_found")
        channel = {"id": channel_id, "name": f"channel-{channel_id.lower()}", "created": _FIRST_TS_SECONDS,
                   "is_channel": channel_id.startswith("C"), "is_group": False, "is_im": channel_id.startswith("D"),
                   "is_private": channel_id.startswith("G"), "is_archived": False, "is_member": True,
                   "context_team_id": self.team_id}
        return {"ok": True, "channel": {**channel, **self._channels.get(channel_id, {})}}

    def _users_conversations(self, params: JsonDict) -> JsonDict:
        """One page (no cursor support: every membership fits) of the user's channels."""
        channels = [self._conversations_info({"channel": c})["channel"]
                    for c in self._memberships.get(str(params.get("user") or ""), [])]
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}

    @staticmethod
    def _dm_id(user_id: str) -> str:
        return "D" + user_id[1:]

    def _conversations_open(self, params: JsonDict) -> JsonDict:
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if params.get("channel"):
            return {"ok": True, "channel": {"id": params["channel"]}}
        if len(users) != 1:
            return _error("users_list_not_supplied" if not users else "not_enough_users")
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": self._dm_id(users[0])}}

    def _reactions_add(self, params: JsonDict) -> JsonDict:
        if not params.get("name"):
            return _error("invalid_name")
        if not params.get("channel") or not params.get("timestamp"):
            return _error("message_not_found")
        return {"ok": True}

    def _files_get_upload_url(self, params: JsonDict) -> JsonDict:
        if not params.get("filename") or not str(params.get("length") or "").isdigit():
            return _error("invalid_arguments")
        self._counter += 1
        file_id = f"F{self._counter:08d}"
        self._pending_files[file_id] = {"filename": str(params["filename"]), "content": None}
        return {"ok": True, "upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    def _receive_upload(self, file_id: str, body: bytes) -> _Reply:
        pending = self._pending_files.get(file_id)
        if pending is None:
            return _Reply(404, _error("file_not_found"), text="Not Found")
        pending["content"] = body
        return _Reply(200, {"ok": True}, text=f"OK - {len(body)}")

    def _files_complete_upload(self, params: JsonDict) -> JsonDict:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            return _error("invalid_arguments")
        if any(f.get("id") not in self._pending_files for f in files):
            return _error("file_not_found")
        shared = [self._complete(f, params) for f in files]
        self._uploads.extend(shared)
        channels = [params["channel_id"]] if params.get("channel_id") else []
        return {"ok": True, "files": [{"id": f.file_id, "name": f.filename, "title": f.title, "size": len(f.content),
                                       "channels": channels} for f in shared]}

    def _complete(self, item: JsonDict, params: JsonDict) -> UploadedFile:
        pending = self._pending_files.pop(str(item["id"]))
        return UploadedFile(file_id=str(item["id"]), filename=pending["filename"],
                            title=str(item.get("title") or pending["filename"]), content=pending["content"] or b"",
                            channel_id=params.get("channel_id"), initial_comment=params.get("initial_comment"),
                            thread_ts=params.get("thread_ts"))
