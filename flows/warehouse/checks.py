"""Checks that gate publishing: the dbt project's data tests and pandera models of the two fact tables.

Allowed types, stances and actor codes are read from the seed tables, so there is one vocabulary.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from flows.settings import SQL_DIR
from flows.warehouse import models
from flows.warehouse.models import DataTestRun


def _vocabulary(seed: str, column: str, *more_seeds: str) -> list[str]:
    values = []
    for name in (seed, *more_seeds):
        with open(SQL_DIR / "seeds" / f"{name}.csv", newline="", encoding="utf-8") as handle:
            values += [row[column] for row in csv.DictReader(handle)]
    return values


COMMITMENT_TYPES = _vocabulary("commitment_types", "commitment_type")
STANCES = _vocabulary("stances", "stance")
ACTOR_CODES = _vocabulary("actors", "actor_code", "state_actors")
ACTOR_KINDS = ["state", "organisation", "coalition"]


class FctCommitmentMentions(pa.DataFrameModel):
    """One row per (article, sentence, actor, commitment_type): the evidence-level fact."""

    mention_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 16})
    article_id: Series[str] = pa.Field(str_length={"min_value": 1})
    source_file: Series[str] = pa.Field(str_length={"min_value": 1})
    sentence_no: Series[np.int32] = pa.Field(ge=0)
    paragraph_no: Series[np.int32] = pa.Field(ge=0)
    actor_code: Series[str] = pa.Field(isin=ACTOR_CODES)
    commitment_type: Series[str] = pa.Field(isin=COMMITMENT_TYPES)
    stance: Series[str] = pa.Field(isin=STANCES)
    beneficiary_code: Series[str] = pa.Field(isin=ACTOR_CODES, nullable=True)
    beneficiary_method: Series[str] = pa.Field(nullable=True, isin=["sentence", "agreement_party", "article_recipient"])
    condition_text: Series[str] = pa.Field(nullable=True)
    quantity_value: Series[float] = pa.Field(nullable=True, ge=0)
    quantity_text: Series[str] = pa.Field(nullable=True)
    quantity_unit: Series[str] = pa.Field(nullable=True)
    evidence: Series[str] = pa.Field(str_length={"min_value": 1})
    rule_id: Series[str] = pa.Field(str_length={"min_value": 1})
    commitment_rule_ids: Series[str] = pa.Field(str_length={"min_value": 1})
    stance_rule_ids: Series[str] = pa.Field(nullable=True)
    condition_rule_id: Series[str] = pa.Field(nullable=True)
    attribution_method: Series[str] = pa.Field(str_length={"min_value": 1})
    dependency_path: Series[str] = pa.Field(nullable=True)
    cue_text: Series[str] = pa.Field(str_length={"min_value": 1})
    published: Series[pd.Timestamp] = pa.Field(nullable=True)
    publisher: Series[str] = pa.Field(nullable=True)
    canonical_article_id: Series[str] = pa.Field(str_length={"min_value": 1})
    is_from_duplicate_article: Series[bool]

    class Config:
        strict = True
        coerce = False
        unique = ["article_id", "sentence_no", "actor_code", "commitment_type"]

    @pa.dataframe_check
    def quantity_value_has_its_text(cls, df: pd.DataFrame) -> Series[bool]:
        return df["quantity_value"].isna() | df["quantity_text"].notna()

    @pa.dataframe_check
    def rule_id_names_the_commitment_rules(cls, df: pd.DataFrame) -> Series[bool]:
        return pd.Series([c in r for c, r in zip(df["commitment_rule_ids"], df["rule_id"])], index=df.index)


class FctCommitments(pa.DataFrameModel):
    """One row per (actor_code, commitment_type, beneficiary_code), consolidated over mentions."""

    commitment_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 16})
    actor_code: Series[str] = pa.Field(isin=ACTOR_CODES)
    actor_name: Series[str] = pa.Field(str_length={"min_value": 1})
    actor_kind: Series[str] = pa.Field(isin=ACTOR_KINDS)
    commitment_type: Series[str] = pa.Field(isin=COMMITMENT_TYPES)
    beneficiary_code: Series[str] = pa.Field(isin=ACTOR_CODES, nullable=True)
    stance: Series[str] = pa.Field(isin=STANCES)
    n_mentions: Series[np.int32] = pa.Field(ge=1)
    n_articles: Series[np.int32] = pa.Field(ge=1)
    n_sources: Series[np.int32] = pa.Field(ge=1)
    first_seen: Series[pd.Timestamp] = pa.Field(nullable=True)
    last_seen: Series[pd.Timestamp] = pa.Field(nullable=True)
    quantity_text: Series[str] = pa.Field(nullable=True)
    quantity_value: Series[float] = pa.Field(nullable=True, ge=0)
    quantity_unit: Series[str] = pa.Field(nullable=True)
    condition_text: Series[str] = pa.Field(nullable=True)
    evidence: Series[str] = pa.Field(str_length={"min_value": 1})
    evidence_mention_id: Series[str] = pa.Field(str_length={"min_value": 16})
    rule_ids: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = False
        unique = ["actor_code", "commitment_type", "beneficiary_code"]

    @pa.dataframe_check
    def sources_le_articles_le_mentions(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["n_sources"] <= df["n_articles"]) & (df["n_articles"] <= df["n_mentions"])

    @pa.dataframe_check
    def first_seen_not_after_last_seen(cls, df: pd.DataFrame) -> Series[bool]:
        return df["first_seen"].isna() | df["last_seen"].isna() | (df["first_seen"] <= df["last_seen"])


PANDERA_MODELS = {
    "marts.fct_commitment_mentions": FctCommitmentMentions,
    "marts.fct_commitments": FctCommitments,
}


@dataclass
class CheckResult:
    check_name: str
    check_kind: str
    passed: bool
    n_failing: int
    sample: str
    seconds: float = 0.0


def _frame_for_pandera(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    frame = con.execute(f"select * from {table}").df()
    for column in frame.columns:
        if str(frame[column].dtype).startswith("datetime64"):
            frame[column] = frame[column].astype("datetime64[ns]")
        elif frame[column].dtype == object or str(frame[column].dtype) in ("string", "str"):
            if len(frame):
                frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
            else:  # an empty column has no values to show it holds text: give it the text dtype
                frame[column] = frame[column].astype("string[python]")
    return frame


def run_pandera(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Validate the fact tables lazily: every failing check is reported, not just the first."""
    results = []
    for table, model in PANDERA_MODELS.items():
        started = time.perf_counter()
        frame = _frame_for_pandera(con, table)
        try:
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            grouped = cases.groupby(["column", "check"], dropna=False)
            for (column, check), group in grouped:
                results.append(CheckResult(
                    check_name=f"pandera {table} {column or ''} {check}".replace("  ", " ").strip(),
                    check_kind="pandera", passed=False, n_failing=len(group),
                    sample=json.dumps(group["failure_case"].astype(str).head(5).tolist()),
                    seconds=time.perf_counter() - started,
                ))
            continue
        results.append(CheckResult(f"pandera {model.__name__}", "pandera", True, 0, "[]", time.perf_counter() - started))
    return results


def data_test_results(con: duckdb.DuckDBPyConnection, tests: list[DataTestRun]) -> list[CheckResult]:
    """The dbt data tests as checks; a failing test shows up to five of the rows it returned."""
    results = []
    for test in tests:
        sample = "[]"
        if test.failures < 0:
            sample = json.dumps([f"test query failed: {test.message}"])
        elif test.failures > 0 and test.compiled_sql:
            try:
                rows = con.execute(f"select * from ({test.compiled_sql}) limit 5")
                columns = [d[0] for d in rows.description]
                sample = json.dumps([dict(zip(columns, map(str, r))) for r in rows.fetchall()])
            except duckdb.Error as exc:
                sample = json.dumps([f"test query failed: {str(exc).splitlines()[0]}"])
        results.append(CheckResult(test.name, "dbt test", test.passed, test.failures, sample, test.seconds))
    return results


def run_audits(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Every dbt data test of the compiled project, run on `con` (a warehouse built without dbt)."""
    return data_test_results(con, models.run_compiled_tests(con))


def run_checks(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    return run_audits(con) + run_pandera(con)
