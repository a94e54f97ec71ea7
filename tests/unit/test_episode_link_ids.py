"""An Apple Podcasts episode id in a pasted link is read strictly, like every id Podbrief reads (issue #10)."""

from __future__ import annotations

import pytest

from bot.sharing.episode_links import apple_episode_id, episode_keys


@pytest.mark.parametrize("junk", ["²", "1000123²", "١٢٣", "１２３", "1" * 21])
def test_an_episode_id_of_unicode_digits_or_absurd_length_is_not_sent_to_apples_lookup(junk: str) -> None:
    asked: list[str] = []
    link = f"https://podcasts.apple.com/us/podcast/show/id1?i={junk}"
    assert apple_episode_id(link) is None
    def fetch(url: str) -> None:
        asked.append(url)

    episode_keys(link, fetch)
    assert asked == []
