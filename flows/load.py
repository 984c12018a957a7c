"""Incremental state (which raw files were cleaned, with their output) and the raw layer of a build.

The state lives in its own DuckDB file beside the warehouse. It is written only by a run that holds
the run lock, it is never published, and it survives failed runs: cleaning already paid for is
reused by the next run. Every function opens and closes its own connection from a path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from flows import parse
from flows.clean import FIELDS as CLEANED_FIELDS
from flows.clean import CLEANER_VERSION
from flows.discover import RawFile
from flows.profile import step
from flows.textclean import split_body_sentences

_TYPES = {
    "size_bytes": "bigint", "raw_chars": "bigint", "clean_chars": "bigint", "n_paragraphs": "integer",
    "n_lines_dropped": "integer", "n_duplicates_removed": "integer",
}
CLEANED_DDL = ", ".join(f"{name} {_TYPES.get(name, 'varchar')}" for name in CLEANED_FIELDS)

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
        stage_profile varchar)""",
    """create table if not exists check_results (
        run_id varchar, check_name varchar, check_kind varchar, passed boolean, n_failing integer,
        sample varchar, checked_at timestamp default current_timestamp)""",
]


INVENTORY_STAT_COLUMNS = ("mtime_ns", "ctime_ns", "inode", "hashed_at_ns")


# every DuckDB file the flow opens gets a bounded buffer pool (DuckDB spills to disk past it), so the
# flow's memory stays flat at any corpus size; DuckDB's own default is 80 % of the machine's RAM
MEMORY_LIMIT = "768MB"


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a warehouse, build or state file under the flow's memory cap."""
    return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": MEMORY_LIMIT})



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
        for column in ("model_stats", "fingerprint", "stage_profile"):  # history written by an older version
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


def published_fingerprint(warehouse: Path) -> str | None:
    """The fingerprint of the run that built the published warehouse (read from the file itself)."""
    return _latest_published(warehouse, "fingerprint")


def published_run_id(warehouse: Path) -> str | None:
    """The run that built the published warehouse (read from the file itself)."""
    return _latest_published(warehouse, "run_id")


def _latest_published(warehouse: Path, column: str) -> str | None:
    if not warehouse.is_file():
        return None
    try:
        con = connect(warehouse, read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(f"select {column} from audit.runs where status = 'published' "
                          "order by started_at desc limit 1").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None


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


def save_inventory(state_path: Path, discovered: list[RawFile]) -> None:
    """Replace the inventory with this run's listing of raw/."""
    frame = pd.DataFrame(
        [(f.source_file, f.size_bytes, f.raw_sha256, f.problem, *(f.stat_key[1:] if f.stat_key else (None,) * 3),
          f.hashed_at_ns) for f in discovered],
        columns=["source_file", "size_bytes", "raw_sha256", "problem", *INVENTORY_STAT_COLUMNS],
    ).astype({"size_bytes": "Int64", **{c: "Int64" for c in INVENTORY_STAT_COLUMNS}})
    con = connect(state_path)
    try:
        con.execute("begin transaction")
        con.execute("delete from inventory")
        if len(frame):
            con.register("inventory_frame", frame)
            con.execute("insert into inventory by name select * from inventory_frame")
        con.execute("commit")
    finally:
        con.close()


def sentence_rows(rows: Iterable[dict]) -> pd.DataFrame:
    """Split the body of every cleaned article into (article_id, paragraph_no, sentence_no, sentence)."""
    out = []
    for row in rows:
        if row["status"] == "ok":
            out.extend((row["article_id"], p, s, text) for p, s, text in split_body_sentences(row["body"]))
    return pd.DataFrame(out, columns=["article_id", "paragraph_no", "sentence_no", "sentence"]).astype(
        {"paragraph_no": "int32", "sentence_no": "int32"}
    )


def cleaned_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=CLEANED_FIELDS)
    for name in _TYPES:
        frame[name] = frame[name].astype("Int64")
    return frame


def sentences_path(batch_path: Path) -> Path:
    return batch_path.with_name(batch_path.stem + ".sentences.parquet")


def write_batch(rows: list[dict], batch_path: Path) -> None:
    """Write a cleaned batch (files and their sentences) as two Parquet files.

    Cleaning processes hand their output over as files, so no batch stays in the flow's memory.
    """
    batch_path.parent.mkdir(parents=True, exist_ok=True)
    with step("sentence splitting"):
        sentences = sentence_rows(rows)
    with step("parquet hand-off"):
        con = duckdb.connect()
        try:
            con.register("cleaned_frame", cleaned_frame(rows))
            con.register("sentence_frame", sentences)
            con.execute(f"copy cleaned_frame to {_sql_string(str(batch_path))} (format parquet)")
            con.execute(f"copy sentence_frame to {_sql_string(str(sentences_path(batch_path)))} (format parquet)")
        finally:
            con.close()


def write_batch_parts(rows: Iterable[dict], batch_path: Path, part_size: int = 500) -> list[Path]:
    """Write rows as Parquet parts of at most part_size rows (a WARC archive streams through here)."""
    parts, chunk = [], []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= part_size:
            parts.append(_write_part(chunk, batch_path, len(parts)))
            chunk = []
    if chunk or not parts:
        parts.append(_write_part(chunk, batch_path, len(parts)))
    return parts


def _write_part(rows: list[dict], batch_path: Path, part_no: int) -> Path:
    path = batch_path.with_name(f"{batch_path.stem}-part{part_no:04d}.parquet")
    write_batch(rows, path)
    return path


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
            files, sentences = _sql_string(str(part)), _sql_string(str(sentences_path(part)))
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


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def build_raw_layer(con: duckdb.DuckDBPyConnection, state_path: Path) -> dict[str, int]:
    """Copy this run's files from the state into the build's raw schema; return row counts."""
    con.execute(f"attach {_sql_string(str(state_path))} as state (read_only)")
    try:
        con.execute("create schema if not exists raw")
        con.execute(
            """create or replace table raw.articles as
            select cleaned_files.* exclude (cleaned_at)
            from state.cleaned_files
            inner join state.inventory on inventory.source_file = cleaned_files.container_file
            where cleaned_files.status = 'ok' and inventory.problem is null"""
        )
        con.execute(
            """create or replace table raw.rejects as
            select inventory.source_file, inventory.problem as reason, inventory.size_bytes, inventory.raw_sha256
            from state.inventory where inventory.problem is not null
            union all
            select cleaned_files.source_file, cleaned_files.reason, cleaned_files.size_bytes, cleaned_files.raw_sha256
            from state.cleaned_files
            inner join state.inventory on inventory.source_file = cleaned_files.container_file
            where (cleaned_files.status = 'rejected'
                   or (cleaned_files.status = 'container' and cleaned_files.reason like 'unreadable%'))
                and inventory.problem is null"""
        )
        con.execute(
            """create or replace table raw.sentences as
            select distinct sentences.*
            from state.sentences
            where sentences.article_id in (select article_id from raw.articles)"""
        )
        counts = {
            name: con.execute(f"select count(*) from raw.{name}").fetchone()[0]
            for name in ("articles", "rejects", "sentences")
        }
    finally:
        con.execute("detach state")
    return counts


def record_run(state_path: Path, run: dict, checks: list[dict]) -> None:
    """Append one run and its check results to the history (kept across failed runs)."""
    con = connect(state_path)
    try:
        con.execute("begin transaction")
        columns = [c[0] for c in con.execute("describe runs").fetchall()]
        con.execute(
            f"insert into runs ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
            [json.dumps(run[c]) if isinstance(run.get(c), (dict, list)) else run.get(c) for c in columns],
        )
        for check in checks:
            con.execute(
                "insert into check_results (run_id, check_name, check_kind, passed, n_failing, sample) values (?, ?, ?, ?, ?, ?)",
                [run["run_id"], check["check_name"], check["check_kind"], check["passed"], check["n_failing"], check["sample"]],
            )
        con.execute("commit")
    finally:
        con.close()


def set_run_status(state_path: Path, run_id: str, old: str, new: str, message: str | None = None) -> None:
    """Move one run of the history from status `old` to `new` (and set its message, if given)."""
    con = connect(state_path)
    try:
        con.execute("update runs set status = ?, message = coalesce(?, message) where run_id = ? and status = ?",
                    [new, message, run_id, old])
    finally:
        con.close()


def runs_with_status(state_path: Path, status: str) -> list[str]:
    if not state_path.is_file():
        return []
    con = connect(state_path, read_only=True)
    try:
        return [r[0] for r in con.execute("select run_id from runs where status = ? order by started_at",
                                          [status]).fetchall()]
    except duckdb.Error:
        return []
    finally:
        con.close()


def copy_history(con: duckdb.DuckDBPyConnection, state_path: Path) -> None:
    """Copy the run history and check results into the build's audit schema."""
    con.execute(f"attach {_sql_string(str(state_path))} as state (read_only)")
    try:
        con.execute("create schema if not exists audit")
        con.execute("create or replace table audit.runs as select * from state.runs order by started_at")
        con.execute("create or replace table audit.check_results as select * from state.check_results order by checked_at")
        con.execute(
            """create or replace table audit.cleaned_files as
            select source_file, raw_sha256, size_bytes, status, reason, input_kind, encoding, article_id, language,
                   raw_chars, clean_chars, n_paragraphs, n_lines_dropped, n_duplicates_removed, dropped_kinds,
                   cleaner_version, cleaned_at
            from state.cleaned_files
            where container_file in (select source_file from state.inventory)"""
        )
    finally:
        con.execute("detach state")
