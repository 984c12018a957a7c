"""The raw layer of a build: this run's cleaned files, rejects and sentences, copied from the state."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.warehouse.db import sql_string


def build_raw_layer(con: duckdb.DuckDBPyConnection, state_path: Path) -> dict[str, int]:
    """Copy this run's files from the state into the build's raw schema; return row counts."""
    con.execute(f"attach {sql_string(str(state_path))} as state (read_only)")
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
