-- intermediate.int_commitment_stances
-- Grain: one row per (article_id, sentence_no, cue_id, actor_code), as int_commitment_cues_attributed,
-- minus rows whose rule only counts with a given stance.
-- Purpose: how firm each attributed cue is. Stance cues count when they stand between the subject
-- and the end of the cue (negation: "would not deploy"; hedges up to six tokens after it:
-- "is almost ready"); opposition also counts after the cue ("a requirement it has rejected").
-- The highest-priority stance cue wins; with none, the stance is committed.
create or replace table intermediate.int_commitment_stances as
with

int_commitment_cues_attributed as (
    select * from intermediate.int_commitment_cues_attributed
),

int_cue_matches as (
    select * from intermediate.int_cue_matches
),

stance_cues as (
    select * from int_cue_matches where cue_family = 'stance'
),

int_sentence_tokens as (
    select * from intermediate.int_sentence_tokens
),

grammar_words as (
    select * from lexicon.grammar_words
),

-- "Japan will not send troops but will finance ...": a contrast word ends a stance's reach
contrast_tokens as (
    select article_id, sentence_no, token_no
    from int_sentence_tokens
    where token_norm in (select word from grammar_words where word_list = 'contrast_words')
),

stance_cues_in_scope as (
    select
        int_commitment_cues_attributed.article_id,
        int_commitment_cues_attributed.sentence_no,
        int_commitment_cues_attributed.cue_id,
        int_commitment_cues_attributed.actor_code,
        int_commitment_cues_attributed.cue_start,
        int_commitment_cues_attributed.cue_end,
        stance_cues.cue_start as stance_start,
        stance_cues.cue_end as stance_end,
        stance_cues.rule_id as stance_rule_id,
        stance_cues.label as stance,
        stance_cues.priority
    from int_commitment_cues_attributed
    inner join stance_cues
        on stance_cues.article_id = int_commitment_cues_attributed.article_id
        and stance_cues.sentence_no = int_commitment_cues_attributed.sentence_no
    where (
            -- a negation may stand before an inverted subject: "Nor will Brazil provide"
            -- a subject after the cue ("'We will not send a soldier,' Orban said") scopes from the cue
            -- (a party named after an agreement cue is no such subject: "not signing the pact with China")
            stance_cues.cue_start >= case
                    when int_commitment_cues_attributed.attribution_method like 'syntactic%'
                    then least(int_commitment_cues_attributed.subject_position, int_commitment_cues_attributed.cue_start)
                    else int_commitment_cues_attributed.subject_position end
                - case when stance_cues.label = 'declined' then 2 else 0 end
            and stance_cues.cue_start <= int_commitment_cues_attributed.cue_end
                + case when stance_cues.label = 'conditional' then 6 else 0 end
        )
        or (stance_cues.label = 'opposed' and stance_cues.cue_start > int_commitment_cues_attributed.cue_end)
        -- a negation that runs up to the subject: "there will be no American boots on the ground"
        or (stance_cues.label = 'declined'
            and stance_cues.cue_end between int_commitment_cues_attributed.subject_position - 1
                                        and int_commitment_cues_attributed.cue_end)
),

-- a stance cue with a contrast word between it and the commitment cue speaks of another clause
stance_cues_in_clause as (
    select stance_cues_in_scope.*
    from stance_cues_in_scope
    where not exists (
        select 1 from contrast_tokens
        where contrast_tokens.article_id = stance_cues_in_scope.article_id
            and contrast_tokens.sentence_no = stance_cues_in_scope.sentence_no
            and (
                contrast_tokens.token_no between stance_cues_in_scope.stance_end + 1 and stance_cues_in_scope.cue_start - 1
                or contrast_tokens.token_no between stance_cues_in_scope.cue_end + 1 and stance_cues_in_scope.stance_start - 1
            )
    )
),

strongest_stance as (
    select
        article_id,
        sentence_no,
        cue_id,
        actor_code,
        arg_max(stance, priority) as stance,
        string_agg(distinct stance_rule_id, '+' order by stance_rule_id) as stance_rule_ids
    from stance_cues_in_clause
    group by article_id, sentence_no, cue_id, actor_code
),

final as (
    select
        int_commitment_cues_attributed.*,
        coalesce(strongest_stance.stance, 'committed') as stance,
        strongest_stance.stance_rule_ids
    from int_commitment_cues_attributed
    left join strongest_stance
        on strongest_stance.article_id = int_commitment_cues_attributed.article_id
        and strongest_stance.sentence_no = int_commitment_cues_attributed.sentence_no
        and strongest_stance.cue_id = int_commitment_cues_attributed.cue_id
        and strongest_stance.actor_code = int_commitment_cues_attributed.actor_code
    where int_commitment_cues_attributed.only_with_stance is null
        or int_commitment_cues_attributed.only_with_stance = coalesce(strongest_stance.stance, 'committed')
)

select * from final;
