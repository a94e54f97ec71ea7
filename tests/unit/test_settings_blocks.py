"""Settings replies: valid Block Kit, escaped user text, local times, the real command name."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.digest import settings_blocks as sb
from bot.digest.grammar import SettingsUsageError
from bot.shared.blocks import Message
from bot.shared.slack_facts import ChannelAccess
from insights.schedule import DigestSchedule
from insights.targets import PERSON, DigestTarget, WorkspaceSettings
from insights.topic_edits import TopicsAdded, TopicsRemoved, UnknownTopic
from tests.slack_checks import assert_valid_message

NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
TARGET = DigestTarget("T1", "C1", topics=("ai <policy> & co",), schedule=DigestSchedule(time(8, 30), "Europe/Berlin"),
                      created_by="U1", updated_by="U2")


def _all_text(message: Message) -> str:
    kwargs = message.as_kwargs()
    assert_valid_message(kwargs)
    return str(kwargs)


def test_every_settings_reply_is_valid_block_kit() -> None:
    view = sb.DigestView(False, TARGET, NOW, datetime(2026, 11, 24, 8, 30, tzinfo=BERLIN), True,
                         (("U2", "added topics: <x>", NOW), (None, "paused by Podbrief", NOW)))
    messages = [
        sb.settings_error(SettingsUsageError("bad `x`", ("topics",))),
        sb.topics_shown(()), sb.topics_shown(("a", "b"), personal=True),
        sb.topics_added(TopicsAdded(("a",), ("a",), ("b",), ("c",)), False),
        sb.topics_removed(TopicsRemoved((), ("a",), (UnknownTopic("z", ("y",)),)), True),
        sb.topics_cleared((), False), sb.topics_cleared(("a",), False),
        sb.digest_overview(view), sb.digest_overview(sb.DigestView(True, None, NOW)),
        sb.digest_time_set(TARGET, datetime(2026, 11, 24, 8, 30, tzinfo=BERLIN), NOW, "utc", ChannelAccess(False, "is_archived")),
        sb.digest_changed("Done.", TARGET, None, NOW), sb.not_set_up(True), sb.use_personal_brief(),
        sb.not_allowed("U1"), sb.not_allowed(None), sb.admins_only(),
        sb.workspace_settings(WorkspaceSettings("T1", restrict_settings=True)), sb.restriction_set(False),
    ]
    for message in messages:
        _all_text(message)


def test_topics_and_reasons_are_escaped_for_mrkdwn() -> None:
    paused = DigestTarget("T1", "C1", topics=("<b>",), schedule=TARGET.schedule, paused=True, paused_reason="a<b")
    text = _all_text(sb.digest_overview(sb.DigestView(False, paused, NOW)))
    assert "&lt;b&gt;" in text and "a&lt;b" in text and "<b>" not in text


def test_the_next_delivery_is_written_on_the_targets_wall_clock() -> None:
    assert sb.when(datetime(2026, 11, 25, 8, 30, tzinfo=BERLIN), NOW) == "*Wed, Nov 25 at 08:30 CET* (tomorrow, in 25 h 30 min)"
    assert sb.when(datetime(2026, 11, 24, 8, 30, tzinfo=BERLIN), NOW) == "*Tue, Nov 24 at 08:30 CET* (today, in 1 h 30 min)"
    summer = datetime(2027, 7, 1, 8, 0, tzinfo=BERLIN)
    assert "08:00 CEST" in sb.when(summer, NOW)
    assert sb.when(NOW, NOW) == "any minute now (today's digest is due)"
    assert sb.when(datetime(2026, 11, 24, 7, 0, 30, tzinfo=BERLIN), NOW).endswith("(today, in 1 min)")


def test_a_renamed_slash_command_appears_in_every_example() -> None:
    text = _all_text(sb.not_set_up(False, command="/podbrief"))
    assert "`/podbrief digest at 9:00`" in text and "/insights" not in text


def test_the_invite_warning_names_the_reason() -> None:
    text = _all_text(sb.digest_time_set(TARGET, NOW, NOW, "typed", ChannelAccess(False, "not_in_channel")))
    assert "/invite @Podbrief" in text
    assert "/invite" not in _all_text(sb.digest_time_set(TARGET, NOW, NOW, "typed", ChannelAccess(True)))


def test_a_personal_brief_speaks_to_its_owner() -> None:
    brief = DigestTarget("T1", "U1", kind=PERSON, schedule=TARGET.schedule)
    assert "your brief arrives" in _all_text(sb.digest_time_set(brief, NOW, NOW, "yours", None))
