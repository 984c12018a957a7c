"""A run's profile: step counters in the cleaning workers, and CPU seconds attributed to the right process."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from flows import profile
from flows.stopping import PROTECTED_PIDS

BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\ntime.sleep(30)"


def test_steps_add_up_per_name_and_are_taken_once():
    profile.take_steps()
    for _ in range(3):
        with profile.step("decode"):
            sum(range(10_000))
    with profile.step("language"):
        pass
    steps = profile.take_steps()
    assert set(steps) == {"decode", "language"} and steps["decode"] > steps["language"] >= 0
    assert profile.take_steps() == {}


def test_a_step_that_raises_is_still_counted():
    profile.take_steps()
    try:
        with profile.step("parse"):
            raise ValueError("bad page")
    except ValueError:
        pass
    assert "parse" in profile.take_steps()


def test_a_child_process_counts_as_a_worker_and_the_api_server_as_api():
    child = subprocess.Popen([sys.executable, "-c", BURN])
    try:
        deadline = time.monotonic() + 20
        while psutil.Process(child.pid).cpu_times().user < 0.25 and time.monotonic() < deadline:
            time.sleep(0.05)
        as_worker = profile.cpu_by_process()
        assert as_worker["workers"] >= 0.25
        PROTECTED_PIDS.add(child.pid)
        as_api = profile.cpu_by_process()
        assert as_api["api"] >= 0.25 and as_api["workers"] < as_worker["workers"]
    finally:
        PROTECTED_PIDS.discard(child.pid)
        child.kill()
        child.wait()


def test_a_stage_clock_records_wall_and_cpu_per_role():
    clock = profile.StageClock()
    with clock.stage("models"):
        t = time.process_time()
        while time.process_time() - t < 0.05:
            pass
    assert clock.wall["models"] > 0
    assert set(clock.cpu["models"]) == set(profile.PROCESS_ROLES) and clock.cpu["models"]["flow"] > 0
    assert clock.profile({"read": 0.5})["worker_steps"] == {"read": 0.5}
