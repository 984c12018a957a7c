"""dbt's docs site for a build: `dbt docs generate --static`, one self-contained HTML page (the project's
models, sources, tests, columns with their descriptions and types, and the lineage graph; no fetches).

The page describes the project, not the rows: dbt-duckdb's catalog carries no statistics, so two builds
of the same project (the same files in sql/, the same raw layer, the same dbt) get the same page. It is
therefore generated once per version of the project, kept in the user's cache, and copied beside the
reports as `dbt-docs/<key>.html`; each build records in `audit.dbt_docs` which page describes it (or
why there is none), and its report links to that page.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path

import duckdb

from flows.settings import PROJECT_DIR, SQL_DIR
from flows.warehouse import models
from flows.warehouse.db import connect

DOCS_FOLDER = "dbt-docs"  # beside the reports: reports/dbt-docs/<key>.html
# besides sql/, what decides the columns dbt's catalog lists: the raw layer and the lexicon's loader
_CODE_THE_CATALOG_READS = ("flows/state.py", "flows/warehouse/raw_layer.py", "flows/warehouse/lexicon.py")


def project_key(sql_dir: Path = SQL_DIR) -> str:
    """A content hash of the project (every file of sql/, the raw layer's code, dbt's version)."""
    digest = hashlib.sha256(models.dbt_version().encode())
    files = [p for p in sorted(sql_dir.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    for path in files:
        digest.update(f"\0{path.relative_to(sql_dir).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    for name in _CODE_THE_CATALOG_READS:
        digest.update(f"\0{name}\0".encode())
        digest.update((PROJECT_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def _cached_page(build_path: Path, key: str) -> Path:
    """The page of this version of the project in the user's cache, generated from `build_path` when
    the cache has none (written whole, then renamed: another process never reads half a page)."""
    cached = models.cache_root() / "docs" / f"{key}.html"
    if cached.is_file():
        return cached
    page = models.dbt_docs_generate(build_path)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    shutil.copyfile(page, partial)
    os.replace(partial, cached)
    return cached


def document_build(build_path: Path, reports_dir: Path) -> tuple[str | None, str]:
    """Put the docs page of the build's project in reports/dbt-docs/ and record it in the build's
    `audit.dbt_docs`. Returns (the page's path relative to the reports folder, or None; a note).

    A page that cannot be written does not block publishing (the data are checked by the tests, not by
    the docs): the build records why there is no page and the report says so."""
    key = project_key()
    relative, note = f"{DOCS_FOLDER}/{key}.html", f"project version {key}, {models.dbt_version()}"
    try:
        target = reports_dir / relative
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.tmp")
            shutil.copyfile(_cached_page(build_path, key), partial)
            os.replace(partial, target)
    except (OSError, models.ModelFailed) as exc:
        relative, note = None, f"dbt docs could not be written: {' '.join(str(exc).split())[:300]}"
    con = connect(build_path)
    try:
        con.execute("create schema if not exists audit")
        con.execute("create or replace table audit.dbt_docs (project_key varchar, page varchar, note varchar)")
        con.execute("insert into audit.dbt_docs values (?, ?, ?)", [key, relative, note])
        with contextlib.suppress(duckdb.Error):
            con.execute("comment on table audit.dbt_docs is 'The dbt docs page that describes this build "
                        "(relative to the reports folder), or why there is none.'")
    finally:
        con.close()
    return relative, note
