"""Cleaned batches as Parquet files: how cleaning processes hand their output to the flow.

Each part holds the cleaned files' rows and, beside it, their body split into sentences, so no
batch stays in the flow's memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from flows.ingest.clean import FIELDS as CLEANED_FIELDS
from flows.ingest.textclean import split_body_sentences
from flows.profile import step
from flows.warehouse.db import sql_string

CLEANED_TYPES = {
    "size_bytes": "bigint", "raw_chars": "bigint", "clean_chars": "bigint", "n_paragraphs": "integer",
    "n_lines_dropped": "integer", "n_duplicates_removed": "integer",
}


def sentence_rows(rows: Iterable[dict]) -> pd.DataFrame:
    """Split the body of every cleaned article into (article_id, paragraph_no, sentence_no, sentence)."""
    out = []
    for row in rows:
        if row["status"] == "ok":
            out.extend((row["article_id"], p, s, text) for p, s, text in split_body_sentences(row["body"]))
    return pd.DataFrame(out, columns=["article_id", "paragraph_no", "sentence_no", "sentence"]).astype(
        {"paragraph_no": "int32", "sentence_no": "int32"}
    )

def cleaned_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=CLEANED_FIELDS)
    for name in CLEANED_TYPES:
        frame[name] = frame[name].astype("Int64")
    return frame

def sentences_path(batch_path: Path) -> Path:
    return batch_path.with_name(batch_path.stem + ".sentences.parquet")

def write_batch(rows: list[dict], batch_path: Path) -> None:
    """Write a cleaned batch (files and their sentences) as two Parquet files.

    Cleaning processes hand their output over as files, so no batch stays in the flow's memory.
    """
    batch_path.parent.mkdir(parents=True, exist_ok=True)
    with step("sentence splitting"):
        sentences = sentence_rows(rows)
    with step("parquet hand-off"):
        con = duckdb.connect()
        try:
            con.register("cleaned_frame", cleaned_frame(rows))
            con.register("sentence_frame", sentences)
            con.execute(f"copy cleaned_frame to {sql_string(str(batch_path))} (format parquet)")
            con.execute(f"copy sentence_frame to {sql_string(str(sentences_path(batch_path)))} (format parquet)")
        finally:
            con.close()

def write_batch_parts(rows: Iterable[dict], batch_path: Path, part_size: int = 500) -> list[Path]:
    """Write rows as Parquet parts of at most part_size rows (a WARC archive streams through here)."""
    parts, chunk = [], []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= part_size:
            parts.append(_write_part(chunk, batch_path, len(parts)))
            chunk = []
    if chunk or not parts:
        parts.append(_write_part(chunk, batch_path, len(parts)))
    return parts

def _write_part(rows: list[dict], batch_path: Path, part_no: int) -> Path:
    path = batch_path.with_name(f"{batch_path.stem}-part{part_no:04d}.parquet")
    write_batch(rows, path)
    return path
