-- intermediate.int_cue_hits
-- Grain: one row per (text_no, rule_id, match): a raw match of a cue rule in a distinct sentence text
-- (the whole match and its capturing group), before it is placed on tokens (int_cue_matches).
-- Purpose: run each rule's pattern as a constant. The model runs once per rule of
-- int_cue_rules_to_match (the for_each materialization sets cue_rule_id, cue_pattern, cue_exclude and
-- cue_group as DuckDB variables, which macro loop_value reads), so each pattern is compiled once (a
-- pattern read from a column is compiled for every row). A rule no sentence is a candidate for is not run.
-- A match that also matches the rule's exclude_pattern is dropped ("provide weapons to Ukrainian forces"
-- is no deployment of forces).
-- A pattern with a capturing group reports only the group as the cue: the rest of the match is context
-- ("the tanks that (promised)": the cue is the verb, so its subject is who promised).
-- In the duckdb CLI, for one rule, e.g. TD01: set variable cue_rule_id = 'TD01'; set variable cue_pattern,
-- cue_exclude and cue_group to that rule's pattern, exclude_pattern and cue_group (stg_cue_rules); run it.
{{ config(materialized='for_each', for_each='int_cue_rules_to_match') }}
-- depends_on: {{ ref('int_cue_rules_to_match') }}

with

int_cue_candidates as (
    select * from {{ ref('int_cue_candidates') }}
),

-- one regex test per candidate first: most candidates do not match, and only the matching ones pay for
-- the two extractions below
matching as (
    select *
    from int_cue_candidates
    where int_cue_candidates.rule_id = {{ loop_value('cue_rule_id') }}
        and regexp_matches(int_cue_candidates.sentence_lc, {{ loop_value('cue_pattern') }})
),

confirmed as (
    select
        text_no,
        rule_id,
        sentence,
        sentence_lc,
        unnest(regexp_extract_all(sentence_lc, {{ loop_value('cue_pattern') }})) as whole_lc,
        unnest(regexp_extract_all(sentence_lc, {{ loop_value('cue_pattern') }}, {{ loop_value('cue_group') }})) as matched_lc
    from matching
),

final as (
    select *
    from confirmed
    where matched_lc <> ''
        and ({{ loop_value('cue_exclude') }} = '' or not regexp_matches(whole_lc, {{ loop_value('cue_exclude') }}))
)

select * from final
