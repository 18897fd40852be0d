"""The labelled math corpus: every row's expectation is mathematical truth, not a tool's opinion.

``math_corpus.jsonl`` holds one JSON object per line: ``category``, ``gold``, ``response`` (a
realistic completion), ``expected`` (whether the response's final answer equals the gold) and
an optional ``note``. Each row becomes one test, named like ``units-07``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from verifiers.math import verify_answer

CORPUS = Path(__file__).with_name("math_corpus.jsonl")
MIN_ROWS = 400
MIN_CATEGORIES = 25
MIN_ROWS_PER_CATEGORY = 8
REQUIRED_KEYS = {"category": str, "gold": str, "response": str, "expected": bool}


def load_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The corpus rows, in file order."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def row_ids(rows: list[dict[str, Any]]) -> list[str]:
    """Readable ids, ``<category>-<NN>`` numbered from 1 within each category."""
    seen: Counter[str] = Counter()
    ids = []
    for row in rows:
        seen[row["category"]] += 1
        ids.append(f"{row['category']}-{seen[row['category']]:02d}")
    return ids


ROWS = load_corpus()
IDS = row_ids(ROWS)


def test_corpus_is_big_and_varied() -> None:
    categories = Counter(row["category"] for row in ROWS)
    assert len(ROWS) >= MIN_ROWS, len(ROWS)
    assert len(categories) >= MIN_CATEGORIES, sorted(categories)
    small = {name: n for name, n in categories.items() if n < MIN_ROWS_PER_CATEGORY}
    assert not small, f"categories with fewer than {MIN_ROWS_PER_CATEGORY} rows: {small}"
    for name in categories:
        expectations = {row["expected"] for row in ROWS if row["category"] == name}
        assert expectations == {True, False}, f"{name} lacks true or false rows"


def test_rows_are_well_formed_and_distinct() -> None:
    for row_id, row in zip(IDS, ROWS, strict=True):
        for key, kind in REQUIRED_KEYS.items():
            assert isinstance(row.get(key), kind), f"{row_id}: {key} must be {kind.__name__}"
        assert set(row) <= {*REQUIRED_KEYS, "note"}, f"{row_id}: unknown keys {set(row)}"
        assert row["gold"].strip() and row["response"].strip(), row_id
    pairs = [(row["gold"], row["response"]) for row in ROWS]
    assert len(pairs) == len(set(pairs)), "duplicate (gold, response) rows"


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_verdict_matches_truth(row: dict[str, Any]) -> None:
    verdict = verify_answer(row["response"], row["gold"])
    assert verdict.correct == row["expected"], (
        f"gold={row['gold']!r} extracted={verdict.extracted!r} expected={row['expected']} "
        f"got {verdict.status.value}: {verdict.reason} {row.get('note', '')}")
