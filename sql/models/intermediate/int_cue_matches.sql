-- intermediate.int_cue_matches
-- Grain: one row per (article_id, sentence_no, rule_id, cue_start): each match of a cue rule
-- (commitment type, stance or condition); cue_start / cue_end are the token positions of the match.
-- Purpose: every lexicon hit with its span, for the candidates of intermediate.int_cue_candidates. A
-- sentence text is matched once (int_cue_hits, one pattern at a time) and its matches are placed on the
-- text's tokens and copied to every occurrence of that text, in one statement for all rules.
with

int_cue_hits as (
    select * from {{ ref('int_cue_hits') }}
),

stg_cue_rules as (
    select * from {{ ref('stg_cue_rules') }}
),

int_sentence_texts as (
    select * from {{ ref('int_sentence_texts') }}
),

-- the same text matched twice in one sentence is one cue (at its first position)
located as (
    select distinct
        *,
        strpos(sentence_lc, whole_lc) + strpos(whole_lc, matched_lc) - 1 as match_offset
    from int_cue_hits
),

with_prefixes as (
    select
        *,
        substr(sentence_lc, 1, match_offset - 1) as text_before,
        substr(sentence_lc, 1, match_offset + length(matched_lc) - 1) as text_through
    from located
),

positioned as (
    select
        with_prefixes.*,
        stg_cue_rules.cue_family,
        stg_cue_rules.label,
        stg_cue_rules.priority,
        stg_cue_rules.max_actor_gap,
        stg_cue_rules.only_with_stance,
        stg_cue_rules.is_type_from_article,
        -- the token holding the first character of the match
        case when trim(text_before) = '' then 0
             else len(string_split_regex(trim(text_before), '\s+'))
                  - case when regexp_matches(text_before, '\s$') then 0 else 1 end
        end as cue_start,
        len(string_split_regex(trim(text_through), '\s+')) - 1 as cue_end
    from with_prefixes
    inner join stg_cue_rules
        on stg_cue_rules.rule_id = with_prefixes.rule_id
),

kept as (
    select *
    from positioned
    -- a one-word stance or condition cue written with a capital inside running text is a name or a
    -- month, not a modal: "arrive in May", "Theresa May said" (a Title Case headline keeps it)
    where not (
        cue_family <> 'commitment'
        and cue_start > 0
        and not contains(matched_lc, ' ')
        and regexp_matches(substr(sentence, match_offset, 1), '\p{Lu}')
        and (regexp_matches(substr(sentence, 1, match_offset - 1), '\p{Ll}[^\s]*\s+$')
             or regexp_matches(substr(sentence, match_offset + length(matched_lc)), '^\s+\p{Ll}'))
    )
),

-- the matches of a text, for every article sentence that has the text
final as (
    select
        int_sentence_texts.article_id,
        cast(int_sentence_texts.sentence_no as integer) as sentence_no,
        kept.rule_id || '@' || kept.cue_start as cue_id,
        kept.cue_family,
        kept.rule_id,
        kept.label,
        cast(kept.priority as integer) as priority,
        cast(kept.max_actor_gap as integer) as max_actor_gap,
        kept.only_with_stance,
        kept.is_type_from_article,
        substr(kept.sentence, kept.match_offset, length(kept.matched_lc)) as matched_text,
        cast(kept.cue_start as integer) as cue_start,
        cast(kept.cue_end as integer) as cue_end
    from kept
    inner join int_sentence_texts
        on int_sentence_texts.text_no = kept.text_no
)

select * from final
