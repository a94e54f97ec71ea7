"""Regenerate insights/data/antonyms.tsv from WordNet 3.0 (Debian package `wordnet-base`).

    apt-get install -y wordnet-base
    .venv/bin/python bench/wordnet_antonyms.py > insights/data/antonyms.tsv

Rows: `word<TAB>antonym antonym ...` (lemmas, both ways round), then `word<TAB>=lemma ...`
for irregular inflections of those lemmas ("won" -> "win", "worse" -> "bad"). Antonyms are
WordNet's direct ones ('!' pointers); with --indirect, for adjectives, the indirect ones too:
a satellite ("lopsided") is the antonym of its head's antonyms. Phrases of at most two words.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

WORDNET = Path("/usr/share/wordnet")
POS = {"adj": "a", "adv": "r", "noun": "n", "verb": "v"}
#: Longest phrase kept, in words.
MAX_WORDS = 2

HEADER = """\
# Antonyms derived from WordNet 3.0 (bench/wordnet_antonyms.py regenerates this file).
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
# Permission to use, copy, modify and distribute this software and database and its
# documentation for any purpose and without fee or royalty is hereby granted, provided that
# you agree to comply with the following copyright notice and statements, including the
# disclaimer, and that the same appear on ALL copies of the software, database and
# documentation, including modifications that you make for internal use or for distribution.
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO
# REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION,
# PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS
# FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR
# DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER
# RIGHTS. The name of Princeton University or Princeton may not be used in advertising or
# publicity pertaining to distribution of the software and/or database. Title to copyright
# in this software, database and any associated documentation shall at all times remain with
# Princeton University and LICENSEE agrees to preserve same.
# Rows: word<TAB>antonyms (space-separated lemmas; phrases joined by "_"), or word<TAB>=lemmas
# (an irregular inflection of those lemmas).
"""


def _lemma(raw: str) -> str:
    """A WordNet word as written in a data file, lower-cased, its adjective marker off, a hyphen
    read as a space between two words ("far-off" is two words to `insights.text.words`)."""
    return raw.split("(")[0].lower().replace("-", "_")


def read_synsets(wordnet: Path) -> dict[tuple[str, str], tuple[str, list[str], list[tuple[str, str, str, str]]]]:
    """(pos, offset) -> (synset type, words, pointers as (symbol, offset, pos, source/target))."""
    synsets = {}
    for name, pos in POS.items():
        for line in (wordnet / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue  # the licence at the top of each file
            fields = line.split(" | ")[0].split()
            offset, ss_type, count = fields[0], fields[2], int(fields[3], 16)
            found = [_lemma(fields[4 + 2 * i]) for i in range(count)]
            at = 4 + 2 * count
            pointers = [tuple(fields[at + 1 + 4 * i : at + 5 + 4 * i]) for i in range(int(fields[at]))]
            synsets[(pos, offset)] = (ss_type, found, pointers)
    return synsets  # type: ignore[return-value]


def antonyms(wordnet: Path, indirect: bool = False) -> dict[str, set[str]]:
    """Each lemma's antonyms, direct and (for adjective satellites) indirect, both ways round."""
    synsets = read_synsets(wordnet)
    pairs: set[tuple[str, str]] = set()
    opposed: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)  # head synset -> antonym head synsets
    for key, (_, found, pointers) in synsets.items():
        for symbol, offset, pos, source_target in pointers:
            if symbol != "!":
                continue
            target = synsets[(_pos(pos), offset)]
            source, goal = int(source_target[:2], 16), int(source_target[2:], 16)
            pairs.add((found[source - 1], target[1][goal - 1]))
            opposed[key].add((_pos(pos), offset))
    for ss_type, found, pointers in synsets.values():
        if ss_type != "s" or not indirect:
            continue
        for symbol, offset, pos, _ in pointers:
            if symbol == "&":  # a satellite's head
                for other in opposed.get((_pos(pos), offset), ()):
                    heads = synsets[other][1]
                    pairs.update((word, head) for word in found for head in heads)
    table: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        if a != b and a.count("_") < MAX_WORDS and b.count("_") < MAX_WORDS:
            table[a].add(b)
            table[b].add(a)
    return table


def _pos(pos: str) -> str:
    return "a" if pos == "s" else pos


def irregular(wordnet: Path, lemmas: set[str]) -> dict[str, set[str]]:
    """Irregular inflections ("won" -> "win") of the lemmas kept, from WordNet's exception lists."""
    forms: dict[str, set[str]] = defaultdict(set)
    for name in POS:
        for line in (wordnet / f"{name}.exc").read_text(encoding="latin-1").splitlines():
            form, *bases = line.split()
            for base in bases:
                if base in lemmas and form != base and "_" not in form:
                    forms[form].add(base)
    return forms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wordnet", type=Path, default=WORDNET, help="folder of WordNet's data.* and *.exc files")
    parser.add_argument(
        "--indirect",
        action="store_true",
        help="adjective satellites' indirect antonyms too (5x the rows; on the story pairs no better than direct ones)",
    )
    args = parser.parse_args()
    table = antonyms(args.wordnet, indirect=args.indirect)
    out = [HEADER.rstrip("\n")]
    out += [f"{word}\t{' '.join(sorted(table[word]))}" for word in sorted(table)]
    forms = irregular(args.wordnet, set(table))
    out += [f"{form}\t={' '.join(sorted(forms[form]))}" for form in sorted(forms)]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
