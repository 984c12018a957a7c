-- audit: the consolidated stance is the stance of at least one of the most recent mentions
with

latest_published as (
    select actor_code, commitment_type, beneficiary_code, max(coalesce(published, timestamp '0001-01-01')) as latest
    from {{ ref('fct_commitment_mentions') }}
    group by all
),

latest_stances as (
    select distinct m.actor_code, m.commitment_type, m.beneficiary_code, m.stance
    from {{ ref('fct_commitment_mentions') }} as m
    inner join latest_published as l
        on l.actor_code = m.actor_code
        and l.commitment_type = m.commitment_type
        and l.beneficiary_code is not distinct from m.beneficiary_code
        and coalesce(m.published, timestamp '0001-01-01') = l.latest
)

select fct_commitments.commitment_id, fct_commitments.stance
from {{ ref('fct_commitments') }}
anti join latest_stances
    on latest_stances.actor_code = fct_commitments.actor_code
    and latest_stances.commitment_type = fct_commitments.commitment_type
    and latest_stances.beneficiary_code is not distinct from fct_commitments.beneficiary_code
    and latest_stances.stance = fct_commitments.stance
