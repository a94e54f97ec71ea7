"""Settings from the environment (and an optional `.env` file), validated once at start-up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ingest.directory import ITUNES_URL, PODCASTINDEX_URL, DirectorySettings

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_SCAN_MINUTES = 30
MAX_SCAN_MINUTES = 7 * 24 * 60
DEFAULT_GRACE_DAYS = 30
DEFAULT_TRANSCRIBE_MODEL = "base.en"
#: The bot scopes of manifest.yml (tests/unit/test_manifest.py keeps the two equal).
DEFAULT_BOT_SCOPES = ("commands", "chat:write", "reactions:read", "users:read", "channels:read", "groups:read",
                      "im:write", "files:write", "links:read", "links:write")

_HOW_TO_GET = {
    "SLACK_BOT_TOKEN": "Find it at https://api.slack.com/apps → your app → OAuth & Permissions → "
    "Bot User OAuth Token (it starts with xoxb-); install the app to your workspace first.",
    "SLACK_SIGNING_SECRET": "Find it at https://api.slack.com/apps → your app → Basic Information → "
    "App Credentials → Signing Secret.",
    "SLACK_CLIENT_SECRET": "Find it at https://api.slack.com/apps → your app → Basic Information → "
    "App Credentials → Client Secret (next to the Client ID).",
    "TOKEN_ENCRYPTION_KEYS": "Installations are stored with their tokens encrypted; make a key with "
    "`podbrief tokens new-key` and keep it safe (without it the stored tokens cannot be read).",
    "SLACK_APP_TOKEN": "Create one at https://api.slack.com/apps → your app → Basic Information → "
    "App-Level Tokens, with the connections:write scope (it starts with xapp-). "
    "Leave it unset to serve HTTP instead of Socket Mode.",
}


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it and says how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything Podbrief reads from its environment."""

    database_url: str
    data_dir: Path
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    port: int = 3000
    log_level: str = "INFO"
    run_scheduler: bool = True
    scan_interval_minutes: int = DEFAULT_SCAN_MINUTES  # 0: the scheduler does not scan feeds
    feeds_allow_private_addresses: bool = False
    #: Digests match topics and stories by meaning when the `meaning` extra is installed. On by
    #: default from the environment (MATCH_BY_MEANING); off in a Settings built in code (tests).
    match_by_meaning: bool = False
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_context_tokens: int = 8192
    llm_concurrency: int = 2
    llm_timeout_seconds: int = 120
    llm_episode_minutes: int = 15
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)
    slack_scopes: tuple[str, ...] = DEFAULT_BOT_SCOPES
    slack_redirect_uri: str | None = None
    token_encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    uninstall_grace_days: int = DEFAULT_GRACE_DAYS
    transcribe: str = "off"  # "missing": transcribe episodes that publish no transcript (bot.runtime.transcribe_setup)
    transcribe_model: str = DEFAULT_TRANSCRIBE_MODEL  # a faster-whisper model name, or a model folder
    transcribe_max_minutes: int = 180  # per episode; the rest of a longer one is not transcribed
    transcribe_threads: int = 0  # CTranslate2 threads per transcription; 0: up to 4, by the CPU count
    transcribe_max_audio_mb: int = 500  # an episode's audio file larger than this is not downloaded
    podcast_directory_url: str = ITUNES_URL  # the iTunes Search API, or a stand-in (tests)
    podcastindex_api_url: str = PODCASTINDEX_URL
    podcastindex_key: str | None = None  # with the secret: `feeds search` asks the Podcast Index instead
    podcastindex_secret: str | None = field(default=None, repr=False)

    @property
    def directory(self) -> DirectorySettings:
        """Where `feeds search` and Apple Podcasts links in `feeds add` look podcasts up."""
        return DirectorySettings(itunes_url=self.podcast_directory_url, podcastindex_url=self.podcastindex_api_url,
                                 podcastindex_key=self.podcastindex_key, podcastindex_secret=self.podcastindex_secret)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def multi_workspace(self) -> bool:
        """Installed to many workspaces through OAuth (SLACK_CLIENT_ID), rather than one bot token."""
        return self.slack_client_id is not None

    def secrets(self) -> tuple[str | None, ...]:
        """Every secret value, for redaction from logs."""
        return (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token, self.llm_api_key,
                self.slack_client_secret, self.podcastindex_secret, *self.token_encryption_keys)

    def require_slack(self) -> None:
        """Raise `ConfigError` unless the settings `podbrief run` needs are present."""
        if self.multi_workspace:
            self._require_oauth()
            return
        if not self.slack_bot_token:
            raise _missing("SLACK_BOT_TOKEN", "Set it to run in one workspace, or set SLACK_CLIENT_ID and "
                           "SLACK_CLIENT_SECRET to let many workspaces install Podbrief. ")
        if not self.socket_mode and not self.slack_signing_secret:
            raise _missing("SLACK_SIGNING_SECRET", "HTTP mode verifies every request Slack sends with it. ")

    def _require_oauth(self) -> None:
        if self.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set. Choose one: SLACK_BOT_TOKEN runs "
                                "Podbrief in one workspace; SLACK_CLIENT_ID and SLACK_CLIENT_SECRET let many "
                                "workspaces install it from /slack/install (their tokens are stored encrypted).")
        if self.socket_mode:
            raise ConfigError("SLACK_APP_TOKEN (Socket Mode) cannot be used with SLACK_CLIENT_ID: installing to "
                                "many workspaces needs the HTTP endpoints /slack/install and /slack/oauth_redirect. "
                                "Unset SLACK_APP_TOKEN.")
        if not self.slack_client_secret:
            raise _missing("SLACK_CLIENT_SECRET", "It is needed with SLACK_CLIENT_ID. ")
        if not self.slack_signing_secret:
            raise _missing("SLACK_SIGNING_SECRET", "HTTP mode verifies every request Slack sends with it. ")
        if not self.token_encryption_keys:
            raise _missing("TOKEN_ENCRYPTION_KEYS")


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and validate settings; unset optional values get sensible defaults."""
    env = {k: v.strip() for k, v in environ.items() if v is not None and v.strip() != ""}
    data_dir = Path(env.get("PODBRIEF_DATA_DIR", "data")).expanduser()
    llm = _llm(env)
    return Settings(
        database_url=_database_url(env.get("DATABASE_URL"), data_dir),
        data_dir=data_dir,
        slack_bot_token=_token(env, "SLACK_BOT_TOKEN", "xoxb-"),
        slack_signing_secret=_signing_secret(env.get("SLACK_SIGNING_SECRET")),
        slack_app_token=_token(env, "SLACK_APP_TOKEN", "xapp-"),
        slack_api_url=_api_url(env.get("SLACK_API_URL")),
        port=_port(env.get("PORT", "3000")),
        log_level=_log_level(env.get("LOG_LEVEL", "INFO")),
        run_scheduler=_flag(env, "RUN_SCHEDULER", default=True),
        scan_interval_minutes=_scan_minutes(env.get("SCAN_INTERVAL_MINUTES")),
        feeds_allow_private_addresses=_flag(env, "FEEDS_ALLOW_PRIVATE_ADDRESSES", default=False),
        match_by_meaning=_flag(env, "MATCH_BY_MEANING", default=True),
        llm_base_url=llm[0],
        llm_model=llm[1],
        llm_api_key=llm[2],
        llm_context_tokens=_bounded(env, "LLM_CONTEXT_TOKENS", 8192, (3072, 1_000_000), "tokens"),
        llm_concurrency=_bounded(env, "LLM_CONCURRENCY", 2, (1, 16), "requests"),
        llm_timeout_seconds=_bounded(env, "LLM_TIMEOUT_SECONDS", 120, (5, 3600), "seconds"),
        llm_episode_minutes=_bounded(env, "LLM_EPISODE_MINUTES", 15, (1, 1440), "minutes"),
        slack_client_id=_client_id(env.get("SLACK_CLIENT_ID")),
        slack_client_secret=_client_secret(env.get("SLACK_CLIENT_SECRET")),
        slack_scopes=_scopes(env.get("SLACK_SCOPES")),
        slack_redirect_uri=_redirect_uri(env.get("SLACK_REDIRECT_URI")),
        token_encryption_keys=_encryption_keys(env.get("TOKEN_ENCRYPTION_KEYS")),
        uninstall_grace_days=_grace_days(env.get("UNINSTALL_GRACE_DAYS")),
        transcribe=_transcribe(env.get("TRANSCRIBE")),
        transcribe_model=env.get("TRANSCRIBE_MODEL", DEFAULT_TRANSCRIBE_MODEL),
        transcribe_max_minutes=_bounded(env, "TRANSCRIBE_MAX_MINUTES", 180, (1, 24 * 60), "minutes"),
        transcribe_threads=_bounded(env, "TRANSCRIBE_THREADS", 0, (0, 64), "threads"),
        transcribe_max_audio_mb=_bounded(env, "TRANSCRIBE_MAX_AUDIO_MB", 500, (1, 10_000), "megabytes"),
        podcast_directory_url=_directory_url(env, "PODCAST_DIRECTORY_URL", ITUNES_URL),
        podcastindex_api_url=_directory_url(env, "PODCASTINDEX_API_URL", PODCASTINDEX_URL),
        podcastindex_key=_podcastindex(env)[0],
        podcastindex_secret=_podcastindex(env)[1],
    )


def _directory_url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, default)
    if not re.match(r"https?://[^/\s]+", value):
        raise ConfigError(f"{name} must be an http(s) URL such as {default} (leave it unset for the default).")
    return value if value.endswith("/") else value + "/"


def _podcastindex(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    key, secret = env.get("PODCASTINDEX_KEY"), env.get("PODCASTINDEX_SECRET")
    if bool(key) != bool(secret):
        raise ConfigError("Set both PODCASTINDEX_KEY and PODCASTINDEX_SECRET to search the Podcast Index "
                            "(or neither, for the iTunes directory).")
    return key, secret


def _transcribe(value: str | None) -> str:
    if value is None or value.lower() in ("off", "no", "false", "0"):
        return "off"
    if value.lower() == "missing":
        return "missing"
    raise ConfigError(f"TRANSCRIBE must be off (the default) or missing (transcribe the episodes that publish "
                        f"no transcript), not {value!r}.")


def _missing(name: str, why: str = "") -> ConfigError:
    return ConfigError(f"{name} is not set. {why}{_HOW_TO_GET[name]}")


def _token(env: Mapping[str, str], name: str, prefix: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    if not value.startswith(prefix) or re.search(r"\s", value):
        raise ConfigError(f"{name} does not look right: it should start with {prefix}. {_HOW_TO_GET[name]}")
    return value


def _signing_secret(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"[0-9a-fA-F]{16,128}", value):
        raise ConfigError(
            "SLACK_SIGNING_SECRET does not look right: it should be the hexadecimal string Slack shows "
            f"(not the client secret or a token). {_HOW_TO_GET['SLACK_SIGNING_SECRET']}"
        )
    return value


def _database_url(value: str | None, data_dir: Path) -> str:
    if value is None:
        return f"sqlite:///{(data_dir / 'podbrief.sqlite3').as_posix()}"
    for plain in ("postgres://", "postgresql://"):
        if value.startswith(plain):  # accept the common short forms and use the psycopg 3 driver
            value = "postgresql+psycopg://" + value[len(plain):]
    try:
        backend = make_url(value).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(
            "DATABASE_URL is not a database URL Podbrief can use. Examples: "
            "sqlite:///data/podbrief.sqlite3 or postgresql+psycopg://user:password@host:5432/podbrief"
        )
    return value


def _api_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.match(r"https?://[^/\s]+", value):
        raise ConfigError(
            "SLACK_API_URL must be an http(s) URL such as https://slack.com/api/ (leave it unset for real Slack)."
        )
    return value if value.endswith("/") else value + "/"


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}.")


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ConfigError(f"PORT must be a number from 1 to 65535, not {value!r}.")
    return int(value)


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {value!r}.")
    return level


def _scan_minutes(value: str | None) -> int:
    if value is None:
        return DEFAULT_SCAN_MINUTES
    if value.lower() in ("off", "no", "false", "never", "disabled"):
        return 0
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_SCAN_MINUTES:
        raise ConfigError(
            f"SCAN_INTERVAL_MINUTES must be a number of minutes from 1 to {MAX_SCAN_MINUTES} "
            f"(or 0 / off to stop scanning feeds), not {value!r}."
        )
    return int(value)


def _llm(env: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    """LLM_BASE_URL and LLM_MODEL together choose the language-model extractor; neither: the built-in one."""
    base_url, model, key = env.get("LLM_BASE_URL"), env.get("LLM_MODEL"), env.get("LLM_API_KEY")
    if base_url is None and model is None:
        if key is not None:
            raise ConfigError("LLM_API_KEY is set but LLM_BASE_URL and LLM_MODEL are not. Set both to extract "
                                "insights with a language model, or unset LLM_API_KEY.")
        return None, None, None
    if base_url is None or model is None:
        missing, given = ("LLM_BASE_URL", "LLM_MODEL") if base_url is None else ("LLM_MODEL", "LLM_BASE_URL")
        raise ConfigError(f"{given} is set but {missing} is not. The language-model extractor needs both, e.g. "
                            "LLM_BASE_URL=https://api.openai.com/v1 and LLM_MODEL=gpt-4o-mini; unset both to use "
                            "the built-in extractor.")
    if not re.match(r"https?://[^/\s]+", base_url) or re.search(r"\s", base_url):
        raise ConfigError("LLM_BASE_URL must be the http(s) base URL of an OpenAI-compatible API, such as "
                            f"https://api.openai.com/v1 or http://localhost:11434/v1, not {base_url!r}.")
    base_url = base_url.rstrip("/").removesuffix("/chat/completions")
    if re.search(r"\s", model):
        raise ConfigError(f"LLM_MODEL must be a model name without spaces (e.g. gpt-4o-mini), not {model!r}.")
    return base_url, model, key


def _bounded(env: Mapping[str, str], name: str, default: int, bounds: tuple[int, int], unit: str) -> int:
    """A whole number setting within `bounds`, or `default` when unset."""
    value = env.get(name)
    if value is None:
        return default
    low, high = bounds
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise ConfigError(f"{name} must be a number of {unit} from {low} to {high}, not {value!r}.")
    return int(value)


def _client_id(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"\d+\.\d+", value):
        raise ConfigError("SLACK_CLIENT_ID does not look right: Slack shows it as two numbers joined by a dot "
                            "(Basic Information → App Credentials → Client ID).")
    return value


def _client_secret(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"[0-9a-fA-F]{16,128}", value):
        raise ConfigError(f"SLACK_CLIENT_SECRET does not look right: it is a hexadecimal string. "
                            f"{_HOW_TO_GET['SLACK_CLIENT_SECRET']}")
    return value


def _scopes(value: str | None) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_BOT_SCOPES
    scopes = tuple(s.strip() for s in value.split(",") if s.strip())
    if not scopes or any(not re.fullmatch(r"[a-z_.:]+", s) for s in scopes):
        raise ConfigError("SLACK_SCOPES must be a comma-separated list of bot scopes such as commands,chat:write "
                            "(leave it unset for the scopes in manifest.yml).")
    return scopes


def _redirect_uri(value: str | None) -> str | None:
    if value is not None and not re.match(r"https?://[^/\s]+/\S*oauth_redirect$", value):
        raise ConfigError("SLACK_REDIRECT_URI must be your server's public https URL ending in "
                            "/slack/oauth_redirect, as listed under OAuth & Permissions → Redirect URLs.")
    return value


def _encryption_keys(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    keys = tuple(k.strip() for k in value.split(",") if k.strip())
    if any(not re.fullmatch(r"[A-Za-z0-9_-]{43}=", k) for k in keys):
        raise ConfigError("TOKEN_ENCRYPTION_KEYS must be comma-separated keys made by `podbrief tokens new-key` "
                            "(44 characters each); the first one encrypts, all of them decrypt.")
    return keys


def _grace_days(value: str | None) -> int:
    if value is None:
        return DEFAULT_GRACE_DAYS
    if not (value.isascii() and value.isdigit()) or int(value) > 3650:
        raise ConfigError(f"UNINSTALL_GRACE_DAYS must be a number of days from 0 to 3650, not {value!r}.")
    return int(value)
