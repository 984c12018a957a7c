{#- Materialization for_each: build a table by running the model's select once per row of another model
    (config for_each='<model>', which the model also names in a `-- depends_on: ref()` comment). Each
    column of that row except loop_no becomes a DuckDB variable the select reads with getvariable(), so a
    value taken from data (a regex pattern, a chunk number) is a constant in its run: DuckDB compiles a
    pattern read from a column once per row, a constant once. The first run creates the table, the others
    insert into it; with no row, the table is created empty. All runs are one script on the node's
    connection (the variables are that connection's). flows/warehouse/models.py runs the same steps when
    tests execute the compiled project without dbt. -#}
{% materialization for_each, adapter='duckdb' %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set loop_relation = ref(config.require('for_each')) -%}
  {%- set variables = [] -%}
  {%- for column in adapter.get_columns_in_relation(loop_relation) if column.name != 'loop_no' -%}
    {%- do variables.append(column.name) -%}
  {%- endfor -%}
  {#- the rows as one JSON text: its values keep their types (agate would guess them) -#}
  {%- set loop_json = run_query('select coalesce(to_json(list(loop_rows order by loop_no)), \'[]\')::varchar from '
                                ~ loop_relation ~ ' as loop_rows').columns[0].values()[0] -%}
  {%- set loop_rows = fromjson(loop_json) -%}
  {%- set n_runs = loop_rows | length -%}

  {{ run_hooks(pre_hooks) }}
  {{ adapter.drop_relation(target_relation) }}
  {% call statement('main') -%}
    {%- if n_runs == 0 %}
    create table {{ target_relation }} as select * from ({{ sql }}) where false;
    {%- endif %}
    {%- for loop_no in range(1, n_runs + 1) %}
      {%- for name in variables %}
    set variable {{ name }} = {{ for_each_literal(loop_rows[loop_no - 1][name]) }};
      {%- endfor %}
    {% if loop_no == 1 %}create table {{ target_relation }} as{% else %}insert into {{ target_relation }}{% endif %}
    {{ sql }};
    {%- endfor %}
    {%- for name in variables %}
    reset variable {{ name }};
    {%- endfor %}
  {%- endcall %}
  {{ run_hooks(post_hooks) }}
  {{ adapter.commit() }}
  {% do persist_docs(target_relation, model) %}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- A value of a for_each row as a SQL literal. -#}
{% macro for_each_literal(value) -%}
  {%- if value is none -%} null
  {%- elif value is string -%} '{{ value | replace("'", "''") }}'
  {%- elif value is sameas true or value is sameas false -%} {{ value | string | lower }}
  {%- else -%} {{ value }}
  {%- endif -%}
{%- endmacro %}
