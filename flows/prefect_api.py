"""The one place that connects to, or starts, a Prefect API: used by `run`, `serve` and `bench`.

`PREFECT_API_URL` set: use it. Otherwise `run` and `bench` start Prefect's local API in a child
process for the command (so the cleaning processes report to the same API as the flow; `run` starts
it first, so that it boots while the flow's modules import), and `serve` starts a real
`prefect server start` (Prefect's ephemeral API does not run its scheduler, and cron needs it); both
stop with the command.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from flows.readonly import UserError


def quiet_prefect(verbose: bool) -> None:
    """No analytics; unless verbose, Prefect's logs stay in its API and the command prints its own lines."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")


def start_local_api() -> LocalApi | None:
    """Start Prefect's local API now, unless `PREFECT_API_URL` names one, so that it boots in its own
    process while this one imports the flow; `prefect_api(started=...)` then waits for it."""
    return None if os.environ.get("PREFECT_API_URL") else LocalApi()


@contextlib.contextmanager
def prefect_api(for_schedules: bool = False, started: LocalApi | None = None):
    """Yield (api_url, ui_url or None) of the API this command uses, started here when not configured."""
    configured = os.environ.get("PREFECT_API_URL")
    if started is not None and (configured or for_schedules):
        started.stop()  # not the API this command uses
        started = None
    if configured:
        yield configured, None
        return
    starter = _prefect_server() if for_schedules else _local_api(started or LocalApi())
    with starter as urls:
        os.environ["PREFECT_API_URL"] = urls[0]
        try:
            yield urls
        finally:
            os.environ.pop("PREFECT_API_URL", None)


class LocalApi:
    """Prefect's local (ephemeral) API in a child process: the uvicorn command and server settings of
    Prefect's `SubprocessASGIServer`, which this replaces because importing it costs this process the
    whole server's modules (4-7 s here) that only the child uses. Without them here, the child boots
    while this process imports the flow. Settings reach the child through the environment it inherits
    and the Prefect profile it reads itself."""

    # what `SubprocessASGIServer` sets: no UI, an ephemeral server whose database migrations run at start
    SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    PORT_IN_USE = 3  # uvicorn's exit code when it cannot bind

    def __init__(self) -> None:
        from flows.stopping import PROTECTED_PIDS

        self._protected = PROTECTED_PIDS
        self.process: subprocess.Popen | None = None
        self._spawn()
        atexit.register(self.stop)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _spawn(self) -> None:
        self.port = free_port()
        site = Path(importlib.util.find_spec("prefect").origin).parent.parent
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(site), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, **self.SERVER_ENV})
        self._protected.add(self.process.pid)  # a stopped run ends its workers, not its API

    def wait_ready(self) -> None:
        """Return once /health answers; another port if this one was taken; a one-line error if the child
        died or did not answer within Prefect's ephemeral start-up timeout."""
        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        timeout_s = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                return wait_healthy(self.api_url, timeout_s, server=self.process, poll_s=0.1,
                                    name="Prefect's local API", deadline=deadline)
            except ApiNotStarted as exc:
                if exc.exit_code != self.PORT_IN_USE:
                    raise
            self._protected.discard(self.process.pid)
            self._spawn()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self._protected.discard(process.pid)


@contextlib.contextmanager
def _local_api(server: LocalApi):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        server.wait_ready()
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


def answers(api_url: str) -> bool:
    """The API's /health answers 200."""
    with contextlib.suppress(OSError):
        with urllib.request.urlopen(api_url + "/health", timeout=2) as response:
            return response.status == 200
    return False


class ApiNotStarted(UserError):
    """A Prefect API this command started exited before it answered (`exit_code`), or did not answer in
    time (`exit_code` None): one line for the user, as every expected failure."""

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def wait_healthy(api_url: str, timeout_s: float = 90, *, server: subprocess.Popen | None = None,
                 output=None, poll_s: float = 0.5, name: str = "the Prefect server",
                 deadline: float | None = None) -> None:
    """Return once the API answers; `ApiNotStarted` when it does not within `timeout_s` (or by `deadline`,
    a `time.monotonic()` value, when the caller's wait began earlier), or at once when the server process
    (if given) exits first, with the last words it printed (`output`, a file)."""
    deadline = time.monotonic() + timeout_s if deadline is None else deadline
    while time.monotonic() < deadline:
        # the process first: whatever answers on a port our server could not take is not our server
        code = server.poll() if server is not None else None
        if code is not None:
            raise ApiNotStarted(f"{name} exited with code {code} before it answered at {api_url}"
                                + (f": {last_words}" if (last_words := _last_words(output)) else ""), code)
        if answers(api_url):
            return
        time.sleep(poll_s)
    raise ApiNotStarted(f"{name} at {api_url} did not answer within {timeout_s:.0f} s")


def _last_words(output) -> str:
    """The last two non-empty lines of a process's output file, joined (Prefect wraps its messages in two),
    at most 300 characters; empty when there is no file or nothing in it."""
    if output is None:
        return ""
    with contextlib.suppress(OSError, ValueError):
        output.seek(0)
        lines = [line.strip() for line in output.read().decode("utf-8", "replace").splitlines() if line.strip()]
        return " ".join(lines[-2:])[:300]
    return ""


@contextlib.contextmanager
def _prefect_server(port: int | None = None):
    """`prefect server start` on loopback for as long as the block runs; SIGTERM to its group on exit."""
    port = port or free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    prefect = str(Path(sys.executable).parent / "prefect")
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    # its output goes to an unnamed temporary file (a pipe nobody reads would fill during a long serve),
    # read only to say why the server exited before it answered
    output = tempfile.TemporaryFile()
    server = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_healthy(api_url, server=server, output=output)
        yield api_url, f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=30)
        output.close()
