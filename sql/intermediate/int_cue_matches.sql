-- intermediate.int_cue_matches
-- Grain: one row per (article_id, sentence_no, rule_id, cue_start): each match of a cue rule
-- (commitment type, stance or condition); cue_start / cue_end are the token positions of the match.
-- Purpose: every lexicon hit with its span, for the candidates of intermediate.int_cue_candidates.
-- for each: select rule_id as cue_rule_id, pattern as cue_pattern, exclude_pattern as cue_exclude, cue_group from staging.stg_cue_rules where rule_id in (select rule_id from intermediate.int_cue_candidates) order by rule_id
-- The runner creates the table once, then runs the insert once per rule with the variables above set,
-- so each pattern is a constant compiled once (a pattern read from a column is compiled for every row);
-- a rule no sentence is a candidate for matches nothing and is not run (a few articles need few rules).
-- In the duckdb CLI: set variable cue_rule_id = 'TD01';
--   set variable cue_pattern = (select pattern from staging.stg_cue_rules where rule_id = 'TD01');
--   set variable cue_exclude = (select exclude_pattern from staging.stg_cue_rules where rule_id = 'TD01');
--   set variable cue_group = (select cue_group from staging.stg_cue_rules where rule_id = 'TD01');
-- A match that also matches the rule's exclude_pattern is dropped ("provide weapons to Ukrainian forces"
-- is no deployment of forces).
-- A pattern with a capturing group reports only the group as the cue: the rest of the match is context
-- ("the tanks that (promised)": the cue is the verb, so its subject is who promised).
create or replace table intermediate.int_cue_matches (
    article_id varchar,
    sentence_no integer,
    cue_id varchar,
    cue_family varchar,
    rule_id varchar,
    label varchar,
    priority integer,
    max_actor_gap integer,
    only_with_stance varchar,
    is_type_from_article boolean,
    matched_text varchar,
    cue_start integer,
    cue_end integer
);

insert into intermediate.int_cue_matches
with

int_cue_candidates as (
    select * from intermediate.int_cue_candidates
),

stg_cue_rules as (
    select * from staging.stg_cue_rules
),

confirmed as (
    select
        int_cue_candidates.article_id,
        int_cue_candidates.sentence_no,
        stg_cue_rules.cue_family,
        stg_cue_rules.rule_id,
        stg_cue_rules.label,
        stg_cue_rules.priority,
        stg_cue_rules.max_actor_gap,
        stg_cue_rules.only_with_stance,
        stg_cue_rules.is_type_from_article,
        int_cue_candidates.sentence,
        unnest(regexp_extract_all(int_cue_candidates.sentence_lc, getvariable('cue_pattern'))) as whole_lc,
        unnest(regexp_extract_all(int_cue_candidates.sentence_lc, getvariable('cue_pattern'),
                                  getvariable('cue_group'))) as matched_lc,
        int_cue_candidates.sentence_lc
    from int_cue_candidates
    inner join stg_cue_rules
        on stg_cue_rules.rule_id = int_cue_candidates.rule_id
    where int_cue_candidates.rule_id = getvariable('cue_rule_id')
),

-- the same text matched twice in one sentence is one cue (at its first position)
located as (
    select distinct
        *,
        strpos(sentence_lc, whole_lc) + strpos(whole_lc, matched_lc) - 1 as match_offset
    from confirmed
    where matched_lc <> ''
        and (getvariable('cue_exclude') = '' or not regexp_matches(whole_lc, getvariable('cue_exclude')))
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
        *,
        -- the token holding the first character of the match
        case when trim(text_before) = '' then 0
             else len(string_split_regex(trim(text_before), '\s+'))
                  - case when regexp_matches(text_before, '\s$') then 0 else 1 end
        end as cue_start,
        len(string_split_regex(trim(text_through), '\s+')) - 1 as cue_end
    from with_prefixes
),

final as (
    select
        article_id,
        sentence_no,
        rule_id || '@' || cue_start as cue_id,
        cue_family,
        rule_id,
        label,
        priority,
        max_actor_gap,
        only_with_stance,
        is_type_from_article,
        substr(sentence, match_offset, length(matched_lc)) as matched_text,
        cue_start,
        cue_end
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
)

select * from final;
