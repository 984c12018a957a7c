-- intermediate.int_commitment_stances
-- Grain: one row per (article_id, sentence_no, cue_id, actor_code), as int_commitment_cues_attributed,
-- minus rows whose rule only counts with a given stance.
-- Purpose: how firm each attributed cue is. Stance cues count when they stand between the subject
-- and the end of the cue (negation: "would not deploy"; hedges up to six tokens after it:
-- "is almost ready"); opposition also counts after the cue ("a requirement it has rejected").
-- The highest-priority stance cue wins; with none, the stance is committed. A refusal that is only the
-- reporter's observation ("haven't contributed troops", no one quoted) is no commitment at all.
with

int_commitment_cues_attributed as (
    select * from {{ ref('int_commitment_cues_attributed') }}
),

int_cue_matches as (
    select * from {{ ref('int_cue_matches') }}
),

stance_cues as (
    select * from int_cue_matches where cue_family = 'stance'
),

int_sentence_tokens as (
    select * from {{ ref('int_sentence_tokens') }}
),

grammar_words as (
    select * from {{ source('lexicon', 'grammar_words') }}
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

-- "A, B and C haven't contributed troops": a negated perfect or past tense no one is quoted saying is
-- the reporter's observation of what has not happened, not a refusal by the actor
observed_negations as (
    select distinct stance_cues.article_id, stance_cues.sentence_no, stance_cues.cue_start
    from stance_cues
    inner join int_sentence_tokens as negation
        on negation.article_id = stance_cues.article_id
        and negation.sentence_no = stance_cues.sentence_no
        and negation.token_no = stance_cues.cue_start
    left join int_sentence_tokens as auxiliary
        on auxiliary.article_id = negation.article_id
        and auxiliary.sentence_no = negation.sentence_no
        and auxiliary.token_no = negation.token_no - 1
    where stance_cues.label = 'declined'
        and (negation.token_norm in ('hasn''t', 'haven''t', 'hadn''t', 'didn''t')
             or (negation.token_norm in ('not', 'never') and auxiliary.token_norm in ('has', 'have', 'had', 'did')))
        and not exists (
            select 1 from int_sentence_tokens as reporting
            where reporting.article_id = stance_cues.article_id
                and reporting.sentence_no = stance_cues.sentence_no
                and reporting.token_norm in (select word from grammar_words where word_list = 'reporting_verbs')
        )
),

strongest_stance as (
    select
        stance_cues_in_clause.article_id,
        stance_cues_in_clause.sentence_no,
        stance_cues_in_clause.cue_id,
        stance_cues_in_clause.actor_code,
        -- equal priorities are settled by the stance's name, so that every build gives the same one
        arg_max(stance_cues_in_clause.stance, (stance_cues_in_clause.priority, stance_cues_in_clause.stance)) as stance,
        string_agg(distinct stance_cues_in_clause.stance_rule_id, '+' order by stance_cues_in_clause.stance_rule_id)
            as stance_rule_ids,
        bool_and(observed_negations.cue_start is not null or stance_cues_in_clause.stance <> 'declined')
            as is_observation_only
    from stance_cues_in_clause
    left join observed_negations
        on observed_negations.article_id = stance_cues_in_clause.article_id
        and observed_negations.sentence_no = stance_cues_in_clause.sentence_no
        and observed_negations.cue_start = stance_cues_in_clause.stance_start
    group by all
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
    where (int_commitment_cues_attributed.only_with_stance is null
            or int_commitment_cues_attributed.only_with_stance = coalesce(strongest_stance.stance, 'committed'))
        and not coalesce(strongest_stance.stance = 'declined' and strongest_stance.is_observation_only, false)
)

select * from final
