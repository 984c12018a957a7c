"""HTML cleaning scores at least as well as trafilatura alone on trafilatura's own benchmark pages.

Opt-in: the corpus is not part of the project. Point COMMITMENTS_TRAFILATURA_EVAL at a folder with
evaldata.json and pages/ to run it; without it the check is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.quality import ENV_VAR, Score, evaluate_corpus, score_text


def test_snippet_scoring_is_micro_averaged_with_normalised_whitespace():
    score = Score()
    score_text(score, "The  article\nbody text. Share this", ["article body", "missing"], ["Share this", "cookies"])
    assert (score.tp, score.fn, score.fp, score.tn) == (1, 1, 1, 1)
    assert score.precision == 0.5 and score.recall == 0.5


@pytest.mark.slow
@pytest.mark.skipif(not (os.environ.get(ENV_VAR) and (Path(os.environ[ENV_VAR]) / "evaldata.json").is_file()),
                    reason=f"set {ENV_VAR} to trafilatura's evaluation corpus to run this check")
def test_pipeline_cleaning_scores_at_least_as_well_as_trafilatura_alone():
    scores = evaluate_corpus(Path(os.environ[ENV_VAR]))
    assert scores["pipeline"].f1 >= scores["trafilatura"].f1
    assert scores["pipeline"].f1 >= 0.918
