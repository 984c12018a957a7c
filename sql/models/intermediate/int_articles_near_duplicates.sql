-- intermediate.int_articles_near_duplicates
-- Grain: one row per article that is a near-duplicate (syndicated copy, light rewrite) of an earlier
-- article: article_id, duplicate_of, shared_sentence_share.
-- Purpose: keep publisher counts honest. An article is a copy when at least half of its substantive
-- sentences (40+ characters, compared without case and punctuation) first appeared in one and the same
-- earlier article (earlier by publication date, then by source file). Each sentence is traced to the
-- first article that holds it (a group-by, not a join of every pair), so a wire story republished by
-- any number of publishers folds into its original, and a formula sentence shared by many unrelated
-- articles ("Sign up for our newsletter") is one sentence of each, never half of one. Sentences are
-- compared by int_article_sentence_hashes (without case and punctuation, computed per article).
with

sentence_hashes as (
    select * from {{ ref('int_article_sentence_hashes') }}
),

stg_articles as (
    select * from {{ ref('stg_articles') }}
),

article_order as (
    select
        article_id,
        row_number() over (
            order by coalesce(published, timestamp '9999-12-31'), source_file, article_id
        ) as article_rank
    from stg_articles
),

-- the first article (in publication order) that holds each sentence
first_holders as (
    select
        sentence_hashes.sentence_hash,
        arg_min(sentence_hashes.article_id, article_order.article_rank) as first_article_id
    from sentence_hashes
    inner join article_order
        on article_order.article_id = sentence_hashes.article_id
    group by sentence_hashes.sentence_hash
),

article_sizes as (
    select article_id, count(*) as n_sentences
    from sentence_hashes
    group by article_id
),

traced as (
    select
        sentence_hashes.article_id,
        first_holders.first_article_id as original_id,
        count(*) as n_shared
    from sentence_hashes
    inner join first_holders
        on first_holders.sentence_hash = sentence_hashes.sentence_hash
    where first_holders.first_article_id <> sentence_hashes.article_id
    group by all
),

final as (
    select
        traced.article_id,
        traced.original_id as duplicate_of,
        traced.n_shared / article_sizes.n_sentences as shared_sentence_share
    from traced
    inner join article_sizes
        on article_sizes.article_id = traced.article_id
    inner join article_order
        on article_order.article_id = traced.original_id
    -- at least two shared sentences: one formula sentence is no copy, even of a two-sentence brief
    where traced.n_shared >= 2
        and traced.n_shared / article_sizes.n_sentences >= 0.5
    qualify row_number() over (
        partition by traced.article_id order by traced.n_shared desc, article_order.article_rank
    ) = 1
)

select * from final
