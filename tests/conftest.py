"""Shared fixtures: an isolated Prefect API for the session, and warehouses built from literal articles."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# the same examples on every machine: a property failure in CI reproduces locally
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.load_profile("repeatable")

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

PROJECT_DIR = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_RAW = PROJECT_DIR / "raw"
GOLD_CSV = FIXTURES / "eval" / "seed_gold.csv"
CLEAN_GOLD = FIXTURES / "eval" / "seed_clean_gold.json"
SAMPLE_FILES = sorted(p.name for p in SAMPLE_RAW.glob("*.txt"))

# `make test` runs one process per core and hands out whole files in collection order
# (`--dist loadfile --no-loadscope-reorder`): the longest files start first, so the suite does not end
# with one process running a long file alone (their tests' times summed from a --junitxml run: about 9,
# 5, 5 and 2 minutes of 33)
LONGEST_FIRST = ("test_write_audit_publish.py", "test_extraction.py", "test_pipeline.py", "test_hostile_inputs.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file's tests keep their order


@pytest.fixture(scope="session")
def prefect_api_url(tmp_path_factory):
    """A real Prefect API (Prefect's test harness: temporary database) shared by every flow run."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        url = PREFECT_API_URL.value()
        os.environ["PREFECT_API_URL"] = url
        try:
            yield url
        finally:
            os.environ.pop("PREFECT_API_URL", None)


def copy_samples(raw: Path) -> Path:
    """The bundled sample corpus copied into a new folder `raw`."""
    raw.mkdir(parents=True)
    for name in SAMPLE_FILES:
        shutil.copy2(SAMPLE_RAW / name, raw / name)
    return raw


def copy_published_run(raw: Path, warehouse: Path, into: Path) -> tuple[Path, Path]:
    """A test's own copy of a published run: its raw folder and its warehouse folder (published file,
    state, history, reports), so a test that runs again starts from a real published run without paying
    for one. The copied raw files have new inodes, so the next run hashes them again and finds them
    unchanged."""
    raw_copy = Path(shutil.copytree(raw, into / "raw"))
    warehouse_copy = Path(shutil.copytree(warehouse.parent, into / "wh")) / warehouse.name
    return raw_copy, warehouse_copy


def written_unit_tests() -> list[dict]:
    """The dbt unit tests as written in the models' `_<layer>__unit_tests.yml` files."""
    import yaml

    return [test for path in sorted((PROJECT_DIR / "sql" / "models").glob("*/_*__unit_tests.yml"))
            for test in yaml.safe_load(path.read_text(encoding="utf-8"))["unit_tests"]]


@pytest.fixture
def sample_raw(tmp_path) -> Path:
    """A copy of the bundled sample corpus in a fresh folder."""
    return copy_samples(tmp_path / "raw")
