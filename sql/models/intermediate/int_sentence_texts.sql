-- intermediate.int_sentence_texts
-- Grain: one row per (article_id, sentence_no) of an English article. text_no names the distinct
-- sentence texts by their content (md5 of the text as a number: equal texts, word for word, share it, and
-- a text keeps it from build to build, so two builds of the same articles give the same rows);
-- is_first_occurrence marks the first (article_id, sentence_no) with the text.
-- Purpose: what depends on nothing but a sentence's text (the cue candidates and matches) is computed
-- once per text and copied to every occurrence: syndicated wire copy and a publisher's standing lines
-- recur word for word across articles.
with

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

stg_articles as (
    select * from {{ ref('stg_articles') }}
),

extractable_sentences as (
    select
        stg_sentences.article_id,
        stg_sentences.sentence_no,
        stg_sentences.sentence
    from stg_sentences
    inner join stg_articles
        on stg_articles.article_id = stg_sentences.article_id
    where stg_articles.is_extractable
),

texts as (
    select
        sentence,
        min({'article_id': article_id, 'sentence_no': sentence_no}) as first_occurrence
    from extractable_sentences
    group by sentence
),

numbered as (
    select
        md5_number(sentence) as text_no,
        sentence,
        first_occurrence
    from texts
),

final as (
    select
        extractable_sentences.article_id,
        extractable_sentences.sentence_no,
        numbered.text_no,
        extractable_sentences.article_id = numbered.first_occurrence.article_id
            and extractable_sentences.sentence_no = numbered.first_occurrence.sentence_no
            as is_first_occurrence
    from extractable_sentences
    inner join numbered
        on numbered.sentence = extractable_sentences.sentence
)

select * from final
