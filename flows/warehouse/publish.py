"""Write-audit-publish plumbing: the run lock, build files, and the atomic swap of the published file."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

import duckdb

from flows.warehouse.db import connect, wal_path


class RunInProgress(RuntimeError):
    """Another run holds the lock on this warehouse."""


@contextlib.contextmanager
def run_lock(lock_path: Path, wait: bool = False):
    """Hold an exclusive lock for the whole run; a second run exits at once (or waits if asked).

    The lock is an flock on a file, so a run killed with SIGKILL releases it with its process.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunInProgress(
                f"another run is already building {lock_path.parent} (process {holder}); "
                "try again when it finishes"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def remove_stale_builds(warehouse: Path) -> list[Path]:
    """Delete half-built files left by runs that died (only called while holding the run lock)."""
    removed = []
    for path in warehouse.parent.glob(f".{warehouse.stem}.build-*"):
        # a build is a folder (its file, DuckDB's write-ahead log and spill folder `build.duckdb.tmp`)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    for folder in warehouse.parent.glob(f".{warehouse.stem}.batches-*"):
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def publish_file(build_path: Path, warehouse: Path) -> None:
    """Atomically replace the published warehouse with a finished build.

    Readers that opened the old file keep reading it; new readers see the new one; nobody sees a mix.
    """
    if wal_path(build_path).exists():
        raise RuntimeError(f"build file {build_path.name} still has a write-ahead log; not publishing")
    with open(build_path, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(build_path, warehouse)
    directory = os.open(warehouse.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    remove_build(build_path)


def remove_build(build_path: Path) -> None:
    """Delete a build's folder (its file, if still there, and anything DuckDB or dbt left beside it)."""
    build_path.unlink(missing_ok=True)
    if build_path.parent.name.startswith(".") and ".build-" in build_path.parent.name:
        shutil.rmtree(build_path.parent, ignore_errors=True)


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


def read_facts(warehouse: Path, limit: int = 200) -> list[dict]:
    """The published warehouse's best-supported consolidated facts (for the run's Prefect artifacts)."""
    con = connect(warehouse, read_only=True)
    try:
        result = con.execute(
            """select actor_code, commitment_type, beneficiary_code, stance, n_mentions, n_sources,
                      quantity_text, evidence from marts.fct_commitments
               order by n_sources desc, n_mentions desc limit ?""", [limit])
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, row)) for row in result.fetchall()]
    finally:
        con.close()
