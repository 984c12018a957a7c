"""Scheduled runs: serve the flow as a Prefect deployment with a cron schedule.

Cron schedules need a real Prefect server; `flows.prefect_api.prefect_api(for_schedules=True)` starts
one when PREFECT_API_URL is not set.
"""

from __future__ import annotations

import os

from flows.settings import Settings

DEPLOYMENT_NAME = "commitments-scheduled"


def serve_flow(settings: Settings, cron: str) -> None:
    """Register the deployment with its cron schedule and run what it schedules, until interrupted."""
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.task_runners import ProcessPoolTaskRunner

    from flows.pipeline import commitments_pipeline

    with temporary_settings({PREFECT_API_URL: os.environ["PREFECT_API_URL"]}):
        flow = commitments_pipeline.with_options(task_runner=ProcessPoolTaskRunner(max_workers=settings.workers))
        flow.serve(
            name=DEPLOYMENT_NAME,
            cron=cron,
            parameters={**settings.flow_parameters(), "wait_for_lock": True},
            description="Clean new or changed raw articles and republish the commitments warehouse.",
            print_starting_message=False,
        )
