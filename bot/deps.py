"""What listeners need, built once by the composition root and passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.digest.delivery import DigestDeliverer
from bot.runtime.background import Coalescer
from bot.runtime.metrics import Metrics
from ingest.directory import DirectorySettings
from ingest.extractors import BuiltinExtractor, Extractor
from ingest.fetch import Fetcher
from storage.search_index import SearchIndex, SearchResult

#: Makes a `Fetcher` (a context manager over a pooled HTTP client) configured for this deployment.
FetcherFactory = Callable[[], Fetcher]


@dataclass(frozen=True, slots=True)
class Deps:
    """Database access and services shared by every listener."""

    engine: Engine
    sessions: sessionmaker[Session]
    search_index: SearchIndex
    slack: WebClient
    digests: DigestDeliverer
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # tests pin "now"
    extractor: Extractor = field(default_factory=BuiltinExtractor)  # turns episodes into insights
    fetchers: FetcherFactory = Fetcher  # e.g. `with deps.fetchers() as fetch: fetch(url)`
    metrics: Metrics = field(default_factory=Metrics)  # this process's Prometheus registry
    background: Coalescer = field(default_factory=Coalescer)  # e.g. Home tab refreshes after a save
    installations: InstallationStore | None = None  # multi-workspace mode: the encrypted OAuth installations
    directory: DirectorySettings = field(default_factory=DirectorySettings)  # `feeds search`, Apple page links

    def search(self, query: str, limit: int, *, team_id: str | None = None) -> SearchResult:
        """Run a search in its own read-only session; with `team_id`, among what that workspace may see."""
        with self.sessions() as session:
            return self.search_index.search(session, query, limit, team_id=team_id)
