"""Scheduled runs: the deployment registers with its cron schedule, and a run from it publishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flows import cli
from flows.prefect_api import prefect_api
from flows.serve import DEPLOYMENT_NAME

pytestmark = pytest.mark.e2e
COMMITMENTS = str(Path(sys.executable).parent / "commitments")


def test_serve_registers_the_cron_deployment_and_a_run_from_it_publishes(prefect_api_url, sample_raw, tmp_path):
    from prefect.client.orchestration import get_client

    warehouse = tmp_path / "wh" / "commitments.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_LOGGING_LEVEL"}
    served = subprocess.Popen([COMMITMENTS, "serve", "--cron", "*/30 * * * *", "--raw-dir", str(sample_raw),
                               "--warehouse", str(warehouse)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        with get_client(sync_client=True) as client:
            deployment = None
            deadline = time.monotonic() + 120
            while deployment is None and time.monotonic() < deadline:
                assert served.poll() is None, served.communicate()
                try:
                    deployment = client.read_deployment_by_name(f"commitments/{DEPLOYMENT_NAME}")
                except Exception:  # noqa: BLE001 - not registered yet
                    time.sleep(1)
            assert deployment is not None, "the deployment never registered"
            assert [s.schedule.cron for s in deployment.schedules] == ["*/30 * * * *"]
            assert deployment.parameters["warehouse"] == str(warehouse)

            flow_run = client.create_flow_run_from_deployment(deployment.id)
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                state = client.read_flow_run(flow_run.id).state
                if state and state.is_final():
                    break
                time.sleep(1)
            assert state is not None and state.is_completed(), state
    finally:
        os.killpg(served.pid, signal.SIGTERM)
        try:
            served.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(served.pid, signal.SIGKILL)
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from marts.fct_commitments").fetchone()[0] > 0


def test_a_bad_cron_expression_is_a_one_line_error(sample_raw, capsys):
    assert cli.main(["serve", "--cron", "every hour", "--raw-dir", str(sample_raw)]) == 1
    assert "not a cron expression" in capsys.readouterr().err


def test_without_an_api_url_serving_starts_a_real_prefect_server_and_stops_it(monkeypatch):
    import urllib.request

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with prefect_api(for_schedules=True) as (api_url, ui_url):
        with urllib.request.urlopen(api_url + "/health", timeout=5) as response:
            assert response.status == 200
        assert os.environ["PREFECT_API_URL"] == api_url and ui_url
    time.sleep(1)
    with pytest.raises(OSError):
        urllib.request.urlopen(api_url + "/health", timeout=2)
