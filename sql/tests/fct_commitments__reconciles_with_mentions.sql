-- audit: the consolidated table accounts for every mention exactly once
with

mentions_per_commitment as (
    select actor_code, commitment_type, beneficiary_code, count(*) as n_mentions
    from {{ ref('fct_commitment_mentions') }}
    group by all
)

select
    coalesce(fct_commitments.actor_code, mentions_per_commitment.actor_code) as actor_code,
    coalesce(fct_commitments.commitment_type, mentions_per_commitment.commitment_type) as commitment_type,
    fct_commitments.n_mentions as consolidated,
    mentions_per_commitment.n_mentions as counted
from {{ ref('fct_commitments') }}
full outer join mentions_per_commitment
    on mentions_per_commitment.actor_code = fct_commitments.actor_code
    and mentions_per_commitment.commitment_type = fct_commitments.commitment_type
    and mentions_per_commitment.beneficiary_code is not distinct from fct_commitments.beneficiary_code
where fct_commitments.n_mentions is distinct from mentions_per_commitment.n_mentions
