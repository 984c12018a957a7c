-- intermediate.int_cue_syntactic_subjects
-- Grain: one row per (article_id, sentence_no, cue_id, token_start): an actor mention that the
-- dependency parse gives as the subject of a commitment cue's predicate.
-- Purpose: who commits, read from syntax rather than proximity. From the cue's head token the parse
-- is climbed through xcomp ("agreed to send"), conj ("train and equip"), dobj/pobj/prep ("announced the
-- deployment of") - never through ccomp or advcl, so the speaker of "X said Y would send" is not reached; the
-- first nsubj / nsubjpass / passive agent ("monitored by German forces") / possessor of a nominal cue
-- ("Egypt's contribution") on that path is the subject, with its conjuncts ("A, B and C will send").
-- A possessor inside the subject ("Mozambique's neighbours") is no subject. The mention is the one
-- covering the subject token or a compound / amod of it ("German forces", "Kenyan President Ruto").
-- dependency_path says which arcs were used, e.g. "send <xcomp agreed >nsubj Germany".
-- Every rule here looks inside one sentence, so the model runs over articles in chunks of about 20,000
-- parsed sentences (by a hash of article_id): its recursive climbs then fit the build's memory cap at any
-- corpus size (in one piece, 108,000 parsed sentences spilled to disk and took 22 s instead of 4 s).
{{ config(materialized='for_each', for_each='int_parse_candidate_chunks') }}
-- depends_on: {{ ref('int_parse_candidate_chunks') }}

with recursive

int_cue_matches as (
    select * from {{ ref('int_cue_matches') }}
    where {{ in_chunk('article_id') }}
),

int_parse_candidates as (
    select * from {{ ref('int_parse_candidates') }}
    where {{ in_chunk('article_id') }}
),

int_actor_mentions as (
    select * from {{ ref('int_actor_mentions') }}
    where {{ in_chunk('article_id') }}
),

int_sentence_parses as (
    select * from {{ ref('int_sentence_parses') }}
),

sentence_tokens as (
    select
        int_parse_candidates.article_id,
        int_parse_candidates.sentence_no,
        int_sentence_parses.*
    from int_parse_candidates
    inner join int_sentence_parses
        on int_sentence_parses.sentence_key = int_parse_candidates.sentence_key
),

-- a nominal cue that takes only an adjacent actor ("U.S. security guarantees", max_actor_gap 0) is
-- left to the modifier rule: climbing from it would reach any verb ("we want security guarantees")
commitment_cues as (
    select article_id, sentence_no, cue_id, cue_start, cue_end
    from int_cue_matches
    where cue_family = 'commitment'
        and max_actor_gap > 0
),

-- verbs whose subject commits to their object ("announced the deployment of", "agreed on a force");
-- a nominal cue under any other verb ("the plan includes a monitoring mission") has no subject here
commitment_predicates as (
    select unnest([
        'send', 'deploy', 'provide', 'pledge', 'offer', 'announce', 'approve', 'agree', 'sign', 'commit',
        'contribute', 'lead', 'establish', 'build', 'supply', 'deliver', 'fund', 'finance', 'give', 'extend',
        'guarantee', 'join', 'participate', 'station', 'dispatch', 'launch', 'set', 'create', 'form', 'host',
        'back', 'support', 'promise', 'ratify', 'conclude', 'endorse', 'adopt', 'allocate', 'earmark', 'grant',
        'lend', 'train', 'equip', 'unveil', 'finalise', 'finalize', 'approve', 'authorise', 'authorize',
        'order', 'take', 'assume', 'head', 'reject', 'oppose', 'refuse', 'decline', 'rule', 'condemn',
        'veto', 'deny', 'withdraw', 'consider', 'propose', 'plan', 'prepare', 'intend', 'mull', 'weigh',
        'warn', 'protest', 'object', 'criticise', 'criticize', 'denounce', 'accept', 'welcome', 'allow',
        'fly', 'patrol', 'police', 'ensure', 'secure', 'protect', 'defend', 'monitor', 'verify', 'observe',
        'operate', 'conduct', 'carry', 'perform', 'run', 'staff', 'man', 'deliver', 'sell', 'transfer'
    ]) as lemma
),

-- the cue's head: its first token whose syntactic head lies outside the cue
cue_heads as (
    select
        commitment_cues.*,
        token.token_no,
        token.token_text
    from commitment_cues
    inner join sentence_tokens as token
        on token.article_id = commitment_cues.article_id
        and token.sentence_no = commitment_cues.sentence_no
        and token.ws_token_no between commitment_cues.cue_start and commitment_cues.cue_end
    inner join sentence_tokens as head
        on head.article_id = token.article_id
        and head.sentence_no = token.sentence_no
        and head.token_no = token.head_no
    where head.ws_token_no not between commitment_cues.cue_start and commitment_cues.cue_end
        or token.head_no = token.token_no
    qualify row_number() over (
        partition by commitment_cues.article_id, commitment_cues.sentence_no, commitment_cues.cue_id
        order by token.token_no
    ) = 1
),

-- up to four arcs up from the cue's head, through the arcs that keep the same agent
climb(article_id, sentence_no, cue_id, level, token_no, path) as (
    select article_id, sentence_no, cue_id, 0, token_no, token_text
    from cue_heads
    union all
    select
        climb.article_id,
        climb.sentence_no,
        climb.cue_id,
        climb.level + 1,
        token.head_no,
        climb.path || ' <' || token.dep || ' ' || head.token_text
    from climb
    inner join sentence_tokens as token
        on token.article_id = climb.article_id
        and token.sentence_no = climb.sentence_no
        and token.token_no = climb.token_no
    inner join sentence_tokens as head
        on head.article_id = token.article_id
        and head.sentence_no = token.sentence_no
        and head.token_no = token.head_no
    where climb.level < 4
        and token.head_no <> token.token_no
        and (
            token.dep in ('xcomp', 'conj', 'acomp', 'attr', 'oprd')
            -- a nominal cue reaches its verb through its object or preposition ("announced the
            -- deployment of"), a clause after a preposition does not ("in response to X offering")
            or (token.dep = 'pobj' and token.pos in ('NOUN', 'PROPN', 'NUM'))
            or (token.dep in ('dobj', 'prep') and token.pos in ('NOUN', 'PROPN', 'NUM', 'ADP')
                and head.lemma in (select lemma from commitment_predicates))
        )
        -- a predicate with its own subject ends the climb
        and not exists (
            select 1 from sentence_tokens as own_subject
            where own_subject.article_id = token.article_id
                and own_subject.sentence_no = token.sentence_no
                and own_subject.head_no = token.token_no
                and own_subject.dep in ('nsubj', 'nsubjpass', 'agent')
        )
        -- nor is a conjunct climbed whose auxiliary follows a name the parse left without a role ("Kenya
        -- will lead it and Uganda and Burundi will contribute troops"): that name is its own subject
        and not (token.dep = 'conj' and exists (
            select 1
            from sentence_tokens as own_aux
            inner join int_actor_mentions as own_name
                on own_name.article_id = own_aux.article_id
                and own_name.sentence_no = own_aux.sentence_no
                and own_name.token_end = own_aux.ws_token_no - 1
            where own_aux.article_id = token.article_id
                and own_aux.sentence_no = token.sentence_no
                and own_aux.head_no = token.token_no
                and own_aux.dep = 'aux'
                and not own_name.is_object
                and not own_name.is_pronoun
        ))
),

-- subjects on the path: nsubj, nsubjpass, the object of a passive agent, a nominal cue's possessor
path_subjects as (
    select
        climb.article_id,
        climb.sentence_no,
        climb.cue_id,
        climb.level,
        climb.token_no as predicate_no,
        case when child.dep = 'agent' then agent_object.token_no else child.token_no end as subject_no,
        climb.path || ' >' || child.dep || ' '
            || case when child.dep = 'agent' then agent_object.token_text else child.token_text end as path
    from climb
    inner join sentence_tokens as child
        on child.article_id = climb.article_id
        and child.sentence_no = climb.sentence_no
        and child.head_no = climb.token_no
        and child.token_no <> climb.token_no
    inner join sentence_tokens as predicate
        on predicate.article_id = climb.article_id
        and predicate.sentence_no = climb.sentence_no
        and predicate.token_no = climb.token_no
    left join sentence_tokens as agent_object
        on agent_object.article_id = child.article_id
        and agent_object.sentence_no = child.sentence_no
        and agent_object.head_no = child.token_no
        and agent_object.dep = 'pobj'
    -- a clause inside a noun phrase or after a preposition ("the possibility of NATO troops being
    -- stationed", "in response to France promising") reports an idea, not the subject's act
    where predicate.dep not in ('pcomp', 'acl')
        and (child.dep in ('nsubj', 'nsubjpass', 'agent')
             or (child.dep = 'poss' and predicate.pos in ('NOUN', 'PROPN')))
),

nearest_subject as (
    select *
    from path_subjects
    where subject_no is not null
    qualify rank() over (partition by article_id, sentence_no, cue_id order by level) = 1
),

-- the subject and its conjuncts ("Zambia, Malawi and Tanzania"), two levels deep
subject_members as (
    select article_id, sentence_no, cue_id, subject_no as member_no, path, 0 as depth
    from nearest_subject
    union all
    select s.article_id, s.sentence_no, s.cue_id, c1.token_no, s.path, 1
    from nearest_subject as s
    inner join sentence_tokens as c1
        on c1.article_id = s.article_id and c1.sentence_no = s.sentence_no
        and c1.head_no = s.subject_no and c1.dep in ('conj', 'appos')
    union all
    select s.article_id, s.sentence_no, s.cue_id, c2.token_no, s.path, 2
    from nearest_subject as s
    inner join sentence_tokens as c1
        on c1.article_id = s.article_id and c1.sentence_no = s.sentence_no
        and c1.head_no = s.subject_no and c1.dep in ('conj', 'appos')
    inner join sentence_tokens as c2
        on c2.article_id = c1.article_id and c2.sentence_no = c1.sentence_no
        and c2.head_no = c1.token_no and c2.dep in ('conj', 'appos')
),

-- the whitespace tokens that name each member: itself, its compounds and adjectives ("German forces")
member_tokens as (
    select subject_members.*, member.ws_token_no, member.pos, false as via_possessor
    from subject_members
    inner join sentence_tokens as member
        on member.article_id = subject_members.article_id
        and member.sentence_no = subject_members.sentence_no
        and member.token_no = subject_members.member_no
    union all
    select subject_members.*, modifier.ws_token_no, modifier.pos, modifier.dep = 'poss'
    from subject_members
    inner join sentence_tokens as modifier
        on modifier.article_id = subject_members.article_id
        and modifier.sentence_no = subject_members.sentence_no
        and modifier.head_no = subject_members.member_no
        and modifier.dep in ('compound', 'amod', 'nmod', 'poss')
),

mapped as (
    select
        member_tokens.article_id,
        member_tokens.sentence_no,
        member_tokens.cue_id,
        int_actor_mentions.token_start,
        any_value(int_actor_mentions.actor_code) as actor_code,
        any_value(int_actor_mentions.alias_kind) as alias_kind,
        min(member_tokens.depth) as conjunct_depth,
        -- the shortest path to the mention (then the first in text order), the same on every build
        arg_min(member_tokens.path || ' = ' || int_actor_mentions.matched_text,
                (member_tokens.depth, member_tokens.path)) as dependency_path
    from member_tokens
    inner join int_actor_mentions
        on int_actor_mentions.article_id = member_tokens.article_id
        and int_actor_mentions.sentence_no = member_tokens.sentence_no
        and member_tokens.ws_token_no between int_actor_mentions.token_start and int_actor_mentions.token_end
    -- "Mozambique's neighbours": a possessor names the subject only where it is an agent ("Kenya's army")
    where not (member_tokens.via_possessor and int_actor_mentions.is_object)
        -- a speaker by position ("..., said Macron") is no subject; a pronoun after "said" may be one
        and not (coalesce(int_actor_mentions.is_speaker, false) and not int_actor_mentions.is_pronoun)
    group by member_tokens.article_id, member_tokens.sentence_no, member_tokens.cue_id, int_actor_mentions.token_start
),

-- a reporter token with the tokens that name it: itself, its name parts and possessors, three levels
-- down ("Ghana's finance minister", "Oman's State Council's chairman Yahya Al-Mundari")
reporter_parts as (
    with recursive parts (article_id, sentence_no, member_no, token_no, ws_token_no, via, depth) as (
        select article_id, sentence_no, token_no, token_no, ws_token_no, '', 0
        from sentence_tokens
        where dep in ('nsubj', 'conj')  -- reporters and their conjuncts: no other token starts one
        union all
        select parts.article_id, parts.sentence_no, parts.member_no, part.token_no, part.ws_token_no,
               parts.via || ' >' || part.dep || ' ' || part.token_text, parts.depth + 1
        from parts
        inner join sentence_tokens as part
            on part.article_id = parts.article_id
            and part.sentence_no = parts.sentence_no
            and part.head_no = parts.token_no
            and part.dep in ('compound', 'amod', 'appos', 'poss')
        where parts.depth < 3
    )
    select article_id, sentence_no, member_no, ws_token_no, via from parts
),

-- "Lula said his country will not provide", "Belgium said it would send": a pronoun subject of a
-- reported clause stands for the subject of the reporting verb (the ccomp's head)
reporting_subjects as (
    select
        nearest_subject.article_id,
        nearest_subject.sentence_no,
        nearest_subject.cue_id,
        reporter.ws_token_no,
        nearest_subject.path || ' <ccomp ' || reporting_verb.token_text || ' >nsubj ' || reporter_member.token_text
            || reporter.via as path
    from nearest_subject
    inner join sentence_tokens as own_predicate
        on own_predicate.article_id = nearest_subject.article_id
        and own_predicate.sentence_no = nearest_subject.sentence_no
        and own_predicate.token_no = nearest_subject.predicate_no
    -- the reported clause, or a clause coordinated with it ("'It will remain as scrap,' but it will not
    -- hand over the weapons, Petro said")
    inner join sentence_tokens as predicate
        on predicate.article_id = own_predicate.article_id
        and predicate.sentence_no = own_predicate.sentence_no
        and predicate.dep = 'ccomp'
        and (predicate.token_no = own_predicate.token_no
             or (own_predicate.dep = 'conj' and predicate.token_no = own_predicate.head_no))
    inner join sentence_tokens as reporting_verb
        on reporting_verb.article_id = predicate.article_id
        and reporting_verb.sentence_no = predicate.sentence_no
        and reporting_verb.token_no = predicate.head_no
    inner join sentence_tokens as reporter_head
        on reporter_head.article_id = reporting_verb.article_id
        and reporter_head.sentence_no = reporting_verb.sentence_no
        and reporter_head.head_no = reporting_verb.token_no
        and reporter_head.dep = 'nsubj'
    -- the reporter and its conjuncts ("Croatia and the Czech Republic both declared they would not")
    inner join sentence_tokens as reporter_member
        on reporter_member.article_id = reporter_head.article_id
        and reporter_member.sentence_no = reporter_head.sentence_no
        and (reporter_member.token_no = reporter_head.token_no
             or (reporter_member.head_no = reporter_head.token_no and reporter_member.dep = 'conj'))
    -- each with its name parts ("Brazilian President Luiz Inacio Lula da Silva") and the state or body
    -- it speaks for ("Ghana's finance minister", "Oman's State Council's chairman")
    inner join reporter_parts as reporter
        on reporter.article_id = reporter_member.article_id
        and reporter.sentence_no = reporter_member.sentence_no
        and reporter.member_no = reporter_member.token_no
),

reporter_mentions as (
    select
        reporting_subjects.article_id,
        reporting_subjects.sentence_no,
        reporting_subjects.cue_id,
        int_actor_mentions.token_start,
        int_actor_mentions.actor_code,
        int_actor_mentions.alias_kind,
        0 as conjunct_depth,
        reporting_subjects.path || ' = ' || int_actor_mentions.matched_text as dependency_path
    from reporting_subjects
    inner join int_actor_mentions
        on int_actor_mentions.article_id = reporting_subjects.article_id
        and int_actor_mentions.sentence_no = reporting_subjects.sentence_no
        and reporting_subjects.ws_token_no between int_actor_mentions.token_start and int_actor_mentions.token_end
    where int_actor_mentions.actor_code is not null
    qualify row_number() over (
        partition by reporting_subjects.article_id, reporting_subjects.sentence_no, reporting_subjects.cue_id,
                     int_actor_mentions.token_start
        order by reporting_subjects.path
    ) = 1
),

-- "The two sides struck a deal, Qatar said": a pronoun for two actors never stands for the reporter
resolved as (
    select * from mapped
    where not (alias_kind like 'pronoun%'
               and not regexp_matches(lower(dependency_path), '= (?:both|the two) \w+$')
               and exists (
        select 1 from reporter_mentions
        where reporter_mentions.article_id = mapped.article_id
            and reporter_mentions.sentence_no = mapped.sentence_no
            and reporter_mentions.cue_id = mapped.cue_id
    ))
    union all
    select reporter_mentions.*
    from reporter_mentions
    semi join mapped
        on mapped.article_id = reporter_mentions.article_id
        and mapped.sentence_no = reporter_mentions.sentence_no
        and mapped.cue_id = reporter_mentions.cue_id
        and mapped.alias_kind like 'pronoun%'
        and mapped.conjunct_depth = 0
        and not regexp_matches(lower(mapped.dependency_path), '= (?:both|the two) \w+$')
),

-- conjuncts count only where the subject itself names an actor: "guarantees from the U.S. and its
-- allies include" (a misparse makes "allies" a conjunct of "guarantees") gives nobody
final as (
    select resolved.*
    from resolved
    semi join resolved as head
        on head.article_id = resolved.article_id
        and head.sentence_no = resolved.sentence_no
        and head.cue_id = resolved.cue_id
        and head.conjunct_depth = 0
)

select * from final
