"""The one place that connects to, or starts, a Prefect API: used by `run`, `serve` and `bench`.

`PREFECT_API_URL` set: use it. Otherwise `run` and `bench` start Prefect's local API in a child
process for the command (so the cleaning processes report to the same API as the flow), and `serve`
starts a real `prefect server start` (Prefect's ephemeral API does not run its scheduler, and cron
needs it); both stop with the command.
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


def quiet_prefect(verbose: bool) -> None:
    """No analytics; unless verbose, Prefect's logs stay in its API and the command prints its own lines."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")


@contextlib.contextmanager
def prefect_api(for_schedules: bool = False):
    """Yield (api_url, ui_url or None) of the API this command uses, started here when not configured."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"], None
        return
    starter = _prefect_server if for_schedules else _local_api
    with starter() as urls:
        os.environ["PREFECT_API_URL"] = urls[0]
        try:
            yield urls
        finally:
            os.environ.pop("PREFECT_API_URL", None)


@contextlib.contextmanager
def _local_api():
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.stopping import PROTECTED_PIDS

    server = SubprocessASGIServer()
    server.start()
    if server.server_process is not None:
        PROTECTED_PIDS.add(server.server_process.pid)  # a stopped run ends its workers, not its API
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            try:
                yield server.api_url, None
            finally:
                _drain_prefect_workers()
    finally:
        server.stop()


def _drain_prefect_workers() -> None:
    with contextlib.suppress(Exception):
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)
    with contextlib.suppress(Exception):
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all(timeout=5)


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
def _prefect_server(port: int | None = None):
    """`prefect server start` on loopback for as long as the block runs; SIGTERM to its group on exit."""
    port = port or free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    prefect = str(Path(sys.executable).parent / "prefect")
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    server = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_healthy(api_url)
        yield api_url, f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=30)
