"""Whatever someone types after /insights: the grammar decides, the answer renders valid blocks."""

from __future__ import annotations

from hypothesis import given

from bot.digest.grammar import SETTINGS_COMMANDS, SettingsUsageError, parse_settings
from bot.lookup.answers import answer_lookup
from bot.lookup.grammar import LookupCommand
from bot.router.grammar import Command, parse_command
from insights.search import plan_search
from insights.vocabulary import Vocabulary
from storage.search_index import SearchResult
from tests.property.strategies import BOUNDED, command_text
from tests.slack_checks import assert_valid_message

VOCABULARY = Vocabulary([("export", 5), ("controls", 3), ("topics", 2), ("digest", 1), ("rates", 4)], 10)


def search_nothing(query: str, limit: int) -> SearchResult:
    """A search that plans the query as the real one does and finds nothing."""
    return SearchResult(plan_search(query, VOCABULARY), ())


@BOUNDED
@given(command_text())
def test_any_text_parses_to_a_command(text: str) -> None:
    command = parse_command(text)
    assert isinstance(command, Command.__args__)
    assert parse_command(text) == command  # deterministic


@BOUNDED
@given(command_text())
def test_settings_grammar_returns_a_command_a_friendly_error_or_none(text: str) -> None:
    result = parse_settings(text)
    assert result is None or isinstance(result, SETTINGS_COMMANDS)
    if isinstance(result, SettingsUsageError):
        assert result.message.strip() and result.usage


@BOUNDED
@given(command_text())
def test_every_lookup_answer_is_a_valid_slack_message(text: str) -> None:
    parsed = parse_command(text)
    if not isinstance(parsed, LookupCommand):  # answered by its own feature (tests/scenario)
        return
    message = answer_lookup(parsed, search_nothing).as_kwargs()
    assert_valid_message(message)
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message["blocks"] if b["type"] == "section")
