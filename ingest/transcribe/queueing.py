"""Which episodes a feed check queues for transcription, and which it takes off the queue.

Called by the scan inside its write transaction, after the episodes' insights are stored.
Only episodes with audio and no published transcript are queued (the newest few per check),
never those of a feed or item that asks not to be listed (`<podcast:block>`, `<itunes:block>`);
an episode whose publisher's transcript was read now is taken off the queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from ingest.feeds import ParsedEpisode, ParsedFeed
from ingest.scan_episodes import EpisodeWork, newest_first
from storage import transcription_queue
from storage.episodes_store import REPLACEABLE, EpisodeState
from storage.transcription_queue import Wanted


def queue_transcriptions(
    session: Session, feed_id: int, parsed: ParsedFeed, works: Sequence[tuple[EpisodeState, EpisodeWork]],
    *, newest: int, now: datetime,
) -> int:
    """Queue up to `newest` of the checked episodes for transcription; how many were queued anew."""
    by_guid = {e.guid: e for e in parsed.episodes}
    published = [state.id for state, work in works if work.kind is not None and work.kind not in REPLACEABLE]
    transcription_queue.skip_episodes(session, published, "the publisher's transcript is used instead", now=now)
    blocked = [s.id for s, _ in works if parsed.blocked or by_guid[s.guid].blocked]
    transcription_queue.skip_episodes(session, blocked, "the feed asks not to be listed (podcast:block)", now=now)
    if newest < 1 or parsed.blocked:
        return 0
    candidates = newest_first([
        (state, by_guid[state.guid]) for state, work in works
        if _wants(by_guid[state.guid]) and _kind_after(state, work) in REPLACEABLE
    ])
    wanted = [Wanted(state.id, str(episode.audio_url), episode.published_at, feed_id)
              for state, episode in candidates[:newest]]
    return transcription_queue.enqueue(session, wanted, now=now)


def _wants(episode: ParsedEpisode) -> bool:
    return bool(episode.audio_url) and not episode.transcripts and not episode.blocked


def _kind_after(state: EpisodeState, work: EpisodeWork) -> str | None:
    return work.kind if work.kind is not None else state.transcript_kind
