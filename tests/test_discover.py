"""Listing raw/: hashes of unchanged files are reused from the last listing, changed files are read again."""

from __future__ import annotations

import os
import time

import pytest

from flows import discover, load
from flows.discover import discover_raw_files

TEXT = "Austria will send 50 medics to Ukraine after a ceasefire, Vienna said on Monday."
SAME_SIZE = "Austria will send 80 medics to Ukraine after a ceasefire, Vienna said on Monday."


@pytest.fixture
def counted_reads(monkeypatch):
    """Counts the files whose bytes the listing reads."""
    reads: list[str] = []
    real = discover.hash_file

    def counting(path, max_bytes):
        reads.append(path.name)
        return real(path, max_bytes)

    monkeypatch.setattr(discover, "hash_file", counting)
    return reads


def write_aged(path, text: str, age_s: float = 60.0) -> None:
    path.write_text(text, encoding="utf-8")
    then = time.time() - age_s
    os.utime(path, (then, then))


def by_path(listing):
    return {f.source_file: f for f in listing}


def test_an_unchanged_file_keeps_the_last_listings_hash_without_being_read(tmp_path, counted_reads):
    write_aged(tmp_path / "a.txt", TEXT)
    first = discover_raw_files(tmp_path, 1_000_000)
    second = discover_raw_files(tmp_path, 1_000_000, by_path(first))
    assert counted_reads == ["a.txt"]
    assert second[0].raw_sha256 == first[0].raw_sha256


def test_new_bytes_of_the_same_size_with_the_old_mtime_restored_are_read_again(tmp_path, counted_reads):
    path = tmp_path / "a.txt"
    write_aged(path, TEXT)
    first = discover_raw_files(tmp_path, 1_000_000)
    old = path.stat()
    path.write_text(SAME_SIZE, encoding="utf-8")
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # the ctime still moves
    second = discover_raw_files(tmp_path, 1_000_000, by_path(first))
    assert counted_reads == ["a.txt", "a.txt"]
    assert second[0].raw_sha256 != first[0].raw_sha256


def test_a_file_modified_just_before_it_was_hashed_is_read_again(tmp_path, counted_reads):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")  # mtime: now, inside the racy window
    first = discover_raw_files(tmp_path, 1_000_000)
    discover_raw_files(tmp_path, 1_000_000, by_path(first))
    assert counted_reads == ["a.txt", "a.txt"]


def test_the_listing_kept_in_the_state_file_lets_the_next_run_skip_reading(tmp_path, counted_reads):
    raw, state = tmp_path / "raw", tmp_path / "state.duckdb"
    raw.mkdir()
    write_aged(raw / "a.txt", TEXT)
    write_aged(raw / "b.txt", SAME_SIZE)
    load.init_state(state)
    load.save_inventory(state, discover_raw_files(raw, 1_000_000))
    (raw / "b.txt").write_text(TEXT + " More.", encoding="utf-8")
    again = by_path(discover_raw_files(raw, 1_000_000, load.known_files(state)))
    assert counted_reads == ["a.txt", "b.txt", "b.txt"]
    assert again["b.txt"].size_bytes == len(TEXT + " More.")


def test_a_state_file_from_before_stats_were_kept_means_every_file_is_read(tmp_path):
    import duckdb

    state = tmp_path / "state.duckdb"
    con = duckdb.connect(str(state))
    con.execute("create table inventory (source_file varchar, size_bytes bigint, raw_sha256 varchar, problem varchar)")
    con.execute("insert into inventory values ('a.txt', 10, 'abc', null)")
    con.close()
    assert load.known_files(state) == {}
    load.init_state(state)  # the old inventory gains the stat columns, empty
    assert load.known_files(state) == {}
