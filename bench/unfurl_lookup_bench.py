"""How long finding the episode of a pasted link takes as the episodes table grows (SQLite or PostgreSQL).

`storage.episode_links.find_linked_episode` matches the link's spellings against every episode's
page and audio URL (columns without an index) within the workspace's scope. This builds N episodes
of 200 podcasts (two insights each) in a fresh migrated database and times the lookup of a known
link and of an unknown one, as a workspace that follows half the podcasts.

    .venv/bin/python bench/unfurl_lookup_bench.py --episodes 10000 100000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bot.sharing.episode_links import url_variants
from storage.db import create_db_engine, migrate, session_factory
from storage.episode_links import find_linked_episode
from storage.models import Episode, Feed, FeedSubscription, InsightRow, Podcast

PODCASTS = 200


def build(url: str, episodes: int) -> None:
    engine = create_db_engine(url)
    migrate(engine)
    with session_factory(engine).begin() as session:
        session.execute(insert(Podcast), [{"id": p + 1, "title": f"Pod {p}", "title_key": f"pod {p}",
                                           "feed_url": f"https://feeds.example/{p}"} for p in range(PODCASTS)])
        session.execute(insert(Feed), [{"id": p + 1, "url": f"https://feeds.example/{p}", "original_url":
                                        f"https://feeds.example/{p}", "podcast_id": p + 1} for p in range(PODCASTS)])
        session.execute(insert(FeedSubscription), [{"team_id": "TBENCH", "feed_id": p + 1} for p in range(0, PODCASTS, 2)])
        for start in range(0, episodes, 10_000):
            batch = range(start, min(start + 10_000, episodes))
            session.execute(insert(Episode), [{
                "id": e + 1, "podcast_id": e % PODCASTS + 1, "episode_key": f"ep {e}", "title": f"Episode {e}",
                "url": f"https://pod{e % PODCASTS}.example/episodes/{e}", "audio_url": f"https://cdn.example/{e}.mp3",
            } for e in batch])
            session.execute(insert(InsightRow), [{
                "content_hash": (e * 2 + k).to_bytes(16, "big"), "text": f"Insight {k} of episode {e}",
                "search_text": f"insight episode {e}", "podcast_id": e % PODCASTS + 1, "episode_id": e + 1,
                "start_seconds": 60.0 * k, "topics": [], "quality": 0.5,
            } for e in batch for k in (1, 2)])
    engine.dispose()


def timed(url: str, link: str, runs: int) -> tuple[float, float, bool]:
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    seconds, found = [], False
    for _ in range(runs):
        started = time.perf_counter()
        with sessions() as session:
            found = find_linked_episode(session, "TBENCH", url_variants(link)) is not None
        seconds.append(time.perf_counter() - started)
    engine.dispose()
    return statistics.median(seconds) * 1000, max(seconds) * 1000, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    for episodes in args.episodes:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            build(url, episodes)
            known = f"https://pod{(episodes - 2) % PODCASTS}.example/episodes/{episodes - 2}"  # a followed podcast
            for label, link in (("known", known), ("unknown", "https://nowhere.example/x")):
                median, worst, found = timed(url, link, args.runs)
                print(f"episodes={episodes:>7} link={label:<7} found={found!s:<5} median={median:7.1f} ms  max={worst:7.1f} ms")


if __name__ == "__main__":
    main()
