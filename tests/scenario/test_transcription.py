"""Episodes that publish no transcript are transcribed, on the real model (faster-whisper tiny.en).

The speech is made offline by espeak-ng, served as MP3 and OGG from a loopback feed, scanned by
the real scan service, transcribed by the real worker and extracted by the real extractor: the
spoken claims come back as insights, with timestamps within a few seconds of where they were said.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.shared.blocks import attribution
from ingest.extractors import BuiltinExtractor
from ingest.fetch import Fetcher
from ingest.scan import add_feed, scan
from ingest.scan_results import ScanOptions
from ingest.transcribe.engine import WhisperTranscriber
from ingest.transcribe.worker import transcribe_queue
from storage import transcription_queue
from storage.clock import utc_now
from storage.insights_store import get_insight
from storage.models import Episode, InsightRow, Transcription
from tests.integration.feed_server import FeedServer, static
from tests.scenario.transcription import (
    CLAIMS,
    OTHER_CLAIMS,
    QUOTABLE,
    CountingTranscriber,
    downloader,
    load_transcriber,
    make_episodes,
    serve,
)
from tests.speech import SpokenEpisode, require_speech

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = ScanOptions(transcribe_newest=10)
#: How far an insight's moment may be from where its sentence was spoken (tiny.en segment times).
TOLERANCE_SECONDS = 3.0


@pytest.fixture(scope="session")
def whisper(tmp_path_factory: pytest.TempPathFactory) -> WhisperTranscriber:
    require_speech()
    return load_transcriber(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def spoken(tmp_path_factory: pytest.TempPathFactory, whisper: WhisperTranscriber) -> list[SpokenEpisode]:
    """Two talks: one as an MP3 episode, the other as an OGG (Opus) one."""
    folder = tmp_path_factory.mktemp("speech")
    return [*make_episodes(folder / "a", CLAIMS, (".mp3",)), *make_episodes(folder / "b", OTHER_CLAIMS, (".ogg",))]


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(allow_private_addresses=True, deadline_seconds=30) as client:
        yield client


def _insights(sessions: sessionmaker[Session]) -> list[InsightRow]:
    with sessions() as session:
        return list(session.scalars(select(InsightRow).order_by(InsightRow.id)))


def _said_at(text: str, episode: SpokenEpisode) -> float | None:
    """Where the spoken line that `text` quotes began, if it quotes one."""
    score, start = max((fuzz.ratio(text.lower(), line.lower()), start) for line, start in zip(episode.lines, episode.starts, strict=True))
    return start if score >= 80 else None


def test_an_episode_without_a_transcript_becomes_insights_at_the_moments_they_were_said(
    sessions: sessionmaker[Session], whisper: WhisperTranscriber, spoken: list[SpokenEpisode], fetcher: Fetcher,
) -> None:
    with FeedServer() as server:
        url = serve(server, spoken)
        added = add_feed(sessions, fetcher, BuiltinExtractor(), url, options=OPTIONS)
        assert added.ok and added.insights_added == 0  # show notes are only links and ads
        with sessions() as session:
            assert transcription_queue.queue_status(session, now=utc_now()).queued == 2
        outcomes = transcribe_queue(sessions, downloader(fetcher), whisper, BuiltinExtractor(), worker="w1")

    assert sorted(o.status for o in outcomes) == ["done", "done"]
    rows = _insights(sessions)
    with sessions() as session:
        episodes = {e.id: e for e in session.scalars(select(Episode))}
    for episode_index, spoken_episode in enumerate(spoken):
        mine = [r for r in rows if r.episode_id is not None and episodes[r.episode_id].title == f"Episode {episode_index}"]
        said = {r.text: _said_at(r.text, spoken_episode) for r in mine}
        quoted = [line for line in QUOTABLE if any(fuzz.ratio(line.lower(), t.lower()) >= 80 for t in said)]
        # A 30-second talk is owed one insight (3 an hour); more only where the extractor is sure of them.
        assert len(quoted) >= 1, f"{spoken_episode.path.suffix}: found {list(said)}"
        for row in mine:
            if (at := said[row.text]) is not None:
                assert row.start_seconds is not None
                assert abs(row.start_seconds - at) <= TOLERANCE_SECONDS, (row.text, row.start_seconds)
        assert not any(fuzz.partial_ratio(t.lower(), line.lower()) >= 90 for t in said for line in
                       ("welcome back to the show", "thanks for listening", "hello and welcome", "goodbye for now"))
    with sessions() as session:
        insight = get_insight(session, rows[0].id)
        assert insight is not None and insight.machine_transcribed
        assert all(e.transcript_kind == "auto" for e in episodes.values())
        assert rows[0].episode_id is not None
        assert transcription_queue.stored_segments(session, rows[0].episode_id)
    assert "auto-transcribed" in attribution(insight)


def test_a_worker_killed_mid_transcription_is_resumed_and_nothing_is_stored_twice(
    sessions: sessionmaker[Session], database_url: str, whisper: WhisperTranscriber, spoken: list[SpokenEpisode],
    fetcher: Fetcher, tmp_path: Path,
) -> None:
    with FeedServer() as server:
        url = serve(server, spoken[:1])
        assert add_feed(sessions, fetcher, BuiltinExtractor(), url, options=OPTIONS).ok
        doomed = subprocess.Popen(
            [sys.executable, "-m", "tests.scenario.transcribe_crash_worker", database_url, str(tmp_path)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert doomed.stdout is not None
            first = doomed.stdout.readline()
            assert first.startswith("transcribed"), doomed.stderr.read() if doomed.stderr else first
        finally:
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=30)
        with sessions() as session:
            (job,) = session.scalars(select(Transcription))
            assert (job.status, job.segments) == ("running", None)  # half-done: nothing of it stored
        assert _insights(sessions) == []

        counting = CountingTranscriber(whisper)
        too_soon = transcribe_queue(sessions, downloader(fetcher), counting, BuiltinExtractor(), worker="w2")
        assert too_soon == [] and counting.calls == 0  # the lease still holds
        later = lambda: utc_now() + timedelta(minutes=16)  # noqa: E731 - the lease has run out
        resumed = transcribe_queue(sessions, downloader(fetcher), counting, BuiltinExtractor(), worker="w2",
                                   clock=later)
        again = transcribe_queue(sessions, downloader(fetcher), counting, BuiltinExtractor(), worker="w3",
                                 clock=later)

    assert [o.status for o in resumed] == ["done"] and again == [] and counting.calls == 1
    rows = _insights(sessions)
    # the resumed worker stored the episode's insights (a 30-second talk is owed one), each once
    assert len(rows) >= 1 and len({r.text for r in rows}) == len(rows)
    with sessions() as session:
        (job,) = session.scalars(select(Transcription))
        assert (job.status, job.attempts) == ("done", 2)


def test_two_workers_share_a_queue_of_six_episodes_and_none_is_transcribed_twice(
    sessions: sessionmaker[Session], whisper: WhisperTranscriber, fetcher: Fetcher, tmp_path: Path,
) -> None:
    import threading

    lines = [f"Episode {n} says that habit number {n} matters more than talent." for n in range(6)]
    episodes = [make_episodes(tmp_path / str(n), [line], (".mp3" if n % 2 else ".ogg",))[0]
                for n, line in enumerate(lines)]
    with FeedServer() as server:
        url = serve(server, episodes)
        assert add_feed(sessions, fetcher, BuiltinExtractor(), url, options=OPTIONS).ok
        workers = {name: CountingTranscriber(whisper) for name in ("left", "right")}
        done: dict[str, list[int]] = {}

        def run(name: str) -> None:
            outcomes = transcribe_queue(sessions, downloader(fetcher), workers[name], BuiltinExtractor(), worker=name)
            done[name] = [o.episode_id for o in outcomes if o.status == "done"]

        threads = [threading.Thread(target=run, args=(name,)) for name in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)

    everything = done["left"] + done["right"]
    assert len(everything) == 6 and len(set(everything)) == 6
    assert workers["left"].calls + workers["right"].calls == 6
    with sessions() as session:
        jobs = list(session.scalars(select(Transcription)))
        assert [(j.status, j.attempts) for j in jobs] == [("done", 1)] * 6
        count = session.scalar(select(func.count()).select_from(InsightRow))
    assert count == len({r.text for r in _insights(sessions)})


def test_a_feed_that_asks_not_to_be_listed_is_not_transcribed(
    sessions: sessionmaker[Session], spoken: list[SpokenEpisode], fetcher: Fetcher,
) -> None:
    with FeedServer() as server:
        url = serve(server, spoken, channel_extra="<podcast:block>yes</podcast:block>")
        assert add_feed(sessions, fetcher, BuiltinExtractor(), url, options=OPTIONS).ok
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Transcription)) == 0


def test_a_transcript_the_publisher_adds_later_replaces_the_auto_transcribed_insights(
    sessions: sessionmaker[Session], whisper: WhisperTranscriber, spoken: list[SpokenEpisode], fetcher: Fetcher,
) -> None:
    published = ("Most startups fail because they run out of money before they find customers who will pay them.",
                 "Remote teams that write their decisions down ship faster than teams that depend on meetings.")
    vtt = ("WEBVTT\n\n00:00:05.000 --> 00:00:12.000\n" + published[0] + "\n\n00:00:12.500 --> 00:00:18.000\n"
           + published[1] + "\n").encode()
    with FeedServer() as server:
        url = serve(server, spoken[:1])
        assert add_feed(sessions, fetcher, BuiltinExtractor(), url, options=OPTIONS).ok
        transcribe_queue(sessions, downloader(fetcher), whisper, BuiltinExtractor(), worker="w1")
        auto = {r.text for r in _insights(sessions)}
        assert auto
        server.route("/t/0.vtt", static(vtt, content_type="text/vtt"))
        serve(server, spoken[:1], transcripts={0: "/t/0.vtt"})
        scan(sessions, fetcher, BuiltinExtractor(), only_due=False, options=OPTIONS)
    texts = {r.text for r in _insights(sessions)}
    assert texts and texts <= set(published) and not texts & auto
    with sessions() as session:
        (episode,) = session.scalars(select(Episode))
        assert episode.transcript_kind == "vtt"
        (job,) = session.scalars(select(Transcription))
        assert job.status == "done"  # kept: our transcript stays stored, its insights gave way


def test_with_transcribe_missing_the_schedulers_jobs_queue_and_transcribe_a_new_episode(
    database_url: str, whisper: WhisperTranscriber, spoken: list[SpokenEpisode], tmp_path: Path,
) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.bootstrap import build_deps
    from bot.config import load_settings
    from bot.runtime.scheduler import SCAN_JOB_ID, build_jobs, feed_scan_tick
    from bot.runtime.transcribe_setup import TRANSCRIBE_JOB_ID, transcribe_tick, transcription_for

    settings = load_settings({"DATABASE_URL": database_url, "PODBRIEF_DATA_DIR": str(tmp_path),
                              "TRANSCRIBE": "missing", "TRANSCRIBE_MODEL": whisper.model_name,
                              "FEEDS_ALLOW_PRIVATE_ADDRESSES": "true", "SLACK_BOT_TOKEN": "xoxb-test"})
    transcription = transcription_for(settings)
    assert transcription is not None
    deps = build_deps(settings)
    scheduler = build_jobs(deps, 30, BackgroundScheduler(), transcription=transcription)
    assert scheduler.get_job(TRANSCRIBE_JOB_ID) is not None
    assert scheduler.get_job(SCAN_JOB_ID).args[-1] == transcription.newest_per_check
    with FeedServer() as server, deps.fetchers() as fetcher:
        url = serve(server, spoken[1:])
        assert add_feed(deps.sessions, fetcher, BuiltinExtractor(), url, process_episodes=False).ok
        feed_scan_tick(deps, timedelta(minutes=30), deps.clock, transcription.newest_per_check)
        (outcome,) = transcribe_tick(deps, transcription)
    assert outcome.status == "done" and outcome.insights_added >= 1
    assert not list((tmp_path / "models").glob("*"))  # a model folder is used where it is, nothing downloaded
    found = deps.search("cities housing rents", 3)
    assert found.matches and found.matches[0].insight.machine_transcribed
