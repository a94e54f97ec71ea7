"""Friendly replies for things that go wrong while answering someone."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from slack_bolt import Respond
from sqlalchemy.exc import SQLAlchemyError

from bot.shared import blocks

DATABASE_TROUBLE = "Podbrief can't reach its database right now. Please try again in a minute."
UNEXPECTED_TROUBLE = "Sorry, something went wrong on my side. It has been logged; please try again."


@contextmanager
def friendly_failures(respond: Respond, logger: logging.Logger, what: str) -> Iterator[None]:
    """Turn an unexpected failure into an ephemeral apology instead of silence."""
    try:
        yield
    except SQLAlchemyError:
        logger.exception("database error while handling %s", what)
        _apologise(respond, logger, DATABASE_TROUBLE)
    except Exception:
        logger.exception("unexpected error while handling %s", what)
        _apologise(respond, logger, UNEXPECTED_TROUBLE)


def _apologise(respond: Respond, logger: logging.Logger, text: str) -> None:
    try:
        respond(response_type="ephemeral", replace_original=False, **blocks.notice(text).as_kwargs())
    except Exception:
        logger.exception("could not tell the user about the failure either")
