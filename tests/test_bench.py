"""The benchmark's corpus is what it claims to be, and `commitments bench` runs end to end (no timing is asserted)."""

from __future__ import annotations

import hashlib
import random

import pytest

from flows import cli
from tools import bench
from flows.ingest.clean import clean_bytes

pytestmark = pytest.mark.e2e


def test_every_generated_document_has_its_own_bytes(tmp_path):
    paths = bench.build_corpus(tmp_path, 40, "mixed")
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}) == 40


def test_a_perturbed_page_is_a_distinct_article_not_a_syndicated_copy():
    page = bench.html_from_text(bench.sample_texts()[0], 0, random.Random(1)).encode("utf-8")
    offset = bench.body_offset(page)
    bodies = {clean_bytes(bench.perturbed_page(page, i, offset), f"doc-{i}.html").body for i in range(3)}
    assert len(bodies) == 3
    assert all(any(f"report number {i} " in body for body in bodies) for i in range(3))


def test_the_yardstick_sample_is_seeded_and_spread_over_the_corpus(tmp_path):
    paths = [tmp_path / f"doc-{i:04d}" for i in range(1000)]
    sample = bench.yardstick_sample(paths, 100)
    assert sample == bench.yardstick_sample(paths, 100) and len(set(sample)) == 100
    assert max(paths.index(p) for p in sample) > 900 and min(paths.index(p) for p in sample) < 100
    assert bench.yardstick_sample(paths, None) == paths


def test_bench_prints_stages_the_yardstick_and_the_ratio(prefect_api_url, tmp_path, capsys):
    assert cli.main(["bench", "--docs", "20", "--kind", "mixed", "--batch-size", "10", "--add", "4",
                     "--workdir", str(tmp_path / "bench")]) == 0
    out = capsys.readouterr().out
    for line in ("clean", "models", "yardstick", "throughput vs yardstick:", "rerun with no new files:", "peak RSS:",
                 "profile of the first run", "cleaning workers' steps", "text dump cleaning",
                 "CPU work of the run:", "allows at most", "4 new documents into 20: build ",
                 "incremental build: 4 articles computed (4 new, 0 changed), 20 carried forward"):
        assert line in out
    assert not (tmp_path / "bench").exists()  # the corpus is removed unless --keep


def test_documents_added_to_a_corpus_are_those_a_larger_corpus_holds(tmp_path):
    whole = bench.build_corpus(tmp_path / "whole", 7, "mixed")
    added = bench.build_corpus(tmp_path / "added", 7, "mixed", first=5)
    assert [p.name for p in added] == [p.name for p in whole[5:]]
    assert [p.read_bytes() for p in added] == [p.read_bytes() for p in whole[5:]]


def test_a_generated_news_page_is_a_40_kb_page_whose_article_survives_cleaning(tmp_path):
    paths = bench.build_corpus(tmp_path, 3, "news")
    for i, path in enumerate(paths):
        page = path.read_bytes()
        assert 30_000 < len(page) < 60_000 and page.count(b"<script") >= 5
        cleaned = clean_bytes(page, path.name)
        assert cleaned.status == "ok" and cleaned.language == "en"
        assert f"report number {i} " in cleaned.body and cleaned.published.startswith("2026-01-")
        for boilerplate in ("Most read", "minutes ago", "Reply", "cookies", "Advertisement", "Briefing from"):
            assert boilerplate not in cleaned.body


def test_the_ceiling_is_the_yardstick_time_over_the_cpu_work_spread_on_the_cores():
    run = {"docs": 100, "yardstick_docs": 50, "yardstick_seconds": 10.0, "cores": 2,
           "profile": {"cpu_seconds": {"clean": {"flow": 1.0, "workers": 9.0, "api": 0.0},
                                       "models": {"flow": 10.0, "workers": 0.0, "api": 0.0}}}}
    line, workers = bench.format_ceiling(run)
    # trafilatura alone would take 20 s for all 100 documents; 20 CPU seconds on 2 cores take 10 s at best
    assert "20.0 s (200.0 ms a document; cleaning 10.0 s, the rest 10.0 s)" in line
    assert "at most 2.00x the yardstick (cleaning alone: 4.00x)" in line
    # the workers' 9 CPU seconds against trafilatura's 20: 4.5 s on 2 cores, 20 / 4.5 = 4.44x
    assert "90.0 CPU ms a document against the yardstick's 200.0 ms (0.45 times its work)" in workers
    assert workers.endswith("2 cores allow at most 4.44x")
    assert bench.format_ceiling({**run, "profile": {}}) == []
