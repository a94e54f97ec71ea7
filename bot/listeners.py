"""Every Bolt listener, registered per feature with `register(app, deps)`."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.digest import modal_listeners
from bot.feeds import listeners as feeds_listeners
from bot.home import listeners as home_listeners
from bot.lookup import result_actions
from bot.router import listener as insights_command
from bot.saving import listeners as saving_listeners
from bot.saving import reaction_listeners
from bot.sharing import shortcut_listeners, unfurl_listeners, workflow_listeners
from bot.workspaces import listeners as workspace_listeners


def register_all(app: App, deps: Deps) -> None:
    """Attach every listener to the app: `/insights` (one listener for every subcommand), buttons, events.

    Events first: Bolt tries listeners in order, and reactions are the busiest requests.
    """
    for module in (reaction_listeners, home_listeners, workspace_listeners, unfurl_listeners, workflow_listeners,
                   modal_listeners, shortcut_listeners, insights_command, feeds_listeners, saving_listeners,
                   result_actions):
        module.register(app, deps)
