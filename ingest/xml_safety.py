"""A look at an XML document's prolog before any parser sees it.

Entity declarations are what billion-laughs, quadratic blow-up and external-entity
attacks need, and podcast feeds never need them, so any DOCTYPE with an internal subset
(`<!DOCTYPE x [ ... ]>`) or an external DTD is refused. Only the prolog (what comes before
the first element) is read, in the encodings a parser could read it in: the bytes as
ASCII, UTF-16/32 when the bytes say so, and the encoding the XML declaration names
(so `encoding="utf-7"` tricks are read the way a parser would read them).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: How much of a document can come before its first element (comments, PIs, DOCTYPE).
PROLOG_LIMIT = 64 * 1024
#: The one external DTD old RSS 0.91 feeds declare; no parser here ever fetches it.
_NETSCAPE_RSS = "-//netscape communications//dtd rss 0.91//en"
_NETSCAPE_DTD = "http://my.netscape.com/publish/formats/rss-0.91.dtd"

_SPACE = re.compile(r"[\s\ufeff]*")
_PI = re.compile(r"<\?.*?\?>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE\b", re.I)
_DOCTYPE_HEAD = re.compile(r"[^\[>]*")
_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_DECLARED = re.compile(r"""^[\s\ufeff]*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_WIDE = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)


@dataclass(frozen=True, slots=True)
class Prolog:
    """What the prolog says: the root element's name, or why the document is refused."""

    root: str | None = None
    problem: str | None = None
    doctype: str | None = None


def inspect_prolog(body: bytes) -> Prolog:
    """The root element of `body`, or a `problem` in plain words when it must not be parsed."""
    first: Prolog | None = None
    for text in _readings(body[:PROLOG_LIMIT]):
        found = _scan(text, truncated=len(body) > PROLOG_LIMIT)
        if found.problem:
            return found
        first = first or found
    return first or Prolog(problem="it is not an XML document")


def _readings(head: bytes) -> list[str]:
    """The prolog as a parser could decode it: raw/wide first, then the declared encoding."""
    head = head.removeprefix(codecs.BOM_UTF8)
    wide = next((codec for prefix, codec in _WIDE if head.startswith(prefix)), None)
    base = head.decode(wide, errors="replace") if wide else head.decode("latin-1")
    readings = [base]
    declared = _DECLARED.match(base)
    if declared and not wide:
        try:
            codec = codecs.lookup(declared.group(1)).name
        except LookupError:
            return readings
        if codec not in ("latin-1", "iso8859-1", "ascii"):
            readings.append(head.decode(codec, errors="replace"))
    return readings


def _scan(text: str, truncated: bool) -> Prolog:
    """Walk the prolog token by token up to the root element."""
    position = _SPACE.match(text).end()  # type: ignore[union-attr]
    doctype: str | None = None
    while position < len(text):
        for skippable in (_PI, _COMMENT):
            token = skippable.match(text, position)
            if token:
                position = _SPACE.match(text, token.end()).end()  # type: ignore[union-attr]
                break
        else:
            if _DOCTYPE.match(text, position):
                problem, doctype, position = _check_doctype(text, position)
                if problem:
                    return Prolog(problem=problem, doctype=doctype)
                continue
            element = _ELEMENT.match(text, position)
            if element:
                return Prolog(root=element.group(1), doctype=doctype)
            if text.startswith(("<?", "<!--"), position):
                break  # an unterminated PI or comment
            return Prolog(problem="it is not an XML document")
    if truncated:
        return Prolog(problem="its XML prolog is implausibly long")
    return Prolog(problem="it is not an XML document (no root element)")


def _check_doctype(text: str, position: int) -> tuple[str | None, str, int]:
    """(problem, doctype text, position after it) for the DOCTYPE starting at `position`."""
    start = position + len("<!DOCTYPE")
    head = _DOCTYPE_HEAD.match(text, start)
    end = head.end()  # type: ignore[union-attr]
    declared = " ".join(text[start:end].split())
    if end >= len(text):
        return "its DOCTYPE never ends", declared, end
    if text[end] == "[":
        subset = text[end:]
        if re.search(r"<!ENTITY", subset, re.I):
            return "it declares XML entities, which Podbrief refuses for safety", declared, end
        return "it carries an inline DTD, which Podbrief refuses for safety", declared, end
    if re.search(r"\b(system|public)\b", declared, re.I) and not _is_netscape_rss(declared):
        return "it refers to an external DTD, which Podbrief refuses for safety", declared, end
    after = _SPACE.match(text, end + 1).end()  # type: ignore[union-attr]
    return None, declared, after


def _is_netscape_rss(declared: str) -> bool:
    """True for RSS 0.91's well-known PUBLIC identifier (with its usual system URL, or none)."""
    literals = [a or b for a, b in re.findall(r'"([^"]*)"|\'([^\']*)\'', declared)]
    return bool(literals) and literals[0].lower() == _NETSCAPE_RSS and all(
        literal.lower() == _NETSCAPE_DTD for literal in literals[1:]
    )
