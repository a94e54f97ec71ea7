"""The composition root: environment -> settings -> database -> services -> Slack app."""

from __future__ import annotations

from functools import partial

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_client
from bot.config import Settings
from bot.deps import Deps
from bot.digest.compose import DigestComposer
from bot.digest.delivery import ClientFor, DigestDeliverer
from bot.startup import StartupError, open_database
from bot.workspaces.clients import WorkspaceClients
from bot.workspaces.installations import EncryptedInstallationStore
from ingest.extractors import BuiltinExtractor, Extractor
from ingest.fetch import Fetcher
from ingest.llm.chunks import chunk_chars_for
from ingest.llm.story_check import REQUEST_TIMEOUT as STORY_CHECK_TIMEOUT
from ingest.llm.story_check import LlmStoryCheck
from ingest.llm_extractor import LlmExtractor
from ingest.meaning.services import digest_meaning_for, search_index
from storage.token_cipher import TokenCipher, TokenKeyError


def build_services(settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> Deps:
    """The services over an open database: search, the Slack client, workspace access, the digest deliverer."""
    slack = build_client(settings)
    installations, client_for = _workspace_access(settings, engine, sessions, slack)
    search = search_index(engine, by_meaning=settings.match_by_meaning)
    digests = DigestDeliverer(sessions, client_for, DigestComposer(
        sessions, meaning=digest_meaning_for(search, sessions, build_story_check(settings))
        if settings.match_by_meaning else None
    ))
    return Deps(
        engine=engine, sessions=sessions, search_index=search, slack=slack, digests=digests,
        extractor=build_extractor(settings),
        fetchers=partial(Fetcher, allow_private_addresses=settings.feeds_allow_private_addresses),
        installations=installations, directory=settings.directory,
    )


def build_deps(settings: Settings) -> Deps:
    """`open_database`, then `build_services`: everything a process needs."""
    return build_services(settings, *open_database(settings))


def _workspace_access(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session], slack: WebClient,
) -> tuple[InstallationStore | None, ClientFor]:
    """One bot token for every workspace, or (multi-workspace mode) each installation's own."""
    if not settings.multi_workspace:
        return None, lambda _team_id: slack
    try:
        cipher = TokenCipher(settings.token_encryption_keys)
    except TokenKeyError as error:
        raise StartupError(f"TOKEN_ENCRYPTION_KEYS: {error}") from error
    store = EncryptedInstallationStore(settings.slack_client_id or "", engine, cipher)
    rotator = TokenRotator(client_id=settings.slack_client_id or "", client_secret=settings.slack_client_secret or "",
                           client=WebClient(base_url=slack.base_url, timeout=slack.timeout))
    return store, WorkspaceClients(slack, store, sessions, rotator)


def build_story_check(settings: Settings) -> LlmStoryCheck | None:
    """The language model as second reader of candidate stories when LLM_BASE_URL and LLM_MODEL are set."""
    if settings.llm_base_url and settings.llm_model:
        return LlmStoryCheck(settings.llm_base_url, settings.llm_model, settings.llm_api_key,
                             timeout=min(STORY_CHECK_TIMEOUT, float(settings.llm_timeout_seconds)))
    return None


def build_extractor(settings: Settings) -> Extractor:
    """The language-model extractor when LLM_BASE_URL and LLM_MODEL are set, else the built-in one."""
    if settings.llm_base_url and settings.llm_model:
        return LlmExtractor(
            settings.llm_base_url,
            settings.llm_model,
            settings.llm_api_key,
            timeout=float(settings.llm_timeout_seconds),
            chunk_chars=chunk_chars_for(settings.llm_context_tokens),
            concurrency=settings.llm_concurrency,
            episode_deadline=60.0 * settings.llm_episode_minutes,
        )
    return BuiltinExtractor()
