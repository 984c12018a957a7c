-- intermediate.int_parse_candidates
-- Grain: one row per (article_id, sentence_no) that holds a commitment cue and an actor mention (a
-- name, a demonym, a person or a pronoun that may stand for one).
-- Purpose: the only sentences the syntactic layer parses (flows/parse.py fills the parse table
-- for them right after this model), so parsing costs what is worth parsing.
with

int_cue_matches as (
    select * from {{ ref('int_cue_matches') }}
),

int_actor_mentions as (
    select * from {{ ref('int_actor_mentions') }}
),

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

sentences_with_cues as (
    select distinct article_id, sentence_no
    from int_cue_matches
    where cue_family = 'commitment'
),

sentences_with_actors as (
    select distinct article_id, sentence_no
    from int_actor_mentions
),

final as (
    select
        stg_sentences.article_id,
        stg_sentences.sentence_no,
        stg_sentences.sentence,
        md5(stg_sentences.sentence) as sentence_key
    from stg_sentences
    semi join sentences_with_cues
        on sentences_with_cues.article_id = stg_sentences.article_id
        and sentences_with_cues.sentence_no = stg_sentences.sentence_no
    semi join sentences_with_actors
        on sentences_with_actors.article_id = stg_sentences.article_id
        and sentences_with_actors.sentence_no = stg_sentences.sentence_no
)

select * from final
