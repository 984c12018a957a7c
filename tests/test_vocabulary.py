"""Vocabulary is data: stance order, grammar word lists and the type-to-unit map are seeds, read by SQL
and Python alike; adding a commitment type is one seed row plus its cue rules, and the loader (and
these tests) fail when a part is missing."""

from __future__ import annotations

import re
import shutil

import pytest

from flows.settings import PROJECT_DIR, SQL_DIR
from flows.warehouse.lexicon import LexiconError, read_seeds
from test_lexicons import append_row

SEEDS = SQL_DIR / "seeds"
TABLES = read_seeds(SEEDS)
TYPES = {r["commitment_type"] for r in TABLES["commitment_types"]}
SQL_FILES = sorted(SQL_DIR.rglob("*.sql"))


@pytest.fixture
def seeds_copy(tmp_path):
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def test_a_new_type_without_cue_rules_fails_the_load_naming_the_missing_part(seeds_copy):
    line = append_row(seeds_copy / "commitment_types.csv", {"commitment_type": "demining", "description": "Mine clearance"})
    with pytest.raises(LexiconError, match=rf"commitment_types.csv line {line}: .*'demining' has no cue rule"):
        read_seeds(seeds_copy)


def test_a_new_type_with_its_cue_rule_loads(seeds_copy):
    append_row(seeds_copy / "commitment_types.csv", {"commitment_type": "demining", "description": "Mine clearance"})
    append_row(seeds_copy / "commitment_cues.csv", {
        "rule_id": "DM01", "commitment_type": "demining", "keywords": "demin", "pattern": r"\bdemin(e|ing)\b",
        "max_actor_gap": "8", "example": "Norway will fund demining", "counter_example": "the mines closed"})
    assert "demining" in {r["commitment_type"] for r in read_seeds(seeds_copy)["commitment_types"]}


def test_every_type_is_in_the_contracts_table_and_every_contract_type_is_a_seed_row():
    contract = (PROJECT_DIR / "docs" / "data-contract.md").read_text(encoding="utf-8")
    table = contract[contract.index("## Commitment types"):]
    table = table[:table.index("\n## ")]
    documented = set(re.findall(r"^\| ([a-z_]+) \|", table, re.M)) - {"type"}
    assert documented == TYPES


def test_every_type_named_in_sql_is_a_seed_row():
    """A type renamed or removed in the seed cannot live on in a model's rule."""
    named = set()
    for path in SQL_FILES:
        text = path.read_text(encoding="utf-8")
        for clause in re.findall(r"commitment_type\s*(?:=|<>|in\s*\()\s*([^)\n]*)", text):
            named |= set(re.findall(r"'([a-z_]+)'", clause))
    assert named and named <= TYPES, named - TYPES


def test_units_cover_only_known_types_and_families():
    assert {r["commitment_type"] for r in TABLES["commitment_type_units"]} <= TYPES
    families = {r["unit_family"] for r in TABLES["quantity_units"]} | {"equipment"}
    assert {r["unit_family"] for r in TABLES["commitment_type_units"]} <= families


def test_a_unit_row_for_an_unknown_type_fails_the_load(seeds_copy):
    line = append_row(seeds_copy / "commitment_type_units.csv", {"commitment_type": "demining", "unit_family": "money"})
    with pytest.raises(LexiconError, match=rf"commitment_type_units.csv line {line}: unknown commitment_type"):
        read_seeds(seeds_copy)


def test_stances_have_an_order_a_polarity_and_a_colour():
    ranks = [int(r["firmness_rank"]) for r in TABLES["stances"]]
    assert len(set(ranks)) == len(ranks)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", r["colour"]) for r in TABLES["stances"])
    assert {r["polarity"] for r in TABLES["stances"]} == {"positive", "negative"}


def test_no_stance_order_is_written_in_sql_or_python():
    """The firmness order lives in stances.csv only: no CASE over stance names, no rank dict in Python."""
    for path in SQL_FILES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"when\s+'opposed'\s+then\s+\d", text), path
    for path in list((PROJECT_DIR / "flows").rglob("*.py")) + list((PROJECT_DIR / "tools").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"['\"]opposed['\"]\s*:\s*\d", text), path


def test_every_grammar_word_list_the_sql_reads_exists_and_every_list_is_read():
    lists = {r["word_list"] for r in TABLES["grammar_words"]}
    read = set()
    for path in SQL_FILES:
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"word_list\s*=\s*'([a-z_]+)'", text))
        for names in re.findall(r"word_list\s+in\s*\(([^)]*)\)", text):
            read |= set(re.findall(r"'([a-z_]+)'", names))
    assert read == lists


def test_every_seed_is_documented_column_by_column():
    import yaml

    docs = yaml.safe_load((SEEDS / "_seeds.yml").read_text(encoding="utf-8"))["seeds"]
    for seed in docs:
        header = (SEEDS / f"{seed['name']}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert [c["name"] for c in seed["columns"]] == header, seed["name"]
        assert all(c["description"].strip() for c in seed["columns"])


def test_a_unit_family_no_quantity_unit_has_fails_the_load(seeds_copy):
    line = append_row(seeds_copy / "commitment_type_units.csv", {"commitment_type": "military_aid", "unit_family": "fuel"})
    with pytest.raises(LexiconError, match=rf"commitment_type_units.csv line {line}: unknown unit_family 'fuel'"):
        read_seeds(seeds_copy)
