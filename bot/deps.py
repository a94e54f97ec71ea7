"""What listeners need, built once by the composition root and passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.digest_delivery import DigestDeliverer
from storage.search_index import SearchIndex, SearchResult


@dataclass(frozen=True, slots=True)
class Deps:
    """Database access and services shared by every listener."""

    engine: Engine
    sessions: sessionmaker[Session]
    search_index: SearchIndex
    slack: WebClient
    digests: DigestDeliverer
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)  # tests pin "now"

    def search(self, query: str, limit: int) -> SearchResult:
        """Run a search in its own read-only session."""
        with self.sessions() as session:
            return self.search_index.search(session, query, limit)
