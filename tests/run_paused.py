"""`commitments run ...` that waits at a stage of the flow, so a test can kill the run exactly there.

Usage: python tests/run_paused.py STAGE MARKER run --raw-dir ... (STAGE: cleaned, built, checked,
published). The pause is monkeypatched into the flow's namespace here, in the test's process; the
production flow has no hook for it. At the stage the marker file is written and the run sleeps.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from flows import pipeline
from flows.cli import main

# the flow step each stage's pause comes before
BEFORE = {"cleaned": "build_warehouse", "built": "check_warehouse", "checked": "publish",
          "published": "publish_artifacts"}


def pause_before(step: str, stage: str, marker: Path) -> None:
    original = getattr(pipeline, step)

    def paused(*args, **kwargs):
        marker.write_text(stage, encoding="utf-8")
        time.sleep(300)
        return original(*args, **kwargs)

    setattr(pipeline, step, paused)


if __name__ == "__main__":
    stage, marker = sys.argv[1], Path(sys.argv[2])
    pause_before(BEFORE[stage], stage, marker)
    sys.exit(main(sys.argv[3:]))
