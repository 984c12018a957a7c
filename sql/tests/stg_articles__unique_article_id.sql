-- audit: staging.stg_articles has one row per article_id
select article_id, count(*) as n_rows
from {{ ref('stg_articles') }}
group by article_id
having count(*) > 1
