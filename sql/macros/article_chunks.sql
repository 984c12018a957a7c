{#- The loop rows of a for_each model that runs over articles in chunks: one row per chunk (loop_no 1, 2,
    ...; chunk_no from 0; n_chunks), as many chunks as `rows_per_chunk` rows of `relation` need, at least
    one (so that the model's table is created on an empty build). The model filters its rows with
    in_chunk(). -#}
{% macro article_chunks(relation, rows_per_chunk) -%}
select
        chunk_no + 1 as loop_no,
        chunk_no,
        n_chunks
    from (
        select unnest(range(n_chunks)) as chunk_no, n_chunks
        from (select greatest(1, ceil(count(*) / {{ rows_per_chunk }}))::bigint as n_chunks from {{ relation }})
    )
{%- endmacro %}
