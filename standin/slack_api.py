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

Several workspaces: the constructor's token and team are the first; `add_workspace`
adds more, and each call is answered (and recorded) as the team of the token used.
``oauth.v2.access`` exchanges codes registered with `expect_oauth` for bot tokens,
and refresh tokens for new expiring ones (token rotation), as Slack does. `outage`
makes every matching call fail for a window of seconds (429, 5xx or a timeout).
Messages, responses and views whose blocks break Slack's documented limits
(`standin.limits`) are refused with ``invalid_blocks`` (views: ``invalid_arguments``),
and a ``text`` over 40,000 characters with ``msg_too_long``, as Slack does; so are
``chat.unfurl`` unfurls (``invalid_blocks``) and modals of ``views.open`` / ``views.update``
(title, submit and close over 24 characters, private metadata, input labels).
``functions.completeSuccess`` / ``completeError`` (Workflow Builder steps) need the
execution id, and outputs or an error text.
Standard library only, so it ships in the package.
"""

from __future__ import annotations

import base64
import contextlib
import email.policy
import json
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from standin.limits import TEXT_CHARACTERS, VIEW_BLOCKS, block_errors, modal_errors

BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
APP_ID = "A0STANDIN"
OAUTH_METHOD = "oauth.v2.access"
FIRST_TEAM_NAME = "Stand-in Team"
ROTATED_TOKEN_SECONDS = 43_200  # Slack's expiring tokens last 12 hours
UPLOAD_METHOD = "upload"
RESPONSE_URL_PREFIX = "response_url:"
_FIRST_TS_SECONDS = 1_700_000_000
_JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata", "unfurls", "outputs")

JsonDict = dict[str, Any]
CallPredicate = Callable[["RecordedCall"], bool]
Clock = Callable[[], float]


@dataclass(frozen=True)
class RecordedCall:
    """One request the stand-in received, with what it answered.

    ``params`` merges the query string and the body (JSON, form or multipart); the
    JSON strings slack_sdk sends for ``blocks``, ``attachments``, ``view``, ``files``
    and ``metadata`` in form bodies are decoded, so tests see lists and dicts either
    way. ``headers`` has lower-cased names. ``fault`` names the injected fault that
    replaced the normal answer (``"rate_limit"``, ``"server_error"``, ``"fail"``,
    ``"timeout"``), ``delayed`` the seconds an injected delay or timeout held the
    answer back. ``team_id`` is the team of the token the call was made with (None
    without a known token: response URLs, uploads, ``oauth.v2.access``).
    """

    method: str
    params: JsonDict
    headers: dict[str, str]
    response: JsonDict = field(default_factory=dict)
    status: int = 200
    fault: str | None = None
    delayed: float = 0.0
    team_id: str | None = None

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
class _Workspace:
    team_id: str
    team_name: str
    url: str
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID


@dataclass
class _Token:
    team_id: str
    expires_at: float | None = None  # by the stand-in's clock; None: never
    revoked: str | None = None  # the error answered once revoked


@dataclass
class _Install:
    """An installation `expect_oauth` registered: its code's answer and its token rotation."""

    client_id: str
    client_secret: str
    team_id: str
    bot_token: str
    scopes: str  # comma-separated, as Slack answers
    installer_user_id: str
    expires_in: int | None
    refresh_token: str | None
    redirect_uri: str | None
    rotate_refresh_token: bool


@dataclass(frozen=True)
class _Outage:
    method: str | None  # None: every method
    until: float  # time.monotonic()
    kinds: tuple[str, ...]
    retry_after: int
    hold_seconds: float

    def covers(self, method: str, now: float) -> bool:
        return now < self.until and self.method in (None, method)


@dataclass(frozen=True)
class _Reply:
    status: int
    body: JsonDict
    text: str | None = None  # a plain-text body instead of JSON
    headers: dict[str, str] = field(default_factory=dict)


def _error(code: str) -> JsonDict:
    return {"ok": False, "error": code}


def _invalid_blocks(errors: list[str], code: str = "invalid_blocks") -> JsonDict:
    """Slack's answer to blocks over its limits: the code, and each problem as a JSON pointer."""
    return {**_error(code), "errors": errors, "response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]}}


def _content_refusal(params: JsonDict) -> JsonDict | None:
    """`invalid_blocks` or `msg_too_long` for a message Slack would refuse for its content, else None."""
    if errors := block_errors(params.get("blocks")):
        return _invalid_blocks(errors)
    if len(str(params.get("text") or "")) > TEXT_CHARACTERS:
        return _error("msg_too_long")
    return None


def _bearer_token(params: JsonDict, headers: dict[str, str]) -> str | None:
    """The token a Web API call carries: Bearer header, else a form field (never in a JSON body)."""
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:]
    if headers.get("content-type", "").startswith("application/json"):
        return None
    token = params.get("token")
    return token if isinstance(token, str) and token else None


def _client_credentials(params: JsonDict, headers: dict[str, str]) -> tuple[str, str]:
    """``client_id`` and ``client_secret`` from HTTP Basic auth (slack_sdk's way), else the form."""
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode("utf-8")
        except ValueError:
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(params.get("client_id") or ""), str(params.get("client_secret") or "")


def _outage_fault(kind: str, outage: _Outage) -> _Fault:
    if kind == "429":
        return _Fault("rate_limit", None, status=429, error="ratelimited", retry_after=outage.retry_after)
    if kind == "timeout":
        return _Fault("timeout", None, status=504, error="request_timeout", seconds=outage.hold_seconds)
    return _Fault("server_error", None, status=int(kind), error="internal_error")


def _check_outage_kinds(kinds: tuple[str, ...]) -> None:
    bad = [k for k in kinds if k not in ("429", "timeout") and not re.fullmatch(r"5\d\d", k)]
    if bad or not kinds:
        raise ValueError(f"outage kinds are '429', '5xx' statuses or 'timeout', not {bad or 'nothing'}")


def _slug(team_name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", team_name.lower()).strip("-") or "team"


def _decode_json_fields(params: JsonDict) -> JsonDict:
    decoded = dict(params)
    for key in _JSON_FIELDS:
        value = decoded.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):  # not JSON after all: kept as the text it is
                decoded[key] = json.loads(value)
    return decoded


def _parse_multipart(content_type: str, body: bytes) -> JsonDict:
    message = message_from_bytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body, policy=email.policy.HTTP
    )
    params: JsonDict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        decoded = part.get_payload(decode=True)
        payload = decoded if isinstance(decoded, bytes) else b""
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
    request_queue_size = 128  # the default of 5 resets connections under a burst of clients

    def __init__(self, standin: SlackStandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.standin = standin


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: Any) -> None:
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
    ``bot_token`` of ``team_id`` is the first workspace (see `add_workspace`);
    ``clock`` (epoch seconds) decides when expiring tokens expire.
    """

    def __init__(
        self,
        bot_token: str = "xoxb-standin",
        team_id: str = "T0STANDIN",
        *,
        user_timezones: dict[str, str] | None = None,
        team_name: str = FIRST_TEAM_NAME,
        clock: Clock = time.time,
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self._clock = clock
        self._workspaces = {team_id: _Workspace(team_id, team_name, "https://standin.slack.com/")}
        self._tokens = {bot_token: _Token(team_id)}
        self._clients: dict[str, str] = {}  # OAuth client_id -> client_secret
        self._codes: dict[str, _Install] = {}  # unused OAuth codes
        self._refresh_tokens: dict[str, _Install] = {}
        self._outages: list[_Outage] = []
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
        self._api: dict[str, Callable[[JsonDict, _Workspace], JsonDict]] = {
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
            "chat.unfurl": self._chat_unfurl,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "functions.completeSuccess": self._functions_complete_success,
            "functions.completeError": self._functions_complete_error,
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

    # ----------------------------------------------------------------- workspaces and tokens
    def add_workspace(
        self, team_id: str, bot_token: str, team_name: str | None = None, *,
        bot_user_id: str = BOT_USER_ID, bot_id: str = BOT_ID,
    ) -> None:
        """Make ``bot_token`` valid for ``team_id`` (a new workspace, or another token of a known one)."""
        with self._changed:
            self._ensure_workspace(team_id, team_name, bot_user_id, bot_id)
            self._register_token(bot_token, team_id, None)

    def revoke_token(self, token: str, error: str = "token_revoked") -> None:
        """Answer every later call made with ``token`` with ``error`` (or ``invalid_auth``…)."""
        with self._changed:
            if token not in self._tokens:
                raise ValueError(f"unknown token {token[:9]}…")
            self._tokens[token].revoked = error

    def team_of(self, token: str) -> str | None:
        """The team a token belongs to (valid, revoked or expired), or None if never issued."""
        with self._changed:
            known = self._tokens.get(token)
            return known.team_id if known else None

    def expect_oauth(
        self, client_id: str, client_secret: str, code: str, team_id: str, team_name: str, bot_token: str,
        scopes: Sequence[str] | str, bot_refresh_token: str | None = None, expires_in: int | None = None,
        installer_user_id: str = "U0INSTALLER", *, redirect_uri: str | None = None,
        rotate_refresh_token: bool = True,
    ) -> None:
        """Let ``oauth.v2.access`` exchange ``code`` (once) for ``bot_token`` of ``team_id``.

        With ``bot_refresh_token`` the app uses token rotation: the answer carries the
        refresh token and ``expires_in`` (default 12 hours), and ``grant_type=refresh_token``
        issues new tokens (a new refresh token too, unless ``rotate_refresh_token`` is False).
        ``redirect_uri``, when given, must match the exchange's.
        """
        if bot_refresh_token is not None and expires_in is None:
            expires_in = ROTATED_TOKEN_SECONDS
        scope = scopes if isinstance(scopes, str) else ",".join(scopes)
        install = _Install(client_id, client_secret, team_id, bot_token, scope, installer_user_id, expires_in,
                           bot_refresh_token, redirect_uri, rotate_refresh_token)
        with self._changed:
            if self._clients.setdefault(client_id, client_secret) != client_secret:
                raise ValueError(f"client {client_id} already has another secret")
            self._ensure_workspace(team_id, team_name, BOT_USER_ID, BOT_ID)
            self._codes[code] = install

    def _ensure_workspace(self, team_id: str, team_name: str | None, bot_user_id: str, bot_id: str) -> None:
        if team_id not in self._workspaces:
            name = team_name or f"Workspace {team_id}"
            self._workspaces[team_id] = _Workspace(team_id, name, f"https://{_slug(name)}.slack.com/", bot_user_id,
                                                   bot_id)

    def _register_token(self, token: str, team_id: str, expires_in: int | None) -> None:
        known = self._tokens.get(token)
        if known is not None and known.team_id != team_id:
            raise ValueError(f"token {token[:9]}… already belongs to {known.team_id}")
        expires_at = None if expires_in is None else self._clock() + expires_in
        self._tokens[token] = _Token(team_id, expires_at)

    # ----------------------------------------------------------------- recordings
    def calls(self, method: str | None = None, *, team_id: str | None = None) -> list[RecordedCall]:
        """Every call received since the last `reset`, optionally only one method's or one team's."""
        with self._changed:
            return [c for c in self._calls
                    if (method is None or c.method == method) and (team_id is None or c.team_id == team_id)]

    def responses(self, name: str = "default") -> list[JsonDict]:
        """The bodies posted to ``response_url(name)``, in order (faulted posts excluded)."""
        return [c.params for c in self.calls(RESPONSE_URL_PREFIX + name) if c.ok]

    def posted_messages(self, *, team_id: str | None = None) -> list[JsonDict]:
        """The params of each accepted ``chat.postMessage`` (of one team's tokens), with its ``ts``."""
        return [{**c.params, "ts": c.response["ts"]} for c in self.calls("chat.postMessage", team_id=team_id) if c.ok]

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

            def successful(call: RecordedCall) -> bool:
                return call.method == method and call.ok

            predicate: CallPredicate = successful
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
        """Forget recorded calls, uploads, faults and outages (users, channels, tokens and ts continue)."""
        with self._changed:
            self._calls.clear()
            self._faults.clear()
            self._delays.clear()
            self._outages.clear()
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

    def outage(
        self, method: str | None, seconds: float, kind: str | Sequence[str] = "429", retry_after: int = 1, *,
        hold_seconds: float = 30.0,
    ) -> None:
        """Fail every call to ``method`` (None: every method) for the next ``seconds``.

        ``kind`` is ``"429"`` (with ``Retry-After: retry_after``), a 5xx status such as
        ``"500"`` or ``"503"``, or ``"timeout"``: the request is held ``hold_seconds``
        (longer than the client's timeout; less if the stand-in stops) and never
        processed, so nothing is posted. Several kinds: each call gets one at random.
        Overrides queued faults while it lasts; `clear_faults` ends it early.
        """
        kinds = (kind,) if isinstance(kind, str) else tuple(kind)
        _check_outage_kinds(kinds)
        if seconds <= 0 or hold_seconds <= 0:
            raise ValueError("an outage lasts a positive number of seconds")
        with self._changed:
            self._outages.append(_Outage(method, time.monotonic() + seconds, kinds, retry_after, hold_seconds))

    def clear_faults(self, method: str | None = None) -> None:
        """Remove injected faults, delays and outages for one method, or for all."""
        with self._changed:
            for table in (self._faults, self._delays):
                if method is None:
                    table.clear()
                else:
                    table.pop(method, None)
            self._outages = [o for o in self._outages if method is not None and o.method != method]

    @staticmethod
    def _check_times(times: int | None) -> None:
        if times is not None and times < 1:
            raise ValueError("times must be a positive number or None (until cleared)")

    def _add_fault(self, method: str, fault: _Fault) -> None:
        self._check_times(fault.remaining)
        with self._changed:
            self._faults.setdefault(method, []).append(fault)

    def _take(self, method: str) -> tuple[_Fault | None, float]:
        fault = self._outage_fault(method) or self._queued_fault(method)
        delay = self._delays.get(method)
        if delay is not None and delay.consume():
            del self._delays[method]
        return fault, delay.seconds if delay else 0.0

    def _outage_fault(self, method: str) -> _Fault | None:
        now = time.monotonic()
        self._outages = [o for o in self._outages if now < o.until]
        outage = next((o for o in self._outages if o.covers(method, now)), None)
        if outage is None:
            return None
        return _outage_fault(self._random.choice(outage.kinds), outage)

    def _queued_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue or (queue[0].chance < 1.0 and self._random.random() >= queue[0].chance):
            return None
        fault = queue[0]
        if fault.consume():
            queue.pop(0)
        return fault

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
            return self._serve(method, params, headers, lambda: self._response_url_reply(params))
        team_id = self.team_of(token) if (token := _bearer_token(params, headers)) else None
        return self._serve(method, params, headers, lambda: self._call_api(method, params, headers), team_id)

    def _serve(
        self, method: str, params: JsonDict, headers: dict[str, str], answer: Callable[[], _Reply],
        team_id: str | None = None,
    ) -> _Reply:
        """Apply faults, compute the answer, record the call, then honour any delay or timeout."""
        with self._changed:
            fault, delay = self._take(method)
            reply = self._fault_reply(fault) if fault else answer()
            kind = fault.kind if fault else None
            hold = max(delay, fault.seconds if fault and fault.kind == "timeout" else 0.0)
            call = RecordedCall(method, params, headers, reply.body, reply.status, kind, hold, team_id)
            self._calls.append(call)
            self._changed.notify_all()
        if hold:
            self._stopping.wait(hold)
        return reply

    @staticmethod
    def _fault_reply(fault: _Fault) -> _Reply:
        extra = {"Retry-After": str(fault.retry_after)} if fault.kind == "rate_limit" else {}
        return _Reply(fault.status, _error(fault.error), headers=extra)

    def _call_api(self, method: str, params: JsonDict, headers: dict[str, str]) -> _Reply:
        if method == OAUTH_METHOD:
            return _Reply(200, self._oauth_v2_access(params, headers))
        handler = self._api.get(method)
        if handler is None:
            return _Reply(200, _error("unknown_method"))
        workspace = self._authorize(_bearer_token(params, headers))
        return _Reply(200, _error(workspace) if isinstance(workspace, str) else handler(params, workspace))

    def _authorize(self, token: str | None) -> _Workspace | str:
        """The workspace of a usable token, or Slack's error for it."""
        if not token:
            return "not_authed"
        known = self._tokens.get(token)
        if known is None:
            return "invalid_auth"
        if known.revoked:
            return known.revoked
        if known.expires_at is not None and known.expires_at <= self._clock():
            return "token_expired"
        return self._workspaces[known.team_id]

    # ----------------------------------------------------------------- OAuth
    def _oauth_v2_access(self, params: JsonDict, headers: dict[str, str]) -> JsonDict:
        """Exchange a code (or, with ``grant_type=refresh_token``, a refresh token) for tokens."""
        client_id, secret = _client_credentials(params, headers)
        if client_id not in self._clients:
            return _error("invalid_client_id")
        if self._clients[client_id] != secret:
            return _error("bad_client_secret")
        grant = params.get("grant_type") or "authorization_code"
        if grant == "refresh_token":
            return self._refresh(client_id, str(params.get("refresh_token") or ""))
        if grant != "authorization_code":
            return _error("invalid_grant_type")
        return self._exchange(client_id, str(params.get("code") or ""), params.get("redirect_uri"))

    def _exchange(self, client_id: str, code: str, redirect_uri: object) -> JsonDict:
        install = self._codes.get(code)
        if install is None or install.client_id != client_id:
            return _error("invalid_code")
        if install.redirect_uri is not None and redirect_uri != install.redirect_uri:
            return _error("bad_redirect_uri")
        del self._codes[code]  # a code works once
        self._register_token(install.bot_token, install.team_id, install.expires_in)
        if install.refresh_token:
            self._refresh_tokens[install.refresh_token] = install
        return self._token_answer(install, install.bot_token)

    def _refresh(self, client_id: str, refresh_token: str) -> JsonDict:
        """Token rotation: a new expiring token; the old one stays valid until it expires."""
        install = self._refresh_tokens.get(refresh_token)
        if install is None or install.client_id != client_id:
            return _error("invalid_refresh_token")
        self._counter += 1
        token = f"xoxe.xoxb-{install.team_id}-{self._counter}"
        self._register_token(token, install.team_id, install.expires_in)
        if install.rotate_refresh_token:
            del self._refresh_tokens[refresh_token]
            install.refresh_token = f"xoxe-1-{install.team_id}-{self._counter}"
            self._refresh_tokens[install.refresh_token] = install
        return self._token_answer(install, token)

    def _token_answer(self, install: _Install, token: str) -> JsonDict:
        workspace = self._workspaces[install.team_id]
        answer: JsonDict = {
            "ok": True, "app_id": APP_ID, "authed_user": {"id": install.installer_user_id}, "scope": install.scopes,
            "token_type": "bot", "access_token": token, "bot_user_id": workspace.bot_user_id,
            "team": {"id": workspace.team_id, "name": workspace.team_name}, "enterprise": None,
            "is_enterprise_install": False,
        }
        if install.refresh_token:
            answer.update(refresh_token=install.refresh_token, expires_in=install.expires_in)
        return answer

    def _next_ts(self) -> str:
        self._counter += 1
        micros = self._counter * 100
        return f"{_FIRST_TS_SECONDS + micros // 1_000_000}.{micros % 1_000_000:06d}"

    # ----------------------------------------------------------------- Web API methods
    @staticmethod
    def _auth_test(params: JsonDict, ws: _Workspace) -> JsonDict:
        return {"ok": True, "url": ws.url, "team": ws.team_name, "user": "podbrief", "team_id": ws.team_id,
                "user_id": ws.bot_user_id, "bot_id": ws.bot_id, "is_enterprise_install": False}

    @staticmethod
    def _message(params: JsonDict, ts: str, ws: _Workspace) -> JsonDict:
        message = {"type": "message", "text": params.get("text", ""), "user": ws.bot_user_id, "bot_id": ws.bot_id,
                   "team": ws.team_id, "ts": ts}
        message.update({k: params[k] for k in ("blocks", "attachments", "thread_ts", "metadata") if k in params})
        return message

    @staticmethod
    def _response_url_reply(params: JsonDict) -> _Reply:
        refusal = _content_refusal(params)
        return _Reply(200, refusal, json.dumps(refusal)) if refusal else _Reply(200, {"ok": True}, "ok")

    @staticmethod
    def _message_error(params: JsonDict) -> JsonDict | None:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            return _error("no_text")
        return _content_refusal(params)

    def _chat_post_message(self, params: JsonDict, ws: _Workspace) -> JsonDict:
        if error := self._message_error(params):
            return error
        channel = str(params["channel"])
        if channel[:1] in ("U", "W"):  # posting to a user id lands in the DM with them
            channel = self._dm_id(channel)
        ts = self._next_ts()
        return {"ok": True, "channel": channel, "ts": ts, "message": self._message(params, ts, ws)}

    def _chat_post_ephemeral(self, params: JsonDict, _ws: _Workspace) -> JsonDict:
        error = self._message_error(params)
        if error is None and not params.get("user"):
            error = _error("user_not_found")
        if error:
            return error
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, params: JsonDict, ws: _Workspace) -> JsonDict:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not params.get("ts"):
            return _error("message_not_found")
        if refusal := _content_refusal(params):
            return refusal
        ts = str(params["ts"])
        return {"ok": True, "channel": params["channel"], "ts": ts, "text": params.get("text", ""),
                "message": self._message(params, ts, ws)}

    def _chat_delete(self, params: JsonDict, _ws: _Workspace) -> JsonDict:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not params.get("ts"):
            return _error("message_not_found")
        return {"ok": True, "channel": params["channel"], "ts": params["ts"]}

    def _views_publish(self, params: JsonDict, ws: _Workspace) -> JsonDict:
        view = params.get("view")
        if not params.get("user_id") or not isinstance(view, dict):
            return _error("invalid_arguments")
        if errors := block_errors(view.get("blocks"), VIEW_BLOCKS):  # views answer invalid_arguments, like Slack
            return _invalid_blocks(errors, "invalid_arguments")
        self._counter += 1
        return {"ok": True, "view": {**view, "id": f"V{self._counter:08d}", "team_id": ws.team_id,
                                     "hash": f"{self._counter}.standin", "app_id": APP_ID}}

    def _chat_unfurl(self, params: JsonDict, _ws: _Workspace) -> JsonDict:
        """Unfurls keyed by URL, for a message (channel + ts) or a composer (unfurl_id + source)."""
        if not (params.get("channel") and params.get("ts")) and not (params.get("unfurl_id") and params.get("source")):
            return _error("cannot_unfurl_message")
        unfurls = params.get("unfurls")
        if not isinstance(unfurls, dict) or not unfurls:
            return _error("invalid_unfurls")
        for url, unfurl in unfurls.items():
            if not isinstance(unfurl, dict):
                return _error("invalid_unfurls")
            if errors := block_errors(unfurl.get("blocks")):
                return _invalid_blocks([e.replace("/blocks", f"/unfurls/{url}/blocks", 1) for e in errors])
        return {"ok": True}

    def _views_open(self, params: JsonDict, ws: _Workspace) -> JsonDict:
        if not params.get("trigger_id"):
            return _error("invalid_trigger_id")
        return self._modal(params, ws, None)

    def _views_update(self, params: JsonDict, ws: _Workspace) -> JsonDict:
        view_id = params.get("view_id") or params.get("external_id")
        if not view_id:
            return _error("not_found")
        return self._modal(params, ws, str(view_id))

    def _modal(self, params: JsonDict, ws: _Workspace, view_id: str | None) -> JsonDict:
        view = params.get("view")
        if not isinstance(view, dict) or view.get("type") != "modal":
            return _error("invalid_arguments")
        if errors := modal_errors(view):
            return _invalid_blocks(errors, "invalid_arguments")
        self._counter += 1
        return {"ok": True, "view": {**view, "id": view_id or f"V{self._counter:08d}", "team_id": ws.team_id,
                                     "hash": f"{self._counter}.standin", "app_id": APP_ID}}

    @staticmethod
    def _functions_complete_success(params: JsonDict, _ws: _Workspace) -> JsonDict:
        if not params.get("function_execution_id"):
            return _error("invalid_arguments")
        if not isinstance(params.get("outputs"), dict):
            return _error("invalid_arguments")
        return {"ok": True}

    @staticmethod
    def _functions_complete_error(params: JsonDict, _ws: _Workspace) -> JsonDict:
        if not params.get("function_execution_id") or not params.get("error"):
            return _error("invalid_arguments")
        return {"ok": True}

    def _users_info(self, params: JsonDict, ws: _Workspace) -> JsonDict:
        user_id = params.get("user")
        if not user_id:
            return _error("user_not_found")
        overrides = self._users.get(str(user_id), {})
        tz = str(overrides.get("tz", "UTC"))
        label, offset = _tz_details(tz)
        user = {"id": user_id, "team_id": ws.team_id, "name": str(user_id).lower(), "real_name": f"User {user_id}",
                "deleted": False, "is_bot": False, "is_admin": False, "is_owner": False,
                "tz": tz, "tz_label": label, "tz_offset": offset}
        return {"ok": True, "user": {**user, **overrides}}

    def _conversations_info(self, params: JsonDict, ws: _Workspace) -> JsonDict:
        channel_id = str(params.get("channel") or "")
        if not channel_id:
            return _error("channel_not_found")
        channel = {"id": channel_id, "name": f"channel-{channel_id.lower()}", "created": _FIRST_TS_SECONDS,
                   "is_channel": channel_id.startswith("C"), "is_group": False, "is_im": channel_id.startswith("D"),
                   "is_private": channel_id.startswith("G"), "is_archived": False, "is_member": True,
                   "context_team_id": ws.team_id}
        return {"ok": True, "channel": {**channel, **self._channels.get(channel_id, {})}}

    def _users_conversations(self, params: JsonDict, ws: _Workspace) -> JsonDict:
        """One page (no cursor support: every membership fits) of the user's channels."""
        channels = [self._conversations_info({"channel": c}, ws)["channel"]
                    for c in self._memberships.get(str(params.get("user") or ""), [])]
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}

    @staticmethod
    def _dm_id(user_id: str) -> str:
        return "D" + user_id[1:]

    def _conversations_open(self, params: JsonDict, _ws: _Workspace) -> JsonDict:
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if params.get("channel"):
            return {"ok": True, "channel": {"id": params["channel"]}}
        if len(users) != 1:
            return _error("users_list_not_supplied" if not users else "not_enough_users")
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": self._dm_id(users[0])}}

    @staticmethod
    def _reactions_add(params: JsonDict, _ws: _Workspace) -> JsonDict:
        if not params.get("name"):
            return _error("invalid_name")
        if not params.get("channel") or not params.get("timestamp"):
            return _error("message_not_found")
        return {"ok": True}

    def _files_get_upload_url(self, params: JsonDict, _ws: _Workspace) -> JsonDict:
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

    def _files_complete_upload(self, params: JsonDict, _ws: _Workspace) -> JsonDict:
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
