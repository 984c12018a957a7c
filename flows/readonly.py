"""Reading the published warehouse from the command line: one-line errors, read-only, sandboxed SQL."""

from __future__ import annotations

from pathlib import Path

from flows.settings import DEFAULT_WAREHOUSE


class UserError(Exception):
    """An expected failure: printed as one line, exit code 1, no traceback."""


def warehouse_path(value: str | None) -> Path:
    path = Path(value).expanduser().resolve() if value else DEFAULT_WAREHOUSE
    if not path.is_file():
        raise UserError(f"no published warehouse at {path} (run `commitments run` first)")
    return path


def connect_read_only(path: Path, sandboxed: bool = False):
    """A read-only connection; `sandboxed` (ad hoc SQL) also uses DuckDB's own sandbox: no file
    system access besides the warehouse (no COPY TO, read_text, glob, ATTACH, query log), no extension
    loading, and a locked configuration (no SET memory_limit / threads / log_query_path)."""
    import duckdb

    config = {}
    if sandboxed:
        config = {"enable_external_access": False, "autoload_known_extensions": False,
                  "autoinstall_known_extensions": False, "lock_configuration": True}
    try:
        return duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.Error as exc:
        raise UserError(f"cannot open {path} read-only: {str(exc).splitlines()[0]}") from None


READ_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA", "SHOW", "DESCRIBE", "SUMMARIZE", "VARIABLE_SET", "SET"}


def check_read_only(sql: str) -> None:
    """Refuse anything but queries, before DuckDB sees it, with a clear message."""
    import duckdb

    try:
        kinds = [statement.type.name for statement in duckdb.extract_statements(sql)]
    except duckdb.Error as exc:
        raise UserError(f"SQL error: {str(exc).splitlines()[0]}") from None
    if not kinds:
        raise UserError("no SQL statement given")
    for kind in kinds:
        if kind not in READ_STATEMENTS:
            raise UserError(
                f"refused: {kind} statements are not allowed; `commitments sql` is read-only "
                "(the warehouse is rebuilt by `commitments run`)"
            )
