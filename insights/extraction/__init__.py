"""Standalone insights out of a transcript: pure functions, standard library and rapidfuzz only.

    extract_insights(segments, limit=6, soundbites=[(start, duration)], topic_vocabulary={...})
    standalone_score("Good audio keeps listeners listening.")  # 0..1
"""

from __future__ import annotations

from insights.extraction.extract import MAX_WORDS, MIN_WORDS, extract_insights
from insights.extraction.filler import remove_filler
from insights.extraction.keywords import Keywords, match_vocabulary
from insights.extraction.leadin import has_lead_in, strip_lead_in
from insights.extraction.sentences import Sentence, split_sentences, transcript_sentences
from insights.extraction.standalone import THRESHOLD, is_standalone, standalone_score
from insights.extraction.textrank import centrality

__all__ = [
    "MAX_WORDS",
    "MIN_WORDS",
    "THRESHOLD",
    "Keywords",
    "Sentence",
    "centrality",
    "extract_insights",
    "has_lead_in",
    "is_standalone",
    "match_vocabulary",
    "remove_filler",
    "split_sentences",
    "standalone_score",
    "strip_lead_in",
    "transcript_sentences",
]
