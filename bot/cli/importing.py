"""`podbrief import`: the import service with a progress bar and a readable report."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.terminal import echo, printable
from ingest.importer import ImportProgress, ImportReport, import_file
from storage.db import refresh_statistics

#: Files smaller than this import in a blink; no bar for them.
PROGRESS_BAR_BYTES = 1_000_000
ERRORS_SHOWN = 20
log = logging.getLogger(__name__)


def import_all(paths: Sequence[Path], engine: Engine, sessions: sessionmaker[Session]) -> list[ImportReport]:
    """Import each file in turn; after one the database could not finish, the rest are not started.

    Only the database is needed: a running bot reads new rows from the full-text index as they land.
    """
    reports: list[ImportReport] = []
    for index, path in enumerate(paths):
        reports.append(import_with_progress(path, engine, sessions))
        if reports[-1].stopped is not None:
            for skipped in paths[index + 1:]:
                echo(f"{skipped}: not imported (the import stopped at the file before)", fg="red", err=True)
            break
    return reports


def import_with_progress(path: Path, engine: Engine, sessions: sessionmaker[Session]) -> ImportReport:
    """Import one file, drawing a progress bar on long imports, then print what happened."""
    size = _size(path)
    if size >= PROGRESS_BAR_BYTES:
        with click.progressbar(length=size, label=f"Importing {printable(path.name)}", file=sys.stderr) as bar:
            shown = 0

            def advance(progress: ImportProgress) -> None:
                nonlocal shown
                bar.update(progress.bytes_read - shown)
                shown = progress.bytes_read

            report = import_file(path, sessions, progress=advance)
    else:
        report = import_file(path, sessions)
    if report.added:
        try:
            refresh_statistics(engine)
        except OperationalError as error:  # only the planner's statistics: the rows are stored
            log.warning("could not refresh the planner statistics after the import: %s", type(error.orig).__name__)
    print_report(report)
    return report


def _size(path: Path) -> int:
    """The file's size for the progress bar; 0 when it is not a readable file (the import says why)."""
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:  # e.g. a name too long for the system
        return 0


def print_report(report: ImportReport) -> None:
    """One summary line, then each bad row as `file:line: message`."""
    summary = (
        f"{report.path}: {'stopped early: ' if report.stopped else ''}{report.read} rows read, {report.added} insights added, "
        f"{report.duplicates} already there, {report.invalid} skipped"
    )
    echo(summary, fg="green" if report.ok else "yellow")
    for error in report.errors[:ERRORS_SHOWN]:
        where = f"{error.path}:{error.line}" if error.line is not None else error.path
        echo(f"  {where}: {error.message}", fg="red", err=True)
    hidden = report.invalid - min(len(report.errors), ERRORS_SHOWN)
    if hidden > 0:
        echo(f"  … and {hidden} more rows skipped", fg="red", err=True)
    if report.stopped is not None:
        echo(f"  {report.stopped}", fg="red", err=True)
