"""The one top-level flow: raw articles -> cleaned -> DuckDB -> SQL models -> checks -> publish -> report.

The body reads as the README's diagram; every step is a task of `flows.tasks` over paths.
"""

from __future__ import annotations

from prefect import flow
from prefect.task_runners import ProcessPoolTaskRunner

from flows import profile
from flows.runs import Run
from flows.settings import SQL_DIR, default, make_settings
from flows.state import inputs_fingerprint
from flows.tasks import (build_warehouse, check_warehouse, clean_in_batches, confirm_published, discover,
                         document_build, flow_run_id, note_build, plan_cleaning, prepare, publish, publish_artifacts,
                         record_and_report, record_unchanged, recording_crashes, refuse_to_publish)
from flows.warehouse import models
from flows.warehouse.publish import published_fingerprint, read_facts, run_lock


@flow(name="commitments", task_runner=ProcessPoolTaskRunner(max_workers=default("workers")), log_prints=True)
def commitments_pipeline(raw_dir: str | None = None, warehouse: str | None = None,
                         batch_size: int = default("batch_size"), doc_timeout_s: float = default("doc_timeout_s"),
                         max_file_mb: int = default("max_file_mb"), wait_for_lock: bool = False,
                         rehash: bool = False, full_refresh: bool = False) -> dict:
    """Clean raw articles, build and check a new warehouse, publish it atomically, report."""
    settings = make_settings(raw_dir, warehouse, batch_size=batch_size, doc_timeout_s=doc_timeout_s,
                             max_file_mb=max_file_mb)
    run = Run.start(settings.raw_dir, settings.warehouse, flow_run_id())
    clock = profile.StageClock()
    run.stage_seconds = clock.wall
    with run_lock(settings.lock_path, wait=wait_for_lock), recording_crashes(settings, run):
        prepare(settings)
        with clock.stage("discover"):
            discovered = discover(settings, rehash)
            plan = plan_cleaning(settings.state_path, discovered)
            fingerprint = inputs_fingerprint(discovered.files, SQL_DIR)
        run.planned(plan)
        if published_fingerprint(settings.warehouse) == fingerprint and not full_refresh:
            return record_unchanged(settings, run)  # nothing a build depends on has changed
        with clock.stage("clean"):
            models.start_loading()  # dbt's import and parse overlap the cleaning, which the workers do
            worker_steps = clean_in_batches(settings, run.run_id, plan)
        build_path = settings.build_path(run.run_id)
        with clock.stage("models"):
            built = build_warehouse(build_path, settings.state_path, SQL_DIR, settings.warehouse, full_refresh)
        with clock.stage("checks"):
            checks = check_warehouse(build_path, SQL_DIR)
        with clock.stage("docs"):
            document_build(build_path, settings.reports_dir)
        note_build(run, built, checks, fingerprint, clock.profile(worker_steps))
        run.report = record_and_report(build_path, settings, run, checks)
        if run.failed_checks:
            refuse_to_publish(build_path, run, checks)
        publish(build_path, settings.warehouse)
        run.report = confirm_published(settings, run.run_id)
        publish_artifacts(run.summary(), read_facts(settings.warehouse), checks)
    return run.summary()
