"""The local Prefect API a command starts when none is configured: it answers, a taken port does not stop
it, and it is gone when the command's block ends."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from flows import prefect_api as api_module
from flows.prefect_api import ApiNotStarted, LocalApi, prefect_api, start_local_api
from flows.readonly import UserError
from flows.stopping import PROTECTED_PIDS


def answers(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(api_url + "/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_without_an_api_url_a_run_starts_the_local_api_early_and_stops_it_after(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    started = start_local_api()  # spawned at once: the caller imports its flow meanwhile
    process = started.process
    with prefect_api(started=started) as (api_url, ui_url):
        assert api_url == started.api_url and ui_url is None
        assert answers(api_url)
        with urllib.request.urlopen(urllib.request.Request(api_url + "/flows/filter", data=b"{}", method="POST",
                                                           headers={"Content-Type": "application/json"}),
                                    timeout=10) as response:
            assert response.status == 200  # Prefect's API itself, its database migrated
    assert process.poll() is not None
    assert not answers(api_url)
    assert process.pid not in PROTECTED_PIDS  # stopping a later run will not spare a pid reused


def test_a_port_taken_between_choosing_and_binding_it_means_another_port(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        taken_port = taken.getsockname()[1]
        ports = iter([taken_port])
        real = api_module.free_port
        monkeypatch.setattr(api_module, "free_port", lambda: next(ports, None) or real())
        with prefect_api() as (api_url, _):
            assert f":{taken_port}/" not in api_url
            assert answers(api_url)


def test_with_an_api_url_set_nothing_is_started_and_an_api_started_early_is_stopped(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert start_local_api() is None
    with prefect_api() as (api_url, ui_url):
        assert (api_url, ui_url) == ("http://127.0.0.1:9/api", None)
    early = LocalApi()  # started before the URL was known to be set
    process = early.process
    with prefect_api(started=early) as (api_url, _):
        assert api_url == "http://127.0.0.1:9/api"
        assert process.poll() is not None and early.process is None


def test_a_local_api_that_cannot_start_is_an_error_not_a_wait(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "not-a-database-url")
    with pytest.raises(ApiNotStarted, match="exited with code") as raised:
        with prefect_api():
            pass
    assert isinstance(raised.value, UserError) and "\n" not in str(raised.value)  # one line, no traceback


def test_a_prefect_server_for_schedules_that_cannot_start_is_a_one_line_error_saying_why_not_a_wait():
    import time

    with socket.socket() as taken:  # `prefect server start` refuses a port in use, and says so
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(UserError) as raised:
            with api_module._prefect_server(port):
                pass
    message = str(raised.value)
    assert "exited with code" in message and f"Port {port} is already in use" in message
    assert "\n" not in message and time.monotonic() - started < 60  # not the 90 s wait for an answer
