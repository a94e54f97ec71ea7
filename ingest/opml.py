"""OPML subscription lists (what podcast apps export) to feed URLs."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

#: OPML files larger than this are refused (ten thousand subscriptions fit in about 2 MB).
MAX_OPML_BYTES = 5_000_000
_URL_ATTRIBUTES = ("xmlUrl", "xmlurl", "XMLURL", "xmlURL")


class OpmlError(ValueError):
    """An OPML file that cannot be read; `str(error)` says why in plain words."""


def feed_urls_from_opml(data: bytes) -> list[str]:
    """Every http(s) `xmlUrl` of every outline, however deeply nested, in order, without repeats."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"the file is larger than {MAX_OPML_BYTES // 1_000_000} MB")
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise OpmlError("the file declares a DTD or entities, which Podbrief refuses for safety") from error
    except ElementTree.ParseError as error:
        raise OpmlError(f"the file is not well-formed XML ({error})") from error
    if _local(root.tag).lower() != "opml":
        raise OpmlError(f"the file is not OPML (its root element is <{_local(root.tag)}>)")
    urls: dict[str, None] = {}
    for outline in root.iter():
        if _local(outline.tag).lower() != "outline":
            continue
        url = next((outline.get(name, "").strip() for name in _URL_ATTRIBUTES if outline.get(name)), "")
        if url and urlsplit(url).scheme in ("http", "https"):
            urls.setdefault(url, None)
    return list(urls)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
