-- intermediate.int_parse_candidate_chunks
-- Grain: one row per chunk of articles (loop_no 1, 2, ...) of about 20,000 parsed sentences.
-- Purpose: the rows the for_each model int_cue_syntactic_subjects runs once for (chunk_no and n_chunks
-- become DuckDB variables; macro in_chunk() filters on them): its recursive climbs through the parse
-- then fit the build's memory cap at any corpus size.
with

int_parse_candidates as (
    select * from {{ ref('int_parse_candidates') }}
),

counted as (
    select greatest(1, ceil(count(*) / 20000))::bigint as n_chunks
    from int_parse_candidates
),

final as (
    select
        chunk_no + 1 as loop_no,
        chunk_no,
        n_chunks
    from (select unnest(range(n_chunks)) as chunk_no, n_chunks from counted)
)

select * from final
