"""The `podbrief` command line, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import main

SAMPLE = Path(__file__).resolve().parents[2] / "standin" / "data" / "sample_insights.jsonl"
SLACK_VARS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL")


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout

    def invoke(*args: str, **env: str) -> Result:
        environ: dict[str, str | None] = dict.fromkeys(SLACK_VARS)
        environ.update({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", **env})
        return CliRunner().invoke(main, list(args), env=environ, catch_exceptions=False)

    return invoke


def test_import_then_search_as_json(cli) -> None:  # type: ignore[no-untyped-def]
    imported = cli("import", str(SAMPLE))
    assert imported.exit_code == 0, imported.output
    assert "80 insights added" in imported.output
    found = cli("search", "expor contrls", "--limit", "3", "--json")
    results = json.loads(found.stdout)
    assert len(results) == 3
    assert {"id", "text", "podcast", "episode", "url", "published_at", "score"} <= set(results[0])
    assert "export controls" in results[0]["text"].lower()
    assert results[0]["score"] >= results[-1]["score"]


def test_importing_the_same_file_again_adds_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    cli("import", str(SAMPLE))
    again = cli("import", str(SAMPLE))
    assert "0 insights added, 80 already there" in again.output


def test_bad_rows_are_reported_with_file_and_line_and_good_rows_kept(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "mixed.jsonl"
    source.write_text(
        '{"text": "Grid batteries now set evening power prices in sunny regions."}\n'
        '{"podcast": "No Text Here"}\n'
        "not json at all\n"
        '{"text": "Heat pumps cut winter bills most in homes that were insulated first."}\n',
        encoding="utf-8",
    )
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert "2 insights added" in result.output
    assert f"{source}:2:" in result.output and f"{source}:3:" in result.output
    assert json.loads(cli("search", "heat pumps", "--json").stdout)[0]["text"].startswith("Heat pumps")


def test_an_unterminated_csv_quote_is_reported_with_file_and_line_and_merges_no_rows(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "broken.csv"
    source.write_text(
        "text,podcast\n"
        '"Grid batteries now set evening power prices in sunny regions.,Energy Pod\n'
        "Heat pumps cut winter bills most in homes that were insulated first.,Home Pod\n"
        'Solar panels on warehouses pay back within six years.,"Roof Pod"\n',
        encoding="utf-8",
    )
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert "2 insights added" in result.output and "1 skipped" in result.output
    assert f"{source}:2: a quote" in result.output
    found = json.loads(cli("search", "heat pumps insulated", "--json").stdout)
    assert found[0]["text"] == "Heat pumps cut winter bills most in homes that were insulated first."
    assert found[0]["podcast"] == "Home Pod"


def test_a_missing_file_is_a_clear_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("import", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 1
    assert "nope.jsonl" in result.output
    assert "Traceback" not in result.output


def test_a_file_name_the_system_cannot_open_is_a_clear_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("import", str(tmp_path / ("x" * 5000 + ".jsonl")))
    assert result.exit_code == 1
    assert "File name too long" in result.output or "cannot be read" in result.output
    assert "Traceback" not in result.output


def test_searching_an_empty_database_says_nothing_was_found(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "anything")
    assert result.exit_code == 0
    assert "No insights found" in result.output


def test_run_without_a_bot_token_names_the_variable(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("run")
    assert result.exit_code == 2
    assert "SLACK_BOT_TOKEN is not set" in result.output


def test_run_with_an_unreachable_database_says_so(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "run",
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef",
        DATABASE_URL="postgresql+psycopg://nobody:secret@127.0.0.1:1/podbrief",
    )
    assert result.exit_code == 2
    assert "Cannot open the database at postgresql+psycopg://nobody:***@127.0.0.1:1/podbrief" in result.output
    assert "secret" not in result.output
