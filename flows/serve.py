"""Scheduled runs: serve the flow as a Prefect deployment with a cron schedule.

Cron schedules need a real Prefect server (Prefect's ephemeral API does not run its scheduler), so
without PREFECT_API_URL `commitments serve` starts `prefect server start` itself for as long as it
serves, and stops it with SIGTERM on exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DEPLOYMENT_NAME = "commitments-scheduled"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(api_url: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(api_url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.5)
    raise TimeoutError(f"Prefect server at {api_url} did not become healthy in {timeout_s:.0f} s")


@contextlib.contextmanager
def prefect_server(port: int | None = None):
    """Use PREFECT_API_URL when set; otherwise run `prefect server start` on loopback while serving."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"], None
        return
    port = port or free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    prefect = str(Path(sys.executable).parent / "prefect")
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    server = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_healthy(api_url)
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url, f"http://127.0.0.1:{port}"
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=30)


def serve_flow(raw_dir: Path, warehouse: Path, cron: str, workers: int = 2) -> None:
    """Register the deployment with its cron schedule and run what it schedules, until interrupted."""
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.task_runners import ProcessPoolTaskRunner

    from flows.pipeline import commitments_pipeline

    with temporary_settings({PREFECT_API_URL: os.environ["PREFECT_API_URL"]}):
        flow = commitments_pipeline.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers))
        flow.serve(
            name=DEPLOYMENT_NAME,
            cron=cron,
            parameters={"raw_dir": str(raw_dir), "warehouse": str(warehouse), "wait_for_lock": True},
            description="Clean new or changed raw articles and republish the commitments warehouse.",
            print_starting_message=False,
        )
