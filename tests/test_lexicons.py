"""Lexicons are data that test themselves; broken rows fail at load with file, line and reason."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest

from flows.settings import SQL_DIR
from flows.warehouse.lexicon import LexiconError, read_seeds

SEEDS = SQL_DIR / "seeds"
TABLES = read_seeds(SEEDS)
CUE_ROWS = [(name, row) for name in ("commitment_cues", "stance_cues", "condition_cues") for row in TABLES[name]]
RE2 = duckdb.connect()


def matches(pattern: str, text: str) -> bool:
    return RE2.execute("select regexp_matches(?, ?)", [text.lower().replace("’", "'"), pattern]).fetchone()[0]


def extract(pattern: str, text: str) -> str:
    """The first match of the pattern in the text, as int_cue_matches takes it ('' for none)."""
    found = RE2.execute("select regexp_extract(?, ?)", [text.lower().replace("’", "'"), pattern]).fetchone()[0]
    return found or ""


def token_norms(text: str) -> list[str]:
    return [t.strip(".,;:!?\"'“”()[]").lower() for t in text.replace("’", "'").split()]


@pytest.mark.parametrize("name,row", CUE_ROWS, ids=[r["rule_id"] for _, r in CUE_ROWS])
def test_cue_pattern_matches_its_example(name, row):
    assert matches(row["pattern"], row["example"])


@pytest.mark.parametrize("name,row", CUE_ROWS, ids=[r["rule_id"] for _, r in CUE_ROWS])
def test_cue_pattern_does_not_match_its_counter_example(name, row):
    """Either the pattern does not match it, or the match is one the rule's exclude_pattern drops."""
    found = extract(row["pattern"], row["counter_example"])
    assert not found or (row.get("exclude_pattern") and matches(row["exclude_pattern"], found))


@pytest.mark.parametrize("name,row", CUE_ROWS, ids=[r["rule_id"] for _, r in CUE_ROWS])
def test_the_exclusion_never_drops_the_rules_own_example(name, row):
    if row.get("exclude_pattern"):
        assert not matches(row["exclude_pattern"], extract(row["pattern"], row["example"]))


@pytest.mark.parametrize("name,row", CUE_ROWS, ids=[r["rule_id"] for _, r in CUE_ROWS])
def test_cue_example_contains_one_of_its_keyword_stems(name, row):
    stems = row["keywords"].lower().split("|")
    assert any(token.startswith(stem) for token in token_norms(row["example"]) for stem in stems)


def test_rule_ids_are_unique_across_lexicons():
    ids = [row["rule_id"] for _, row in CUE_ROWS]
    assert len(ids) == len(set(ids))


def test_every_alias_names_a_known_actor():
    codes = {row["actor_code"] for row in TABLES["actors"]}
    assert {row["actor_code"] for row in TABLES["actor_aliases"]} <= codes


def test_contract_actor_codes_are_in_the_lexicon():
    codes = {row["actor_code"] for row in TABLES["actors"]}
    assert {"FRA", "GBR", "USA", "DEU", "UKR", "RUS", "POL", "ITA", "BEL", "HRV", "CZE", "NOR", "TUR",
            "EU", "NATO", "COALITION"} <= codes


def test_contract_commitment_types_and_stances_are_the_seeds():
    assert {r["commitment_type"] for r in TABLES["commitment_types"]} == {
        "troop_deployment", "ceasefire_monitoring", "military_infrastructure", "military_aid", "air_sea_security",
        "financial_support", "security_guarantee", "agreement", "reconstruction", "armed_forces_size"}
    assert {r["stance"] for r in TABLES["stances"]} == {"committed", "conditional", "declined", "opposed"}


@pytest.fixture
def seeds_copy(tmp_path):
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def append_row(path, row: dict) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        n_lines = 1 + sum(1 for _ in reader)
    with open(path, "a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, fieldnames=fields, lineterminator="\n").writerow({f: row.get(f, "") for f in fields})
    return n_lines + 1


def test_invalid_regex_fails_with_file_line_and_reason(seeds_copy):
    line = append_row(seeds_copy / "stance_cues.csv", {"rule_id": "BAD1", "stance": "declined", "priority": "30",
                                                         "keywords": "not", "pattern": "(unclosed"})
    with pytest.raises(LexiconError, match=rf"stance_cues.csv line {line}: invalid regex in pattern of rule BAD1"):
        read_seeds(seeds_copy)


def test_an_invalid_exclude_pattern_fails_with_file_line_and_reason(seeds_copy):
    line = append_row(seeds_copy / "commitment_cues.csv", {
        "rule_id": "BAD2", "commitment_type": "military_aid", "keywords": "send", "pattern": r"\bsend\b",
        "exclude_pattern": "(unclosed", "max_actor_gap": "5", "example": "they send arms", "counter_example": "x"})
    with pytest.raises(LexiconError, match=rf"commitment_cues.csv line {line}: invalid regex in exclude_pattern of rule BAD2"):
        read_seeds(seeds_copy)


def test_a_pattern_with_two_capturing_groups_fails_naming_the_rule(seeds_copy):
    # one group marks the cue inside the match; a second would be ambiguous
    line = append_row(seeds_copy / "stance_cues.csv", {"rule_id": "BAD3", "stance": "declined", "priority": "30",
                                                         "keywords": "not", "pattern": r"(not) (send)"})
    with pytest.raises(LexiconError, match=rf"stance_cues.csv line {line}: pattern of rule BAD3 has more than one capturing group"):
        read_seeds(seeds_copy)


def test_unknown_actor_code_fails_with_file_line_and_reason(seeds_copy):
    line = append_row(seeds_copy / "actor_aliases.csv", {"alias": "Atlantis", "actor_code": "ATL",
                                                           "alias_kind": "name", "match_case": "0"})
    with pytest.raises(LexiconError, match=rf"actor_aliases.csv line {line}: unknown actor code 'ATL'"):
        read_seeds(seeds_copy)


def test_a_succession_with_an_unknown_state_or_an_unreadable_date_fails_the_load(seeds_copy):
    line = append_row(seeds_copy / "state_successions.csv", {"successor_code": "RUS", "predecessor_code": "URSS",
                                                               "until": "1991-12-26"})
    with pytest.raises(LexiconError, match=rf"state_successions.csv line {line}: unknown actor code 'URSS'"):
        read_seeds(seeds_copy)
    (seeds_copy / "state_successions.csv").write_text(
        "successor_code,predecessor_code,since,until,note\nRUS,SUN,,26 December 1991,\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"state_successions.csv line 2: until must be a date written YYYY-MM-DD"):
        read_seeds(seeds_copy)


def test_duplicate_rule_id_fails_with_file_line_and_reason(seeds_copy):
    line = append_row(seeds_copy / "commitment_cues.csv", {"rule_id": "TD01", "commitment_type": "troop_deployment",
                                                             "keywords": "send", "pattern": "send", "max_actor_gap": "5"})
    with pytest.raises(LexiconError, match=rf"commitment_cues.csv line {line}: duplicate rule_id 'TD01'"):
        read_seeds(seeds_copy)


def test_missing_column_fails_with_file_and_column(seeds_copy):
    path = seeds_copy / "condition_cues.csv"
    rows = list(csv.reader(open(path, encoding="utf-8")))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([r[:2] + r[3:] for r in rows])
    with pytest.raises(LexiconError, match=r"condition_cues.csv line 1: missing column\(s\) pattern"):
        read_seeds(seeds_copy)


def test_state_seeds_are_what_the_generator_writes():
    """sql/seeds/state_*.csv come from pycountry + countryinfo; edit the generator, never the CSVs."""
    import subprocess
    import sys

    from flows.settings import PROJECT_DIR

    done = subprocess.run([sys.executable, "tools/generate_state_seeds.py", "--check"], cwd=PROJECT_DIR,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_iso_state_is_an_actor_with_its_name():
    import pycountry

    codes = {row["actor_code"] for row in TABLES["actors"]}
    assert {c.alpha_3 for c in pycountry.countries} | {"XKX"} <= codes
    aliases = {(row["alias"], row["actor_code"]) for row in TABLES["actor_aliases"]}
    assert {("Kenya", "KEN"), ("Kenyan", "KEN"), ("Nairobi", "KEN"), ("Côte d'Ivoire", "CIV"),
            ("DRC", "COD"), ("Congolese", "COD"), ("American", "USA"), ("Kosovo", "XKX")} <= aliases


def test_generated_aliases_skip_iso_codes_that_are_words():
    generated = {row["alias"] for row in TABLES["actor_aliases"] if row.get("_seed") == "state_aliases"}
    assert not {"IN", "IT", "CAN", "CHE", "IND", "Male", "Mann", "Jersey"} & generated
