"""Carrying out the feeds commands: who may manage feeds, and adding, listing, removing them.

Each function receives its dependencies (database sessions, fetchers, the Slack client)
and returns the `Message` to show. Each workspace follows feeds of its own (a feed several follow is
fetched once); the operator's feeds (CLI `podbrief feeds add`) are every workspace's, never listed or
removed from Slack.
"""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.deps import Deps
from bot.feeds import blocks as fb
from bot.feeds.grammar import (
    AddFeeds,
    FeedsCommand,
    FeedsError,
    ListFeeds,
    RemoveFeed,
    SearchFeeds,
    SetFeedsAccess,
    ShowFeedsAccess,
    ShowFeedsHelp,
)
from bot.feeds.search_blocks import directory_failed, search_results
from bot.shared.blocks import Message
from bot.shared.request import Asker
from bot.shared.slack_facts import look_up_person
from ingest.directory import DirectoryError, apple_podcast_id, open_directory
from ingest.scan import AddFeedResult, add_feed
from storage import feeds_store
from storage.channels_store import get_workspace, update_workspace
from storage.episodes_store import show_notes_only
from storage.models import OPERATOR_TEAM
from storage.transcription_queue import feeds_transcribing


def answer_feeds(deps: Deps, client: WebClient, asker: Asker, parsed: FeedsCommand) -> Message:
    """The reply to one feeds command, after checking who typed it."""
    if isinstance(parsed, FeedsError):
        return fb.feeds_error(parsed, asker.command)
    if isinstance(parsed, ShowFeedsHelp):
        return fb.feeds_help(asker.command)
    if isinstance(parsed, ShowFeedsAccess):
        return fb.feeds_access(feeds_open_to_all(deps.sessions, asker.team_id), asker.command)
    if isinstance(parsed, SetFeedsAccess):
        return set_access(deps.sessions, client, asker, parsed)
    if not may_manage_feeds(deps, client, asker):
        return fb.not_allowed(asker.command)
    if isinstance(parsed, ListFeeds):
        return list_feeds(deps, asker)
    if isinstance(parsed, AddFeeds):
        return add_feeds(deps, asker, parsed)
    if isinstance(parsed, RemoveFeed):
        return remove_feed(deps, asker, parsed)
    if isinstance(parsed, SearchFeeds):
        return search_feeds(deps, asker, parsed)
    raise AssertionError(f"unhandled feeds command {parsed!r}")


def feeds_open_to_all(sessions: sessionmaker[Session], team_id: str) -> bool:
    with sessions() as session:
        return get_workspace(session, team_id).feeds_open_to_all


def may_manage_feeds(deps: Deps, client: WebClient, asker: Asker) -> bool:
    """Workspace admins and owners may; everyone may when the workspace opened feeds to all."""
    return feeds_open_to_all(deps.sessions, asker.team_id) or look_up_person(client, asker.user_id).is_admin


def set_access(sessions: sessionmaker[Session], client: WebClient, asker: Asker, command: SetFeedsAccess) -> Message:
    """Only workspace admins and owners decide who manages feeds."""
    if not look_up_person(client, asker.user_id).is_admin:
        return fb.admins_only(asker.command)
    change = "let everyone manage podcast feeds" if command.open_to_all else "restricted podcast feeds to admins"
    with sessions.begin() as session:
        update_workspace(session, asker.team_id, by_user=asker.user_id, change=change,
                         feeds_open_to_all=command.open_to_all)
    return fb.feeds_access_set(command.open_to_all, asker.command)


def managed_by(deps: Deps, team_id: str) -> tuple[str, ...]:
    """Whose feeds a workspace manages from Slack: its own; in single-workspace mode (no OAuth
    installations) the operator's too, as before feeds had owners: one workspace, one library."""
    return (team_id,) if deps.installations is not None else (team_id, OPERATOR_TEAM)


def list_feeds(deps: Deps, asker: Asker) -> Message:
    teams = managed_by(deps, asker.team_id)
    with deps.sessions() as session:
        followed = {feed.id: feed for team in teams for feed in feeds_store.list_feeds(session, team)}
        library = 0 if OPERATOR_TEAM in teams else len(feeds_store.list_feeds(session, OPERATOR_TEAM))
        notes_only = show_notes_only(session, {f.podcast_id for f in followed.values() if f.podcast_id is not None})
        transcribing = feeds_transcribing(session, set(followed))
    return fb.feeds_listed(sorted(followed.values(), key=lambda f: f.id), deps.clock(), asker.command,
                           library_feeds=library, show_notes_only=notes_only, transcribing=transcribing)


def add_feeds(deps: Deps, asker: Asker, command: AddFeeds) -> Message:
    """Fetch each feed once and follow it; its episodes become insights at the next scan."""
    results: list[AddFeedResult] = []
    with deps.fetchers() as fetcher:
        for typed in command.urls:
            url, problem = resolve_podcast_page(deps, typed)
            if problem is not None:
                results.append(AddFeedResult(url=typed, ok=False, reason=problem))
                continue
            results.append(add_feed(deps.sessions, fetcher, deps.extractor, url, added_by=f"slack:{asker.user_id}"[:64],
                                    team_id=asker.team_id, clock=deps.clock, process_episodes=False))
    return fb.feeds_added(results, command.rejected, asker.command)


def resolve_podcast_page(deps: Deps, url: str) -> tuple[str, str | None]:
    """An Apple Podcasts page's feed URL (looked up in the directory), or `url` itself; and why not."""
    if apple_podcast_id(url) is None:
        return url, None
    try:
        with open_directory(deps.directory) as directory:
            return directory.feed_of_page(url), None
    except DirectoryError as error:
        return url, f"it is an Apple Podcasts page, but {error}"


def search_feeds(deps: Deps, asker: Asker, command: SearchFeeds) -> Message:
    """The directory's top matches, each with a Follow button (which runs `feeds add`)."""
    try:
        with open_directory(deps.directory) as directory:
            podcasts = directory.search(command.terms)
    except DirectoryError as error:
        return directory_failed(command.terms, str(error), asker.command)
    return search_results(command.terms, podcasts, asker.command)


def remove_feed(deps: Deps, asker: Asker, command: RemoveFeed) -> Message:
    with deps.sessions.begin() as session:
        gone = [feeds_store.remove_feed(session, command.target, team_id=team) for team in managed_by(deps, asker.team_id)]
    removed = next((feed for feed in gone if feed is not None), None)
    if removed is None:
        return fb.no_such_feed(command.target, asker.command)
    return fb.feed_removed(removed, asker.command)
