"""`podbrief feeds add|list|search|remove|import` and `podbrief scan`: following podcast feeds from the shell."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from bot.cli.context import load_settings, open_deps
from bot.cli.terminal import echo, printable
from bot.deps import Deps
from bot.feeds.actions import resolve_podcast_page
from bot.feeds.blocks import ago, when
from bot.feeds.grammar import FeedsError, parse_search_terms
from bot.runtime.transcribe_setup import NEWEST_PER_CHECK
from ingest.directory import SEARCH_LIMIT, DirectoryError, Podcast, open_directory
from ingest.fetch import Fetcher
from ingest.scan import AddFeedResult, FeedOutcome, ScanOptions, ScanSummary, add_feed
from ingest.scan import scan as run_scan
from storage import feeds_store
from storage.feeds_store import FeedInfo
from storage.models import OPERATOR_TEAM

_PRIVATE_HELP = "Also fetch from private and local network addresses (a NAS, localhost)."


def _deps() -> Deps:
    return open_deps(load_settings())


@contextmanager
def _fetcher(deps: Deps, allow_private: bool) -> Iterator[Fetcher]:
    """The deployment's fetcher (FEEDS_ALLOW_PRIVATE_ADDRESSES), or one allowing private addresses."""
    with (Fetcher(allow_private_addresses=True) if allow_private else deps.fetchers()) as fetcher:
        yield fetcher


@click.group()
def feeds() -> None:
    """Follow podcast feeds: new episodes become insights on each scan."""


@feeds.command("add")
@click.argument("urls", nargs=-1, required=True)
@click.option("--allow-private-addresses", is_flag=True, help=_PRIVATE_HELP)
def add_command(urls: tuple[str, ...], allow_private_addresses: bool) -> None:
    """Follow feed URLS: each is fetched once now, and its newest episodes become insights."""
    deps = _deps()
    failed = False
    with _fetcher(deps, allow_private_addresses) as fetcher:
        for typed in urls:
            url, problem = resolve_podcast_page(deps, typed)  # an Apple Podcasts page: its feed
            result = (AddFeedResult(url=typed, ok=False, reason=problem) if problem is not None else
                      add_feed(deps.sessions, fetcher, deps.extractor, url, added_by="cli", clock=deps.clock))
            echo(describe_added(result))
            failed = failed or not result.ok
    echo(LIBRARY_NOTE)
    sys.exit(1 if failed else 0)


@feeds.command("search")
@click.argument("terms", nargs=-1, required=True)
@click.option("--follow", type=click.IntRange(1, SEARCH_LIMIT), default=None, metavar="N",
              help="Follow match N of this search (as `podbrief feeds add` does).")
@click.option("--allow-private-addresses", is_flag=True, help=_PRIVATE_HELP)
def search_command(terms: tuple[str, ...], follow: int | None, allow_private_addresses: bool) -> None:
    """Find podcasts by name in the podcast directory (PODCAST_DIRECTORY_URL, or the Podcast Index)."""
    parsed = parse_search_terms(" ".join(terms))
    if isinstance(parsed, FeedsError):
        echo(parsed.message.replace("`/insights feeds search`", "podbrief feeds search").replace("`", ""), err=True)
        sys.exit(2)
    deps = _deps()
    try:
        with open_directory(deps.directory) as directory:
            podcasts = directory.search(parsed.terms)
    except DirectoryError as error:
        echo(f"Cannot search for “{parsed.terms}”: {error}.", err=True)
        sys.exit(1)
    if not podcasts:
        echo(f"The podcast directory found no podcast for “{parsed.terms}”. "
             "Follow a feed by its address with: podbrief feeds add URL")
        return
    for number, podcast in enumerate(podcasts, 1):
        echo(describe_podcast(number, podcast))
    if follow is None:
        echo(f"Follow one with: podbrief feeds search {parsed.terms} --follow N", dim=True)
        return
    if follow > len(podcasts) or (chosen := podcasts[follow - 1]).feed_url is None:
        echo(f"There is no match {follow} with a feed to follow.", err=True)
        sys.exit(1)
    with _fetcher(deps, allow_private_addresses) as fetcher:
        result = add_feed(deps.sessions, fetcher, deps.extractor, chosen.feed_url, added_by="cli", clock=deps.clock)
    echo(describe_added(result))
    echo(LIBRARY_NOTE)
    sys.exit(0 if result.ok else 1)


def describe_podcast(number: int, podcast: Podcast) -> str:
    """A directory match in two lines: number, name, author, episodes; then its feed."""
    details = [f"by {podcast.author}"] if podcast.author else []
    if podcast.episode_count is not None:
        details.append(f"{podcast.episode_count} episode{'' if podcast.episode_count == 1 else 's'}")
    return (f"{number:>2}. {podcast.name}{'  (' + ', '.join(details) + ')' if details else ''}\n"
            f"    {podcast.feed_url or 'no public feed listed'}")


#: Feeds the operator follows are deployment-wide: said after every `feeds add` and `feeds import`.
LIBRARY_NOTE = ("Feeds added here are the operator's library: every workspace sees their insights. "
                "A workspace follows feeds of its own with /insights feeds add.")


def describe_added(result: AddFeedResult) -> str:
    """One line about `feeds add URL`, for people."""
    if not result.ok:
        return f"✗ {result.url}: cannot be used: {result.reason}"
    if result.already_followed:
        return f"= {result.title or result.url} is already followed (id {result.feed_id}, {result.url})"
    transcripts = f", {result.transcripts_found} with transcripts" if result.transcripts_found else ""
    return (
        f"✓ {result.title} (id {result.feed_id}): {result.episode_count} episodes{transcripts}; "
        f"{result.insights_added} insights added"
    )


@feeds.command("list")
def list_command() -> None:
    """Every followed feed: last checked, last new episode, insights extracted, last error."""
    deps = _deps()
    with deps.sessions() as session:
        followed = feeds_store.list_feeds(session)
    if not followed:
        echo("No feeds followed yet. Add one with: podbrief feeds add URL")
        return
    now = deps.clock()
    with deps.sessions() as session:
        following = {feed.id: feeds_store.followers(session, feed.id) for feed in followed}
    for feed in followed:
        echo(describe_feed(feed, now, following[feed.id]))


def describe_feed(feed: FeedInfo, now: datetime, followers: Sequence[str] = (OPERATOR_TEAM,)) -> str:
    """A feed's status in three lines, with who follows it."""
    lines = [
        f"{feed.id:>4}  {feed.title or '(not read yet)'}  {feed.url}",
        f"      followed by {describe_followers(followers)}",
        f"      last checked {ago(feed.last_checked_at, now)} · last new episode {ago(feed.last_new_episode_at, now)}"
        f" · {feed.episode_count} episodes · {feed.insights_extracted} insights extracted",
    ]
    if feed.last_error:
        retry = f" (failed {feed.consecutive_failures}× in a row; next try {when(feed.next_check_at, now)})"
        lines.append(f"      last error: {feed.last_error}{retry}")
    return "\n".join(lines)


@feeds.command("remove")
@click.argument("target")
def remove_command(target: str) -> None:
    """Remove a feed from the operator's library, by URL or id (workspaces following it keep it)."""
    deps = _deps()
    with deps.sessions.begin() as session:
        removed = feeds_store.remove_feed(session, target)
        stored = feeds_store.find_feed(session, target) if removed is None else None
        others = feeds_store.followers(session, stored.id) if stored else []
    if removed is None and stored is not None:
        echo(f"{stored.title or stored.url} (id {stored.id}) is not in the operator's library: it is followed by "
             f"{describe_followers(others)}, which remove it with /insights feeds remove.")
        sys.exit(1)
    if removed is None:
        echo(f"No followed feed matches “{target}”. See: podbrief feeds list")
        sys.exit(1)
    echo(f"Stopped following {removed.title or removed.url} (id {removed.id}) in the operator's library. "
         "Its insights stay for workspaces that follow it themselves.")


def describe_followers(teams: Sequence[str]) -> str:
    """"the operator's library (every workspace)", "2 workspaces (T1, T2)", or both."""
    parts = ["the operator's library (every workspace)"] if OPERATOR_TEAM in teams else []
    workspaces = [team for team in teams if team != OPERATOR_TEAM]
    if workspaces:
        parts.append(f"{len(workspaces)} workspace{'' if len(workspaces) == 1 else 's'} ({', '.join(workspaces)})")
    return " and ".join(parts) or "nobody"


@feeds.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--allow-private-addresses", is_flag=True, help=_PRIVATE_HELP)
def import_command(file: Path, allow_private_addresses: bool) -> None:
    """Follow every feed of an OPML subscription list (each fetched once now)."""
    from ingest.opml import OpmlError, feed_urls_from_opml

    try:
        urls = feed_urls_from_opml(file.read_bytes())
    except OpmlError as error:
        echo(f"{file}: {error}", err=True)
        sys.exit(1)
    echo(f"{file}: {len(urls)} feeds")
    deps = _deps()
    results: list[AddFeedResult] = []
    with _fetcher(deps, allow_private_addresses) as fetcher:
        for url in urls:
            results.append(add_feed(deps.sessions, fetcher, deps.extractor, url, added_by="opml", clock=deps.clock))
            echo(describe_added(results[-1]))
    added = sum(r.ok and not r.already_followed for r in results)
    echo(f"{added} feeds added, {sum(r.already_followed for r in results)} already followed, "
         f"{sum(not r.ok for r in results)} could not be used.")
    echo(LIBRARY_NOTE)
    sys.exit(0 if all(r.ok for r in results) else 1)


@click.command()
@click.option("--once", is_flag=True, help="Scan once and exit (otherwise scan every --every minutes).")
@click.option("--every", "minutes", default=None, type=click.IntRange(1, 24 * 60),
              help="Minutes between scans, and between checks of each feed [default: SCAN_INTERVAL_MINUTES, or 30].")
@click.option("--all", "all_feeds", is_flag=True, help="Check every feed now, not only those due.")
@click.option("--allow-private-addresses", is_flag=True, help=_PRIVATE_HELP)
def scan(once: bool, minutes: int | None, all_feeds: bool, allow_private_addresses: bool) -> None:
    """Check followed feeds for new episodes and turn them into insights."""

    settings = load_settings()
    deps = open_deps(settings)
    minutes = minutes or settings.scan_interval_minutes or 30
    queue = NEWEST_PER_CHECK if settings.transcribe == "missing" else 0  # a scan by hand queues as the job does
    options = ScanOptions(interval=timedelta(minutes=minutes), transcribe_newest=queue)
    with _fetcher(deps, allow_private_addresses) as fetcher:
        try:
            while True:
                summary = _scan_with_progress(deps, fetcher, options, only_due=not all_feeds)
                echo(describe_summary(summary))
                if once:
                    break
                echo(f"Next scan in {minutes} min (Ctrl-C to stop).", dim=True)
                time.sleep(minutes * 60)
                all_feeds = False
        except KeyboardInterrupt:
            echo("\nStopped.")


def _scan_with_progress(deps: Deps, fetcher: Fetcher, options: ScanOptions, only_due: bool) -> ScanSummary:
    bar: Any = None

    def progress(done: int, total: int, outcome: FeedOutcome) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Scanning feeds", file=sys.stderr)
            bar.__enter__()
        bar.update(1, printable(outcome.title or outcome.url))

    try:
        return run_scan(deps.sessions, fetcher, deps.extractor, clock=deps.clock, options=options,
                        progress=progress, only_due=only_due)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def describe_summary(summary: ScanSummary) -> str:
    """The scan's summary, then one line per failed feed."""
    lines = [
        f"{summary.feeds_checked} feeds checked in {summary.elapsed_seconds:.1f} s: {summary.unchanged} unchanged, "
        f"{summary.new_episodes} new episodes, {summary.insights_added} insights added, {summary.errors} errors."
    ]
    lines += [f"  ✗ {problem.url}: {problem.error}" for problem in summary.feed_errors]
    return "\n".join(lines)
