"""Search quality, lexical vs hybrid (the meaning extra), on a labelled query set over our sample insights.

    .venv/bin/python bench/search_quality.py              # the held-out half
    .venv/bin/python bench/search_quality.py --split tune # the half the fusion constants were tuned on

The queries (tests/data/meaning/search_queries.jsonl) were written for standin/data/sample_insights.jsonl:
most are paraphrases that share few or no words with their answer, some are plain keyword
queries. `answer` is the line number (1-based) of the expected insight, or a list of them (any
counts). A query "shares a word" with its answer when one of its words (not a stop word) is one
of the answer's indexed terms; for those, hybrid must never rank the answer lower than lexical
search does today (listed as regressions otherwise).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.importer import import_file  # noqa: E402
from ingest.meaning import MODEL_ID, load_encoder  # noqa: E402
from ingest.meaning.backfill import backfill  # noqa: E402
from insights.text import STOPWORDS  # noqa: E402
from insights.text import words as words_of  # noqa: E402
from storage.db import create_db_engine, migrate, session_factory  # noqa: E402
from storage.dense_index import DenseIndex  # noqa: E402
from storage.models import InsightRow  # noqa: E402
from storage.search_index import SearchIndex  # noqa: E402

QUERIES = ROOT / "tests" / "data" / "meaning" / "search_queries.jsonl"
SAMPLE = ROOT / "standin" / "data" / "sample_insights.jsonl"
DEPTH = 20  # ranks looked at (an answer further down counts as not found)


@dataclass(frozen=True)
class Outcome:
    query: str
    shares_word: bool
    lexical: int | None  # 1-based rank of the first answer, None when not in the top DEPTH
    hybrid: int | None
    noise: int | None = None  # a query with no answer: how many results hybrid showed
    lexical_noise: int | None = None  # ... and lexical search


def _metrics(ranks: list[int | None]) -> tuple[float, float, float]:
    n = max(1, len(ranks))
    hit1 = sum(1 for r in ranks if r == 1) / n
    hit5 = sum(1 for r in ranks if r is not None and r <= 5) / n
    mrr = sum(1 / r for r in ranks if r is not None) / n
    return hit1, hit5, mrr


def _rank(ids: list[int], answers: set[int]) -> int | None:
    return next((n for n, i in enumerate(ids, start=1) if i in answers), None)


def evaluate(split: str) -> list[Outcome]:
    """Import the sample insights into a fresh SQLite file, embed them, and run every query both ways."""
    encoder = load_encoder()
    folder = Path(tempfile.mkdtemp(prefix="podbrief-search-quality-"))
    engine = create_db_engine(f"sqlite:///{folder / 'quality.db'}")
    migrate(engine)
    sessions = session_factory(engine)
    import_file(SAMPLE, sessions)
    backfill(sessions, encoder)
    texts = [json.loads(line)["text"] for line in SAMPLE.read_text().splitlines() if line.strip()]
    with sessions() as session:
        id_of = {row.text: row.id for row in session.query(InsightRow.text, InsightRow.id)}
        terms_of = {row.id: set(row.search_text.split()) for row in session.query(InsightRow.id, InsightRow.search_text)}
    lexical = SearchIndex(engine)
    hybrid = SearchIndex(engine, dense=DenseIndex(MODEL_ID), embed_query=lambda q: encoder([q])[0])
    outcomes = []
    for line in QUERIES.read_text().splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        if split != "all" and case["split"] != split:
            continue
        if case["answer"] is None:  # about nothing the insights hold: any result is noise
            with sessions() as session:
                shown = len(hybrid.search(session, case["query"], DEPTH).matches)
                today = len(lexical.search(session, case["query"], DEPTH).matches)
            outcomes.append(Outcome(case["query"], False, None, None, noise=shown, lexical_noise=today))
            continue
        lines = case["answer"] if isinstance(case["answer"], list) else [case["answer"]]
        answers = {id_of[texts[n - 1]] for n in lines}
        words = {w for w in words_of(case["query"]) if w not in STOPWORDS}
        shares = any(words & terms_of[a] for a in answers)
        with sessions() as session:
            lex = [m.insight.id for m in lexical.search(session, case["query"], DEPTH).matches]
            hyb = [m.insight.id for m in hybrid.search(session, case["query"], DEPTH).matches]
        outcomes.append(Outcome(case["query"], shares, _rank(lex, answers), _rank(hyb, answers)))
    engine.dispose()
    return outcomes


def report(all_outcomes: list[Outcome]) -> str:
    outcomes = [o for o in all_outcomes if o.noise is None]
    unanswerable = [o for o in all_outcomes if o.noise is not None]
    lines = [f"{'queries':<28} {'n':>3}   {'lexical hit@1 hit@5  MRR':>26}   {'hybrid hit@1 hit@5  MRR':>25}"]
    groups = {
        "all": outcomes,
        "sharing a word": [o for o in outcomes if o.shares_word],
        "no word in common": [o for o in outcomes if not o.shares_word],
    }
    for name, group in groups.items():
        lex, hyb = _metrics([o.lexical for o in group]), _metrics([o.hybrid for o in group])
        lines.append(f"{name:<28} {len(group):>3}   {'':>8}{lex[0]:>6.0%}{lex[1]:>6.0%}{lex[2]:>6.2f}"
                     f"   {'':>7}{hyb[0]:>6.0%}{hyb[1]:>6.0%}{hyb[2]:>6.2f}")
    worse = [o for o in outcomes if o.shares_word and o.lexical is not None and (o.hybrid is None or o.hybrid > o.lexical)]
    lines.append(f"queries sharing a word ranked lower than today: {len(worse)}")
    lines += [f"  {o.query!r}: lexical #{o.lexical}, hybrid #{o.hybrid}" for o in worse]
    lines.append(f"queries about nothing in the insights: {len(unanswerable)}, "
                 f"{sum(1 for o in unanswerable if o.lexical_noise)} got results from lexical, "
                 f"{sum(1 for o in unanswerable if o.noise)} from hybrid")
    lines += [f"  {o.query!r}: lexical {o.lexical_noise}, hybrid {o.noise} results"
              for o in unanswerable if o.noise or o.lexical_noise]
    missed = [o for o in outcomes if o.hybrid is None or o.hybrid > 5]
    lines += [f"  hybrid outside the top 5: {o.query!r} (#{o.hybrid}, lexical #{o.lexical})" for o in missed]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["heldout", "tune", "all"], default="heldout")
    args = parser.parse_args(argv)
    started = time.monotonic()
    outcomes = evaluate(args.split)
    print(f"Search quality on the {args.split} queries ({len(outcomes)}), model {MODEL_ID}")
    print(report(outcomes))
    print(f"({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
