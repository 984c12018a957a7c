{#- A value that the for_each materialization sets for one run of a model (a column of its loop row), as
    the model reads it: the DuckDB variable of that name. When a dbt var of the same name is set (a unit
    test sets them, since it runs the model's select once with no loop), that value as a constant. -#}
{% macro loop_value(name) -%}
  {%- if var(name, none) is not none -%}
    {{ for_each_literal(var(name)) }}
  {%- else -%}
    getvariable('{{ name }}')
  {%- endif -%}
{%- endmacro %}
