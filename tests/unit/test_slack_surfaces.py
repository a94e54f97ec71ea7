"""Pure parts of the Slack-native surfaces, and the stand-in's new methods: links, modal input, step input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digest.modal import ModalTarget, Submitted, read_submission, settings_view, target_of_view, zone_options
from bot.shared import outgoing
from bot.sharing.episode_links import apple_episode_id, episode_keys, url_variants
from bot.sharing.workflow_step import StepInputError, read_inputs
from insights.schedule import EVERY_DAY, WEEKDAYS, DigestSchedule
from insights.targets import PERSON, DigestTarget
from standin.slack_api import SlackStandIn

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "An insight"}}


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


# ----------------------------------------------------------------- links
def test_a_pasted_link_matches_its_usual_spellings_but_never_another_path() -> None:
    variants = url_variants("https://pod.example/ep/7/?utm_source=x#t=30")
    assert {"https://pod.example/ep/7", "http://pod.example/ep/7/", "https://pod.example/ep/7/?utm_source=x"} <= variants
    assert not any("/ep/70" in v or v.endswith("/ep") for v in variants)


def test_links_that_are_not_http_or_are_huge_match_nothing() -> None:
    assert url_variants("javascript:alert(1)") == set()
    assert url_variants("https://x.example/" + "a" * 3000) == set()


def test_only_an_apple_podcasts_link_with_a_numeric_episode_id_is_resolved_through_apple() -> None:
    assert apple_episode_id("https://podcasts.apple.com/us/podcast/show/id1?i=1000123") == "1000123"
    assert apple_episode_id("https://podcasts.apple.com/us/podcast/show/id1") is None
    assert apple_episode_id("https://evil.example/?i=1000123") is None
    assert apple_episode_id("https://podcasts.apple.com/x?i=12;drop") is None


def test_apples_lookup_answer_for_another_episode_or_garbage_adds_nothing() -> None:
    apple = "https://podcasts.apple.com/us/podcast/show/id1?i=1000123"
    other = b'{"results": [{"trackId": 999, "episodeUrl": "https://cdn.example/other.mp3"}]}'
    assert not any("other.mp3" in u for u in episode_keys(apple, lambda _u: other).urls)
    assert episode_keys(apple, lambda _u: b"<html>not json").guids == frozenset()


def test_a_plain_episode_link_is_looked_up_without_fetching_anything() -> None:
    def fetch(url: str) -> bytes | None:
        raise AssertionError(url)

    assert "https://pod.example/ep/7" in episode_keys("https://pod.example/ep/7", fetch).urls


# ----------------------------------------------------------------- settings modal
def _state(**fields: Any) -> dict[str, Any]:
    values = {
        "time": {"at": {"selected_time": fields.get("at", "07:45")}},
        "zone": {"zone": {"selected_option": {"value": fields.get("zone", "Asia/Tokyo")}}},
        "days": {"days": {"selected_option": {"value": fields.get("days", "daily")}}},
        "custom_days": {"custom_days": {"selected_options": [{"value": v} for v in fields.get("custom", ())]}},
        "topics": {"topics": {"value": fields.get("topics", "")}},
        "options": {"options": {"selected_options": [{"value": v} for v in fields.get("options", ())]}},
    }
    return {"state": {"values": values}}


def test_a_valid_submission_reads_every_field() -> None:
    assert read_submission(_state(topics="AI Policy; chips", options=("paused",))) == Submitted(
        at=time(7, 45), zone="Asia/Tokyo", days=EVERY_DAY, topics=("ai policy", "chips"),
        thread_mode=False, paused=True)


def test_custom_days_are_read_from_the_ticked_boxes_and_the_day_choice_wins_over_stray_ticks() -> None:
    chosen = read_submission(_state(days="custom", custom=("0", "2", "4")))
    assert isinstance(chosen, Submitted) and chosen.days == frozenset({0, 2, 4})
    weekdays = read_submission(_state(days="weekdays", custom=("6",)))
    assert isinstance(weekdays, Submitted) and weekdays.days == WEEKDAYS


@pytest.mark.parametrize("ticked", [(), ("7",), ("mon",), ("0", "-1")])
def test_custom_days_need_at_least_one_real_day_ticked(ticked: tuple[str, ...]) -> None:
    errors = read_submission(_state(days="custom", custom=ticked))
    assert isinstance(errors, dict) and set(errors) == {"custom_days"} and "at least one day" in errors["custom_days"]


def test_the_modal_opens_on_custom_days_with_the_chosen_days_ticked() -> None:
    current = DigestTarget(team_id="T0", channel_id="C0GENERAL", kind="channel", topics=(),
                           schedule=DigestSchedule(time(9, 0), "Europe/Berlin", frozenset({0, 2, 4})))
    blocks = {b["block_id"]: b for b in settings_view(ModalTarget("channel", "C0GENERAL"), current, "UTC")["blocks"]
              if "block_id" in b}
    assert blocks["days"]["element"]["initial_option"]["value"] == "custom"
    assert [o["value"] for o in blocks["custom_days"]["element"]["initial_options"]] == ["0", "2", "4"]


def test_a_submission_missing_its_time_and_days_gets_an_error_for_each() -> None:
    errors = read_submission(_state(at="", days="fortnightly"))
    assert isinstance(errors, dict) and set(errors) == {"time", "days"}


def test_field_errors_are_plain_text_without_code_marks() -> None:
    errors = read_submission(_state(topics="x" * 61))
    assert isinstance(errors, dict) and "`" not in errors["topics"] and "too long" in errors["topics"]


def test_the_zone_type_ahead_puts_the_meant_zone_first_and_stays_within_slacks_100_options() -> None:
    assert zone_options("berlin")[0]["value"] == "Europe/Berlin"
    assert len(zone_options("a")) == 100
    assert zone_options("   ") == [] and zone_options("zzzzqq") == []


def test_a_personal_brief_modal_always_changes_the_submitters_own_brief() -> None:
    view = {"private_metadata": ModalTarget(PERSON, "U0ALICE").metadata()}
    assert target_of_view(view, "U0BOB") == ModalTarget(PERSON, "U0BOB", None)


def test_a_modal_naming_a_dm_or_a_malformed_channel_is_refused() -> None:
    for channel in ("D0ALICE", "C0<script>", ""):
        assert target_of_view({"private_metadata": f'{{"k": "channel", "c": "{channel}"}}'}, "U0ALICE") is None
    assert target_of_view({"private_metadata": "not json"}, "U0ALICE") is None


def test_the_settings_view_is_accepted_by_the_stand_in(client: WebClient, slack: SlackStandIn) -> None:
    view = settings_view(ModalTarget("channel", "C0GENERAL"), None, "Europe/Paris")
    assert client.views_open(trigger_id="1.2.3", view=view)["ok"]


# ----------------------------------------------------------------- workflow step
@pytest.mark.parametrize("count", [1, "7", 10, None, ""])
def test_the_step_accepts_counts_from_one_to_ten_or_none(count: Any) -> None:
    assert 1 <= read_inputs({"topics": "chips", "count": count}).count <= 10


@pytest.mark.parametrize("count", [0, 11, -3, True, 2.5, "1e1", "٣"])
def test_the_step_refuses_other_counts(count: Any) -> None:
    with pytest.raises(StepInputError, match="whole number from 1 to 10"):
        read_inputs({"topics": "chips", "count": count})


# ----------------------------------------------------------------- stand-in
def test_the_stand_in_refuses_an_unfurl_over_slacks_block_limits(client: WebClient) -> None:
    too_long = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    with pytest.raises(SlackApiError) as refused:
        client.chat_unfurl(channel="C1", ts="1.2", unfurls={"https://a.example": {"blocks": [too_long]}})
    assert refused.value.response["error"] == "invalid_blocks"
    fitted = outgoing.unfurl([too_long])
    assert client.chat_unfurl(channel="C1", ts="1.2", unfurls={"https://a.example": fitted})["ok"]


def test_the_stand_in_refuses_a_modal_title_over_24_characters_and_outgoing_shortens_it(client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "A title far too long for Slack"}, "blocks": [SECTION]}
    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id="1.2.3", view=view)
    assert refused.value.response["error"] == "invalid_arguments"
    fitted = outgoing.modal([SECTION], title="A title far too long for Slack", callback_id="x")
    assert client.views_open(trigger_id="1.2.3", view=fitted)["ok"]
    assert client.views_update(view_id="V1", view=fitted)["view"]["id"] == "V1"


def test_the_stand_in_records_function_completions_and_refuses_a_failure_without_a_reason(
    client: WebClient, slack: SlackStandIn
) -> None:
    assert client.functions_completeSuccess(function_execution_id="Fx1", outputs={"insights": "…"})["ok"]
    with pytest.raises(SlackApiError):
        client.functions_completeError(function_execution_id="Fx2", error="")
    assert [c.params.get("outputs") for c in slack.calls("functions.completeSuccess")] == [{"insights": "…"}]
