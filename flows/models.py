"""Load and check the lexicon seeds, run the SQL models in order, document them in DuckDB."""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from flows.config import SQL_DIR

# The run order, explicit (a test checks every .sql file under sql/ is listed exactly once).
MODEL_ORDER = [
    "staging/stg_articles",
    "staging/stg_sentences",
    "staging/stg_actor_aliases",
    "staging/stg_cue_rules",
    "staging/stg_cue_keywords",
    "intermediate/int_sentence_tokens",
    "intermediate/int_actor_mentions",
    "intermediate/int_actor_mentions_chained",
    "intermediate/int_sentence_subjects",
    "intermediate/int_cue_candidates",
    "intermediate/int_cue_matches",
    "intermediate/int_commitment_cues_attributed",
    "intermediate/int_commitment_stances",
    "intermediate/int_sentence_conditions",
    "intermediate/int_sentence_quantities",
    "intermediate/int_articles_near_duplicates",
    "marts/dim_articles",
    "marts/fct_commitment_mentions",
    "marts/fct_commitments",
    "marts/dim_actors",
]

SCHEMAS = ["raw", "lexicon", "staging", "intermediate", "marts", "audit"]


class LexiconError(ValueError):
    """A seed file is broken: the message names the file, the line and the reason."""


@dataclass(frozen=True)
class SeedSpec:
    name: str
    columns: tuple[str, ...]
    key: str | None = None
    regex_column: str | None = None


SEEDS = [
    SeedSpec("actors", ("actor_code", "actor_name", "actor_kind"), key="actor_code"),
    SeedSpec("commitment_types", ("commitment_type", "description"), key="commitment_type"),
    SeedSpec("stances", ("stance", "firmness_rank", "description"), key="stance"),
    SeedSpec("actor_aliases", ("alias", "actor_code", "alias_kind", "match_case", "note")),
    SeedSpec("commitment_cues", ("rule_id", "commitment_type", "keywords", "pattern", "max_actor_gap",
                                 "only_with_stance", "example", "counter_example"), key="rule_id", regex_column="pattern"),
    SeedSpec("stance_cues", ("rule_id", "stance", "priority", "keywords", "pattern", "example", "counter_example"),
             key="rule_id", regex_column="pattern"),
    SeedSpec("condition_cues", ("rule_id", "keywords", "pattern", "example", "counter_example"),
             key="rule_id", regex_column="pattern"),
]

ACTOR_KINDS = {"state", "organisation", "coalition"}
ALIAS_KINDS = {"name", "demonym", "capital", "metonym", "person"}


def read_seeds(seeds_dir: Path) -> dict[str, list[dict]]:
    """Read and check every lexicon CSV; raise LexiconError naming file, line and reason."""
    tables: dict[str, list[dict]] = {}
    for spec in SEEDS:
        path = seeds_dir / f"{spec.name}.csv"
        label = f"sql/seeds/{path.name}"
        if not path.is_file():
            raise LexiconError(f"{label}: file missing")
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in spec.columns if c not in header]
            if missing:
                raise LexiconError(f"{label} line 1: missing column(s) {', '.join(missing)}")
            rows = []
            seen: dict[str, int] = {}
            for row in reader:
                line = reader.line_num
                row = {c: (row.get(c) or "").strip() for c in spec.columns}
                if spec.key:
                    value = row[spec.key]
                    if not value:
                        raise LexiconError(f"{label} line {line}: empty {spec.key}")
                    if value in seen:
                        raise LexiconError(f"{label} line {line}: duplicate {spec.key} {value!r} (first on line {seen[value]})")
                    seen[value] = line
                rows.append({**row, "_line": line})
        tables[spec.name] = rows
    _check_references(tables)
    _check_patterns(tables)
    return tables


def _check_references(tables: dict[str, list[dict]]) -> None:
    actor_codes = {r["actor_code"] for r in tables["actors"]}
    types = {r["commitment_type"] for r in tables["commitment_types"]}
    stances = {r["stance"] for r in tables["stances"]}

    def fail(name: str, row: dict, reason: str):
        raise LexiconError(f"sql/seeds/{name}.csv line {row['_line']}: {reason}")

    for row in tables["actors"]:
        if row["actor_kind"] not in ACTOR_KINDS:
            fail("actors", row, f"unknown actor_kind {row['actor_kind']!r} (expected one of {sorted(ACTOR_KINDS)})")
    aliases_seen: dict[str, str] = {}
    for row in tables["actor_aliases"]:
        if not row["alias"]:
            fail("actor_aliases", row, "empty alias")
        if row["actor_code"] not in actor_codes:
            fail("actor_aliases", row, f"unknown actor code {row['actor_code']!r}")
        if row["alias_kind"] not in ALIAS_KINDS:
            fail("actor_aliases", row, f"unknown alias_kind {row['alias_kind']!r}")
        if row["match_case"] not in ("0", "1"):
            fail("actor_aliases", row, "match_case must be 0 or 1")
        folded = row["alias"].casefold()
        if folded in aliases_seen and aliases_seen[folded] != row["actor_code"]:
            fail("actor_aliases", row, f"alias {row['alias']!r} already maps to {aliases_seen[folded]}")
        aliases_seen[folded] = row["actor_code"]
    for row in tables["commitment_cues"]:
        if row["commitment_type"] not in types:
            fail("commitment_cues", row, f"unknown commitment_type {row['commitment_type']!r}")
        if row["only_with_stance"] and row["only_with_stance"] not in stances:
            fail("commitment_cues", row, f"unknown stance {row['only_with_stance']!r}")
        if not row["max_actor_gap"].isdigit():
            fail("commitment_cues", row, "max_actor_gap must be a whole number")
    for row in tables["stance_cues"]:
        if row["stance"] not in stances:
            fail("stance_cues", row, f"unknown stance {row['stance']!r}")
        if not row["priority"].isdigit():
            fail("stance_cues", row, "priority must be a whole number")
    for name in ("commitment_cues", "stance_cues", "condition_cues"):
        for row in tables[name]:
            if not row["keywords"] or any(not k for k in row["keywords"].split("|")):
                fail(name, row, "keywords must be '|'-separated non-empty stems")


def _check_patterns(tables: dict[str, list[dict]]) -> None:
    """Compile every pattern with DuckDB's own regex engine (RE2), so a bad one fails here."""
    con = duckdb.connect()
    try:
        for spec in SEEDS:
            if not spec.regex_column:
                continue
            for row in tables[spec.name]:
                try:
                    con.execute("select regexp_matches('', ?)", [row[spec.regex_column]])
                except duckdb.Error as exc:
                    reason = str(exc).splitlines()[0]
                    raise LexiconError(
                        f"sql/seeds/{spec.name}.csv line {row['_line']}: invalid regex in rule {row.get('rule_id')}: {reason}"
                    ) from None
    finally:
        con.close()


def load_seeds(con: duckdb.DuckDBPyConnection, tables: dict[str, list[dict]]) -> None:
    """Write the checked seed rows into the lexicon schema (all text columns)."""
    con.execute("create schema if not exists lexicon")
    for spec in SEEDS:
        columns = ", ".join(f'"{c}" varchar' for c in spec.columns)
        con.execute(f"create or replace table lexicon.{spec.name} ({columns})")
        placeholders = ", ".join("?" for _ in spec.columns)
        rows = [[r[c] for c in spec.columns] for r in tables[spec.name]]
        if rows:
            con.executemany(f"insert into lexicon.{spec.name} values ({placeholders})", rows)


def model_path(model: str, sql_dir: Path = SQL_DIR) -> Path:
    return sql_dir / f"{model}.sql"


def model_table(model: str) -> str:
    layer, name = model.split("/")
    return f"{layer}.{name}"


@dataclass
class ModelRun:
    model: str
    rows: int
    seconds: float


def run_models(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR, models: list[str] | None = None) -> list[ModelRun]:
    """Execute each model file verbatim, in order; return rows and seconds per model."""
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    runs = []
    for model in models or MODEL_ORDER:
        sql = model_path(model, sql_dir).read_text(encoding="utf-8")
        started = time.perf_counter()
        try:
            execute_model(con, sql)
        except duckdb.Error as exc:
            raise RuntimeError(f"model {model} failed: {str(exc).splitlines()[0]}") from exc
        seconds = time.perf_counter() - started
        rows = con.execute(f"select count(*) from {model_table(model)}").fetchone()[0]
        runs.append(ModelRun(model, rows, seconds))
    return runs


_FOR_EACH = re.compile(r"^-- for each: (.+)$", re.M)


def execute_model(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run a model file. A file with a `-- for each: <query>` header holds two statements: the first
    creates the table once; the second runs once per row of the query, with each column of the row set
    as a DuckDB variable (so a pattern taken from a lexicon is a constant, compiled once)."""
    loop = _FOR_EACH.search(sql)
    if not loop:
        con.execute(sql)
        return
    statements = [statement.query for statement in duckdb.extract_statements(sql)]
    if len(statements) != 2:
        raise duckdb.InvalidInputException("a `-- for each:` model needs exactly two statements (create, insert)")
    create, repeated = statements
    con.execute(create)
    result = con.execute(loop.group(1))
    names = [d[0] for d in result.description]
    for row in result.fetchall():
        for name, value in zip(names, row):
            con.execute(f"set variable {name} = ?", [value])
        con.execute(repeated)
    for name in names:
        con.execute(f"reset variable {name}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_docs(sql_dir: Path = SQL_DIR) -> dict[str, dict]:
    """Model docs from the YAML files next to the models: {schema.table: {description, columns}}."""
    docs: dict[str, dict] = {}
    for path in sorted(sql_dir.glob("*/_*.yml")):
        layer = path.parent.name
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in data.get("models", []):
            docs[f"{layer}.{model['name']}"] = {
                "description": " ".join(str(model.get("description", "")).split()),
                "columns": {c["name"]: " ".join(str(c.get("description", "")).split()) for c in model.get("columns", [])},
            }
    return docs


def apply_docs(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """COMMENT ON every documented table and column, so duckdb_tables()/duckdb_columns() explain them."""
    kinds = dict(con.execute(
        "select schema_name || '.' || table_name, 'table' from duckdb_tables() "
        "union all select schema_name || '.' || view_name, 'view' from duckdb_views() where not internal"
    ).fetchall())
    for table, doc in read_docs(sql_dir).items():
        kind = kinds.get(table)
        if kind is None:
            continue
        if doc["description"]:
            con.execute(f"comment on {kind} {table} is {_quote(doc['description'])}")
        for column, text in doc["columns"].items():
            if text:
                con.execute(f"comment on column {table}.{column} is {_quote(text)}")
