"""Where a run's time goes: wall seconds per stage, CPU seconds per process in each stage, and the
cleaning workers' own split of their time into steps.

A run keeps its profile in the history (`runs.stage_profile`); `commitments bench` prints it. The CPU
split says whether the two cores did useful work: the cleaning workers' steps are the useful part, and
what the workers, the flow process and the Prefect API server spend besides is overhead.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

from flows.stopping import PROTECTED_PIDS

PROCESS_ROLES = ("flow", "workers", "api")
_STEPS: dict[str, float] = defaultdict(float)


@contextmanager
def step(name: str) -> Iterator[None]:
    """Add the wall time of the block to this process's step counter `name` (cheap: two clock reads)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        _STEPS[name] += time.perf_counter() - started


def take_steps() -> dict[str, float]:
    """The step counters of this process since the last call, and reset them."""
    steps = dict(_STEPS)
    _STEPS.clear()
    return steps


def add_steps(total: dict[str, float], more: dict[str, float]) -> dict[str, float]:
    for name, seconds in more.items():
        total[name] = total.get(name, 0.0) + seconds
    return total


def cpu_by_process() -> dict[str, float]:
    """CPU seconds (user + system) used so far by this process, by the Prefect API server it started (with
    its children), and by its other children (the cleaning workers)."""
    me = psutil.Process()
    times = me.cpu_times()
    cpu = {"flow": times.user + times.system, "workers": 0.0, "api": 0.0}
    for child in me.children():
        role = "api" if child.pid in PROTECTED_PIDS else "workers"
        try:
            family = [child, *child.children(recursive=True)]
        except psutil.Error:
            continue
        for process in family:
            try:
                t = process.cpu_times()
            except psutil.Error:  # ended meanwhile
                continue
            cpu[role] += t.user + t.system
    return cpu


class StageClock:
    """Times the stages of one run: wall seconds, and the CPU seconds each process used meanwhile."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, dict[str, float]] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started, before = time.perf_counter(), cpu_by_process()
        try:
            yield
        finally:
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - started
            after = cpu_by_process()
            # a process that ended during the stage takes its CPU time with it: never below zero
            self.cpu[name] = {role: round(max(after[role] - before.get(role, 0.0), 0.0), 3) for role in after}

    def profile(self, worker_steps: dict[str, float]) -> dict:
        return {"cpu_seconds": self.cpu, "worker_steps": {k: round(v, 3) for k, v in worker_steps.items()}}
