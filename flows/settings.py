"""Run settings: every default written once, here; read by the flow, the command line and `serve`."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_DIR / "sql"
DEFAULT_RAW_DIR = PROJECT_DIR / "raw"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "commitments.duckdb"


@dataclass(frozen=True)
class Settings:
    raw_dir: Path = DEFAULT_RAW_DIR
    warehouse: Path = DEFAULT_WAREHOUSE
    batch_size: int = 500  # raw files per cleaning task
    workers: int = 2  # cleaning processes
    doc_timeout_s: float = 20.0  # seconds allowed to clean one document
    max_file_mb: int = 50  # larger raw files are rejected unread

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * 1_000_000

    @property
    def warehouse_dir(self) -> Path:
        return self.warehouse.parent

    @property
    def state_path(self) -> Path:
        """Incremental state and run history: survives failed runs (never published)."""
        return self.warehouse_dir / f".{self.warehouse.stem}.state.duckdb"

    @property
    def lock_path(self) -> Path:
        return self.warehouse_dir / f".{self.warehouse.stem}.lock"

    @property
    def reports_dir(self) -> Path:
        return self.warehouse_dir / "reports"

    def batch_dir(self, run_id: str) -> Path:
        """Where cleaning processes leave their Parquet batches until the flow stores them."""
        return self.warehouse_dir / f".{self.warehouse.stem}.batches-{run_id}"

    def build_path(self, run_id: str) -> Path:
        """The run's new warehouse file, in a folder of its own: always named build.duckdb, since DuckDB
        names a file's database after the file and the parsed dbt project keeps that name."""
        return self.warehouse_dir / f".{self.warehouse.stem}.build-{run_id}" / "build.duckdb"

    def flow_parameters(self) -> dict:
        """The flow's parameters for these settings (JSON values, as a deployment stores them)."""
        return {"raw_dir": str(self.raw_dir), "warehouse": str(self.warehouse), "batch_size": self.batch_size,
                "doc_timeout_s": self.doc_timeout_s, "max_file_mb": self.max_file_mb}


DEFAULTS = Settings()


def default(name: str):
    """The default of one setting (for help texts and flag defaults)."""
    return getattr(DEFAULTS, name)


def make_settings(raw_dir: str | Path | None = None, warehouse: str | Path | None = None, **overrides) -> Settings:
    """Settings with paths resolved; a value left as None keeps its default."""
    known = {f.name for f in fields(Settings)}
    unknown = set(overrides) - known
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    values = {k: v for k, v in overrides.items() if v is not None}
    if raw_dir:
        values["raw_dir"] = Path(raw_dir).expanduser().resolve()
    if warehouse:
        values["warehouse"] = Path(warehouse).expanduser().resolve()
    return replace(DEFAULTS, **values)
