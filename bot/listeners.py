"""Bolt listeners, registered per module with `register(app, deps)`."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import (
    actions,
    commands,
    events,
    feeds,
    saved,
    settings,
    settings_modal,
    shortcuts,
    unfurls,
    workflow_step,
)


def register_all(app: App, deps: Deps) -> None:
    """Attach every listener to the app (settings before commands: its matcher picks settings commands).

    Events first: Bolt tries listeners in order, and reactions are the busiest requests.
    """
    # feeds and saved, too, before commands
    for module in (events, unfurls, workflow_step, settings, settings_modal, shortcuts, feeds, saved, commands, actions):
        module.register(app, deps)
