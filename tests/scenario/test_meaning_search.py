"""The app with the meaning extra: the worker's scheduler embeds imported insights in the background,
and the same search then finds them by meaning; with MATCH_BY_MEANING off nothing of it runs."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler

from bot.bootstrap import build_deps
from bot.config import Settings
from bot.runtime.scheduler import EMBED_JOB_ID, build_jobs, embed_tick
from ingest.importer import import_file
from tests.meaning_model import real_encoder

SAMPLE = Path(__file__).resolve().parents[2] / "standin" / "data" / "sample_insights.jsonl"
QUERY = "pay the people who maintain the libraries you rely on"
ANSWER = "Companies that depend on a small open source library"


def test_imported_insights_are_searchable_at_once_and_by_meaning_once_the_worker_embedded_them(
    database_url: str, tmp_path: Path,
) -> None:
    real_encoder()  # skips without the extra
    deps = build_deps(Settings(database_url=database_url, data_dir=tmp_path, match_by_meaning=True))
    import_file(SAMPLE, deps.sessions)
    assert deps.search("open source library", 5).matches, "lexically searchable right after the import"
    assert not any(m.insight.text.startswith(ANSWER) for m in deps.search(QUERY, 5).matches)
    scheduler = build_jobs(deps, 0, BackgroundScheduler(timezone=UTC))
    assert scheduler.get_job(EMBED_JOB_ID) is not None
    assert embed_tick(deps) == 80
    assert embed_tick(deps) == 0, "each insight is embedded once"
    assert deps.search_index.dense is not None
    with deps.sessions() as session:
        deps.search_index.dense.refresh(session, force=True)
    assert deps.search(QUERY, 5).matches[0].insight.text.startswith(ANSWER)
    deps.engine.dispose()


def test_with_match_by_meaning_off_search_stays_lexical_and_no_embedding_job_runs(
    database_url: str, tmp_path: Path,
) -> None:
    deps = build_deps(Settings(database_url=database_url, data_dir=tmp_path, match_by_meaning=False))
    assert deps.search_index.dense is None
    assert build_jobs(deps, 0, BackgroundScheduler(timezone=UTC)).get_job(EMBED_JOB_ID) is None
    deps.engine.dispose()
