-- intermediate.int_sentence_token_chunks
-- Grain: one row per chunk of articles (loop_no 1, 2, ...) of about two million tokens (var
-- tokens_per_chunk).
-- Purpose: the rows the for_each models int_actor_mentions and int_commitment_cues_attributed run
-- once for (chunk_no and n_chunks become DuckDB variables; macro in_chunk() filters on them). Their
-- rules look inside one sentence or one article, so their windows and joins then need the same memory
-- at any corpus size.
with

int_sentence_tokens as (
    select * from {{ ref('int_sentence_tokens') }}
),

final as (
    {{ article_chunks('int_sentence_tokens', var('tokens_per_chunk', 2000000)) }}
)

select * from final
