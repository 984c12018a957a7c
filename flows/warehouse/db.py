"""Connections to the flow's DuckDB files (warehouse, build, state) under one memory cap."""

from __future__ import annotations

from pathlib import Path

import duckdb


# every DuckDB file the flow opens gets a bounded buffer pool (DuckDB spills to disk past it), so the
# flow's memory stays flat at any corpus size; DuckDB's own default is 80 % of the machine's RAM

MEMORY_LIMIT = "768MB"


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a warehouse, build or state file under the flow's memory cap."""
    return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": MEMORY_LIMIT})


def wal_path(path: Path) -> Path:
    """DuckDB's write-ahead log of a database file: changes not yet checkpointed into the file itself."""
    return path.with_name(path.name + ".wal")


def sql_string(value: str) -> str:
    """A SQL string literal (for statements that take no parameters, such as ATTACH and COPY)."""
    return "'" + value.replace("'", "''") + "'"
