"""The incremental state: which raw files were cleaned (with their output), the listing of raw/, and
the run history tables.

The state lives in its own DuckDB file beside the warehouse. It is written only by a run that holds
the run lock, it is never published, and it survives failed runs: cleaning already paid for is
reused by the next run. Every function opens and closes its own connection from a path.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from flows.ingest.batches import CLEANED_TYPES, sentences_path
from flows.ingest.clean import CLEANER_VERSION
from flows.ingest.clean import FIELDS as CLEANED_FIELDS
from flows.ingest.discover import RawFile
from flows.warehouse import parse
from flows.warehouse.db import connect, sql_string

CLEANED_DDL = ", ".join(f"{name} {CLEANED_TYPES.get(name, 'varchar')}" for name in CLEANED_FIELDS)

STATE_DDL = [
    f"create table if not exists cleaned_files ({CLEANED_DDL}, cleaned_at timestamp default current_timestamp)",
    "create table if not exists sentences (article_id varchar, paragraph_no integer, sentence_no integer, sentence varchar)",
    """create table if not exists inventory (source_file varchar, size_bytes bigint, raw_sha256 varchar,
        problem varchar, mtime_ns bigint, ctime_ns bigint, inode bigint, hashed_at_ns bigint)""",
    """create table if not exists runs (
        run_id varchar, flow_run_id varchar, started_at timestamp, ended_at timestamp, status varchar,
        message varchar, raw_dir varchar, files_found integer, files_new integer, files_changed integer,
        files_unchanged integer, files_rejected integer, articles integer, non_english integer,
        rows_per_layer varchar, stage_seconds varchar, model_stats varchar, fingerprint varchar,
        stage_profile varchar, build_plan varchar)""",
    """create table if not exists check_results (
        run_id varchar, check_name varchar, check_kind varchar, passed boolean, n_failing integer,
        sample varchar, checked_at timestamp default current_timestamp)""",
]


INVENTORY_STAT_COLUMNS = ("mtime_ns", "ctime_ns", "inode", "hashed_at_ns")


def init_state(state_path: Path) -> None:
    """Create the state file and its tables if missing; a cleaning cache of another shape is dropped
    (its files are simply cleaned again), the run history is kept."""
    state_path.parent.mkdir(parents=True, exist_ok=True)
    con = connect(state_path)
    try:
        columns = [r[0] for r in con.execute(
            "select column_name from duckdb_columns() where table_name = 'cleaned_files' order by column_index"
        ).fetchall()]
        if columns and columns[:len(CLEANED_FIELDS)] != CLEANED_FIELDS:
            con.execute("drop table cleaned_files")
            con.execute("drop table if exists sentences")
        for ddl in STATE_DDL:
            con.execute(ddl)
        for column in ("model_stats", "fingerprint", "stage_profile", "build_plan"):  # history written by an older version
            con.execute(f"alter table runs add column if not exists {column} varchar")
        for column in INVENTORY_STAT_COLUMNS:  # an inventory written before listings reused hashes
            con.execute(f"alter table inventory add column if not exists {column} bigint")
    finally:
        con.close()

def plan_increment(state_path: Path, discovered: list[RawFile]) -> dict[str, list[str]]:
    """Split discovered files into new, changed, unchanged (same bytes, same cleaner) and problems."""
    con = connect(state_path, read_only=True)
    try:
        known = dict(
            (row[0], (row[1], row[2]))
            for row in con.execute("select source_file, raw_sha256, cleaner_version from cleaned_files "
                                   "where source_file = container_file").fetchall()
        )
    finally:
        con.close()
    plan: dict[str, list[str]] = {"new": [], "changed": [], "unchanged": [], "problem": []}
    for raw in discovered:
        if raw.problem:
            plan["problem"].append(raw.source_file)
        elif raw.source_file not in known:
            plan["new"].append(raw.source_file)
        elif known[raw.source_file] != (raw.raw_sha256, CLEANER_VERSION):
            plan["changed"].append(raw.source_file)
        else:
            plan["unchanged"].append(raw.source_file)
    return plan

def inputs_fingerprint(discovered: list[RawFile], sql_dir: Path) -> str:
    """A hash of everything a build depends on: the raw files' hashes, the cleaner, the SQL and lexicons."""
    digest = hashlib.sha256(CLEANER_VERSION.encode())
    digest.update(f"parser {' '.join(parse.MODEL_PACKAGES)} {parse.MODEL_VERSION}".encode())
    for raw in sorted(discovered, key=lambda f: f.source_file):
        digest.update(f"{raw.source_file}\0{raw.raw_sha256}\0{raw.problem}\n".encode())
    for path in sorted(sql_dir.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(sql_dir)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()

def known_files(state_path: Path) -> dict[str, RawFile]:
    """The last run's listing of raw/ by path, with the stats its hashes were taken at."""
    if not state_path.is_file():
        return {}
    con = connect(state_path, read_only=True)
    try:
        rows = con.execute("""select source_file, size_bytes, raw_sha256, mtime_ns, ctime_ns, inode, hashed_at_ns
                              from inventory where raw_sha256 is not null and hashed_at_ns is not null""").fetchall()
    except duckdb.Error:  # a state file from before listings kept their stats
        return {}
    finally:
        con.close()
    return {r[0]: RawFile(r[0], r[1], r[2], None, (r[1], r[3], r[4], r[5]), r[6]) for r in rows}

def save_inventory(state_path: Path, discovered: list[RawFile],
                   previous: dict[str, RawFile] | None = None) -> None:
    """Make the inventory this run's listing of raw/, in one transaction.

    `previous` is what `known_files` read before the listing (the run lock keeps other writers out
    since): then only the rows that differ from it are deleted and written, so a listing of 100,000
    unchanged files writes nothing (rewriting them all took 0.7-1.1 s). Rows `known_files` does not
    read (files that could not be hashed) are always rewritten from the listing."""
    con = connect(state_path)
    try:
        con.execute("begin transaction")
        if previous is None:
            con.execute("delete from inventory")
            rows = discovered
        else:
            rows = [f for f in discovered if previous.get(f.source_file) != f]
            listed = {f.source_file for f in discovered}
            stale = [path for path in previous if path not in listed] + [f.source_file for f in rows]
            con.execute("delete from inventory where raw_sha256 is null or hashed_at_ns is null")
            if stale:
                con.register("stale_paths", pd.DataFrame({"source_file": stale}))
                con.execute("delete from inventory where source_file in (select source_file from stale_paths)")
        if rows:
            con.register("inventory_frame", _inventory_frame(rows))
            con.execute("insert into inventory by name select * from inventory_frame")
        con.execute("commit")
    finally:
        con.close()

def _inventory_frame(discovered: list[RawFile]) -> pd.DataFrame:
    return pd.DataFrame(
        [(f.source_file, f.size_bytes, f.raw_sha256, f.problem, *(f.stat_key[1:] if f.stat_key else (None,) * 3),
          f.hashed_at_ns) for f in discovered],
        columns=["source_file", "size_bytes", "raw_sha256", "problem", *INVENTORY_STAT_COLUMNS],
    ).astype({"size_bytes": "Int64", **{c: "Int64" for c in INVENTORY_STAT_COLUMNS}})

def save_batch(state_path: Path, rel_paths: list[str], parts: list[Path]) -> None:
    """Replace what the state knows of these raw files with the written parts, in one transaction.

    Rows are replaced by container (the raw file), so a changed WARC archive drops its old records.
    Sentences are stored for articles not seen before.
    """
    con = connect(state_path)
    try:
        con.execute("begin transaction")
        con.register("batch_files", pd.DataFrame({"container_file": rel_paths}, dtype=object))
        con.execute("delete from cleaned_files where container_file in (select container_file from batch_files)")
        for part in parts:
            files, sentences = sql_string(str(part)), sql_string(str(sentences_path(part)))
            con.execute(f"delete from cleaned_files where source_file in (select source_file from read_parquet({files}))")
            con.execute(f"insert into cleaned_files ({', '.join(CLEANED_FIELDS)}) "
                        f"select {', '.join(CLEANED_FIELDS)} from read_parquet({files})")
            con.execute(
                f"insert into sentences select * from read_parquet({sentences}) "
                "where article_id not in (select distinct article_id from sentences)"
            )
        con.execute("commit")
    finally:
        con.close()
    for part in parts:
        part.unlink(missing_ok=True)
        sentences_path(part).unlink(missing_ok=True)
