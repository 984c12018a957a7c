"""What the command line prints: query results in four formats, and a run's summary."""

from __future__ import annotations

import csv
import io
import json

REJECTS_SHOWN = 20  # the console lists this many rejected files; the report and raw.rejects have them all


def format_summary(summary: dict) -> str:
    lines = [
        f"run {summary['run_id']}: {summary['status']}",
        f"files: {summary['files_found']} found, {summary['files_new']} new, {summary['files_changed']} changed, "
        f"{summary['files_unchanged']} unchanged, {summary['files_rejected']} rejected",
        f"articles: {summary['articles']} ({summary['non_english']} not English, kept and skipped by extraction)",
    ]
    for source_file, reason in summary["rejects"][:REJECTS_SHOWN]:
        shown = source_file if source_file.isprintable() else source_file.encode("unicode_escape").decode("ascii")
        lines.append(f"  rejected {shown}: {reason}")
    if len(summary["rejects"]) > REJECTS_SHOWN:
        lines.append(f"  ... and {len(summary['rejects']) - REJECTS_SHOWN} more rejected files "
                     '(commitments sql "select * from raw.rejects")')
    if summary.get("build_plan"):
        lines.append(summary["build_plan"]["summary"])
    if summary.get("message"):
        lines.append(summary["message"])
    if summary["rows"]:
        lines.append("rows: " + ", ".join(f"{k} {v}" for k, v in summary["rows"].items() if k.startswith("marts.")))
    lines.append(f"warehouse: {summary['warehouse']}")
    lines.append(f"report: {summary['report']}")
    if summary.get("flow_run_id"):
        lines.append(f"prefect flow run: {summary['flow_run_id']}")
    return "\n".join(lines)


def format_rows(columns: list[str], rows: list[tuple], fmt: str) -> str:
    def cell(value) -> str:
        return "" if value is None else str(value)

    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], default=str, ensure_ascii=False, indent=1)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell(v) for v in row] for row in rows])
        return buffer.getvalue().rstrip("\n")
    if fmt == "markdown":
        def md(value: str) -> str:
            return value.replace("|", "\\|").replace("\n", " ")
        lines = ["| " + " | ".join(md(c) for c in columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(md(cell(v)) for v in row) + " |" for row in rows]
        return "\n".join(lines)
    texts = [[cell(v).replace("\n", " ") for v in row] for row in rows]
    widths = [min(max([len(c)] + [len(t[i]) for t in texts]), 80) for i, c in enumerate(columns)]
    def line(values):
        return "  ".join(v[:80].ljust(w) for v, w in zip(values, widths)).rstrip()
    out = [line(columns), line(["-" * w for w in widths])] + [line(t) for t in texts]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
