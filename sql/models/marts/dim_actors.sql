-- marts.dim_actors
-- Grain: one row per actor_code in the actor lexicon. Purpose: names and kinds of actors, how they
-- can be named, and how much the warehouse knows about each.
with

actors as (
    select * from {{ source('lexicon', 'actors') }}
),

stg_actor_aliases as (
    select * from {{ ref('stg_actor_aliases') }}
),

fct_commitment_mentions as (
    select * from {{ ref('fct_commitment_mentions') }}
),

fct_commitments as (
    select * from {{ ref('fct_commitments') }}
),

alias_counts as (
    select actor_code, count(*) as n_aliases
    from stg_actor_aliases
    group by actor_code
),

mention_counts as (
    select actor_code, count(*) as n_mentions
    from fct_commitment_mentions
    group by actor_code
),

commitment_counts as (
    select actor_code, count(*) as n_commitments
    from fct_commitments
    group by actor_code
),

final as (
    select
        actors.actor_code,
        actors.actor_name,
        actors.actor_kind,
        coalesce(alias_counts.n_aliases, 0) as n_aliases,
        coalesce(mention_counts.n_mentions, 0) as n_mentions,
        coalesce(commitment_counts.n_commitments, 0) as n_commitments
    from actors
    left join alias_counts
        on alias_counts.actor_code = actors.actor_code
    left join mention_counts
        on mention_counts.actor_code = actors.actor_code
    left join commitment_counts
        on commitment_counts.actor_code = actors.actor_code
)

select * from final
