"""SIGTERM and Ctrl-C stop a run within seconds, cleanly.

The signal raises `RunStopped` in the main thread, so the flow's own crash path runs: the history gets a
"crashed" row naming the signal, the build file and the batch folder go, the published warehouse stays
as it was; then the local Prefect API server stops and every remaining child process (cleaning workers)
is ended. While the main thread is inside a long DuckDB statement, Python cannot run the handler; a
watchdog thread, woken by the signal through `signal.set_wakeup_fd`, gives the main thread a grace
period and then does the same cleanup itself and exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

GRACE_SECONDS = 10.0
SIGNAL_EXIT = {signal.SIGTERM: 143, signal.SIGINT: 130}


# processes that must outlive the workers until the run has recorded its end (the local Prefect API)
PROTECTED_PIDS: set[int] = set()
# stop signals received inside `stop_on_signals` (the last one is the run's stop)
_RECEIVED: list[int] = []


class RunStopped(BaseException):
    """The run was stopped by a signal. A BaseException, like KeyboardInterrupt, so that no retry or
    generic error handler swallows it; the flow's crash path catches it by name."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return SIGNAL_EXIT.get(self.signum, 1)


def stop_signal() -> int | None:
    """The stop signal received inside `stop_on_signals`, if one was."""
    return _RECEIVED[-1] if _RECEIVED else None


def as_stop(exc: BaseException) -> BaseException:
    """The stop an exception stands for. DuckDB checks for signals during a statement, runs the handler,
    and turns the RunStopped it raises into its own "Query interrupted" error: once a stop signal came,
    an error is the stop (a RunStopped with that signal), otherwise it is itself."""
    if isinstance(exc, RunStopped):
        return exc
    signum = stop_signal()
    return RunStopped(signum) if signum is not None else exc


def end_children(timeout: float = 3.0, spare_protected: bool = False) -> None:
    """Terminate, then kill, the processes this one started (cleaning workers; the local API server
    too unless `spare_protected`)."""
    import psutil

    with contextlib.suppress(psutil.Error):
        children = psutil.Process().children(recursive=True)
        # multiprocessing's resource tracker ends by itself when this process does (killed, it prints a
        # traceback about leaked semaphores)
        children = [c for c in children if not _is_resource_tracker(c)]
        if spare_protected:
            spared = set(PROTECTED_PIDS)
            for pid in list(spared):
                with contextlib.suppress(psutil.Error):
                    spared |= {c.pid for c in psutil.Process(pid).children(recursive=True)}
            children = [c for c in children if c.pid not in spared]
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.terminate()
        _, alive = psutil.wait_procs(children, timeout=timeout)
        for child in alive:
            with contextlib.suppress(psutil.Error):
                child.kill()


def ignore_ctrl_c_in_worker() -> None:
    """In a cleaning worker process: Ctrl-C in a terminal reaches the whole process group; the run's
    own process stops the workers, so they need not each print a KeyboardInterrupt traceback."""
    import multiprocessing

    if multiprocessing.parent_process() is None or threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _is_resource_tracker(process) -> bool:
    import psutil

    try:
        return any("multiprocessing.resource_tracker" in part for part in process.cmdline())
    except psutil.Error:
        return False


def remove_run_files(warehouse: Path) -> None:
    """The run's build file(s), spill folder and batch folder (the caller holds the run lock)."""
    from flows.warehouse.publish import remove_stale_builds

    with contextlib.suppress(OSError):
        remove_stale_builds(warehouse)


def record_stop(state_path: Path, raw_dir: Path, signum: int) -> None:
    from flows import runs

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with contextlib.suppress(Exception):
        runs.record_run(state_path, {
            "run_id": now.strftime("%Y%m%dT%H%M%SZ") + "-stopped", "started_at": now, "ended_at": now,
            "status": "crashed", "raw_dir": str(raw_dir),
            "message": f"RunStopped: stopped by {signal.Signals(signum).name} during a database statement",
        }, [])


@contextlib.contextmanager
def stop_on_signals(warehouse: Path, state_path: Path, raw_dir: Path):
    """Within this block SIGTERM and SIGINT raise RunStopped; a watchdog covers a busy main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    finished = threading.Event()
    previous = {s: signal.getsignal(s) for s in SIGNAL_EXIT}
    previous_fd = signal.set_wakeup_fd(write_fd)

    def raise_stopped(signum, frame):
        _RECEIVED.append(signum)
        raise RunStopped(signum)

    def watchdog():
        try:
            data = os.read(read_fd, 1)
        except OSError:
            return
        if not data or finished.is_set():
            return
        if finished.wait(GRACE_SECONDS):
            return
        signum = data[0]
        # the same words as the main thread's path (README, "Failure modes"): only the moment differs
        print(f"commitments: stopped by {signal.Signals(signum).name} while a database statement runs; "
              f"the run did not end within {GRACE_SECONDS:g} s, so it stops now",
              file=sys.stderr, flush=True)
        end_children()
        remove_run_files(warehouse)
        record_stop(state_path, raw_dir, signum)
        os._exit(SIGNAL_EXIT.get(signum, 1))

    for signum in SIGNAL_EXIT:
        signal.signal(signum, raise_stopped)
    thread = threading.Thread(target=watchdog, name="commitments-stop-watchdog", daemon=True)
    thread.start()
    _RECEIVED.clear()
    try:
        yield
    except Exception as exc:
        stop = as_stop(exc)
        if stop is not exc:
            raise stop from exc
        raise
    finally:
        _RECEIVED.clear()
        finished.set()
        signal.set_wakeup_fd(previous_fd)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        os.close(write_fd)  # wakes the watchdog with EOF
        thread.join(timeout=1)
        os.close(read_fd)
