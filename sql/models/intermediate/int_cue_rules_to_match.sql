-- intermediate.int_cue_rules_to_match
-- Grain: one row per cue rule (loop_no in rule_id order) that some sentence is a candidate for.
-- Purpose: the rows the for_each model int_cue_hits runs once for: each column but loop_no becomes a
-- DuckDB variable, so each rule's pattern is a constant in that run. A rule no sentence is a candidate
-- for (int_cue_candidates: none of its keywords occurs) is not run.
with

stg_cue_rules as (
    select * from {{ ref('stg_cue_rules') }}
),

int_cue_candidates as (
    select * from {{ ref('int_cue_candidates') }}
),

final as (
    select
        row_number() over (order by rule_id) as loop_no,
        rule_id as cue_rule_id,
        pattern as cue_pattern,
        exclude_pattern as cue_exclude,
        cue_group
    from stg_cue_rules
    where rule_id in (select rule_id from int_cue_candidates)
)

select * from final
