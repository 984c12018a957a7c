-- audit: one row per (actor_code, commitment_type, beneficiary_code) and a unique commitment_id
select actor_code, commitment_type, beneficiary_code, count(*) as n_rows
from {{ ref('fct_commitments') }}
group by actor_code, commitment_type, beneficiary_code
having count(*) > 1
union all
select commitment_id, null, null, count(*)
from {{ ref('fct_commitments') }}
group by commitment_id
having count(*) > 1
