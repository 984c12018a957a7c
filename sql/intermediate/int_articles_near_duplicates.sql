-- intermediate.int_articles_near_duplicates
-- Grain: one row per article that is a near-duplicate (syndicated copy, light rewrite) of an earlier
-- article: article_id, duplicate_of, shared_sentence_share.
-- Purpose: keep publisher counts honest. An article is a copy when at least half of its substantive
-- sentences (40+ characters, compared without case and punctuation) appear in another article that
-- was published earlier (or, at equal dates, comes first by source file).
create or replace table intermediate.int_articles_near_duplicates as
with

stg_sentences as (
    select * from staging.stg_sentences
),

stg_articles as (
    select * from staging.stg_articles
),

sentence_hashes as (
    select distinct
        article_id,
        md5(trim(regexp_replace(sentence_lc, '[^[:alnum:]]+', ' ', 'g'))) as sentence_hash
    from stg_sentences
    where length(sentence) >= 40
),

-- a sentence found in very many articles is a formula, not evidence of copying
common_hashes as (
    select sentence_hash
    from sentence_hashes
    group by sentence_hash
    having count(*) > 50
),

distinctive_hashes as (
    select sentence_hashes.*
    from sentence_hashes
    anti join common_hashes
        on common_hashes.sentence_hash = sentence_hashes.sentence_hash
),

article_sizes as (
    select article_id, count(*) as n_sentences
    from distinctive_hashes
    group by article_id
),

shared_pairs as (
    select
        copy.article_id,
        original.article_id as original_id,
        count(*) as n_shared
    from distinctive_hashes as copy
    inner join distinctive_hashes as original
        on original.sentence_hash = copy.sentence_hash
        and original.article_id <> copy.article_id
    group by all
),

ordered_pairs as (
    select
        shared_pairs.article_id,
        shared_pairs.original_id,
        shared_pairs.n_shared / article_sizes.n_sentences as shared_sentence_share,
        coalesce(original_article.published, timestamp '9999-12-31') as original_published,
        original_article.source_file as original_source_file
    from shared_pairs
    inner join article_sizes
        on article_sizes.article_id = shared_pairs.article_id
    inner join stg_articles as copy_article
        on copy_article.article_id = shared_pairs.article_id
    inner join stg_articles as original_article
        on original_article.article_id = shared_pairs.original_id
    where article_sizes.n_sentences >= 2
        and shared_pairs.n_shared / article_sizes.n_sentences >= 0.5
        and (
            coalesce(original_article.published, timestamp '9999-12-31')
                < coalesce(copy_article.published, timestamp '9999-12-31')
            or (
                coalesce(original_article.published, timestamp '9999-12-31')
                    = coalesce(copy_article.published, timestamp '9999-12-31')
                and original_article.source_file < copy_article.source_file
            )
        )
),

final as (
    select
        article_id,
        original_id as duplicate_of,
        shared_sentence_share
    from ordered_pairs
    qualify row_number() over (
        partition by article_id order by original_published, original_source_file
    ) = 1
)

select * from final;
