-- intermediate.int_parse_candidate_chunks
-- Grain: one row per chunk of articles (loop_no 1, 2, ...) of about 20,000 parsed sentences (var
-- parsed_sentences_per_chunk).
-- Purpose: the rows the for_each model int_cue_syntactic_subjects runs once for (chunk_no and n_chunks
-- become DuckDB variables; macro in_chunk() filters on them): its recursive climbs through the parse
-- then fit the build's memory cap at any corpus size.
with

int_parse_candidates as (
    select * from {{ ref('int_parse_candidates') }}
),

final as (
    {{ article_chunks('int_parse_candidates', var('parsed_sentences_per_chunk', 20000)) }}
)

select * from final
