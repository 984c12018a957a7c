-- staging.stg_actor_aliases
-- Grain: one row per (alias, actor_code) from the seed lexicon.actor_aliases.
-- Purpose: aliases normalised exactly the way sentence tokens are (strip edge punctuation and a
-- possessive, lower-case, strip accents), so that matching is a plain equality join.
with

actor_aliases as (
    select * from {{ source('lexicon', 'actor_aliases') }}
),

normalised as (
    select
        alias,
        actor_code,
        alias_kind,
        cast(match_case as integer) = 1 as is_case_sensitive,
        list_transform(
            string_split_regex(trim(alias), '\s+'),
            lambda t: regexp_replace(
                regexp_replace(replace(t, '’', ''''), '^[^\w]+|[^\w]+$', '', 'g'),
                '''s$', ''
            )
        ) as alias_tokens
    from actor_aliases
),

final as (
    select
        alias,
        actor_code,
        alias_kind,
        is_case_sensitive,
        len(alias_tokens) as n_tokens,
        array_to_string(alias_tokens, ' ') as alias_clean,
        strip_accents(lower(array_to_string(alias_tokens, ' '))) as alias_norm
    from normalised
)

select * from final
