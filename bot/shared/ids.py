"""Ids that people type or buttons carry: read strictly, so that junk is refused plainly.

`str.isdigit()` accepts `²` and other Unicode digits that `int()` then refuses, and `int()`
accepts any length: a 23-digit id overflows a 64-bit column deep in the database. Here an id
is 1 to 18 ASCII digits (every value fits a BIGINT) and nothing else.
"""

from __future__ import annotations

import re

MAX_ID_DIGITS = 18
_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def parse_id(text: str) -> int | None:
    """`text` as a positive id, or None when it is not one."""
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value > 0 else None
