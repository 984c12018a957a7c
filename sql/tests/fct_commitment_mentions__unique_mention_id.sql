-- audit: mention_id is unique in marts.fct_commitment_mentions (returns duplicated ids)
select mention_id, count(*) as n_rows
from {{ ref('fct_commitment_mentions') }}
group by mention_id
having count(*) > 1
