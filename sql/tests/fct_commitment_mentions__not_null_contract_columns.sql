-- audit: the contract's required columns of marts.fct_commitment_mentions are never null
-- (beneficiary_code is null when the text names no beneficiary: it is read, never assumed)
select mention_id, article_id, sentence_no, actor_code, commitment_type
from {{ ref('fct_commitment_mentions') }}
where mention_id is null or article_id is null or source_file is null or sentence_no is null
    or actor_code is null or commitment_type is null or stance is null
    or evidence is null or rule_id is null
