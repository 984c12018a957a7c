-- audit: every evidence sentence is verbatim in the cleaned body of its article
select
    fct_commitment_mentions.mention_id,
    fct_commitment_mentions.article_id,
    fct_commitment_mentions.evidence
from {{ ref('fct_commitment_mentions') }}
left join {{ ref('stg_articles') }}
    on stg_articles.article_id = fct_commitment_mentions.article_id
where stg_articles.article_id is null
    or not contains(stg_articles.body, fct_commitment_mentions.evidence)
