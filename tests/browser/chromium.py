"""Headless Chromium from the command line, and what the tests read from it (no extra dependencies).

`--dump-dom` prints the document after the browser parsed it; `--screenshot` paints it. Each run
gets its own fresh profile (so no cookie carries over from one page load to the next) and is
killed, with every process it started, if it does not finish in time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import struct
import subprocess
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

#: Names the browser goes by; Debian's package installs /usr/bin/chromium.
BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 60
_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # the tests (and CI) may run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",  # nothing but the page under test: no update or safe-browsing calls
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


class BrowserError(RuntimeError):
    """Chromium failed or timed out; the message has the end of what it printed."""


def find_chromium() -> str | None:
    for name in BINARIES:
        path = shutil.which(name)
        if path is not None:
            return path
    return None


@dataclass(frozen=True)
class Chromium:
    binary: str
    profiles: Path  # each run makes a fresh profile folder here

    def dump_dom(self, url: str) -> str:
        """The page's DOM, serialised, once it has loaded."""
        return self._run(["--dump-dom", url])

    def screenshot(self, url: str, target: Path, width: int = 1024, height: int = 768) -> Path:
        self._run([f"--window-size={width},{height}", f"--screenshot={target}", url])
        if not target.is_file():
            raise BrowserError(f"Chromium wrote no screenshot to {target}")
        return target

    def _run(self, arguments: list[str]) -> str:
        profile = self._new_profile()
        command = [self.binary, *_FLAGS, f"--user-data-dir={profile}", *arguments]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True, env={**os.environ, "HOME": str(profile)})
        try:
            out, err = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            _kill_group(process)  # the browser and its helpers; the leader is not reaped yet, so the id is ours
            out, err = process.communicate()
            raise BrowserError(f"Chromium did not finish within {TIMEOUT_SECONDS}s: {' '.join(command)}\n"
                               f"{err[-2000:]}") from None
        if process.returncode != 0:
            raise BrowserError(f"Chromium exited with {process.returncode}: {' '.join(command)}\n{err[-2000:]}")
        return out

    def _new_profile(self) -> Path:
        self.profiles.mkdir(parents=True, exist_ok=True)
        number = sum(1 for _ in self.profiles.iterdir())
        profile = self.profiles / f"profile-{number}"
        profile.mkdir()
        return profile


def _kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


# --- the DOM Chromium printed -------------------------------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str) -> list[Element]:
        return [e for e in self.iter() if e.tag == tag]

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.iter() if e.attrs.get("id") == element_id), None)

    @property
    def text(self) -> str:
        """The text inside, whitespace collapsed as a browser shows it."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else f" {child.text} ")
        return " ".join("".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def parse_dom(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --- the screenshot ------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    colours: Counter[tuple[int, int, int]]  # how many pixels have each colour

    def has_colour_near(self, rgb: tuple[int, int, int], tolerance: int = 12, at_least: int = 4) -> bool:
        return sum(n for colour, n in self.colours.items()
                   if all(abs(a - b) <= tolerance for a, b in zip(colour, rgb, strict=True))) >= at_least


def read_png(path: Path) -> Picture:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes) and count its colours."""
    data = path.read_bytes()
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError(f"{path} is not a PNG")
    position, compressed, header = len(_PNG_SIGNATURE), bytearray(), None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[position + 8 + length:position + 12 + length])[0]:
            raise ValueError(f"{path}: bad checksum in its {kind!r} chunk")
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError(f"{path} has no IHDR chunk")
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {colour_type}, interlace {interlace})")
    pixel = 3 if colour_type == 2 else 4
    stride = width * pixel
    raw = zlib.decompress(bytes(compressed))
    if len(raw) != height * (stride + 1):
        raise ValueError(f"{path}: {len(raw)} bytes of pixels, expected {height * (stride + 1)}")
    colours: Counter[bytes] = Counter()  # RGB bytes -> pixels
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], bytearray(raw[start + 1:start + 1 + stride]), previous, pixel)
        colours.update(Counter(bytes(row[x:x + 3]) for x in range(0, stride, pixel)))
        previous = row
    return Picture(width, height, Counter({(c[0], c[1], c[2]): n for c, n in colours.items()}))


def _unfilter(kind: int, row: bytearray, previous: bytearray, pixel: int) -> bytearray:
    if kind == 0:
        return row
    if kind == 1:  # Sub
        for i in range(pixel, len(row)):
            row[i] = (row[i] + row[i - pixel]) & 0xFF
    elif kind == 2:  # Up
        row = bytearray((a + b) & 0xFF for a, b in zip(row, previous, strict=True))
    elif kind == 3:  # Average
        for i in range(len(row)):
            left = row[i - pixel] if i >= pixel else 0
            row[i] = (row[i] + (left + previous[i]) // 2) & 0xFF
    elif kind == 4:  # Paeth
        for i in range(len(row)):
            a = row[i - pixel] if i >= pixel else 0
            b = previous[i]
            c = previous[i - pixel] if i >= pixel else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    else:
        raise ValueError(f"unknown PNG filter {kind}")
    return row
