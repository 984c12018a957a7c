"""Listing raw/: hashes of unchanged files are reused from the last listing, changed files are read again."""

from __future__ import annotations

import os
import time

import pytest

from flows import state as state_store
from flows.ingest import discover
from flows.ingest.discover import discover_raw_files

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
    state_store.init_state(state)
    state_store.save_inventory(state, discover_raw_files(raw, 1_000_000))
    (raw / "b.txt").write_text(TEXT + " More.", encoding="utf-8")
    again = by_path(discover_raw_files(raw, 1_000_000, state_store.known_files(state)))
    assert counted_reads == ["a.txt", "b.txt", "b.txt"]
    assert again["b.txt"].size_bytes == len(TEXT + " More.")


def test_an_inventory_brought_up_to_date_from_the_last_listing_equals_one_written_anew(tmp_path):
    import duckdb

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        write_aged(raw / name, TEXT)
    write_aged(raw / "big.txt", TEXT * 30)  # over the cap below: listed with a problem and no hash
    os.mkfifo(raw / "pipe.txt")
    updated, anew = tmp_path / "updated.duckdb", tmp_path / "anew.duckdb"
    for state in (updated, anew):
        state_store.init_state(state)
    state_store.save_inventory(updated, discover_raw_files(raw, 1_000))

    def inventory(state):
        con = duckdb.connect(str(state), read_only=True)
        try:
            return con.execute("select * from inventory order by source_file").fetchall()
        finally:
            con.close()

    # nothing changed; then a file changed, one removed, one added, the big one made small, the FIFO removed
    for change in (lambda: None,
                   lambda: ((raw / "b.txt").write_text(TEXT + " More.", encoding="utf-8"), (raw / "c.txt").unlink(),
                            write_aged(raw / "d.txt", SAME_SIZE), write_aged(raw / "big.txt", SAME_SIZE),
                            (raw / "pipe.txt").unlink())):
        change()
        known = state_store.known_files(updated)
        listing = discover_raw_files(raw, 1_000, known)
        state_store.save_inventory(updated, listing, known)
        state_store.save_inventory(anew, listing)
        assert inventory(updated) == inventory(anew)
        assert [row[0] for row in inventory(updated)] == sorted(os.listdir(raw))


def test_a_state_file_from_before_stats_were_kept_means_every_file_is_read(tmp_path):
    import duckdb

    state = tmp_path / "state.duckdb"
    con = duckdb.connect(str(state))
    con.execute("create table inventory (source_file varchar, size_bytes bigint, raw_sha256 varchar, problem varchar)")
    con.execute("insert into inventory values ('a.txt', 10, 'abc', null)")
    con.close()
    assert state_store.known_files(state) == {}
    state_store.init_state(state)  # the old inventory gains the stat columns, empty
    assert state_store.known_files(state) == {}


def test_a_fifo_is_listed_as_a_problem_and_never_opened(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")  # opening it for reading would block until a writer comes
    listed = {f.source_file: f for f in discover_raw_files(tmp_path, 1_000_000)}
    assert listed["pipe.txt"].problem == "not a regular file: a named pipe (FIFO)"
    assert listed["a.txt"].raw_sha256 is not None


def test_an_unreadable_folder_is_reported_not_skipped_silently(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text(TEXT, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text(TEXT, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # the fault a folder without read permission gives (root reads through chmod)
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    listed = {f.source_file: f for f in discover_raw_files(tmp_path, 1_000_000)}
    assert listed["locked"].problem.startswith("unreadable folder: Permission denied")
    assert "ok.txt" in listed


def test_a_raw_folder_that_vanished_is_a_clear_error(tmp_path):
    with pytest.raises(discover.RawFolderMissing, match="raw folder not found"):
        discover_raw_files(tmp_path / "gone", 1_000_000)


def test_a_plain_file_named_like_a_warc_record_is_its_own_container(tmp_path):
    from flows.ingest.clean import clean_file

    (tmp_path / "report#record-1.txt").write_text("Report\n\n" + TEXT + " " + TEXT, encoding="utf-8")
    cleaned = clean_file(tmp_path, "report#record-1.txt", 1_000_000)
    assert cleaned.container_file == "report#record-1.txt"
