"""The extraction meets its bar on the bundled samples, and `commitments eval` scores honestly."""

from __future__ import annotations

import pytest

from conftest import GOLD_CSV, SAMPLE_FILES, SAMPLE_RAW
from tools.evaluate import read_gold, score
from helpers import build_from_rows, cleaned_rows


@pytest.fixture(scope="module")
def sample_warehouse():
    return build_from_rows(cleaned_rows({name: (SAMPLE_RAW / name).read_bytes() for name in SAMPLE_FILES}))


def test_samples_reach_f1_of_095_on_required_facts(sample_warehouse):
    result = score(sample_warehouse, read_gold(GOLD_CSV))
    assert result.f1 >= 0.95, [result.misses, result.false_alarms]


def test_samples_reach_polarity_accuracy_of_095(sample_warehouse):
    assert score(sample_warehouse, read_gold(GOLD_CSV)).polarity_accuracy >= 0.95


def gold_row(article, actor, ctype, stance, required="1"):
    return {"article": article, "actor_code": actor, "commitment_type": ctype, "stance": stance, "required": required}


def test_optional_gold_rows_are_neither_rewarded_nor_punished(sample_warehouse):
    base = [gold_row("001_1bdf3f8b19621e8b.txt", "FRA", "troop_deployment", "committed")]
    optional_found = base + [gold_row("001_1bdf3f8b19621e8b.txt", "GBR", "troop_deployment", "committed", "0")]
    optional_missing = base + [gold_row("001_1bdf3f8b19621e8b.txt", "SWE", "reconstruction", "committed", "0")]
    with_found = score(sample_warehouse, optional_found)
    assert len(with_found.true_positives) == 1
    assert len(score(sample_warehouse, base).false_alarms) == len(with_found.false_alarms) + 1
    assert score(sample_warehouse, optional_missing).misses == []


def test_a_wrong_polarity_counts_against_polarity_accuracy(sample_warehouse):
    result = score(sample_warehouse, [gold_row("001_1bdf3f8b19621e8b.txt", "FRA", "troop_deployment", "declined")])
    assert result.polarity_accuracy == 0.0 and result.recall == 1.0


def test_facts_in_articles_outside_the_gold_count_only_when_asked(sample_warehouse):
    gold = [gold_row("001_1bdf3f8b19621e8b.txt", "FRA", "troop_deployment", "committed")]
    assert {f[0] for f in score(sample_warehouse, gold).false_alarms} == {"001_1bdf3f8b19621e8b.txt"}
    assert len({f[0] for f in score(sample_warehouse, gold, all_articles=True).false_alarms}) > 1
