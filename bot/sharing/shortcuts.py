"""The "Find podcast insights" message shortcut: the search `/insights` runs, on a message's subject.

A message is longer than a search: its Slack markup (mentions, link URLs, code) is dropped
and the words insights use become the query (at most the search's 8, rarest kept). A
message's rare filler words ("whole", "think") can leave no insight covering enough of it,
so when nothing matches, the rarest word is dropped and the search tried again, a few times.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.lookup.answers import RESULTS_PER_SEARCH, search_notes
from bot.shared import blocks
from bot.shared.blocks import Message
from insights.search import MAX_QUERY_TERMS
from insights.text import terms
from insights.vocabulary import Vocabulary
from storage.search_index import SearchResult

CALLBACK_ID = "find_podcast_insights"
QUERY_WORDS = MAX_QUERY_TERMS
RETRIES = 4
NOTHING_RELATED = ("Nothing related yet: no podcast insight I know talks about this message's subject. "
                   "New episodes are scanned regularly, so try again later, or search with `/insights <words>`.")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_TOKEN = re.compile(r"<([^<>\n]*)>")


def _label(match: re.Match[str]) -> str:
    """A link's label stays (it is words); mentions, channels and bare URLs go."""
    inner = match.group(1)
    return inner.partition("|")[2] if "|" in inner and not inner.startswith(("@", "#", "!")) else " "


def message_words(text: str, vocabulary: Vocabulary) -> list[str]:
    """The words of `text` that insights use, in the message's order, the rarest `QUERY_WORDS` of them."""
    plain = _TOKEN.sub(_label, _CODE.sub(" ", text[:20_000]))
    known = list(dict.fromkeys(t for t in terms(plain) if t in vocabulary))
    chosen = set(sorted(known, key=lambda t: (vocabulary.document_frequency(t), known.index(t)))[:QUERY_WORDS])
    return [t for t in known if t in chosen]


def message_query(text: str, vocabulary: Vocabulary) -> str:
    """The first query the shortcut runs for a message of `text` ('' when it has no word insights use)."""
    return " ".join(message_words(text, vocabulary))


def related_insights(text: str, vocabulary: Vocabulary, search: Callable[[str, int], SearchResult]) -> Message:
    """The answer to the shortcut on a message of `text`: the best related insights, or 'nothing related yet'."""
    words = message_words(text, vocabulary)
    result: SearchResult | None = None
    for _ in range(RETRIES):
        if not words:
            break
        query = " ".join(words)
        result = search(query, RESULTS_PER_SEARCH)
        if result.matches:
            break
        words.remove(min(words, key=vocabulary.document_frequency))  # the rarest: likely filler
    if result is None or not result.matches:
        return blocks.notice(NOTHING_RELATED)
    # The heading names only words the shown insights hold: the index's vocabulary is deployment-wide,
    # and which of the message's words were chosen must not reveal another workspace's words.
    shown = {term for match in result.matches for term in match.matched_terms}
    heading = " ".join(word for word in query.split() if word in shown) or "this message"
    return blocks.search_results(heading, result.matches, search_notes(result.plan, result.matches))
