"""Progress of long work, said while it happens: a live bar on a terminal, plain periodic lines when the
output is not a terminal (a log, a CI job), nothing with `--quiet`.

The flow calls `advance(stage, done, total)`; where that goes is chosen once by the command line with
`reporting(mode)`. Outside `reporting` (a deployment run, a test) `advance` does nothing.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from typing import TextIO

STAGE_WORDS = {"clean": ("cleaned", "files"), "build": ("built", "models")}

_sink: Callable[[str, int, int, str], None] | None = None


def advance(stage: str, done: int, total: int, detail: str = "") -> None:
    """`done` of `total` units of `stage` are finished (detail: what is being worked on now)."""
    if _sink is not None:
        _sink(stage, done, total, detail)


def eta_text(done: int, total: int, elapsed: float) -> str:
    """'120 files/s, about 1 min 5 s left' from what is done so far."""
    if done <= 0 or elapsed <= 0:
        return ""
    rate = done / elapsed
    left = (total - done) / rate
    minutes, seconds = divmod(int(round(left)), 60)
    remaining = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
    return f"{rate:,.1f}/s, about {remaining} left" if done < total else f"{rate:,.1f}/s"


class LineReporter:
    """One line per stage at most every `every_s` seconds, and one when the stage completes."""

    def __init__(self, stream: TextIO, every_s: float = 10.0, clock: Callable[[], float] = time.monotonic):
        self.stream, self.every_s, self.clock = stream, every_s, clock
        self.started: dict[str, float] = {}
        self.last: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int, detail: str = "") -> None:
        now = self.clock()
        self.started.setdefault(stage, now)
        if done < total and now - self.last.get(stage, float("-inf")) < self.every_s:
            return
        self.last[stage] = now
        verb, unit = STAGE_WORDS.get(stage, (stage, "steps"))
        line = f"{stage}: {verb} {done:,} of {total:,} {unit}"
        rate = eta_text(done, total, now - self.started[stage]) if stage == "clean" else ""
        extras = [x for x in (rate, detail) if x]
        # written, not print()ed: the flow's log_prints would turn a print into a Prefect log record
        self.stream.write(line + (f" ({'; '.join(extras)})" if extras else "") + "\n")
        self.stream.flush()


class BarReporter:
    """A rich progress bar per stage, with rate and time left."""

    def __init__(self, stream: TextIO):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        self.progress = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[detail]}"),
                                 console=Console(file=stream), transient=False)
        self.tasks: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int, detail: str = "") -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total, detail="")
        self.progress.update(self.tasks[stage], completed=done, total=total, detail=detail)


@contextlib.contextmanager
def reporting(mode: str = "auto", stream: TextIO | None = None, every_s: float = 10.0):
    """Within the block, progress goes to `stream` (stderr): mode "bar", "lines", "quiet" or "auto"
    (a bar on a terminal, lines otherwise)."""
    global _sink
    stream = stream or sys.stderr
    if mode == "auto":
        mode = "bar" if stream.isatty() else "lines"
    previous = _sink
    bar = BarReporter(stream) if mode == "bar" else None
    _sink = bar if bar else (LineReporter(stream, every_s) if mode == "lines" else None)
    try:
        if bar:
            with bar.progress:
                yield
        else:
            yield
    finally:
        _sink = previous
