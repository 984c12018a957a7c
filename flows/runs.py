"""One run of the flow: its record (built once, written once to the history) and the history itself.

The history is a table in the state file (it survives failed runs) and is copied into every build's
audit schema, so a published warehouse carries the story of the runs that led to it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from flows.warehouse.db import connect, sql_string

HISTORY_COLUMNS = (
    "run_id", "flow_run_id", "started_at", "ended_at", "status", "message", "raw_dir", "files_found",
    "files_new", "files_changed", "files_unchanged", "files_rejected", "articles", "non_english",
    "rows_per_layer", "stage_seconds", "model_stats", "fingerprint", "stage_profile", "build_plan",
)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass
class Run:
    """Everything one run says about itself: the history row, the printed summary and the artifacts."""

    run_id: str
    raw_dir: str
    warehouse: str
    started_at: datetime = field(default_factory=_now)
    flow_run_id: str | None = None
    status: str = "running"
    message: str = ""
    ended_at: datetime | None = None
    files_found: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_rejected: int = 0
    articles: int = 0
    non_english: int = 0
    rows_per_layer: dict = field(default_factory=dict)
    stage_seconds: dict = field(default_factory=dict)
    model_stats: list = field(default_factory=list)
    fingerprint: str | None = None
    stage_profile: dict | None = None
    build_plan: dict | None = None  # full or incremental, and why (flows/warehouse/incremental.py)
    report: str | None = None
    rejects: list = field(default_factory=list)
    failed_checks: list = field(default_factory=list)

    @classmethod
    def start(cls, raw_dir: Path, warehouse: Path, flow_run_id: str | None = None) -> "Run":
        now = _now()
        return cls(run_id=now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6], raw_dir=str(raw_dir),
                   warehouse=str(warehouse), started_at=now, flow_run_id=flow_run_id)

    def planned(self, plan: dict[str, list[str]]) -> None:
        self.files_found = sum(len(v) for v in plan.values())
        self.files_new, self.files_changed = len(plan["new"]), len(plan["changed"])
        self.files_unchanged, self.files_rejected = len(plan["unchanged"]), len(plan["problem"])

    def end(self, status: str, message: str = "") -> "Run":
        self.status, self.message, self.ended_at = status, message or self.message, _now()
        return self

    def history_row(self) -> dict:
        return {c: getattr(self, c) for c in HISTORY_COLUMNS}

    def summary(self) -> dict:
        """What the command line prints and the flow returns (JSON values)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("started_at", "ended_at")}
        out["rows"] = out.pop("rows_per_layer")
        return json.loads(json.dumps(out, default=str))


def record_run(state_path: Path, run: Run | dict, checks: list[dict]) -> None:
    """Append one run and its check results to the history (kept across failed runs)."""
    con = connect(state_path)
    try:
        con.execute("begin transaction")
        row = run.history_row() if isinstance(run, Run) else run
        columns = [c[0] for c in con.execute("describe runs").fetchall()]
        con.execute(
            f"insert into runs ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
            [json.dumps(row[c]) if isinstance(row.get(c), (dict, list)) else row.get(c) for c in columns],
        )
        for check in checks:
            con.execute(
                "insert into check_results (run_id, check_name, check_kind, passed, n_failing, sample) values (?, ?, ?, ?, ?, ?)",
                [row["run_id"], check["check_name"], check["check_kind"], check["passed"], check["n_failing"], check["sample"]],
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
    con.execute(f"attach {sql_string(str(state_path))} as state (read_only)")
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
