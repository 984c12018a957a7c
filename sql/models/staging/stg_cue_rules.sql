-- staging.stg_cue_rules
-- Grain: one row per rule_id across the three cue lexicons (family: commitment, stance, condition).
-- Purpose: one shape for every pattern-based rule, so matching runs once for all of them.
with

commitment_cues as (
    select * from {{ source('lexicon', 'commitment_cues') }}
),

stance_cues as (
    select * from {{ source('lexicon', 'stance_cues') }}
),

condition_cues as (
    select * from {{ source('lexicon', 'condition_cues') }}
),

unioned as (
    select
        'commitment' as cue_family,
        rule_id,
        commitment_type as label,
        0 as priority,
        keywords,
        pattern,
        coalesce(exclude_pattern, '') as exclude_pattern,
        cast(max_actor_gap as integer) as max_actor_gap,
        nullif(only_with_stance, '') as only_with_stance,
        -- "France will participate": the type is the article's (the mission it is about)
        coalesce(type_from_article, '') = '1' as is_type_from_article
    from commitment_cues
    union all
    select 'stance', rule_id, stance, cast(priority as integer), keywords, pattern, '', null, null, false
    from stance_cues
    union all
    select 'condition', rule_id, null, 0, keywords, pattern, '', null, null, false
    from condition_cues
),

final as (
    select
        *,
        -- a pattern with a capturing group "(" (not "(?" nor an escaped "\(") reports the group's span
        case when regexp_matches(pattern, '(?:^|[^\\])\([^?]') then 1 else 0 end as cue_group
    from unioned
)

select * from final
