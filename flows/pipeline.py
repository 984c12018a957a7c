"""The one top-level flow: raw articles -> cleaned -> DuckDB -> SQL models -> checks -> publish -> report.

The flow body reads as the pipeline; the work lives in small functions of the other modules.
Cleaning is batched and mapped over processes; every task that writes takes a path.
"""

from __future__ import annotations

import contextlib
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.context import get_run_context
from prefect.cache_policies import NONE as NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner
from prefect.utilities.annotations import quote

from flows import load, models, profile, report, validate
from flows.clean import iter_cleaned
from flows.config import SQL_DIR, Settings, make_settings
from prefect.exceptions import TerminationSignal

from flows.stopping import RunStopped, as_stop, end_children, ignore_ctrl_c_in_worker
from flows.discover import RawFile, discover_raw_files
from flows.publish import publish_file, remove_stale_builds, run_lock


class ChecksFailed(RuntimeError):
    """Blocking checks failed: nothing was published."""


@dataclass
class RunSummary:
    run_id: str
    flow_run_id: str | None
    status: str
    warehouse: str
    report: str | None
    files_found: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_rejected: int = 0
    articles: int = 0
    non_english: int = 0
    rows: dict = field(default_factory=dict)
    rejects: list = field(default_factory=list)
    failed_checks: list = field(default_factory=list)
    message: str = ""


# --------------------------------------------------------------------------- tasks

def reconcile_publishing(settings: Settings) -> None:
    """A run killed between its checks and the end of publishing left "publishing" in the history: it is
    "published" if the published warehouse is its build (the rename happened), else "crashed"."""
    pending = load.runs_with_status(settings.state_path, "publishing")
    published = load.published_run_id(settings.warehouse) if pending else None
    for run_id in pending:
        if published == run_id:
            load.set_run_status(settings.state_path, run_id, "publishing", "published")
            report.promote_pending_report(settings.reports_dir, run_id)
        else:
            load.set_run_status(settings.state_path, run_id, "publishing", "crashed",
                                "stopped after its checks and before its build was published")
            report.drop_pending_report(settings.reports_dir, run_id)


# No task caches its result in Prefect: the incremental state file is the cache (it knows raw bytes and
# the cleaner version), and hashing inputs such as a 100,000-file listing would cost more than the task.

@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def discover(raw_dir: Path, max_bytes: int, state_path: Path, rehash: bool) -> list[RawFile]:
    """List raw files with their hashes (I/O: retried); unchanged files keep the last listing's hash."""
    return discover_raw_files(raw_dir, max_bytes, None if rehash else load.known_files(state_path))


@task(cache_policy=NO_CACHE)
def plan_cleaning(state_path: Path, discovered: list[RawFile]) -> dict[str, list[str]]:
    """Decide which files need cleaning: new or changed bytes (or a new cleaner version)."""
    load.init_state(state_path)
    load.save_inventory(state_path, discovered)
    return load.plan_increment(state_path, discovered)


@task(cache_policy=NO_CACHE)
def clean_files(raw_dir: str, rel_paths: list[str], batch_path: Path, max_bytes: int,
                timeout_s: float) -> tuple[list[Path], dict[str, float]]:
    """Clean one batch of raw files, streaming the article and reject rows into Parquet parts; also
    return the seconds the worker spent in each cleaning step (the run's profile)."""
    ignore_ctrl_c_in_worker()
    profile.take_steps()
    parts = load.write_batch_parts(iter_cleaned(raw_dir, rel_paths, max_bytes, timeout_s), batch_path)
    return parts, profile.take_steps()


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def save_cleaned(state_path: Path, rel_paths: list[str], parts: list[Path]) -> None:
    """Store one cleaned batch in the incremental state (survives a failed run)."""
    load.save_batch(state_path, rel_paths, parts)


@task(cache_policy=NO_CACHE)
def build_warehouse(build_path: Path, state_path: Path, sql_dir: Path) -> dict:
    """Build a new warehouse file: raw layer, lexicon seeds, every SQL model in order, docs."""
    seeds = models.read_seeds(sql_dir / "seeds")
    con = load.connect(build_path)  # under the flow's memory cap: DuckDB spills to disk past it
    try:
        for schema in models.SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
        raw_counts = load.build_raw_layer(con, state_path)
        models.load_seeds(con, seeds)
        model_runs = models.run_models(con, sql_dir, parse_cache=state_path)
        models.apply_docs(con, sql_dir)
        non_english = con.execute("select count(*) from staging.stg_articles where not is_extractable").fetchone()[0]
        articles = con.execute("select count(*) from staging.stg_articles").fetchone()[0]
        con.execute("checkpoint")
    finally:
        con.close()
    return {
        "raw": raw_counts,
        "models": [asdict(m) for m in model_runs],
        "articles": articles,
        "non_english": non_english,
    }


@task(cache_policy=NO_CACHE)
def check_warehouse(build_path: Path, sql_dir: Path) -> list[dict]:
    """Run the SQL audits and the pandera models on the build."""
    con = load.connect(build_path, read_only=True)
    try:
        return [asdict(c) for c in validate.run_checks(con, sql_dir)]
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def record_and_report(build_path: Path, state_path: Path, reports_dir: Path, run: dict, checks: list[dict]) -> str:
    """Append the run to the history, copy it into the build's audit schema and write the report.

    A run about to publish is recorded as "publishing" in the state, and as "published" only inside
    the build (which becomes visible only if the rename happens); its report waits as a pending file
    until `confirm_published`. A run killed in between is never called published anywhere."""
    publishing = run["status"] == "published"
    load.record_run(state_path, {**run, "status": "publishing"} if publishing else run, checks)
    con = load.connect(build_path)
    try:
        load.copy_history(con, state_path)
        if publishing:
            con.execute("update audit.runs set status = 'published' where run_id = ?", [run["run_id"]])
        page = report.render_report(con, run["run_id"])
        con.execute("checkpoint")
    finally:
        con.close()
    if publishing:
        return str(report.write_pending_report(page, reports_dir, run["run_id"]))
    return str(report.write_report(page, reports_dir, run["run_id"]))


@task(cache_policy=NO_CACHE)
def confirm_published(state_path: Path, reports_dir: Path, run_id: str) -> str:
    """After the rename: the history and the report say "published"."""
    load.set_run_status(state_path, run_id, "publishing", "published")
    return str(report.promote_pending_report(reports_dir, run_id))


@task(cache_policy=NO_CACHE)
def publish(build_path: Path, warehouse: Path) -> None:
    """Atomically replace the published warehouse with the checked build."""
    publish_file(build_path, warehouse)


@task(cache_policy=NO_CACHE)
def publish_artifacts(summary: dict, facts: list[dict], checks: list[dict]) -> None:
    """Show the run's findings in the Prefect UI: a markdown summary and tables."""
    lines = [
        f"# Commitments run `{summary['run_id']}`: {summary['status']}",
        "",
        "| files found | new | changed | unchanged | rejected | articles |",
        "|---|---|---|---|---|---|",
        f"| {summary['files_found']} | {summary['files_new']} | {summary['files_changed']} | "
        f"{summary['files_unchanged']} | {summary['files_rejected']} | {summary['articles']} |",
        "",
        f"Report: `{summary['report']}`",
    ]
    if summary["failed_checks"]:
        lines += ["", "## Failed checks", ""] + [f"- {name}" for name in summary["failed_checks"]]
    key = "commitments-run"
    create_markdown_artifact("\n".join(lines), key=key, description="Run summary")
    if facts:
        create_table_artifact(facts, key="commitments-facts", description="Consolidated commitments")
    create_table_artifact(
        [{k: c[k] for k in ("check_kind", "check_name", "passed", "n_failing")} for c in checks] or [{"check": "none"}],
        key="commitments-checks", description="Audit and pandera checks",
    )


# --------------------------------------------------------------------------- helpers

def _record_crash(settings: Settings, run_id: str, started: datetime, stages: dict, exc: BaseException) -> None:
    with contextlib.suppress(Exception):
        load.init_state(settings.state_path)
        load.record_run(settings.state_path, {
            "run_id": run_id, "flow_run_id": _flow_run_id(), "started_at": started,
            "ended_at": datetime.now(timezone.utc).replace(tzinfo=None), "status": "crashed",
            "message": f"{type(exc).__name__}: {exc}"[:2000], "raw_dir": str(settings.raw_dir), "stage_seconds": stages,
        }, [])


def _summarise(settings: Settings, run_id: str, started: datetime, stages: dict, discovered: list[RawFile],
               plan: dict, built: dict, checks: list[dict], fingerprint: str, build_path: Path,
               stage_profile: dict) -> tuple[RunSummary, dict]:
    """The run's summary (printed, shown as artifacts) and its history row."""
    failed = [c["check_name"] for c in checks if not c["passed"]]
    rows = {f"raw.{name}": n for name, n in built["raw"].items()}
    rows.update({models.model_table(m["model"]): m["rows"] for m in built["models"]})
    summary = RunSummary(
        run_id=run_id, flow_run_id=_flow_run_id(), status="failed" if failed else "published",
        warehouse=str(settings.warehouse), report=None, files_found=len(discovered),
        files_new=len(plan["new"]), files_changed=len(plan["changed"]), files_unchanged=len(plan["unchanged"]),
        files_rejected=built["raw"]["rejects"], articles=built["articles"], non_english=built["non_english"],
        rows=rows, rejects=_rejects(build_path), failed_checks=failed,
        message=("blocking checks failed; the published warehouse was left as it was: " + "; ".join(failed))
        if failed else "",
    )
    run_row = {
        "run_id": run_id, "flow_run_id": summary.flow_run_id, "started_at": started,
        "ended_at": datetime.now(timezone.utc).replace(tzinfo=None), "status": summary.status,
        "message": summary.message, "raw_dir": str(settings.raw_dir), "files_found": summary.files_found,
        "files_new": summary.files_new, "files_changed": summary.files_changed,
        "files_unchanged": summary.files_unchanged, "files_rejected": summary.files_rejected,
        "articles": summary.articles, "non_english": summary.non_english, "rows_per_layer": rows,
        "stage_seconds": stages, "model_stats": built["models"], "fingerprint": fingerprint,
        "stage_profile": stage_profile,
    }
    return summary, run_row


def _record_unchanged_run(settings: Settings, run_id: str, started: datetime, stages: dict,
                          discovered: list[RawFile], plan: dict) -> dict:
    """A run with nothing to do: recorded in the history, the published warehouse left as it is."""
    report_path = settings.reports_dir / "latest.html"
    summary = RunSummary(
        run_id=run_id, flow_run_id=_flow_run_id(), status="unchanged", warehouse=str(settings.warehouse),
        report=str(report_path) if report_path.exists() else None, files_found=len(discovered),
        files_unchanged=len(plan["unchanged"]), files_rejected=len(plan["problem"]),
        message="nothing changed since the last published run; the warehouse is current",
    )
    load.record_run(settings.state_path, {
        "run_id": run_id, "flow_run_id": summary.flow_run_id, "started_at": started,
        "ended_at": datetime.now(timezone.utc).replace(tzinfo=None), "status": "unchanged",
        "message": summary.message, "raw_dir": str(settings.raw_dir), "files_found": summary.files_found,
        "files_unchanged": summary.files_unchanged, "stage_seconds": stages,
    }, [])
    return asdict(summary)


def _pause_point(stage: str, pause_at: str | None, marker: str | None) -> None:
    """Test hook: at `pause_at`, write `marker` and wait, so a test can kill the run at that stage."""
    if pause_at == stage and marker:
        Path(marker).write_text(stage, encoding="utf-8")
        time.sleep(300)


def _batches(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _flow_run_id() -> str | None:
    try:
        return str(get_run_context().flow_run.id)
    except Exception:  # noqa: BLE001 - outside a flow run there is no id
        return None


def _read_facts(warehouse: Path, limit: int = 200) -> list[dict]:
    con = load.connect(warehouse, read_only=True)
    try:
        result = con.execute(
            """select actor_code, commitment_type, beneficiary_code, stance, n_mentions, n_sources,
                      quantity_text, evidence from marts.fct_commitments
               order by n_sources desc, n_mentions desc limit ?""", [limit])
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, row)) for row in result.fetchall()]
    finally:
        con.close()


def _rejects(build_path: Path) -> list[tuple[str, str]]:
    con = load.connect(build_path, read_only=True)
    try:
        return con.execute("select source_file, reason from raw.rejects order by source_file").fetchall()
    finally:
        con.close()


# --------------------------------------------------------------------------- the flow

@flow(name="commitments", task_runner=ProcessPoolTaskRunner(max_workers=2), log_prints=True)
def commitments_pipeline(
    raw_dir: str | None = None,
    warehouse: str | None = None,
    batch_size: int = 500,
    doc_timeout_s: float = 20.0,
    max_file_mb: int = 50,
    wait_for_lock: bool = False,
    rehash: bool = False,
    pause_at: str | None = None,
    pause_marker: str | None = None,
) -> dict:
    """Clean raw articles, build and check a new warehouse, publish it atomically, report."""
    settings: Settings = make_settings(raw_dir, warehouse, batch_size=batch_size,
                                       doc_timeout_s=doc_timeout_s, max_file_bytes=max_file_mb * 1_000_000)
    logger = get_run_logger()
    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    clock = profile.StageClock()
    stages = clock.wall  # wall seconds per stage, as the history has always had them
    worker_steps: dict[str, float] = {}
    with run_lock(settings.lock_path, wait=wait_for_lock):
        try:
            remove_stale_builds(settings.warehouse)
            reconcile_publishing(settings)
            build_path = settings.build_path(run_id)

            with clock.stage("discover"):
                discovered = discover(settings.raw_dir, settings.max_file_bytes, settings.state_path, rehash)
                plan = plan_cleaning(settings.state_path, quote(discovered))  # quote: Prefect need not walk it
                fingerprint = load.inputs_fingerprint(discovered, SQL_DIR)
            if load.published_fingerprint(settings.warehouse) == fingerprint:
                # nothing a build depends on has changed: the published warehouse is current
                return _record_unchanged_run(settings, run_id, started, stages, discovered, plan)

            with clock.stage("clean"):
                to_clean = plan["new"] + plan["changed"]
                batches = _batches(to_clean, settings.batch_size)
                batch_dir = settings.batch_dir(run_id)
                batch_paths = [batch_dir / f"batch-{i:05d}.parquet" for i in range(len(batches))]
                cleaned = clean_files.map(str(settings.raw_dir), batches, batch_paths,
                                          settings.max_file_bytes, settings.doc_timeout_s)
                for rel_paths, future in zip(batches, cleaned):
                    parts, steps = future.result()
                    profile.add_steps(worker_steps, steps)
                    save_cleaned(settings.state_path, rel_paths, parts)
                with contextlib.suppress(OSError):
                    batch_dir.rmdir()
            _pause_point("cleaned", pause_at, pause_marker)

            with clock.stage("models"):
                built = build_warehouse(build_path, settings.state_path, SQL_DIR)
            _pause_point("built", pause_at, pause_marker)

            with clock.stage("checks"):
                checks = check_warehouse(build_path, SQL_DIR)

            summary, run_row = _summarise(settings, run_id, started, stages, discovered, plan, built, checks,
                                          fingerprint, build_path, clock.profile(worker_steps))
            summary.report = record_and_report(build_path, settings.state_path, settings.reports_dir, run_row, checks)
            _pause_point("checked", pause_at, pause_marker)
            if summary.failed_checks:
                build_path.unlink(missing_ok=True)
                publish_artifacts(asdict(summary), [], checks)
                logger.error(summary.message)
                raise ChecksFailed(summary.message)
            publish(build_path, settings.warehouse)
            summary.report = confirm_published(settings.state_path, settings.reports_dir, run_id)
            _pause_point("published", pause_at, pause_marker)
            publish_artifacts(asdict(summary), _read_facts(settings.warehouse), checks)
        except ChecksFailed:
            raise
        except (Exception, RunStopped, TerminationSignal) as exc:
            # a crash in any stage: history records it, the half-built file goes, the published file stays
            # (Prefect turns SIGTERM during a flow run into its TerminationSignal, then re-sends it)
            # (and DuckDB turns a stop signal during a statement into its "Query interrupted" error)
            stop = RunStopped(exc.signal) if isinstance(exc, TerminationSignal) else as_stop(exc)
            if isinstance(stop, RunStopped):
                end_children(spare_protected=True)  # cleaning workers stop now, not after their batch
            # first the build file with its write-ahead log and spill folder (the run holds the lock: all
            # are its own), which also frees the room a full disk needs for the history row
            remove_stale_builds(settings.warehouse)
            shutil.rmtree(settings.batch_dir(run_id), ignore_errors=True)
            _record_crash(settings, run_id, started, stages, stop)
            if stop is not exc and not isinstance(exc, TerminationSignal):
                raise stop from exc
            raise
    return asdict(summary)
