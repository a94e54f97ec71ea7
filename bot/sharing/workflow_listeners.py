"""`function_executed` for the "Top podcast insights" step: acked by Bolt at once, completed after."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App, BoltContext, Complete, Fail

from bot.deps import Deps
from bot.sharing.workflow_step import CALLBACK_ID, StepInputError, insights_text, read_inputs, top_insights

TROUBLE = "Podbrief could not look up insights just now. Please try the workflow again in a few minutes."


def register(app: App, deps: Deps) -> None:
    @app.function(CALLBACK_ID)
    def top_podcast_insights(inputs: dict[str, Any], complete: Complete, fail: Fail, context: BoltContext,
                             logger: logging.Logger) -> None:
        try:
            step = read_inputs(inputs)
        except StepInputError as problem:
            fail(error=str(problem))
            return
        try:
            found = top_insights(step, partial(deps.search, team_id=str(context.team_id or "")))
        except Exception:
            logger.exception("the Top podcast insights step failed")
            fail(error=TROUBLE)
            return
        complete(outputs={"insights": insights_text(step, found)})
