"""Slow loading started early: a loader run once in a background thread, so that it overlaps work that
does not need it (DuckDB and the cleaning workers leave the flow process's GIL free); and what is loaded
kept out of the garbage collector's walks while a run lasts."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator


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


@contextlib.contextmanager
def loaded_objects_frozen() -> Iterator[None]:
    """Within the block the garbage collector does not walk the objects that exist at its start (the
    loaded modules: Prefect, pydantic, pandas, dbt, hundreds of thousands of objects that live as long
    as the command). Each full collection walked them all again whenever a listing or a result
    allocated many objects: 1.4 s of a 100,000-file rerun with nothing new. They are unfrozen after,
    so that the interpreter's exit frees them (DuckDB's bindings print warnings about what it does not).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
