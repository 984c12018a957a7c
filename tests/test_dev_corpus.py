"""Opt-in: the extraction on the development corpus of real articles about other conflicts.

Set COMMITMENTS_DEV_CORPUS to the folder of `commitments-dev` (articles/, gold.csv; `.ci/run` sets it
when the design folder sits beside the clone). The texts are third-party and stay outside the repo.

The floors sit just under what the extractor measures now (F1 0.880, precision 0.961, polarity 0.990;
see docs/extraction.md), so that no change can lower them unnoticed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.evaluate import read_gold, score
from helpers import build_from_rows, cleaned_rows

CORPUS = os.environ.get("COMMITMENTS_DEV_CORPUS")
NEGATIVES = ("d37_", "d38_", "d39_", "d40_")

pytestmark = pytest.mark.skipif(not CORPUS, reason="COMMITMENTS_DEV_CORPUS is not set")


@pytest.fixture(scope="module")
def dev():
    folder = Path(CORPUS)
    articles = {path.name: path.read_bytes() for path in sorted((folder / "articles").glob("*.txt"))}
    con = build_from_rows(cleaned_rows(articles))
    return con, score(con, read_gold(str(folder / "gold.csv")), all_articles=True)


def test_dev_corpus_f1_and_precision_stay_at_or_above_the_measured_floor(dev):
    _, result = dev
    assert result.f1 >= 0.86, (result.f1, result.misses)
    assert result.precision >= 0.93, (result.precision, result.false_alarms)


def test_dev_corpus_stance_polarity_is_right_on_matched_facts(dev):
    _, result = dev
    assert result.polarity_accuracy >= 0.95, result.polarity_errors


def test_dev_corpus_negative_articles_yield_no_fact_at_all(dev):
    con, _ = dev
    rows = con.execute("select source_file, actor_code, commitment_type, evidence from marts.fct_commitment_mentions").fetchall()
    assert [row for row in rows if Path(row[0]).name.startswith(NEGATIVES)] == []
