"""A person's saved insights as files: Markdown to read, CSV for spreadsheets. Pure functions."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from storage.saved_store import Saved

CSV_COLUMNS = ("saved_at", "insight", "podcast", "episode", "published", "episode_url", "moment_url",
               "start_seconds", "topics", "insight_id")
#: ASCII punctuation that can start Markdown syntax inline (links, images, emphasis, code, HTML, entities, tables).
_MD_SPECIAL = frozenset("\\`*_{}[]()<>!&~|#")
#: Characters that would end or split a link target or autolink; encoded, the address is the same.
_URL_SPECIAL = frozenset(" \"'()<>[]\\`*_{}|^~")
_BLOCK_START = re.compile(r"^(\d*)([-+=.])")
_FORMULA_START = re.compile(r"(?:^|(?<=[,;\t\r\n\"]))(?= *[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20])")


def export_markdown(items: Sequence[Saved], now: datetime) -> str:
    """Every saved insight as a quote with its full attribution and links, newest first.

    Third-party text is escaped and URLs are encoded, so nothing in an insight can add a link,
    an image or HTML of its own; only http(s) addresses become links.
    """
    lines = ["# Saved podcast insights", "", f"{len(items)} insight{'s' if len(items) != 1 else ''}, "
             f"exported from Podbrief on {now:%Y-%m-%d %H:%M} UTC.", ""]
    for saved in items:
        insight = saved.insight
        lines += [f"> {_md(insight.text)}", ""]
        url = _md_url(insight.url)
        source = [f"**{_md(insight.podcast)}**" if insight.podcast else "Unknown podcast"]
        if insight.episode:
            source.append(f"[{_md(insight.episode)}]({url})" if url else _md(insight.episode))
        elif url:
            source.append(f"[episode page]({url})")
        if insight.published_at:
            source.append(f"{insight.published_at:%Y-%m-%d}")
        lines.append("— " + " · ".join(source))
        moment_url = _md_url(insight.moment_url)
        if moment_url and insight.start_seconds is not None:
            lines.append(f"- Listen at {_clock(insight.start_seconds)}: {moment_url}")
        if insight.topics:
            lines.append(f"- Topics: {', '.join(_md(topic) for topic in insight.topics)}")
        lines += [f"- Saved {saved.saved_at:%Y-%m-%d}", ""]
    return "\n".join(lines)


def export_csv(items: Sequence[Saved]) -> str:
    """One row per saved insight; every cell quoted (RFC 4180) and no cell can start a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for saved in items:
        i = saved.insight
        writer.writerow([_safe_cell(cell) for cell in (
            saved.saved_at.isoformat(timespec="seconds"), i.text, i.podcast or "", i.episode or "",
            i.published_at.date().isoformat() if i.published_at else "", i.url or "", i.moment_url or "",
            "" if i.start_seconds is None else str(int(i.start_seconds)), "; ".join(i.topics), str(i.id),
        )])
    return out.getvalue()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _md(text: str) -> str:
    """Text that reads as written and cannot open a link, an image, emphasis, code or HTML."""
    escaped = "".join("\\" + c if c in _MD_SPECIAL else c for c in _one_line(text))
    return _BLOCK_START.sub(r"\1\\\2", escaped)  # "- x", "+ x", "1. x" would start a list where a line starts


def _md_url(url: str | None) -> str | None:
    """An http(s) address that stays one whole link target or autolink in Markdown, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return "".join(_percent(c) if c in _URL_SPECIAL or not c.isprintable() or c.isspace() else c for c in url)


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def _safe_cell(text: str) -> str:
    """A cell no spreadsheet reads as a formula (CSV injection).

    Spreadsheets run a cell starting with = + - @ (or a tab or line break before one) as a
    formula. A file opened with another separator (`;` in many locales, or tabs) splits cells
    at that separator too, so a `'` goes before a formula character wherever a cell could start:
    at the beginning and after any separator or quote, spaces allowed in between.
    """
    return _FORMULA_START.sub("'", text)


def _clock(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
