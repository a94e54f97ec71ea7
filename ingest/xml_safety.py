"""Clearing an XML body for parsing: a real XML tokenizer reads everything before the root element.

    cleared = clear_for_parsing(body)     # raises XmlRefused with a reason for people
    feedparser.parse(io.BytesIO(cleared.body))

defusedxml's expat parser, with DTDs, entity declarations and external references all
forbidden, reads the prolog (XML declaration, comments, processing instructions) up to the
root element, so a DOCTYPE is refused wherever a tokenizer sees one, in the encoding the
document declares, and so is a comment or PI before the root that carries one (harmless to
XML, but see below). Podcast feeds never need a DTD.

What parsers get afterwards is never the original prolog: `cleared.body` is a fresh UTF-8
XML declaration followed by the document from its root element on. feedparser needs this:
it does not tokenize the prolog but lifts `<!ENTITY …>` lines out of everything before the
first `<` + letter with a regular expression (comments and PIs included) and defines them
for its lenient parser, so a declaration hidden in a comment would otherwise be expanded.
A body whose prolog is not well-formed is refused (nobody can say where it ends); one that
breaks later, after the root element began, is cleared: the lenient parser then has no
prolog to take declarations from.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import errors as expat_errors

from defusedxml import DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

#: How much of a document can come before its first element (comments, PIs).
PROLOG_LIMIT = 64 * 1024
_CHUNK = 8 * 1024
_DIAGNOSIS_LIMIT = 1024 * 1024  # only to name what a refused DTD declares (expat stops at the first entity)
_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
_SPACE = b" \t\r\n"
_PLAIN_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_FOREIGN_ENCODING = frozenset(
    expat_errors.codes[e] for e in (expat_errors.XML_ERROR_UNKNOWN_ENCODING, expat_errors.XML_ERROR_INCORRECT_ENCODING)
)
_NO_ELEMENT = expat_errors.codes[expat_errors.XML_ERROR_NO_ELEMENTS]
#: Only used to name a codec expat cannot read itself; expat then tokenizes the decoded text.
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")


class XmlRefused(ValueError):
    """A body that must not reach an XML parser; `str(error)` says why in plain words."""

    def __init__(self, reason: str, *, unsafe: bool, doctype: str | None = None) -> None:
        super().__init__(reason)
        self.unsafe = unsafe  # True: it carries a DTD or declarations (not merely "not XML")
        self.doctype = doctype


@dataclass(frozen=True, slots=True)
class ClearedXml:
    """A body cleared for parsing: a UTF-8 declaration, then the document from its root element on."""

    body: bytes
    root: str  # the root element's local name, as written


def clear_for_parsing(body: bytes) -> ClearedXml:
    """`body` ready for any XML parser, or `XmlRefused` when it carries a DTD or a broken prolog."""
    data = _without_leading_space(body)
    try:
        root_at, root, codec = _read_prolog(data, None)
    except _ForeignEncoding as foreign:  # e.g. Shift_JIS: decode it here, let expat read UTF-8
        data = _decode(data, 0, foreign.encoding).encode("utf-8")
        root_at, root, codec = _read_prolog(data, "utf-8")
    text = _decode(data, root_at, codec)
    if text[1:2] not in _PLAIN_NAME_START:  # feedparser's regex would look past such a root
        raise XmlRefused(f"it is not an RSS or Atom feed (its root element is <{root[:40]}>)", unsafe=False)
    return ClearedXml(_DECLARATION + text.encode("utf-8", errors="replace"), root.rsplit(":", 1)[-1])


class _ForeignEncoding(Exception):
    def __init__(self, encoding: str | None) -> None:
        self.encoding = encoding


class _RootReached(Exception):
    pass


class _Watcher:
    """A parser target that notes the declared encoding and where the root element starts, then stops."""

    def __init__(self, encoding: str | None, *, forbid_dtd: bool) -> None:
        self.parser = DefusedXMLParser(
            target=self, encoding=encoding, forbid_dtd=forbid_dtd, forbid_entities=True, forbid_external=True
        )
        self.expat = self.parser.parser
        self.expat.XmlDeclHandler = self._declaration
        self.encoding: str | None = None
        self.root_at = -1
        self.root = ""

    def _declaration(self, _version: str | None, encoding: str | None, _standalone: int) -> None:
        self.encoding = encoding

    def comment(self, text: str) -> None:
        _refuse_hidden_declaration(text, "a comment")

    def pi(self, target: str, text: str) -> None:
        _refuse_hidden_declaration(f"{target} {text}", "a processing instruction")

    def start(self, tag: str, _attributes: object) -> None:
        self.root_at = self.expat.CurrentByteIndex
        self.root = tag.rsplit("}", 1)[-1]
        raise _RootReached


def _read_prolog(data: bytes, encoding: str | None, *, recover: bool = True) -> tuple[int, str, str]:
    """(where the root element starts, its name, the codec of what follows) — or why not."""
    watcher = _Watcher(encoding, forbid_dtd=True)
    try:
        _feed_prolog(watcher.parser, data)
    except _RootReached:
        return watcher.root_at, watcher.root, encoding or _codec(data, watcher.encoding)
    except XmlRefused:
        raise
    except DTDForbidden as dtd:
        raise _dtd_refusal(data, dtd, encoding) from None
    except ParseError as error:
        if encoding is None and getattr(error, "code", None) in _FOREIGN_ENCODING:
            raise _ForeignEncoding(_declared_encoding(data)) from None
        recovered = _root_at_fault(data, watcher.expat.ErrorByteIndex, encoding) if recover else None
        if recovered is None:
            raise _broken(data, error) from None
        return recovered[0], recovered[1], encoding or _codec(data, watcher.encoding)
    except (ValueError, LookupError) as error:  # pyexpat: unknown or multi-byte encodings
        if encoding is None and (isinstance(error, LookupError) or "encoding" in str(error)):
            raise _ForeignEncoding(_declared_encoding(data)) from None
        raise XmlRefused(f"it is not an XML document ({error})", unsafe=False) from None
    raise XmlRefused("it is not an XML document (no root element)", unsafe=False)


def _refuse_hidden_declaration(text: str, where: str) -> None:
    """A declaration inside a comment or PI means nothing to XML, but feedparser would define it."""
    folded = text.upper()
    if "<!ENTITY" in folded or "<!DOCTYPE" in folded:
        raise XmlRefused(
            f"it hides a DTD or entity declaration in {where} before the feed begins, which Podbrief refuses for safety",
            unsafe=True,
        )


def _feed_prolog(parser: DefusedXMLParser, data: bytes, limit: int = PROLOG_LIMIT) -> None:
    for start in range(0, len(data), _CHUNK):
        if start >= limit:
            raise XmlRefused("its XML prolog is implausibly long", unsafe=False)
        parser.feed(data[start : start + _CHUNK])
    parser.close()


def _root_at_fault(data: bytes, fault: int, encoding: str | None) -> tuple[int, str] | None:
    """Where the root element starts when the fault lies inside its start tag, else None.

    The candidate is the last `<` before the fault; it counts only if expat reads everything
    before it, followed by a clean element, as a clean prolog with that element as root.
    """
    if _wide_codec(data) or fault < 0:
        return None
    at = data.rfind(b"<", 0, fault + 1)
    name = data[at + 1 : at + 200].split(b">", 1)[0].split(b"/", 1)[0].split(None, 1)[0:1] if at >= 0 else []
    if not name or name[0][:1].decode("latin-1") not in _PLAIN_NAME_START:
        return None
    try:
        probe_at, _, _ = _read_prolog(data[:at] + b"<x/>", encoding, recover=False)
    except (XmlRefused, _ForeignEncoding):
        return None
    return (at, name[0].decode("ascii", errors="replace")) if probe_at == at else None


def _dtd_refusal(data: bytes, dtd: DTDForbidden, encoding: str | None) -> XmlRefused:
    name = (dtd.name or "").strip()
    if _declares_entities(data, encoding):
        reason = "it declares XML entities, which Podbrief refuses for safety"
    elif dtd.sysid or dtd.pubid:
        reason = "it refers to an external DTD, which Podbrief refuses for safety"
    else:
        reason = f"it carries a DTD (<!DOCTYPE {name[:40]}>), which Podbrief refuses for safety: feeds never need one"
    return XmlRefused(reason, unsafe=True, doctype=name)


def _declares_entities(data: bytes, encoding: str | None) -> bool:
    """Whether the (refused) DTD declares entities: only to say so; expat stops at the first one."""
    watcher = _Watcher(encoding, forbid_dtd=False)
    try:
        _feed_prolog(watcher.parser, data, limit=_DIAGNOSIS_LIMIT)
    except EntitiesForbidden:
        return True
    except (_RootReached, ParseError, ValueError):  # XmlRefused and defusedxml's others are ValueErrors
        return False
    return False


def _broken(data: bytes, error: ParseError) -> XmlRefused:
    line, column = getattr(error, "position", (1, 0))
    words = str(error).split(":", 1)[0]
    if (line, column) == (1, 0) or getattr(error, "code", None) == _NO_ELEMENT or not data.startswith(b"<"):
        return XmlRefused(f"it is not an XML document ({words})", unsafe=False)
    return XmlRefused(
        f"its XML is broken before the feed begins (line {line}, column {column}: {words}), so Podbrief does not read it",
        unsafe=False,
    )


def _without_leading_space(body: bytes) -> bytes:
    """Blank lines before the XML declaration (common, and fatal to expat) are dropped."""
    bom = codecs.BOM_UTF8 if body.startswith(codecs.BOM_UTF8) else b""
    rest = body[len(bom) :].lstrip(_SPACE)
    return bom + rest if rest.startswith(b"<") else body


def _wide_codec(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, b"<\x00")):
        return "utf-16-le"
    if data.startswith((codecs.BOM_UTF16_BE, b"\x00<")):
        return "utf-16-be"
    return None


def _codec(data: bytes, declared: str | None) -> str:
    """The codec expat read the document in: UTF-16 by its first bytes, else as declared, else UTF-8."""
    return _wide_codec(data) or declared or "utf-8"


def _declared_encoding(data: bytes) -> str | None:
    found = _DECLARED_ENCODING.match(data[:300])
    return found.group(1).decode("ascii") if found else None


def _decode(data: bytes, start: int, codec: str | None) -> str:
    """`data[start:]` as text: in `codec`, else UTF-8, else Windows-1252 (feedparser's own fallbacks)."""
    part = data[start:]
    wide = _wide_codec(data)
    if wide:
        return part.decode(wide, errors="replace")
    for candidate in (codec, "utf-8"):
        if not candidate:
            continue
        try:
            if codecs.lookup(candidate)._is_text_encoding:
                return part.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return part.decode("windows-1252", errors="replace")
