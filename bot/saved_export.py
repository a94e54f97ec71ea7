"""A person's saved insights as files: Markdown to read, CSV for spreadsheets. Pure functions."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from storage.saved_store import Saved

CSV_COLUMNS = ("saved_at", "insight", "podcast", "episode", "published", "episode_url", "moment_url",
               "start_seconds", "topics", "insight_id")


def export_markdown(items: Sequence[Saved], now: datetime) -> str:
    """Every saved insight as a quote with its full attribution and links, newest first."""
    lines = ["# Saved podcast insights", "", f"{len(items)} insight{'s' if len(items) != 1 else ''}, "
             f"exported from Podbrief on {now:%Y-%m-%d %H:%M} UTC.", ""]
    for saved in items:
        insight = saved.insight
        lines += [f"> {_one_line(insight.text)}", ""]
        source = [f"**{_md(insight.podcast)}**" if insight.podcast else "Unknown podcast"]
        if insight.episode:
            source.append(f"[{_md(insight.episode)}]({insight.url})" if insight.url else _md(insight.episode))
        elif insight.url:
            source.append(f"[episode page]({insight.url})")
        if insight.published_at:
            source.append(f"{insight.published_at:%Y-%m-%d}")
        lines.append("— " + " · ".join(source))
        if insight.moment_url and insight.start_seconds is not None:
            lines.append(f"- Listen at {_clock(insight.start_seconds)}: {insight.moment_url}")
        if insight.topics:
            lines.append(f"- Topics: {', '.join(insight.topics)}")
        lines += [f"- Saved {saved.saved_at:%Y-%m-%d}", ""]
    return "\n".join(lines)


def export_csv(items: Sequence[Saved]) -> str:
    """One row per saved insight; RFC 4180 quoting, so commas and quotes in text survive."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for saved in items:
        i = saved.insight
        writer.writerow([
            saved.saved_at.isoformat(timespec="seconds"), _safe_cell(i.text), _safe_cell(i.podcast or ""),
            _safe_cell(i.episode or ""), i.published_at.date().isoformat() if i.published_at else "", i.url or "",
            i.moment_url or "", "" if i.start_seconds is None else int(i.start_seconds), _safe_cell("; ".join(i.topics)),
            i.id,
        ])
    return out.getvalue()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _md(text: str) -> str:
    """Text that cannot open a link or emphasis by accident."""
    return "".join("\\" + c if c in "[]*_`" else c for c in _one_line(text))


def _safe_cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; quote them (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _clock(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
