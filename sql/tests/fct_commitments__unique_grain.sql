-- audit: one row per (actor_code, commitment_type, beneficiary_code) (commitment_id's uniqueness is a
-- generic test in _marts__models.yml)
select actor_code, commitment_type, beneficiary_code, count(*) as n_rows
from {{ ref('fct_commitments') }}
group by actor_code, commitment_type, beneficiary_code
having count(*) > 1
