"""The language model's limits come from the environment: context size, concurrency, timeouts."""

from __future__ import annotations

import pytest

from bot.bootstrap import build_extractor, build_story_check
from bot.config import ConfigError, load_settings
from ingest.llm.chunks import CHUNK_CHARS, chunk_chars_for
from ingest.llm_extractor import LlmExtractor

LLM = {"LLM_BASE_URL": "http://127.0.0.1:9/v1", "LLM_MODEL": "qwen2.5:7b-instruct"}


def _built(**environ: str) -> LlmExtractor:
    extractor = build_extractor(load_settings({**LLM, **environ}))
    assert isinstance(extractor, LlmExtractor)
    return extractor


def test_the_defaults_suit_a_local_model_with_an_8k_context() -> None:
    extractor = _built()
    assert (extractor.chunk_chars, extractor.concurrency, extractor.timeout, extractor.episode_deadline) == (
        CHUNK_CHARS, 2, 120.0, 900.0
    )


def test_a_smaller_context_gets_smaller_chunks_and_a_larger_one_no_larger_than_the_default() -> None:
    small = _built(LLM_CONTEXT_TOKENS="4096").chunk_chars
    assert 6_000 < small < CHUNK_CHARS and small == chunk_chars_for(4096)
    assert _built(LLM_CONTEXT_TOKENS="128000").chunk_chars == CHUNK_CHARS


def test_concurrency_and_time_limits_are_taken_from_the_environment() -> None:
    extractor = _built(LLM_CONCURRENCY="1", LLM_TIMEOUT_SECONDS="300", LLM_EPISODE_MINUTES="45")
    assert (extractor.concurrency, extractor.timeout, extractor.episode_deadline) == (1, 300.0, 2700.0)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"LLM_CONTEXT_TOKENS": "2048"}, "LLM_CONTEXT_TOKENS must be a number of tokens from 3072"),
        ({"LLM_CONTEXT_TOKENS": "8k"}, "LLM_CONTEXT_TOKENS must be a number of tokens from 3072"),
        ({"LLM_CONCURRENCY": "0"}, "LLM_CONCURRENCY must be a number of requests from 1 to 16"),
        ({"LLM_TIMEOUT_SECONDS": "-5"}, "LLM_TIMEOUT_SECONDS must be a number of seconds from 5 to 3600"),
        ({"LLM_EPISODE_MINUTES": "soon"}, "LLM_EPISODE_MINUTES must be a number of minutes from 1 to 1440"),
    ],
)
def test_a_malformed_limit_is_refused_with_its_range(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({**LLM, **environ})


def test_a_configured_model_also_reads_candidate_stories_and_without_one_the_rule_decides_alone() -> None:
    check = build_story_check(load_settings(LLM))
    assert check is not None and check.model == "qwen2.5:7b-instruct"
    assert check.url == "http://127.0.0.1:9/v1/chat/completions"
    assert build_story_check(load_settings({})) is None
