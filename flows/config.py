"""Run settings, built once from flags (and defaults relative to the project) and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_DIR / "sql"
DEFAULT_RAW_DIR = PROJECT_DIR / "raw"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "commitments.duckdb"


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse: Path
    max_file_bytes: int = 50_000_000
    batch_size: int = 500
    doc_timeout_s: float = 20.0

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
        return self.warehouse_dir / f".{self.warehouse.stem}.build-{run_id}.duckdb"


def make_settings(raw_dir: str | Path | None = None, warehouse: str | Path | None = None, **overrides) -> Settings:
    """Settings with paths resolved; defaults are the project's raw/ and warehouse/."""
    raw = Path(raw_dir).expanduser().resolve() if raw_dir else DEFAULT_RAW_DIR
    wh = Path(warehouse).expanduser().resolve() if warehouse else DEFAULT_WAREHOUSE
    return Settings(raw_dir=raw, warehouse=wh, **overrides)
