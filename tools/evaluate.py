"""Score a warehouse against hand annotations (a gold CSV), as analysts do for their own corpora.

Gold format (one row per expected fact): article, actor_code, commitment_type, stance, required,
quantity_text, evidence_hint. The key is (article file name, actor_code, commitment_type). Rows with
required=0 are neither rewarded nor punished. Stance polarity (positive: committed/conditional;
negative: declined/opposed, as the warehouse's lexicon.stances says) is scored on the matches.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import duckdb



def stance_vocabulary(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, int], set[str]]:
    """The stances' firmness order and the positive ones, from the warehouse's own lexicon (the seed)."""
    rows = con.execute("select stance, firmness_rank::integer, polarity from lexicon.stances").fetchall()
    return {stance: rank for stance, rank, _ in rows}, {stance for stance, _, polarity in rows if polarity == "positive"}


@dataclass
class EvalResult:
    true_positives: list[tuple] = field(default_factory=list)
    misses: list[tuple] = field(default_factory=list)
    false_alarms: list[tuple] = field(default_factory=list)
    polarity_errors: list[tuple] = field(default_factory=list)
    stance_errors: list[tuple] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = len(self.true_positives) + len(self.false_alarms)
        return len(self.true_positives) / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = len(self.true_positives) + len(self.misses)
        return len(self.true_positives) / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def polarity_accuracy(self) -> float:
        n = len(self.true_positives)
        return (n - len(self.polarity_errors)) / n if n else 1.0

    @property
    def stance_accuracy(self) -> float:
        n = len(self.true_positives)
        return (n - len(self.stance_errors)) / n if n else 1.0


def read_gold(path: str) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    needed = {"article", "actor_code", "commitment_type", "stance", "required"}
    if rows and not needed <= set(rows[0]):
        raise ValueError(f"gold file {path} lacks columns: {', '.join(sorted(needed - set(rows[0])))}")
    return rows


def predicted_facts(con: duckdb.DuckDBPyConnection) -> dict[tuple, dict]:
    """Per (source file, actor, type): the article-level stance and one evidence sentence."""
    rows = con.execute(
        """select source_file, actor_code, commitment_type, stance, evidence, rule_id
        from marts.fct_commitment_mentions order by source_file, sentence_no"""
    ).fetchall()
    rank, _ = stance_vocabulary(con)
    facts: dict[tuple, dict] = {}
    for source_file, actor, ctype, stance, evidence, rule_id in rows:
        key = (PurePosixPath(source_file).name, actor, ctype)
        best = facts.get(key)
        if best is None or rank[stance] > rank[best["stance"]]:
            facts[key] = {"stance": stance, "evidence": evidence, "rule_id": rule_id}
    return facts


def score(con: duckdb.DuckDBPyConnection, gold_rows: list[dict], all_articles: bool = False) -> EvalResult:
    """Compare predictions with the gold rows; articles absent from the gold are ignored unless all_articles."""
    predicted = predicted_facts(con)
    _, positive = stance_vocabulary(con)
    gold = {(PurePosixPath(r["article"]).name, r["actor_code"], r["commitment_type"]): r for r in gold_rows}
    gold_articles = {key[0] for key in gold}
    result = EvalResult()
    for key, row in sorted(gold.items()):
        required = row["required"].strip() not in ("0", "false", "no")
        hit = predicted.get(key)
        if hit and required:
            result.true_positives.append(key + (row["stance"], hit["stance"], hit["evidence"]))
            if (row["stance"] in positive) != (hit["stance"] in positive):
                result.polarity_errors.append(key + (row["stance"], hit["stance"], hit["evidence"]))
            if row["stance"] != hit["stance"]:
                result.stance_errors.append(key + (row["stance"], hit["stance"], hit["evidence"]))
        elif required:
            result.misses.append(key + (row["stance"], row.get("evidence_hint", "")))
    for key, hit in sorted(predicted.items()):
        if key in gold or (not all_articles and key[0] not in gold_articles):
            continue
        result.false_alarms.append(key + (hit["stance"], hit["evidence"], hit["rule_id"]))
    return result


def format_report(result: EvalResult) -> str:
    lines = [
        f"precision          {result.precision:.3f}",
        f"recall             {result.recall:.3f}",
        f"F1                 {result.f1:.3f}",
        f"polarity accuracy  {result.polarity_accuracy:.3f}",
        f"stance accuracy    {result.stance_accuracy:.3f}",
        f"matched {len(result.true_positives)}, missed {len(result.misses)}, false alarms {len(result.false_alarms)}",
    ]
    if result.misses:
        lines.append("\nMISSES (expected, not found):")
        lines += [f"  {a} {actor} {ctype} [{stance}]  hint: {hint}" for a, actor, ctype, stance, hint in result.misses]
    if result.false_alarms:
        lines.append("\nFALSE ALARMS (found, not expected):")
        lines += [f"  {a} {actor} {ctype} [{stance}] rules {rule}\n      {evidence}"
                  for a, actor, ctype, stance, evidence, rule in result.false_alarms]
    if result.stance_errors:
        lines.append("\nSTANCE DIFFERENCES on matches (gold -> found):")
        lines += [f"  {a} {actor} {ctype} {g} -> {f}\n      {evidence}" for a, actor, ctype, g, f, evidence in result.stance_errors]
    return "\n".join(lines)
