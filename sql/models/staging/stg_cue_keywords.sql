-- staging.stg_cue_keywords
-- Grain: one row per (rule_id, stem). Purpose: the candidate keys of every cue rule. A sentence is
-- tested against a rule's regex only when one of its tokens starts with one of the rule's stems,
-- found by an equality join on the first three characters; this keeps matching linear in the
-- number of tokens instead of (sentences x rules) regex compilations.
with

stg_cue_rules as (
    select * from {{ ref('stg_cue_rules') }}
),

exploded as (
    select
        cue_family,
        rule_id,
        unnest(string_split(lower(keywords), '|')) as stem
    from stg_cue_rules
),

final as (
    select
        cue_family,
        rule_id,
        stem,
        left(stem, 3) as stem_key
    from exploded
    where stem <> ''
)

select * from final
