"""The flow's tasks: each a small step of the pipeline over paths, the work done by the stage modules.

No task caches its result in Prefect: the incremental state file is the cache (it knows raw bytes and
the cleaner version), and hashing inputs such as a 100,000-file listing would cost more than the task.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
from dataclasses import asdict
from pathlib import Path

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE as NO_CACHE
from prefect.context import get_run_context
from prefect.exceptions import TerminationSignal

from flows import profile, progress, runs, state
from flows.ingest.batches import write_batch_parts
from flows.ingest.clean import iter_cleaned
from flows.ingest.discover import Listing, discover_raw_files
from flows.runs import Run
from flows.settings import Settings
from flows.stopping import RunStopped, as_stop, end_children, ignore_ctrl_c_in_worker
from flows.warehouse import checks as warehouse_checks
from flows.warehouse import docs as warehouse_docs
from flows.warehouse import build_plan, incremental, lexicon, models
from flows.warehouse.db import connect
from flows.warehouse.publish import publish_file, published_run_id, remove_build, remove_stale_builds


def _report():
    """The report module, imported when a task writes or moves a report: matplotlib and Jinja2 cost about
    0.4 s to import, and the cleaning processes, which import this module, never draw."""
    from flows.report import render

    return render


class ChecksFailed(RuntimeError):
    """Blocking checks failed: nothing was published."""


def flow_run_id() -> str | None:
    try:
        return str(get_run_context().flow_run.id)
    except Exception:  # noqa: BLE001 - outside a flow run there is no id
        return None


# --------------------------------------------------------------------------- before a run

@task(cache_policy=NO_CACHE)
def prepare(settings: Settings) -> None:
    """Remove builds left by killed runs; settle a run killed between its checks and its publishing:
    "published" if the published warehouse is its build (the rename happened), else "crashed"."""
    remove_stale_builds(settings.warehouse)
    pending = runs.runs_with_status(settings.state_path, "publishing")
    published = published_run_id(settings.warehouse) if pending else None
    for run_id in pending:
        if published == run_id:
            runs.set_run_status(settings.state_path, run_id, "publishing", "published")
            _report().promote_pending_report(settings.reports_dir, run_id)
        else:
            runs.set_run_status(settings.state_path, run_id, "publishing", "crashed",
                                "stopped after its checks and before its build was published")
            _report().drop_pending_report(settings.reports_dir, run_id)


@contextlib.contextmanager
def recording_crashes(settings: Settings, run: Run):
    """A crash in any stage: the history records it, the half-built file goes, the published file stays.

    Prefect turns SIGTERM during a flow run into its TerminationSignal (then re-sends it), and DuckDB
    turns a stop signal during a statement into its "Query interrupted" error: both are a RunStopped."""
    try:
        yield
    except ChecksFailed:
        raise
    except (Exception, RunStopped, TerminationSignal) as exc:
        stop = RunStopped(exc.signal) if isinstance(exc, TerminationSignal) else as_stop(exc)
        if isinstance(stop, RunStopped):
            end_children(spare_protected=True)  # cleaning workers stop now, not after their batch
        # first the build file with its write-ahead log and spill folder (the run holds the lock: all are
        # its own), which also frees the room a full disk needs for the history row
        remove_stale_builds(settings.warehouse)
        shutil.rmtree(settings.batch_dir(run.run_id), ignore_errors=True)
        with contextlib.suppress(Exception):
            state.init_state(settings.state_path)
            runs.record_run(settings.state_path, run.end("crashed", f"{type(stop).__name__}: {stop}"[:2000]), [])
        if stop is not exc and not isinstance(exc, TerminationSignal):
            raise stop from exc
        raise


# --------------------------------------------------------------------------- discover and clean

@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def discover(settings: Settings, rehash: bool) -> Listing:
    """List raw files with their hashes (I/O: retried); unchanged files keep the last listing's hash."""
    known = None if rehash else state.known_files(settings.state_path)
    return Listing(discover_raw_files(settings.raw_dir, settings.max_file_bytes, known), known)


@task(cache_policy=NO_CACHE)
def plan_cleaning(state_path: Path, listing: Listing) -> dict[str, list[str]]:
    """Decide which files need cleaning: new or changed bytes (or a new cleaner version)."""
    state.init_state(state_path)
    state.save_inventory(state_path, listing.files, listing.previous)
    return state.plan_increment(state_path, listing.files)


@task(cache_policy=NO_CACHE)
def clean_files(raw_dir: str, rel_paths: list[str], batch_path: Path, max_bytes: int,
                timeout_s: float) -> tuple[list[Path], dict[str, float]]:
    """Clean one batch of raw files, streaming the article and reject rows into Parquet parts; also
    return the seconds the worker spent in each cleaning step (the run's profile)."""
    ignore_ctrl_c_in_worker()
    profile.take_steps()
    parts = write_batch_parts(iter_cleaned(raw_dir, rel_paths, max_bytes, timeout_s), batch_path)
    return parts, profile.take_steps()


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def save_cleaned(state_path: Path, rel_paths: list[str], parts: list[Path]) -> None:
    """Store one cleaned batch in the incremental state (survives a failed run)."""
    state.save_batch(state_path, rel_paths, parts)


def clean_in_batches(settings: Settings, run_id: str, plan: dict[str, list[str]]) -> dict[str, float]:
    """Map the new and changed files, in batches, over the cleaning processes; store each batch as it
    comes back. Returns the seconds the workers spent per cleaning step."""
    to_clean = plan["new"] + plan["changed"]
    batches = [to_clean[i:i + settings.batch_size] for i in range(0, len(to_clean), settings.batch_size)]
    batch_dir = settings.batch_dir(run_id)
    batch_paths = [batch_dir / f"batch-{i:05d}.parquet" for i in range(len(batches))]
    cleaned = clean_files.map(str(settings.raw_dir), batches, batch_paths, settings.max_file_bytes,
                              settings.doc_timeout_s)
    worker_steps: dict[str, float] = {}
    done = 0
    progress.advance("clean", done, len(to_clean))
    for rel_paths, future in zip(batches, cleaned):
        parts, steps = future.result()
        profile.add_steps(worker_steps, steps)
        save_cleaned(settings.state_path, rel_paths, parts)
        done += len(rel_paths)
        progress.advance("clean", done, len(to_clean))
    with contextlib.suppress(OSError):
        batch_dir.rmdir()
    return worker_steps


# --------------------------------------------------------------------------- build and check

@task(cache_policy=NO_CACHE)
def build_warehouse(build_path: Path, state_path: Path, sql_dir: Path, published: Path, full_refresh: bool) -> dict:
    """Build a new warehouse file (empty, or a copy of the published one): raw layer and lexicon, then
    `dbt run` of every model, or of the per-article ones for new and changed articles only
    (flows/warehouse/incremental.py)."""
    raw_counts, plan, model_runs = incremental.build_models(
        build_path, state_path, published, full_refresh, lexicon.read_seeds(sql_dir / "seeds"),
        functools.partial(progress.advance, "build"))
    get_run_logger().info(plan.summary())
    con = connect(build_path)
    try:
        models.apply_docs(con, sql_dir, schemas=("lexicon",))  # dbt's persist_docs wrote the models'
        non_english = con.execute("select count(*) from staging.stg_articles where not is_extractable").fetchone()[0]
        articles = con.execute("select count(*) from staging.stg_articles").fetchone()[0]
        rejects = con.execute("select source_file, reason from raw.rejects order by source_file").fetchall()
        con.execute("checkpoint")
    finally:
        con.close()
    return {"raw": raw_counts, "models": [asdict(m) for m in model_runs], "plan": build_plan.plan_record(plan),
            "articles": articles, "non_english": non_english, "rejects": rejects}


@task(cache_policy=NO_CACHE)
def check_warehouse(build_path: Path, sql_dir: Path) -> list[dict]:
    """`dbt test` (every data test of sql/), then the pandera models, on the build."""
    tests = models.dbt_test(build_path)
    con = connect(build_path, read_only=True)
    try:
        results = warehouse_checks.data_test_results(con, tests) + warehouse_checks.run_pandera(con)
        return [asdict(c) for c in results]
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def document_build(build_path: Path, reports_dir: Path) -> str | None:
    """dbt's docs site for the build's project (`dbt docs generate --static`, once per version of sql/),
    beside the reports; the build records which page describes it. A page that cannot be written is a
    warning in the log and the report, never a reason not to publish checked data."""
    page, note = warehouse_docs.document_build(build_path, reports_dir)
    if page is None:
        get_run_logger().warning(note)
    return page


def note_build(run: Run, built: dict, checks: list[dict], fingerprint: str, stage_profile: dict) -> None:
    """Fill the run record from the build and its checks."""
    run.rows_per_layer = {f"raw.{name}": n for name, n in built["raw"].items()}
    run.rows_per_layer.update({models.model_table(m["model"]): m["rows"] for m in built["models"]})
    run.files_rejected, run.rejects = built["raw"]["rejects"], [tuple(r) for r in built["rejects"]]
    run.articles, run.non_english, run.model_stats = built["articles"], built["non_english"], built["models"]
    run.fingerprint, run.stage_profile, run.build_plan = fingerprint, stage_profile, built["plan"]
    run.failed_checks = [c["check_name"] for c in checks if not c["passed"]]
    if run.failed_checks:
        run.end("failed", "blocking checks failed; the published warehouse was left as it was: "
                + "; ".join(run.failed_checks))
    else:
        run.end("published")


# --------------------------------------------------------------------------- record, publish, report

@task(cache_policy=NO_CACHE)
def record_and_report(build_path: Path, settings: Settings, run: Run, checks: list[dict]) -> str:
    """Append the run to the history, copy it into the build's audit schema and write the report.

    A run about to publish is recorded as "publishing" in the state, and as "published" only inside
    the build (which becomes visible only if the rename happens); its report waits as a pending file
    until `confirm_published`. A run killed in between is never called published anywhere."""
    publishing = run.status == "published"
    row = run.history_row()
    runs.record_run(settings.state_path, {**row, "status": "publishing"} if publishing else row, checks)
    con = connect(build_path)
    try:
        runs.copy_history(con, settings.state_path)
        if publishing:
            con.execute("update audit.runs set status = 'published' where run_id = ?", [run.run_id])
        page = _report().render_report(con, run.run_id)
        con.execute("checkpoint")
    finally:
        con.close()
    if publishing:
        return str(_report().write_pending_report(page, settings.reports_dir, run.run_id))
    return str(_report().write_report(page, settings.reports_dir, run.run_id))


def refuse_to_publish(build_path: Path, run: Run, checks: list[dict]) -> None:
    """Failed checks: the build goes, the published warehouse stays, the run fails with the reasons."""
    remove_build(build_path)
    publish_artifacts(run.summary(), [], checks)
    get_run_logger().error(run.message)
    raise ChecksFailed(run.message)


publish = task(publish_file, name="publish", cache_policy=NO_CACHE)  # the checked build replaces the published file


@task(cache_policy=NO_CACHE)
def confirm_published(settings: Settings, run_id: str) -> str:
    """After the rename: the history and the report say "published"."""
    runs.set_run_status(settings.state_path, run_id, "publishing", "published")
    return str(_report().promote_pending_report(settings.reports_dir, run_id))


@task(cache_policy=NO_CACHE)
def record_unchanged(settings: Settings, run: Run) -> dict:
    """A run with nothing to do: recorded in the history, the published warehouse left as it is."""
    latest = settings.reports_dir / "latest.html"
    run.report = str(latest) if latest.exists() else None
    run.end("unchanged", "nothing changed since the last published run; the warehouse is current")
    runs.record_run(settings.state_path, run, [])
    return run.summary()


@task(cache_policy=NO_CACHE)
def publish_artifacts(summary: dict, facts: list[dict], checks: list[dict]) -> None:
    """Show the run's findings in the Prefect UI: a markdown summary and tables."""
    lines = [f"# Commitments run `{summary['run_id']}`: {summary['status']}", "",
             "| files found | new | changed | unchanged | rejected | articles |", "|---|---|---|---|---|---|",
             f"| {summary['files_found']} | {summary['files_new']} | {summary['files_changed']} | "
             f"{summary['files_unchanged']} | {summary['files_rejected']} | {summary['articles']} |",
             "", f"Report: `{summary['report']}`"]
    if summary["failed_checks"]:
        lines += ["", "## Failed checks", ""] + [f"- {name}" for name in summary["failed_checks"]]
    create_markdown_artifact("\n".join(lines), key="commitments-run", description="Run summary")
    if facts:
        create_table_artifact(facts, key="commitments-facts", description="Consolidated commitments")
    create_table_artifact(
        [{k: c[k] for k in ("check_kind", "check_name", "passed", "n_failing")} for c in checks] or [{"check": "none"}],
        key="commitments-checks", description="dbt data tests and pandera checks",
    )
