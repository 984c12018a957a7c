"""HTML cleaning quality on trafilatura's own benchmark corpus, pipeline and trafilatura side by side.

The corpus (a folder with evaldata.json and pages/) maps each page to snippets the extracted text must
contain ("with") and boilerplate it must not contain ("without"). Scoring is micro-averaged over
snippets with whitespace-normalised substring matching: a found "with" snippet is a true positive, a
missed one a false negative, a found "without" snippet a false positive.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from flows.ingest.clean import CleanedFile, clean_bytes

ENV_VAR = "COMMITMENTS_TRAFILATURA_EVAL"


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    seconds: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def score_text(score: Score, text: str, with_snippets: list[str], without_snippets: list[str]) -> None:
    text = _norm(text)
    for snippet in with_snippets:
        if _norm(snippet) in text:
            score.tp += 1
        else:
            score.fn += 1
    for snippet in without_snippets:
        if _norm(snippet) in text:
            score.fp += 1
        else:
            score.tn += 1


def trafilatura_alone(html: bytes) -> str:
    """The yardstick: trafilatura in fallback mode, comments excluded, tables included."""
    return trafilatura.extract(html, include_comments=False, include_tables=True, no_fallback=False) or ""


def pipeline_body(html: bytes, name: str) -> str:
    cleaned: CleanedFile = clean_bytes(html, name)
    return cleaned.body or ""


def evaluate_corpus(corpus: Path, limit: int | None = None) -> dict[str, Score]:
    """Score the pipeline's cleaned bodies and trafilatura alone on the same pages, in one run."""
    index = json.loads((corpus / "evaldata.json").read_text(encoding="utf-8"))
    items = list(index.values())[:limit]
    scores = {"pipeline": Score(), "trafilatura": Score()}
    for item in items:
        html = (corpus / "pages" / item["file"]).read_bytes()
        for name, extract in (("pipeline", lambda h: pipeline_body(h, item["file"])), ("trafilatura", trafilatura_alone)):
            started = time.perf_counter()
            text = extract(html)
            scores[name].seconds += time.perf_counter() - started
            score_text(scores[name], text, item.get("with", []), item.get("without", []))
    return scores


def format_scores(scores: dict[str, Score], n_pages: int) -> str:
    lines = [f"{n_pages} pages", f"{'':12s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'seconds':>8s}"]
    for name, s in scores.items():
        lines.append(f"{name:12s} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.seconds:8.1f}")
    return "\n".join(lines)
