-- audit: a mention names the source file of its article in marts.dim_articles (that the article exists
-- is the relationships test on article_id, in _marts__models.yml)
select fct_commitment_mentions.mention_id, fct_commitment_mentions.article_id, fct_commitment_mentions.source_file
from {{ ref('fct_commitment_mentions') }}
inner join {{ ref('dim_articles') }}
    on dim_articles.article_id = fct_commitment_mentions.article_id
where dim_articles.source_file <> fct_commitment_mentions.source_file
