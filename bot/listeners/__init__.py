"""Bolt listeners, registered per module with `register(app, deps)`."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import actions, commands, events, settings


def register_all(app: App, deps: Deps) -> None:
    """Attach every listener to the app (settings before commands: its matcher picks settings commands)."""
    for module in (settings, commands, actions, events):
        module.register(app, deps)
