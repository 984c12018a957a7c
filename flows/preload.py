"""Slow loading started early: a loader run once in a background thread, so that it overlaps work that
does not need it (DuckDB and the cleaning workers leave the flow process's GIL free)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable


def start_in_background(loader: Callable[[], object], name: str) -> threading.Thread:
    """Run `loader` in a daemon thread named `name`. Its failure is not kept: the loader must cache its
    result (a failure is simply not cached), and the real call that needs it loads again and raises the
    error with its message there."""
    def _load() -> None:
        with contextlib.suppress(Exception):
            loader()

    thread = threading.Thread(target=_load, name=name, daemon=True)
    thread.start()
    return thread
