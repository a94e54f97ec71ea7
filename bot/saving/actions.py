"""Carrying out the saved-insights commands: list, search, export, forget me, save settings.

Functions receive their dependencies and return the `Message` to show the person.
"""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.deps import Deps
from bot.home.publish import publish_home
from bot.lookup.answers import search_notes
from bot.saving import blocks
from bot.saving.export import export_csv, export_markdown
from bot.saving.grammar import SetConfirmations, SetSaveEmojis
from bot.shared.blocks import Message, notice
from bot.shared.request import Asker
from bot.shared.slack_facts import look_up_person
from insights.search import plan_search, rank
from storage.channels_store import get_workspace, update_workspace
from storage.people_store import forget_person
from storage.saved_store import MAX_SAVED_SCANNED, count_saved, list_saved, saved_candidates, unsave_insight

SEARCH_RESULTS = 5
ADMINS_ONLY = "Only workspace admins and owners can change how saving works."


def show_page(sessions: sessionmaker[Session], asker: Asker, offset: int = 0) -> Message:
    """A page of the asker's saved insights, newest first."""
    with sessions() as session:
        total = count_saved(session, asker.team_id, asker.user_id)
        items = list_saved(session, asker.team_id, asker.user_id, offset=offset, limit=blocks.PAGE_SIZE)
        emoji = get_workspace(session, asker.team_id).save_emojis[0]
    return blocks.saved_page(items, offset, total, emoji, asker.command)


def search(deps: Deps, asker: Asker, query: str) -> Message:
    """The same typo-tolerant search as `/insights <words>`, over the asker's saved insights only."""
    with deps.sessions() as session:
        plan = plan_search(query, deps.search_index.vocabulary(session))
        candidates = saved_candidates(session, asker.team_id, asker.user_id) if not plan.is_empty else []
    matches = rank(plan, candidates, SEARCH_RESULTS)
    return blocks.saved_results(plan.query or query, matches, search_notes(plan, matches))


def export(deps: Deps, client: WebClient, asker: Asker) -> Message:
    """Send the asker their saved insights as Markdown and CSV files in a DM."""
    with deps.sessions() as session:
        items = list_saved(session, asker.team_id, asker.user_id, limit=MAX_SAVED_SCANNED)
    if not items:
        return notice("You have no saved insights to export yet.")
    now = deps.clock()
    dm = client.conversations_open(users=asker.user_id)["channel"]["id"]
    stamp = f"{now:%Y-%m-%d}"
    client.files_upload_v2(
        channel=dm,
        initial_comment=f"Your {len(items)} saved podcast insight{'s' if len(items) != 1 else ''}, as of {stamp}.",
        file_uploads=[
            {"content": export_markdown(items, now), "filename": f"podbrief-saved-{stamp}.md",
             "title": "Saved insights (Markdown)"},
            {"content": export_csv(items), "filename": f"podbrief-saved-{stamp}.csv",
             "title": "Saved insights (CSV)"},
        ],
    )
    return notice(f"Sent you {len(items)} saved insight{'s' if len(items) != 1 else ''} as Markdown and CSV "
                  "files in a direct message.")


def unsave(deps: Deps, client: WebClient, team_id: str, user_id: str, insight_id: int) -> bool:
    """Unsave from a button (list or Home), then refresh the Home tab."""
    with deps.sessions.begin() as session:
        removed = unsave_insight(session, team_id, user_id, insight_id)
    publish_home(deps, client, team_id, user_id)
    return removed


def forget(deps: Deps, client: WebClient, team_id: str, user_id: str) -> Message:
    """Delete what is stored about the person (after they confirmed), then refresh their Home tab."""
    with deps.sessions.begin() as session:
        done = forget_person(session, team_id, user_id)
    publish_home(deps, client, team_id, user_id)
    return blocks.forgotten(done)


def save_settings(sessions: sessionmaker[Session], client: WebClient, asker: Asker, command: SetSaveEmojis | SetConfirmations) -> Message:
    """Show or change the save emojis and confirmations; changes are for admins only."""
    with sessions() as session:
        current = get_workspace(session, asker.team_id)
    if isinstance(command, SetSaveEmojis) and not command.emojis:
        return blocks.save_emojis_shown(current.save_emojis, current.save_confirmations)
    if not look_up_person(client, asker.user_id).is_admin:
        return notice(ADMINS_ONLY)
    with sessions.begin() as session:
        if isinstance(command, SetSaveEmojis):
            change = "save emojis: " + ", ".join(command.emojis)
            done = update_workspace(session, asker.team_id, by_user=asker.user_id, change=change,
                                    save_emojis=list(command.emojis))
        else:
            change = f"save confirmations {'on' if command.enabled else 'off'}"
            done = update_workspace(session, asker.team_id, by_user=asker.user_id, change=change,
                                    save_confirmations=command.enabled)
    return blocks.save_emojis_shown(done.save_emojis, done.save_confirmations)
