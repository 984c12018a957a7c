{#- ref() and source() name a relation as schema.table, without the database: the database of a DuckDB
    file is its file name, and the flow builds into a new file that it renames when it publishes, so a
    view that named the build file's database would break after publishing. -#}
{% macro ref() -%}
  {{ return(builtins.ref(*varargs, **kwargs).include(database=False)) }}
{%- endmacro %}

{% macro source() -%}
  {{ return(builtins.source(*varargs, **kwargs).include(database=False)) }}
{%- endmacro %}
