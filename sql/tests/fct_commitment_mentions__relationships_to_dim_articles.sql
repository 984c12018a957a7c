-- audit: every mention points at an article of marts.dim_articles with the same source file
select fct_commitment_mentions.mention_id, fct_commitment_mentions.article_id
from {{ ref('fct_commitment_mentions') }}
left join {{ ref('dim_articles') }}
    on dim_articles.article_id = fct_commitment_mentions.article_id
where dim_articles.article_id is null
    or dim_articles.source_file <> fct_commitment_mentions.source_file
